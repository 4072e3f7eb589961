import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { openSqliteStore } from '@hpg/store-sqlite';
import { type Api, ApiConfigSchema, loadRegulatory, startApi } from '../src/index.ts';

/** Credentials of test devices (never checked by the API). */
export const TEST_CREDENTIAL = {
  algo: 'scrypt',
  n: 1024,
  r: 8,
  p: 1,
  salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
  hash: 'x'.repeat(44),
};

export interface ApiHarness {
  readonly api: Api;
  readonly store: Store;
  close(): Promise<void>;
}

/** The API on a fresh SQLite store, with the repository's regulatory data; `fill` writes the fixtures. */
export async function startTestApi(
  registry: Registry,
  fill: (store: Store) => Promise<void>,
  now?: () => number,
): Promise<ApiHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'hpg-api-'));
  const store = await openSqliteStore({ path: join(dir, 's.sqlite') });
  await fill(store);
  const api = await startApi(
    {
      store,
      registry: () => registry,
      metrics: new MetricsRegistry(),
      logger: createLogger({ name: 'test', level: 'silent' }),
      health: [],
      regulatory: loadRegulatory(resolve(import.meta.dirname, '../../../config/regulatory')),
      ...(now !== undefined && { now }),
    },
    ApiConfigSchema.parse({ port: 0 }),
  );
  return {
    api,
    store,
    async close() {
      await api.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
