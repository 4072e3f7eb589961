export * from './kafka-bus.ts';
export * from './config.ts';
