export * from './backfill.ts';
export * from './config.ts';
export * from './service.ts';
