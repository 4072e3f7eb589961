/**
 * On the embedded broker, with real MQTT clients: a device publishing under another device's
 * topics — ours or a foreign format's — is refused `not_authorised` by ingest (the broker tells
 * ingest who published) and nothing of it is stored, while the same message from the right device
 * is; devices cannot subscribe to other devices' traffic.
 */
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { hashPassword, Registry } from '@hpg/registry';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../packages/bus-memory/src/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../packages/mqtt-embedded/src/index.ts';
import { createIngest, IngestConfigSchema } from '../../services/ingest/src/index.ts';
import { brokerAclRegistryData } from '../../services/ingest/test/broker-acl-fixture.ts';

const cost = { n: 1024, r: 8, p: 1 };
const pw = (id: string) => `pw-${id}`;

describe('device authorisation on the embedded broker', () => {
  let bus: MemoryBus;
  let broker: EmbeddedBroker;
  let url: string;
  const clients: MqttClient[] = [];
  const readings: { deviceId: string; source: string }[] = [];
  const refusals: { reason: string; deviceId: string | null; publisher: string | null; topic: string }[] = [];

  const login = async (id: string) => {
    const c = await mqtt.connectAsync(url, { username: id, password: pw(id), reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const credentials = Object.fromEntries(
      await Promise.all(['pv-1', 'mt-1'].map(async (id) => [id, [await hashPassword(pw(id), cost)]])),
    );
    const registry = Registry.from(brokerAclRegistryData(credentials));
    bus = new MemoryBus();
    await bus.subscribe('readings', { group: 't' }, async (b) => void readings.push(...b));
    await bus.subscribe('refusals', { group: 't' }, async (b) => void refusals.push(...b));
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, registry: () => registry });
    url = `mqtt://127.0.0.1:${broker.port}`;
    const ingest = createIngest(
      {
        source: broker.source,
        bus,
        registry: () => registry,
        logger: createLogger({ name: 't', level: 'silent' }),
        metrics: new MetricsRegistry(),
      },
      IngestConfigSchema.parse({}),
    );
    await ingest.start();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await broker?.close();
    await bus?.close();
  });

  it('refuses a device publishing for another, on our topics and on foreign ones, and stores nothing of it', async () => {
    const ts = new Date(Date.now() - 60_000).toISOString();
    const telemetry = JSON.stringify({
      v: 1,
      deviceId: 'pv-1',
      ts,
      metrics: { ac_power: { value: 2.5, unit: 'kW' } },
    });
    const sunspec = JSON.stringify({ ts, points: { ID: 103, W: 2874, W_SF: 0, St: 4 } });
    const [pv1, mt1] = await Promise.all([login('pv-1'), login('mt-1')]);
    // The meter tries both of the inverter's topics; the broker acknowledges (QoS 1), ingest refuses.
    await mt1.publishAsync('hpg/v1/devices/pv-1/telemetry', telemetry, { qos: 1 });
    await mt1.publishAsync('sunspec/roof-1/103', sunspec, { qos: 1 });
    // The same messages from the inverter itself are stored.
    await pv1.publishAsync('hpg/v1/devices/pv-1/telemetry', telemetry, { qos: 1 });
    await pv1.publishAsync('sunspec/roof-1/103', sunspec, { qos: 1 });
    await bus.drained();
    expect(refusals.map((r) => [r.reason, r.deviceId, r.publisher, r.topic])).toEqual([
      ['not_authorised', 'pv-1', 'mt-1', 'hpg/v1/devices/pv-1/telemetry'],
      ['not_authorised', 'pv-1', 'mt-1', 'sunspec/roof-1/103'],
    ]);
    expect(readings.map((r) => [r.deviceId, r.source])).toEqual([
      ['pv-1', 'hpg-json/v1'],
      ['pv-1', 'sunspec/103'],
    ]);
  });

  it("refuses a device's subscriptions to other devices' traffic", async () => {
    const mt1 = await login('mt-1');
    for (const filter of ['hpg/v1/devices/pv-1/+', 'hpg/v1/devices/+/+', '#', 'sunspec/#']) {
      // SUBACK 0x80: mqtt.js rejects the subscription.
      await expect(mt1.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
    }
  });
});
