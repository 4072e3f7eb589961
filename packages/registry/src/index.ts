export * from './broker-files.ts';
export * from './credentials.ts';
export * from './registry.ts';
export * from './schema.ts';
