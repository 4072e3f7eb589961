import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Reading } from '@hpg/contracts';
import { PortError } from '@hpg/ports';
import { describeStoreContract, detection, reading, refusal, T0 } from '@hpg/ports/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openSqliteStore, SCHEMA_VERSION, type SqliteStore } from '../src/index.ts';

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hpg-store-sqlite-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describeStoreContract('sqlite', async () => {
  const { dir, remove } = await tempDir();
  const store = await openSqliteStore({ path: join(dir, 'store.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await remove();
    },
  };
});

describe('sqlite store', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let path: string;
  const opened: SqliteStore[] = [];
  const open = async () => {
    const s = await openSqliteStore({ path });
    opened.push(s);
    return s;
  };
  const everything = (s: SqliteStore) => s.queryReadings({ from: 0, to: T0 * 2, limit: 100_000 });

  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
    path = join(dir, 'store.db');
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await remove();
  });

  it('opens the file in WAL mode at the latest schema version', async () => {
    const store = await open();
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    await store.close();
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
      expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('keeps its data across close and reopen of the same file', async () => {
    const first = await open();
    const rs = [reading({ ts: T0 }), reading({ ts: T0 + 1, channel: 'x' })];
    await first.writeReadings(rs);
    await first.writeDetections([detection()]);
    await first.writeRefusals([refusal()]);
    await first.close();

    const second = await open();
    expect(await everything(second)).toStrictEqual(rs);
    expect(await second.queryDetections({ from: 0, to: T0 * 2, limit: 10 })).toStrictEqual([detection()]);
    expect(await second.queryRefusals({ from: 0, to: T0 * 2, limit: 10 })).toStrictEqual([refusal()]);
    // Series ids cached by the first instance must agree with what the second finds in the file.
    await second.writeReadings([reading({ ts: T0, values: { cod: 1 } })]);
    expect((await everything(second)).map((r) => r.values)).toEqual([{ cod: 1 }, rs[1]?.values]);
  });

  it('migrates a file written by an older schema version, keeping its data', async () => {
    const old = new DatabaseSync(path);
    migrate(old, 1);
    old.exec(`
      INSERT INTO series (id, measurement, device_id, channel) VALUES (7, 'solar', 'pv-old', '');
      INSERT INTO places (id, site_id, locality_id) VALUES (3, 'roof-old', 'hong-bang');
      INSERT INTO series_places (place_id, series_id) VALUES (3, 7);
      INSERT INTO readings (series_id, ts, place_id, received_at, source, vals, states, quality)
        VALUES (7, ${T0}, 3, ${T0 + 5}, 'hpg-json/v1', '{"ac_power":1500}', NULL, NULL);
    `);
    expect(old.prepare('PRAGMA user_version').get()?.user_version).toBe(1);
    old.close();

    const store = await open();
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await store.queryReadings({ siteId: 'roof-old', from: 0, to: T0 * 2, limit: 10 })).toStrictEqual([
      reading({
        measurement: 'solar',
        deviceId: 'pv-old',
        siteId: 'roof-old',
        localityId: 'hong-bang',
        ts: T0,
        receivedAt: T0 + 5,
        values: { ac_power: 1500 },
        quality: {},
      }),
    ]);
    // The tables of the later migration exist and work.
    await store.writeRefusals([refusal()]);
    expect(await store.countRefusals(0, T0 * 2)).toEqual({ [refusal().reason]: 1 });
  });

  it('refuses to open a file from a newer schema version', async () => {
    const future = new DatabaseSync(path);
    future.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    future.close();
    const err = await openSqliteStore({ path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ code: 'store_open_failed', canRetry: false });
    expect(String((err as Error).message)).toMatch(/newer/);
  });

  it('refuses a file that is not a database', async () => {
    await writeFile(path, 'this is not a database, just a text file long enough to have a header');
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'store_open_failed', canRetry: false });
  });

  it('rejects a batch with a bad record as a whole, leaving earlier data as it was', async () => {
    const store = await open();
    const kept = reading({ deviceId: 'ww-keep', ts: T0 });
    await store.writeReadings([kept]);

    const batch: Reading[] = Array.from({ length: 1_000 }, (_, i) => reading({ deviceId: 'ww-new', ts: T0 + i }));
    // A fractional timestamp violates the STRICT INTEGER column halfway through the batch.
    batch[500] = reading({ deviceId: 'ww-new', ts: T0 + 0.5 });
    // The batch also rewrites `kept`: the rollback must undo that too.
    batch.unshift({ ...kept, values: { cod: -1 } });
    const err = await store.writeReadings(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ code: 'store_write_failed', canRetry: false });

    expect(await everything(store)).toStrictEqual([kept]);
    // The store stays usable, and series created by the failed batch were not cached.
    await store.writeReadings(batch.filter((r) => Number.isInteger(r.ts)));
    expect(await store.queryReadings({ deviceId: 'ww-new', from: 0, to: T0 * 2, limit: 5_000 })).toHaveLength(999);
  });

  it('rejects a detection batch with a missing field as a whole', async () => {
    const store = await open();
    const bad = { ...detection({ eventId: 'e-bad' }), label: undefined } as unknown as ReturnType<typeof detection>;
    await expect(store.writeDetections([detection({ eventId: 'e-ok' }), bad])).rejects.toMatchObject({
      code: 'store_write_failed',
    });
    expect(await store.queryDetections({ from: 0, to: T0 * 2, limit: 10 })).toStrictEqual([]);
  });

  it('leaves no partial batch when the store is closed in the middle of a write', async () => {
    const store = await open();
    const batch: Reading[] = Array.from({ length: 100 }, (_, i) => reading({ deviceId: 'ww-cut', ts: T0 + i }));
    // The 51st record closes the store as the writer reads it.
    const cut = reading({ deviceId: 'ww-cut', ts: T0 + 50 });
    Object.defineProperty(cut, 'values', {
      get: () => {
        void store.close();
        return { cod: 1 };
      },
    });
    batch[50] = cut;
    const err = await store.writeReadings(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ code: 'store_closed', canRetry: false });

    const again = await open();
    expect(await everything(again)).toStrictEqual([]);
  });

  it('maps lock contention to a retryable error', async () => {
    const store = await openSqliteStore({ path, busyTimeoutMs: 50 });
    opened.push(store);
    const other = new DatabaseSync(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expect(store.writeReadings([reading()])).rejects.toMatchObject({
        code: 'store_write_failed',
        canRetry: true,
      });
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    await store.writeReadings([reading()]);
    expect(await everything(store)).toHaveLength(1);
  });

  it('rejects a negative limit instead of reading it as "no limit"', async () => {
    const store = await open();
    await expect(store.queryReadings({ from: 0, to: 1, limit: -1 })).rejects.toMatchObject({
      code: 'store_invalid_query',
    });
  });
});
