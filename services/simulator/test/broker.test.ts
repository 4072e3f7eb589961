/**
 * Against a real MQTT broker: an in-process Aedes on an ephemeral port that authenticates every
 * device against the demo registry's scrypt hashes and only lets it publish under its own id.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type DeviceKind, messagesOf, parseDeviceTopic } from '@hpg/contracts';
import { verifyPassword } from '@hpg/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../src/simulator.ts';
import { demoRegistry } from './fleet-run.ts';

interface AedesClient {
  readonly id: string;
}
type Done = (err: (Error & { returnCode?: number }) | null, ok: boolean | null) => void;
interface AedesBroker {
  handle(socket: Socket): void;
  authenticate: (client: AedesClient, username: string | undefined, password: Buffer | undefined, done: Done) => void;
  authorizePublish: (client: AedesClient | null, packet: { topic: string }, cb: (err?: Error | null) => void) => void;
  on(
    event: 'publish',
    listener: (packet: { topic: string; payload: Buffer }, client: AedesClient | null) => void,
  ): void;
  close(cb: () => void): void;
}

async function loadAedes(): Promise<{ createBroker(): Promise<AedesBroker> }> {
  return ((await import('aedes')) as unknown as { Aedes: { createBroker(): Promise<AedesBroker> } }).Aedes;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('simulator against an Aedes broker', () => {
  const registry = demoRegistry();
  const received: { topic: string; username: string; payload: string }[] = [];
  const usernames = new Map<string, string>();
  const rejected: string[] = [];
  let broker: AedesBroker;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    broker = await (await loadAedes()).createBroker();
    broker.authenticate = (client, username, password, done) => {
      const device = registry.data.devices.find((d) => d.id === username);
      if (device === undefined || password === undefined) {
        rejected.push(String(username));
        done(Object.assign(new Error('bad username or password'), { returnCode: 4 }), false);
        return;
      }
      verifyPassword(password.toString('utf8'), device.credentials).then(
        (ok) => {
          if (ok) {
            usernames.set(client.id, device.id);
            done(null, true);
          } else {
            rejected.push(device.id);
            done(Object.assign(new Error('bad username or password'), { returnCode: 4 }), false);
          }
        },
        (err: Error) => done(err, false),
      );
    };
    broker.authorizePublish = (client, packet, cb) => {
      const username = client === null ? undefined : usernames.get(client.id);
      cb(parseDeviceTopic(packet.topic)?.deviceId === username ? null : new Error('not your topic'));
    };
    broker.on('publish', (packet, client) => {
      if (client === null) return;
      received.push({
        topic: packet.topic,
        username: usernames.get(client.id) ?? '',
        payload: packet.payload.toString(),
      });
    });
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `mqtt://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => broker.close(r));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('publishes the device API on each device own topic, authenticated with its demo password', async () => {
    const pick = (kind: DeviceKind) => registry.data.devices.filter((d) => d.kind === kind).slice(0, 2);
    const devices = (['wastewater_station', 'solar_inverter', 'energy_meter', 'ev_charger', 'camera'] as const).flatMap(
      pick,
    );
    const sim = createSimulator(
      { logger: silent },
      {
        brokerUrl: url,
        registry: registry.data,
        seed: 1,
        // Four simulated hours in two seconds, ending well before now (ingest would accept them).
        speed: 7_200,
        startAt: '2026-06-15T16:00:00+07:00',
        devices: { ids: devices.map((d) => d.id) },
        logEverySeconds: 0,
      },
    );
    await sim.start();
    expect(sim.stats().connected).toBe(devices.length);
    await new Promise((r) => setTimeout(r, 2_000));
    await sim.stop();
    const stats = sim.stats();

    expect(stats.phase).toBe('stopped');
    expect(stats.published).toBeGreaterThan(200);
    expect(stats.acked).toBe(stats.published);
    expect(stats.errors).toBe(0);
    expect(stats.inFlight).toBe(0);
    expect(received.length).toBeGreaterThanOrEqual(stats.acked);

    const kinds = new Map(devices.map((d) => [d.id, d.kind]));
    const seen = new Set<string>();
    for (const m of received) {
      const t = parseDeviceTopic(m.topic);
      expect(t?.deviceId).toBe(m.username);
      const kind = kinds.get(t?.deviceId ?? '');
      expect(kind).toBeDefined();
      if (kind !== undefined) expect(messagesOf(kind)).toContain(t?.message);
      expect(JSON.parse(m.payload).deviceId).toBe(m.username);
      seen.add(t?.message ?? '');
    }
    for (const msg of ['sample', 'telemetry', 'meter', 'connector-status']) expect(seen).toContain(msg);
  });

  it('backfills the past hours quickly, then goes live', async () => {
    const ids = ['pv-tan-minh-school-01', 'pv-tan-minh-school-02', 'em-bach-dang-industry-01'];
    const before = received.length;
    const sim = createSimulator(
      { logger: silent },
      { brokerUrl: url, registry: registry.data, backfillHours: 2, devices: { ids }, logEverySeconds: 0 },
    );
    const t0 = Date.now();
    await sim.start();
    while (sim.stats().phase !== 'live' && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    await sim.stop();
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Two inverters at 60 s and one meter at 300 s over two hours: 2 × 120 + 24 steps (± the edges).
    const stats = sim.stats();
    expect(stats.acked).toBeGreaterThanOrEqual(262);
    expect(stats.acked).toBeLessThanOrEqual(270);
    const ts = received.slice(before).map((m) => Date.parse(JSON.parse(m.payload).ts));
    expect(Math.min(...ts)).toBeLessThan(t0 - 1.9 * 3_600_000);
    expect(Math.max(...ts)).toBeLessThanOrEqual(Date.now());
  });

  it('spreads a target message rate across the fleet', async () => {
    const sim = createSimulator(
      { logger: silent },
      { brokerUrl: url, registry: registry.data, ratePerSecond: 3_000, logEverySeconds: 0 },
    );
    await sim.start();
    const t0 = Date.now();
    const p0 = sim.stats().published;
    await new Promise((r) => setTimeout(r, 2_000));
    const rate = ((sim.stats().published - p0) * 1000) / (Date.now() - t0);
    await sim.stop();
    expect(rate).toBeGreaterThan(0.7 * 3_000);
    expect(rate).toBeLessThan(1.2 * 3_000);
    expect(sim.stats().errors).toBe(0);
    expect(sim.stats().acked).toBe(sim.stats().published);
  });

  it('cannot connect with passwords from another fleet secret', async () => {
    const before = received.length;
    const sim = createSimulator(
      { logger: silent },
      {
        brokerUrl: url,
        registry: registry.data,
        fleetSecret: 'not-the-demo-secret',
        devices: { ids: ['ww-vinh-am-ccn-01'] },
        connectTimeoutMs: 3_000,
        logEverySeconds: 0,
      },
    );
    await sim.start();
    expect(sim.stats().connected).toBe(0);
    await sim.stop();
    expect(rejected).toContain('ww-vinh-am-ccn-01');
    expect(sim.stats().published).toBe(0);
    expect(received.length).toBe(before);
  });
});
