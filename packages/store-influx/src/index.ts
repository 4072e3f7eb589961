export * from './config.ts';
export type { HttpAnswer, HttpInit, HttpRequest } from './http-request.ts';
export type { InfluxAuth } from './influx-http.ts';
export { InfluxStore, type InfluxStoreDeps, type InfluxStoreOptions, openInfluxStore } from './influx-store.ts';
export { escapeKey, escapeMeasurement, formatFloat, quoteString } from './line-protocol.ts';
export { refusalOffsetNs } from './refusal-time.ts';
export type { RetryPolicy } from './retry-policy.ts';
