/**
 * The contract every Bus adapter passes (in-process and Kafka alike): ordering per key, one
 * delivery per group, commit only after the handler, redelivery on failure, dead letters for
 * poison records, and a consumer that keeps going.
 */
import type { Reading } from '@hpg/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Subscription } from '../bus.ts';
import { PortError } from '../errors.ts';
import { eventually, reading, T0 } from './fixtures.ts';

export interface BusHarness {
  readonly bus: Bus;
  readonly cleanup: () => Promise<void>;
}

export function describeBusContract(name: string, open: () => Promise<BusHarness>, timeoutMs = 20_000): void {
  describe(`Bus contract: ${name}`, () => {
    let h: BusHarness;
    const subs: Subscription[] = [];
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await Promise.all(subs.splice(0).map((s) => s.stop()));
      await h.cleanup();
    });

    const publishReadings = (devices: string[], perDevice: number) => {
      const out = [];
      for (let i = 0; i < perDevice; i++) {
        for (const d of devices) out.push({ key: d, value: reading({ deviceId: d, ts: T0 + i * 1000 }) });
      }
      return h.bus.publish('readings', out).then(() => out.length);
    };

    it('delivers every record to a group, in order per key', async () => {
      const got: Reading[] = [];
      subs.push(await h.bus.subscribe('readings', { group: 'g1' }, async (b) => void got.push(...b)));
      const n = await publishReadings(['a', 'b', 'c'], 50);
      await eventually(() => expect(got.length).toBe(n), timeoutMs);
      for (const d of ['a', 'b', 'c']) {
        const ts = got.filter((r) => r.deviceId === d).map((r) => r.ts);
        expect(ts).toEqual([...ts].sort((x, y) => x - y));
        expect(ts.length).toBe(50);
      }
    });

    it('gives each group its own copy of every record', async () => {
      const g1: Reading[] = [];
      const g2: Reading[] = [];
      subs.push(await h.bus.subscribe('readings', { group: 'g1' }, async (b) => void g1.push(...b)));
      subs.push(await h.bus.subscribe('readings', { group: 'g2' }, async (b) => void g2.push(...b)));
      const n = await publishReadings(['a', 'b'], 20);
      await eventually(() => {
        expect(g1.length).toBe(n);
        expect(g2.length).toBe(n);
      }, timeoutMs);
    });

    it('shares records between members of one group without duplicates', async () => {
      const seen: string[] = [];
      const handler = async (b: readonly Reading[]) => void seen.push(...b.map((r) => `${r.deviceId}@${r.ts}`));
      subs.push(await h.bus.subscribe('readings', { group: 'shared' }, handler));
      subs.push(await h.bus.subscribe('readings', { group: 'shared' }, handler));
      const devices = Array.from({ length: 12 }, (_, i) => `dev-${i}`);
      const n = await publishReadings(devices, 10);
      await eventually(() => expect(seen.length).toBe(n), timeoutMs);
      expect(new Set(seen).size).toBe(n);
    });

    it('redelivers a batch whose handler failed with a retryable error, losing nothing', async () => {
      const got: Reading[] = [];
      let failures = 0;
      subs.push(
        await h.bus.subscribe('readings', { group: 'flaky' }, async (b) => {
          if (failures < 3) {
            failures++;
            throw new PortError('store_down', 'store unavailable', { canRetry: true });
          }
          got.push(...b);
        }),
      );
      const n = await publishReadings(['a'], 30);
      await eventually(() => expect(got.length).toBe(n), timeoutMs);
      expect(failures).toBe(3);
      expect(got.map((r) => r.ts)).toEqual(got.map((r) => r.ts).sort((x, y) => x - y));
    });

    it('dead-letters records that keep failing with a non-retryable error and keeps consuming', async () => {
      const got: Reading[] = [];
      subs.push(
        await h.bus.subscribe('readings', { group: 'poison', maxBatch: 1 }, async (b) => {
          for (const r of b) {
            if (r.deviceId === 'poison') throw new Error('cannot process this record');
            got.push(r);
          }
        }),
      );
      await h.bus.publish('readings', [{ key: 'poison', value: reading({ deviceId: 'poison' }) }]);
      await publishReadings(['ok'], 5);
      await eventually(async () => {
        expect(got.length).toBe(5);
        const dl = await h.bus.deadLetters(10);
        expect(dl.some((d) => d.key === 'poison' && d.error.includes('cannot process'))).toBe(true);
      }, timeoutMs);
    });

    it('dead-letters a record that does not match the topic schema and keeps consuming', async () => {
      const got: Reading[] = [];
      subs.push(await h.bus.subscribe('readings', { group: 'schema' }, async (b) => void got.push(...b)));
      const bad = { ...reading({ deviceId: 'bad' }), values: { cod: 'high' } } as unknown as Reading;
      await h.bus.publish('readings', [{ key: 'bad', value: bad }]);
      await publishReadings(['good'], 3);
      await eventually(async () => {
        expect(got.map((r) => r.deviceId)).toEqual(['good', 'good', 'good']);
        const dl = await h.bus.deadLetters(10);
        expect(dl.some((d) => d.key === 'bad')).toBe(true);
      }, timeoutMs);
    });

    it('redelivers what a stopped consumer had not committed to the next consumer of its group', async () => {
      let release: () => void = () => {};
      const blocked = new Promise<void>((r) => {
        release = r;
      });
      let firstCalls = 0;
      const first = await h.bus.subscribe('readings', { group: 'restart' }, async () => {
        firstCalls++;
        await blocked;
        throw new PortError('store_down', 'store unavailable', { canRetry: true });
      });
      await publishReadings(['a'], 10);
      await eventually(() => expect(firstCalls).toBeGreaterThan(0), timeoutMs);
      const stopping = first.stop();
      release();
      await stopping;
      const got: Reading[] = [];
      subs.push(await h.bus.subscribe('readings', { group: 'restart' }, async (b) => void got.push(...b)));
      await eventually(() => expect(new Set(got.map((r) => r.ts)).size).toBe(10), timeoutMs);
    });

    it('reports healthy while open', async () => {
      expect((await h.bus.health()).ok).toBe(true);
    });
  });
}
