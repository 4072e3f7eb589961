export * from './config.ts';
export * from './evidence/index.ts';
export * from './routes.ts';
export * from './secrets.ts';
export * from './service.ts';
