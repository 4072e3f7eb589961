export * from './config.ts';
export * from './writer.ts';
