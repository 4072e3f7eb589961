export * from './config.ts';
export * from './evidence.ts';
export * from './reconcile.ts';
export * from './services.ts';
