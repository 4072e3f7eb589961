/**
 * The production stack for fault tests: ingest and writer as their own processes against the
 * engines of the integration run (Mosquitto, Kafka, InfluxDB), devices publishing with real MQTT
 * clients, and InfluxDB counted directly over its HTTP API.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '@hpg/platform';
import mqtt, { type MqttClient } from 'mqtt';
import { serviceBundle } from '../../scripts/build.ts';
import type { EnginesInfo } from '../engines/engines.ts';
import { freePort, ROOT } from '../engines/engines.ts';

export type Engines = Required<EnginesInfo>;

export interface ServiceProcess {
  readonly name: string;
  readonly opsUrl: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or signal) once the process ended. */
  readonly exited: Promise<number | string>;
}

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };

/** A registry of `n` energy meters (credentials unused: the test broker takes anonymous devices). */
export function writeMeterRegistry(n: number): { file: string; devices: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hpg-prod-'));
  const devices = Array.from({ length: n }, (_, i) => `mt-fault-${String(i).padStart(3, '0')}`);
  const data = {
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
    ],
    sites: [{ id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.86, lon: 106.68 }, kind: 'facility' }],
    devices: devices.map((id) => ({
      id,
      siteId: 'f1',
      kind: 'energy_meter',
      intervalSeconds: 60,
      credentials: [cred],
    })),
  };
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data));
  return { file, devices };
}

/** Names unique to one test: Kafka prefix, Influx database, MQTT topic root stays the device API. */
export function isolation() {
  const id = randomUUID().slice(0, 8);
  // Its own share group too: Mosquitto keeps routing a shared subscription's share to a member
  // whose persistent session is offline, so another test's departed ingest would take messages.
  return {
    kafkaPrefix: `f${id}.`,
    database: `fault_${id}`,
    ingestClientId: `ingest-${id}`,
    shareGroup: `ingest-${id}`,
  };
}

export async function startService(
  name: 'ingest' | 'writer' | 'alerts' | 'indicators',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, serviceBundle(name)], {
    cwd: ROOT,
    env: { ...process.env, ...SERVICE_ENV, HPG_LOG_LEVEL: 'warn', HPG_OPS_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out = (out + d).slice(-20_000);
  });
  child.stderr?.on('data', (d) => {
    out = (out + d).slice(-20_000);
  });
  const exited = new Promise<number | string>((r) => child.on('exit', (code, signal) => r(code ?? signal ?? -1)));
  const opsUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${out}`);
    try {
      if ((await fetch(`${opsUrl}/healthz`)).ok) break;
    } catch {}
    if (i > 600) throw new Error(`${name} not healthy after 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, opsUrl, child, output: () => out, exited };
}

export async function stopService(s: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
  return s.exited;
}

export async function influxCount(url: string, database: string, measurement: string, field: string): Promise<number> {
  const q = new URLSearchParams({ db: database, q: `SELECT count("${field}") FROM "${measurement}"` });
  const res = await fetch(`${url}/query?${q}`);
  const body = (await res.json()) as { results?: { series?: { values?: [string, number][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}

export async function connectDevices(url: string, devices: readonly string[]): Promise<MqttClient[]> {
  return Promise.all(
    devices.map((id) => mqtt.connectAsync(url, { clientId: id, username: id, reconnectPeriod: 500, clean: true })),
  );
}

/**
 * Each device publishes `perDevice` meter readings (QoS 1, unique timestamps), at most `rate`
 * messages/s in total. Resolves when the broker acknowledged every one.
 */
export async function publishReadings(
  clients: readonly MqttClient[],
  devices: readonly string[],
  perDevice: number,
  rate: number,
  /** First timestamp; calls that must not overlap pass different ones. */
  base = Date.now() - 3_600_000,
): Promise<number> {
  const start = Date.now();
  const perDeviceInterval = (1000 * devices.length) / rate;
  await Promise.all(
    clients.map(async (c, d) => {
      const id = devices[d] as string;
      for (let i = 0; i < perDevice; i++) {
        const due = start + i * perDeviceInterval;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const payload = `{"v":1,"deviceId":"${id}","ts":"${new Date(base + i * 10).toISOString()}","metrics":{"energy_import":{"value":${i},"unit":"Wh"}}}`;
        await c.publishAsync(`hpg/v1/devices/${id}/meter`, payload, { qos: 1 });
      }
    }),
  );
  return devices.length * perDevice;
}

export function serviceEnv(e: Engines, iso: ReturnType<typeof isolation>, registryFile: string) {
  return {
    HPG_REGISTRY: registryFile,
    HPG_MQTT_URL: e.mqtt.url,
    HPG_MQTT_CLIENT_ID: iso.ingestClientId,
    HPG_MQTT_SHARE_GROUP: iso.shareGroup,
    HPG_KAFKA_BROKERS: e.kafka.bootstrap,
    HPG_KAFKA_PREFIX: iso.kafkaPrefix,
    HPG_INFLUX_URL: e.influx.url,
    HPG_INFLUX_DATABASE: iso.database,
  };
}
