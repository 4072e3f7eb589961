export * from './config.ts';
export * from './lifecycle.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './node-flags.ts';
export * from './ops-server.ts';
export * from './progress.ts';
export * from './run-service.ts';
