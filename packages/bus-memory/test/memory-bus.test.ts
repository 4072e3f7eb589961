import { describeBusContract, reading, T0 } from '@hpg/ports/testing';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/index.ts';

describeBusContract('memory', async () => {
  const bus = new MemoryBus({ partitions: 4, retry: { baseMs: 5, maxMs: 20, attemptsForUnknown: 2 } });
  return { bus, cleanup: () => bus.close() };
});

describe('MemoryBus', () => {
  it('makes publish wait while a partition is full, and resumes when the consumer commits', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 5 });
    let release: () => void = () => {};
    let gate = new Promise<void>((r) => {
      release = r;
    });
    const got: number[] = [];
    await bus.subscribe('readings', { group: 'slow', maxBatch: 5 }, async (b) => {
      await gate;
      got.push(...b.map((r) => r.ts));
    });
    const records = Array.from({ length: 12 }, (_, i) => ({ key: 'a', value: reading({ deviceId: 'a', ts: T0 + i }) }));
    let done = false;
    const publishing = bus.publish('readings', records).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    gate = Promise.resolve();
    release();
    await publishing;
    await bus.drained();
    expect(got).toEqual(records.map((r) => r.value.ts));
    await bus.close();
  });

  it('rejects publish after close', async () => {
    const bus = new MemoryBus();
    await bus.close();
    await expect(bus.publish('readings', [{ key: 'a', value: reading() }])).rejects.toMatchObject({
      code: 'bus_closed',
    });
  });

  it('keeps only the newest records of a topic nobody subscribes to', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 3 });
    await bus.publish(
      'readings',
      Array.from({ length: 10 }, (_, i) => ({ key: 'a', value: reading({ ts: T0 + i }) })),
    );
    const got: number[] = [];
    await bus.subscribe('readings', { group: 'late' }, async (b) => void got.push(...b.map((r) => r.ts)));
    await bus.drained();
    expect(got).toEqual([T0 + 7, T0 + 8, T0 + 9]);
    await bus.close();
  });

  it('reports lag per topic and group until consumed', async () => {
    const bus = new MemoryBus({ partitions: 2 });
    let open = false;
    await bus.subscribe('readings', { group: 'writer' }, async () => {
      if (!open) throw Object.assign(new Error('not yet'), {});
    });
    await bus.publish('readings', [{ key: 'a', value: reading() }]);
    expect(bus.lag()).toEqual([{ topic: 'hpg.readings.v1', group: 'writer', lag: 1 }]);
    open = true;
    await bus.drained();
    expect(bus.lag()[0]?.lag).toBe(0);
    await bus.close();
  });
});

describe('MemoryBus.drained', () => {
  it('waits for groups that still consume, not for a group whose consumers all stopped', async () => {
    const bus = new MemoryBus({ partitions: 1 });
    const got: number[] = [];
    await bus.subscribe('readings', { group: 'live' }, async (b) => void got.push(...b.map((r) => r.ts)));
    const gone = await bus.subscribe('readings', { group: 'gone' }, async () => {});
    await gone.stop();
    await bus.publish('readings', [{ key: 'a', value: reading({ ts: T0 }) }]);
    await bus.drained();
    expect(got).toEqual([T0]);
    expect(bus.lag().find((l) => l.group === 'gone')?.lag).toBe(1);
    await bus.close();
  });
});
