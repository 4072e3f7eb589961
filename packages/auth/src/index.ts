export * from './fastify.ts';
export * from './policy.ts';
export * from './secrets.ts';
export * from './tokens.ts';
export * from './users.ts';
