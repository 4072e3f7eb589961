export * from './bus.ts';
export * from './device-api.ts';
export * from './device-kinds.ts';
export * from './indicators.ts';
export * from './metrics.ts';
export * from './refusals.ts';
export * from './time.ts';
export * from './topics.ts';
