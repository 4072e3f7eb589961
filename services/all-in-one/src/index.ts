export * from './compose.ts';
export * from './config.ts';
