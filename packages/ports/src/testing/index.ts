export * from './bus-contract.ts';
export * from './fixtures.ts';
export * from './source-contract.ts';
export * from './store-contract.ts';
