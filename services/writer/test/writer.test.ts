import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '@hpg/bus-memory';
import type { Reading } from '@hpg/contracts';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { PortError, type Store } from '@hpg/ports';
import { eventually, reading, T0 } from '@hpg/ports/testing';
import { openSqliteStore } from '@hpg/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createWriter, WriterConfigSchema } from '../src/index.ts';

/** The real store, with the N-th readings write failing (retryably) on purpose. */
function failingOn(store: Store, calls: number[]): Store {
  let n = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'writeReadings') {
        return async (rs: readonly Reading[]) => {
          n++;
          if (calls.includes(n))
            throw new PortError('store_write_failed', `injected failure on call ${n}`, { canRetry: true });
          return target.writeReadings(rs);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('writer', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('writes every reading once even when store writes fail and batches are redelivered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpg-writer-'));
    const store = await openSqliteStore({ path: join(dir, 's.sqlite') });
    const bus = new MemoryBus({ partitions: 2, retry: { baseMs: 5, maxMs: 20, attemptsForUnknown: 1 } });
    cleanups.push(
      async () => rmSync(dir, { recursive: true, force: true }),
      () => store.close(),
      () => bus.close(),
    );
    const writer = createWriter(
      {
        bus,
        store: failingOn(store, [1, 2, 4]),
        logger: createLogger({ name: 't', level: 'silent' }),
        metrics: new MetricsRegistry(),
      },
      WriterConfigSchema.parse({ maxBatch: 50, maxWaitMs: 0 }),
    );
    await writer.start();
    cleanups.push(() => writer.stop());
    const devices = ['a', 'b', 'c', 'd'];
    const records = devices.flatMap((d) =>
      Array.from({ length: 100 }, (_, i) => ({ key: d, value: reading({ deviceId: d, ts: T0 + i * 1000 }) })),
    );
    await bus.publish('readings', records);
    // Replays of the same readings (a producer retry) must not add points.
    await bus.publish('readings', records.slice(0, 50));
    await eventually(async () => {
      const got = await store.queryReadings({ from: T0, to: T0 + 1_000_000, limit: 10_000, localityIds: ['tan-minh'] });
      expect(got).toHaveLength(400);
    });
    await bus.drained();
    expect(await bus.deadLetters(10)).toEqual([]);
  });
});
