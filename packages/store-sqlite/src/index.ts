export { MIGRATIONS, migrate, SCHEMA_VERSION } from './schema.ts';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
