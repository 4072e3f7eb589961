export * from './evidence.ts';
export * from './reconcile.ts';
