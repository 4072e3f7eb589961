export * from './config.ts';
export * from './kafka-bus.ts';
