/**
 * Alert latency benchmark (issue #6's target): detection published → police webhook received,
 * p99 ≤ 2 s at 100 detections/s while 10,000 readings/s flow through the same pipeline.
 *
 *   pnpm bench:alerts [--seconds 30] [--detections 100] [--readings 10000]
 *
 * The all-in-one runs as its own process (embedded broker, bus, store, indicators, alerts with the
 * webhook channel on); this process is the police's receiver (it checks each signature) and the
 * cameras; a second process is the meters' load generator. Every detection is a new pile (its own
 * camera and zone), so each must produce exactly one webhook. Two phases in the same run:
 *   baseline  detections alone (no readings): the pipeline's own latency floor;
 *   loaded    detections among the readings.
 * Reported: p50 / p95 / p99 / max latency, delivered / sent, the readings rate achieved, and the
 * ratio loaded p99 / baseline p99. Writes bench-results/alerts.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_ENV } from '@hpg/platform';
import { hashPassword } from '@hpg/registry';
import mqtt from 'mqtt';
import { freePort } from '../../tests/engines/engines.ts';
import { writeBenchRegistry } from './bench-fleet.ts';
import { percentile, serviceArgs } from './stack.ts';

const root = resolve(import.meta.dirname, '../..');
const args = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    detections: { type: 'string', default: '100' },
    readings: { type: 'string', default: '10000' },
  },
}).values;
const SECONDS = Number(args.seconds);
const DET_RATE = Number(args.detections);
const READ_RATE = Number(args.readings);
const CAMERAS = 20;
const METERS = 100;
const SECRET = 'bench-police-webhook-secret-0123456789abcdef';
const TARGET_P99_MS = 2_000;
const log = (s: string) => process.stderr.write(`[bench:alerts] ${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'hpg-bench-alerts-'));
const children: ChildProcess[] = [];

// --- registry: the meters of the load generator, plus cameras whose spots have many zones ------
const registryFile = join(dir, 'registry.json');
await writeBenchRegistry(registryFile, METERS);
const registry = JSON.parse(readFileSync(registryFile, 'utf8')) as {
  sites: Record<string, unknown>[];
  devices: Record<string, unknown>[];
};
const zonesPerCamera = Math.ceil((DET_RATE * SECONDS * 2.5) / CAMERAS);
const zones = Array.from({ length: zonesPerCamera }, (_, i) => `z${i}`);
const cameraIds = Array.from({ length: CAMERAS }, (_, i) => `bench-cam-${String(i).padStart(3, '0')}`);
registry.sites.push({
  id: 'bench-spot',
  localityId: 'hai-phong',
  name: 'Bãi đổ trộm thử nghiệm',
  location: { lat: 20.86, lon: 106.68 },
  kind: 'camera_spot',
  zones,
});
const cost = { n: 1024, r: 8, p: 1 };
for (const id of cameraIds) {
  registry.devices.push({
    id,
    siteId: 'bench-spot',
    kind: 'camera',
    intervalSeconds: 3600,
    credentials: [await hashPassword(`cam-${id}`, cost)],
  });
}
writeFileSync(registryFile, JSON.stringify(registry));

// --- the police's receiver ---------------------------------------------------------------------
const port = await freePort();
const received = new Map<string, number>();
let badSignatures = 0;
let duplicates = 0;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const ts = String(req.headers['x-hpg-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
    if (req.headers['x-hpg-signature'] !== expected) badSignatures++;
    const alert = (JSON.parse(body) as { alert: { deviceId: string; details: { zone: string } } }).alert;
    const key = `${alert.deviceId}|${alert.details.zone}`;
    if (received.has(key)) duplicates++;
    else received.set(key, at);
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));

const rules = {
  version: 1,
  localities: [
    {
      localityId: 'hai-phong',
      dumping: { labels: ['waste'], minScore: 0.5, dedupeWindowMinutes: 60, severity: 'high' },
      contacts: {
        police: {
          escalateAfterMinutes: 60,
          chain: [
            {
              id: 'bench-police',
              name: 'Công an (thử nghiệm)',
              reach: { webhook: { url: `http://127.0.0.1:${port}/hook`, secretRef: 'bench-police' } },
            },
          ],
        },
      },
    },
  ],
};
writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ 'bench-police': SECRET }));

// --- the pipeline ------------------------------------------------------------------------------
const mqttPort = await freePort();
const apiPort = await freePort();
const app = spawn(process.execPath, await serviceArgs('all-in-one'), {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    ...SERVICE_ENV,
    HPG_REGISTRY: registryFile,
    HPG_MQTT_PORT: String(mqttPort),
    HPG_API_PORT: String(apiPort),
    HPG_STORE_PATH: join(dir, 'store.sqlite'),
    HPG_SIM_ENABLED: 'false',
    HPG_AUTH_ENABLED: 'false',
    HPG_ALERT_RULES: join(dir, 'rules.json'),
    HPG_ALERT_SECRETS_FILE: join(dir, 'secrets.json'),
    HPG_ALERT_WEBHOOK_ENABLED: 'true',
    HPG_ALERT_LINK_SECRET: 'bench-link-secret-0123456789abcdef0123456789',
    HPG_LOG_LEVEL: 'warn',
  },
});
children.push(app);

let zoneCursor = 0;
/** Publishes `rate` detections/s for `seconds`, each a new pile; returns publish times by key. */
async function detections(cams: mqtt.MqttClient[], rate: number, seconds: number): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  const total = rate * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const cam = i % CAMERAS;
    const zone = zones[Math.floor(zoneCursor / CAMERAS) % zones.length] as string;
    zoneCursor++;
    const deviceId = cameraIds[cam] as string;
    const now = Date.now();
    const payload = JSON.stringify({
      v: 1,
      deviceId,
      ts: new Date(now).toISOString(),
      eventId: `bench-${zoneCursor}`,
      phase: 'start',
      label: 'waste',
      score: 0.9,
      zone,
      startedAt: new Date(now).toISOString(),
    });
    sent.set(`${deviceId}|${zone}`, performance.timeOrigin + performance.now());
    (cams[cam] as mqtt.MqttClient).publish(`hpg/v1/devices/${deviceId}/detection`, payload, { qos: 1 });
  }
  return sent;
}

async function collect(sent: Map<string, number>, label: string) {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline && [...sent.keys()].some((k) => !received.has(k))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const latencies = [...sent].flatMap(([k, t]) => {
    const r = received.get(k);
    return r === undefined ? [] : [r - t];
  });
  latencies.sort((a, b) => a - b);
  const out = {
    phase: label,
    sent: sent.size,
    delivered: latencies.length,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies.at(-1) ?? Number.NaN),
  };
  log(`${label}: ${JSON.stringify(out)}`);
  return out;
}

try {
  const api = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${api}/healthz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error('all-in-one did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const cams = await Promise.all(
    cameraIds.map((id) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        username: id,
        password: `cam-${id}`,
        clientId: `bench-${id}`,
        reconnectPeriod: 0,
      }),
    ),
  );

  const baselineSeconds = Math.max(5, Math.round(SECONDS / 3));
  log(`baseline: ${DET_RATE} detections/s for ${baselineSeconds} s, no readings`);
  const baseline = await collect(await detections(cams, DET_RATE, baselineSeconds), 'baseline');

  log(`loaded: ${DET_RATE} detections/s among ${READ_RATE} readings/s for ${SECONDS} s`);
  const load = spawn(
    process.execPath,
    ['bench/src/load.ts', `mqtt://127.0.0.1:${mqttPort}`, String(METERS), String(SECONDS + 2), '64', String(READ_RATE)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(load);
  let loadOut = '';
  load.stdout?.on('data', (c: Buffer) => {
    loadOut += c.toString();
  });
  const loadDone = new Promise<void>((r) => load.on('exit', () => r()));
  await new Promise((r) => setTimeout(r, 1_000)); // the load is up to speed
  const loaded = await collect(await detections(cams, DET_RATE, SECONDS), 'loaded');
  await loadDone;
  const readings = JSON.parse(loadOut.trim().split('\n').at(-1) ?? '{}') as { rate?: number; acked?: number };
  await Promise.all(cams.map((c) => c.endAsync()));

  const result = {
    detectionsPerSecond: DET_RATE,
    readingsPerSecondTarget: READ_RATE,
    readingsPerSecondAchieved: Math.round(readings.rate ?? 0),
    seconds: SECONDS,
    baseline,
    loaded,
    badSignatures,
    duplicates,
    ratioP99LoadedToBaseline: Number((loaded.p99Ms / Math.max(1, baseline.p99Ms)).toFixed(2)),
    targetP99Ms: TARGET_P99_MS,
    met: loaded.p99Ms <= TARGET_P99_MS && loaded.delivered === loaded.sent && badSignatures === 0,
  };
  console.table([baseline, loaded]);
  console.table([
    {
      readingsPerSecond: result.readingsPerSecondAchieved,
      ratioP99: result.ratioP99LoadedToBaseline,
      badSignatures,
      duplicates,
      met: result.met,
    },
  ]);
  const out = join(root, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'alerts.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1_500));
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
