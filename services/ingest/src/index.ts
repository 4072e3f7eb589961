export * from './broker-acl.ts';
export * from './config.ts';
export * from './frigate/index.ts';
export * from './ingest.ts';
export * from './station-files/index.ts';
export * from './subscriptions.ts';
