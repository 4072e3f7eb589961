/**
 * Fault tests of the production stack (Mosquitto → ingest → Kafka → writer → InfluxDB, each
 * service its own process), counting what devices sent against what InfluxDB holds. InfluxDB
 * keeps one point per identity, so "count = sent" means nothing lost and nothing doubled.
 */
import { Kafka } from 'kafkajs';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { engineScript } from '../engines/engines.ts';
import {
  connectDevices,
  type Engines,
  influxCount,
  isolation,
  publishReadings,
  type ServiceProcess,
  serviceEnv,
  startService,
  stopService,
  writeMeterRegistry,
} from './stack.ts';

const engines = inject('engines');
const complete = engines?.kafka !== undefined && engines.influx !== undefined && engines.mqtt !== undefined;
const describeWithEngines = complete ? describe : describe.skip;
const e = engines as Engines;

async function waitForCount(database: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await influxCount(e.influx.url, database, 'meter', 'energy_import').catch(() => n);
    if (n >= expected) {
      // Settle: a duplicate would not raise the count, but a late extra write would show here.
      await new Promise((r) => setTimeout(r, 500));
      return influxCount(e.influx.url, database, 'meter', 'energy_import');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return n;
}

describeWithEngines('production stack under faults', () => {
  const services: ServiceProcess[] = [];
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await Promise.all(services.splice(0).map((s) => stopService(s)));
  });

  const stack = async (deviceCount: number) => {
    const iso = isolation();
    const registry = writeMeterRegistry(deviceCount);
    const env = serviceEnv(e, iso, registry.file);
    const writer = await startService('writer', env);
    const ingest = await startService('ingest', env);
    services.push(writer, ingest);
    clients.push(...(await connectDevices(e.mqtt.url, registry.devices)));
    return { iso, registry, env, writer, ingest };
  };

  it('stores every reading exactly once when the Kafka broker stops and restarts mid-stream', async () => {
    const { iso, registry } = await stack(50);
    const sending = publishReadings(clients, registry.devices, 1_000, 5_000);
    await new Promise((r) => setTimeout(r, 3_000));
    await engineScript('kafka', 'stop', e.kafka.env);
    await new Promise((r) => setTimeout(r, 5_000));
    await engineScript('kafka', 'start', e.kafka.env);
    const sent = await sending;
    expect(sent).toBe(50_000);
    expect(await waitForCount(iso.database, sent, 180_000)).toBe(sent);
  });

  it('backs off while InfluxDB is down for 60 s, loses nothing and catches up', async () => {
    const { iso, registry } = await stack(20);
    const hourAgo = Date.now() - 3_600_000;
    const first = await publishReadings(clients, registry.devices, 100, 2_000, hourAgo);
    expect(await waitForCount(iso.database, first, 60_000)).toBe(first);
    await engineScript('influxdb', 'stop', e.influx.env);
    const stoppedAt = Date.now();
    // Devices keep publishing while the store is away.
    const second = publishReadings(clients, registry.devices, 300, 1_000, hourAgo + 60_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - stoppedAt))));
    await engineScript('influxdb', 'start', e.influx.env);
    const total = first + (await second);
    expect(total).toBe(20 * 400);
    expect(await waitForCount(iso.database, total, 180_000)).toBe(total);
  });

  it('loses nothing and doubles nothing when the writer is killed (SIGKILL) mid-batch and restarted', async () => {
    const { iso, registry, env, writer } = await stack(40);
    const sending = publishReadings(clients, registry.devices, 500, 4_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await stopService(writer, 'SIGKILL')).toBe('SIGKILL');
    services.splice(services.indexOf(writer), 1);
    await new Promise((r) => setTimeout(r, 1_000));
    services.push(await startService('writer', env));
    const sent = await sending;
    expect(await waitForCount(iso.database, sent, 120_000)).toBe(sent);
  });

  it('loses nothing when ingest stops gracefully and restarts while devices keep publishing', async () => {
    const { iso, registry, env, ingest } = await stack(40);
    const sending = publishReadings(clients, registry.devices, 500, 4_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await stopService(ingest, 'SIGTERM')).toBe(0);
    services.splice(services.indexOf(ingest), 1);
    await new Promise((r) => setTimeout(r, 2_000));
    services.push(await startService('ingest', env));
    const sent = await sending;
    expect(await waitForCount(iso.database, sent, 120_000)).toBe(sent);
  });

  it('sends malformed records put straight on a Kafka topic to the dead-letter topic and keeps consuming', async () => {
    const { iso, registry } = await stack(5);
    const kafka = new Kafka({ clientId: 'fault-injector', brokers: [e.kafka.bootstrap], logLevel: 0 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${iso.kafkaPrefix}hpg.readings.v1`,
      messages: [
        { key: 'x', value: 'not json at all' },
        { key: 'y', value: JSON.stringify({ v: 1, measurement: 'meter', deviceId: 'y' }) },
        { key: 'z', value: Buffer.from([0xff, 0xfe, 0x00]) },
      ],
    });
    await producer.disconnect();
    const sent = await publishReadings(clients, registry.devices, 100, 2_000);
    expect(await waitForCount(iso.database, sent, 60_000)).toBe(sent);
    const consumer = kafka.consumer({ groupId: `${iso.kafkaPrefix}dlq-reader` });
    const dead: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${iso.kafkaPrefix}hpg.deadletter.v1`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void dead.push(message.key?.toString() ?? '') });
    const deadline = Date.now() + 30_000;
    while (dead.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    expect(dead.sort()).toEqual(['x', 'y', 'z']);
  });
});
