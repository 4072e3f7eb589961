/**
 * The external-broker source against a real Mosquitto (started for the integration run).
 */
import { randomUUID } from 'node:crypto';
import type { RawMessage } from '@hpg/decoders';
import { describeSourceContract } from '@hpg/ports/testing';
import mqtt from 'mqtt';
import { describe, expect, inject, it } from 'vitest';
import { createSubscriberSource } from '../src/index.ts';

const engines = inject('engines');
const url = engines?.mqtt?.url ?? '';
const describeWithMosquitto = engines?.mqtt === undefined ? describe.skip : describe;

describeWithMosquitto('subscriber source on Mosquitto', () => {
  describeSourceContract(
    'mosquitto',
    async () => {
      const id = `dev-${randomUUID().slice(0, 8)}`;
      const source = createSubscriberSource({
        url,
        clientId: `ingest-${id}`,
        topics: [`hpg/v1/devices/${id}/+`],
        reconnect: { baseMs: 50, maxMs: 200 },
      });
      return { source, url, device: { id, password: 'unused' }, knowsPublisher: false, cleanup: async () => {} };
    },
    'broker',
  );

  it('loses nothing when ingest stops gracefully and restarts while devices keep publishing', async () => {
    const id = `dev-${randomUUID().slice(0, 8)}`;
    const options = {
      url,
      clientId: `ingest-${id}`,
      topics: [`hpg/v1/devices/${id}/+`],
      shareGroup: 'ingest',
      reconnect: { baseMs: 50, maxMs: 200 },
    };
    const got = new Set<string>();
    const handler = async (m: RawMessage) => {
      got.add(m.payload.toString());
    };
    let source = createSubscriberSource(options);
    await source.start(handler);
    const device = await mqtt.connectAsync(url, { clientId: id, reconnectPeriod: 0 });
    const total = 3_000;
    const publishing = (async () => {
      for (let i = 0; i < total; i++) {
        await device.publishAsync(`hpg/v1/devices/${id}/meter`, `m-${i}`, { qos: 1 });
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    // Stop and restart twice while the device publishes.
    for (let round = 0; round < 2; round++) {
      await new Promise((r) => setTimeout(r, 150));
      await source.stop();
      await new Promise((r) => setTimeout(r, 150));
      source = createSubscriberSource(options);
      await source.start(handler);
    }
    await publishing;
    for (let i = 0; i < 300 && got.size < total; i++) await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    await device.endAsync();
    expect(got.size).toBe(total);
  });

  it('splits the messages between instances of one share group, each taken once', async () => {
    const id = `dev-${randomUUID().slice(0, 8)}`;
    const group = `g-${id}`;
    const make = (n: number) =>
      createSubscriberSource({
        url,
        clientId: `ingest-${n}-${id}`,
        topics: [`hpg/v1/devices/${id}/+`],
        shareGroup: group,
      });
    const a = make(1);
    const b = make(2);
    const byA: string[] = [];
    const byB: string[] = [];
    await a.start(async (m) => void byA.push(m.payload.toString()));
    await b.start(async (m) => void byB.push(m.payload.toString()));
    const device = await mqtt.connectAsync(url, { clientId: id, reconnectPeriod: 0 });
    for (let i = 0; i < 200; i++) await device.publishAsync(`hpg/v1/devices/${id}/meter`, `m-${i}`, { qos: 1 });
    for (let i = 0; i < 100 && byA.length + byB.length < 200; i++) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([a.stop(), b.stop(), device.endAsync()]);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(new Set([...byA, ...byB]).size).toBe(200);
    expect(byA.length + byB.length).toBe(200);
  });

  it('reports itself unhealthy while it cannot reach the broker, and keeps trying', async () => {
    const source = createSubscriberSource({
      url: 'mqtt://127.0.0.1:1',
      clientId: 'nowhere',
      topics: ['x/#'],
      reconnect: { baseMs: 10, maxMs: 20 },
    });
    await Promise.race([source.start(async () => {}), new Promise((r) => setTimeout(r, 300))]);
    expect(source.health().ok).toBe(false);
    await source.stop();
  });
});
