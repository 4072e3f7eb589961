export * from './subscriber-source.ts';
