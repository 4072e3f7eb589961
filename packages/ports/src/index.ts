export * from './bus.ts';
export * from './errors.ts';
export * from './register-days.ts';
export * from './retry.ts';
export * from './source.ts';
export * from './store.ts';
