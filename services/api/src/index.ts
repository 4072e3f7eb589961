export * from './config.ts';
export * from './regulatory.ts';
export * from './server.ts';
