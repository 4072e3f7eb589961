import { MemoryBus } from '@hpg/bus-memory';
import type { Reading, Refusal } from '@hpg/contracts';
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
  sites: [
    { id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' },
    { id: 'b1', localityId: 'hai-phong', name: 'B1', location: { lat: 20.8, lon: 106.7 }, kind: 'building' },
  ],
  devices: [
    { id: 'm1', siteId: 'f1', kind: 'energy_meter', intervalSeconds: 60, credentials: [cred] },
    {
      id: 'm2',
      siteId: 'f1',
      kind: 'energy_meter',
      intervalSeconds: 300,
      credentials: [cred],
      external: { tasmota: { topic: 'shelly25' } },
    },
    {
      id: 'pv1',
      siteId: 'b1',
      kind: 'solar_inverter',
      intervalSeconds: 60,
      credentials: [cred],
      external: { opendtu: { serial: '114190641177' } },
    },
  ],
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

  it('publishes a reading per channel of a multi-channel Tasmota message', async () => {
    const { bus, source, ingest, metrics } = setup();
    const readings: Reading[] = [];
    await bus.subscribe('readings', { group: 't' }, async (b) => void readings.push(...b));
    await ingest.start();
    const now = Date.now();
    const local = new Date(now + 7 * 3_600_000).toISOString().slice(0, 19); // Hai Phong wall-clock time
    await source.handler?.({
      topic: 'tele/shelly25/SENSOR',
      payload: Buffer.from(JSON.stringify({ Time: local, ENERGY: { Total: 87.123, Power: [52, 5] } })),
      receivedAt: now,
      publisher: 'm2',
    });
    await bus.drained();
    expect(readings.map((r) => [r.deviceId, r.channel, r.values])).toEqual([
      ['m2', '', { energy_import: 87_123 }],
      ['m2', '1', { power: 52 }],
      ['m2', '2', { power: 5 }],
    ]);
    expect(await metrics.metrics()).toContain('hpg_ingest_readings_total{measurement="meter"} 3');
  });

  it('counts ignored foreign messages without publishing them, and keeps OpenDTU state across messages', async () => {
    const { bus, source, ingest, metrics } = setup();
    const readings: Reading[] = [];
    const refusals: Refusal[] = [];
    await bus.subscribe('readings', { group: 't' }, async (b) => void readings.push(...b));
    await bus.subscribe('refusals', { group: 't' }, async (b) => void refusals.push(...b));
    await ingest.start();
    const now = Date.now();
    const send = (topic: string, text: string) =>
      source.handler?.({ topic, payload: Buffer.from(text), receivedAt: now, publisher: 'pv1' });
    await send('tele/shelly25/LWT', 'Online');
    await send('solar/114190641177/0/power', '300'); // before any last_update: its time is unknown
    await send('solar/114190641177/status/last_update', String(Math.floor(now / 1000) - 2));
    await send('solar/114190641177/0/power', '312.4');
    await bus.drained();
    expect(refusals).toEqual([]);
    expect(readings.map((r) => r.values)).toEqual([{ ac_power: 312.4 }]);
    const text = await metrics.metrics();
    expect(text).toContain('hpg_ingest_ignored_total{format="tasmota",why="availability"} 1');
    expect(text).toContain('hpg_ingest_ignored_total{format="opendtu",why="awaiting_timestamp"} 1');
    expect(text).toContain('hpg_ingest_ignored_total{format="opendtu",why="status"} 1');
    expect(text).toContain('hpg_ingest_messages_total{outcome="ignored"} 3');
  });

  it('refuses a foreign message from a login not bound to its device', async () => {
    const { bus, source, ingest } = setup();
    const refusals: Refusal[] = [];
    await bus.subscribe('refusals', { group: 't' }, async (b) => void refusals.push(...b));
    await ingest.start();
    await source.handler?.({
      topic: 'solar/114190641177/status/last_update',
      payload: Buffer.from('1763780000'),
      receivedAt: Date.now(),
      publisher: 'm1',
    });
    await bus.drained();
    expect(refusals.map((r) => [r.reason, r.deviceId, r.publisher])).toEqual([['not_authorised', 'pv1', 'm1']]);
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
