import { MemoryBus } from '@hpg/bus-memory';
import type { Refusal } from '@hpg/contracts';
import type { RawMessage } from '@hpg/decoders';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import type { AuthFailure, MessageSource } from '@hpg/ports';
import { Registry } from '@hpg/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngest, IngestConfigSchema } from '../src/index.ts';

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const registry = Registry.from({
  version: 1,
  localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
  sites: [{ id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' }],
  devices: [{ id: 'm1', siteId: 'f1', kind: 'energy_meter', intervalSeconds: 60, credentials: [cred] }],
});

class FakeSource implements MessageSource {
  handler: ((m: RawMessage) => Promise<void>) | undefined;
  auth: ((f: AuthFailure) => void)[] = [];
  async start(h: (m: RawMessage) => Promise<void>) {
    this.handler = h;
  }
  async stop() {}
  onAuthFailure(l: (f: AuthFailure) => void) {
    this.auth.push(l);
  }
}

const meter = (ts: string) =>
  Buffer.from(JSON.stringify({ v: 1, deviceId: 'm1', ts, metrics: { energy_import: { value: 1, unit: 'kWh' } } }));

describe('ingest', () => {
  const buses: MemoryBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  const setup = (bus = new MemoryBus()) => {
    buses.push(bus);
    const source = new FakeSource();
    let n = 0;
    const metrics = new MetricsRegistry();
    const ingest = createIngest(
      {
        source,
        bus,
        registry: () => registry,
        logger: createLogger({ name: 't', level: 'silent' }),
        metrics,
        newId: () => `id-${++n}`,
      },
      IngestConfigSchema.parse({}),
    );
    return { bus, source, ingest, metrics };
  };

  it('publishes one bus record per message: a reading, or a refusal keyed by device', async () => {
    const { bus, source, ingest, metrics } = setup();
    const readings: unknown[] = [];
    const refusals: Refusal[] = [];
    await bus.subscribe('readings', { group: 't' }, async (b) => void readings.push(...b));
    await bus.subscribe('refusals', { group: 't' }, async (b) => void refusals.push(...b));
    await ingest.start();
    const now = Date.now();
    await source.handler?.({
      topic: 'hpg/v1/devices/m1/meter',
      payload: meter(new Date(now).toISOString()),
      receivedAt: now,
      publisher: 'm1',
    });
    await source.handler?.({
      topic: 'hpg/v1/devices/m1/meter',
      payload: Buffer.from('{'),
      receivedAt: now,
      publisher: 'm1',
    });
    await bus.drained();
    expect(readings).toHaveLength(1);
    expect(refusals.map((r) => [r.id, r.reason, r.deviceId])).toEqual([['id-1', 'malformed_json', 'm1']]);
    const text = await metrics.metrics();
    expect(text).toContain('hpg_ingest_refusals_total{reason="malformed_json"} 1');
    expect(text).toContain('hpg_ingest_messages_total{outcome="reading"} 1');
  });

  it('keeps a failed MQTT login as an auth_failed refusal', async () => {
    const { bus, source, ingest } = setup();
    const refusals: Refusal[] = [];
    await bus.subscribe('refusals', { group: 't' }, async (b) => void refusals.push(...b));
    await ingest.start();
    for (const l of source.auth) l({ at: 1, clientId: 'c-9', username: 'm1', reason: 'wrong password' });
    await bus.drained();
    expect(refusals[0]).toMatchObject({ reason: 'auth_failed', deviceId: 'm1', topic: 'mqtt:connect' });
    expect(refusals[0]?.detail).toContain('wrong password');
  });

  it('rejects the message (so the source does not acknowledge it) when the bus cannot take it', async () => {
    const bus = new MemoryBus();
    const { source, ingest } = setup(bus);
    await ingest.start();
    await bus.close();
    const now = Date.now();
    await expect(
      source.handler?.({
        topic: 'hpg/v1/devices/m1/meter',
        payload: meter(new Date(now).toISOString()),
        receivedAt: now,
        publisher: 'm1',
      }),
    ).rejects.toMatchObject({ code: 'bus_closed' });
  });
});
