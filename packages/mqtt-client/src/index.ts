export * from './subscriber-source.ts';
export * from './config.ts';
