export * from './compliance.ts';
export * from './standards.ts';
export * from './targets.ts';
export * from './windows.ts';
