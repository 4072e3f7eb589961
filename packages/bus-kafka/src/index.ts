export * from './kafka-bus.ts';
