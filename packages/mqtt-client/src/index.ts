export * from './config.ts';
export * from './subscriber-source.ts';
