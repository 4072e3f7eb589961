export * from './config.ts';
export * from './ledger.ts';
export * from './watcher.ts';
