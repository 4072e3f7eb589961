export * from './native-json.ts';
export * from './outcome.ts';
export * from './zod-reason.ts';
