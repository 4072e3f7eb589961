export * from './audit.ts';
export * from './config.ts';
export * from './retention.ts';
export * from './routes.ts';
export * from './service.ts';
export * from './store.ts';
