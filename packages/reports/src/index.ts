export * from './facts.ts';
export * from './points.ts';
export * from './regulatory.ts';
export * from './reports.ts';
