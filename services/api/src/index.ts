export { loadRegulatory, type Regulatory } from '@hpg/reports';
export * from './config.ts';
export * from './indicators.ts';
export * from './openapi.ts';
export * from './server.ts';
