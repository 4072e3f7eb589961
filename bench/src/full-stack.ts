/**
 * Full-stack benchmark on this machine: Mosquitto + Kafka + InfluxDB (native, fresh instances on
 * free ports) with ingest and writer as their own processes, fed by the load generator.
 *
 * 1. Ceiling, same run: the same load generator against Mosquitto alone (a subscriber counting).
 * 2. Sustained throughput: the load generator at full speed for `seconds`; messages/s
 *    acknowledged by the broker, and stored/s = points in InfluxDB / time until the last landed.
 * 3. Latency at a fixed rate (default 5,000 msg/s): probes published among the load, each
 *    polled in InfluxDB until queryable; p50 / p95 / p99 of publish → queryable.
 *
 *   node bench/src/full-stack.ts [devices=100] [seconds=20] [window=32] [latencyRate=5000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { engineScript, freePort, startInflux, startKafka, startMosquitto } from '../../tests/engines/engines.ts';
import { writeBenchRegistry } from './bench-fleet.ts';

const [devicesArg = '100', secondsArg = '20', windowArg = '32', latencyRateArg = '5000'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '../..');
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

function runNode(args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${args[0]} exited ${code}`))));
  });
}

async function service(name: string, env: Record<string, string>): Promise<{ child: ChildProcess; ops: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [`services/${name}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, HPG_LOG_LEVEL: 'warn', HPG_OPS_PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ops = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${ops}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, ops };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become healthy`);
}

async function influxQuery(url: string, db: string, q: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  const body = (await res.json()) as { results?: { series?: { values?: unknown[][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values ?? [];
}

const count = async (url: string, db: string) =>
  Number((await influxQuery(url, db, 'SELECT count(energy_import) FROM meter'))[0]?.[1] ?? 0);

async function rssMb(ops: string): Promise<number> {
  const text = await (await fetch(`${ops}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('hpg_process_resident_memory_bytes '));
  return Math.round(Number(line?.split(' ')[1] ?? 0) / 1e6);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const started: [Parameters<typeof engineScript>[0], Record<string, string>][] = [];
const children: ChildProcess[] = [];
try {
  log('starting Mosquitto, Kafka and InfluxDB');
  const [mq, kafka, influx] = await Promise.all([startMosquitto(), startKafka(), startInflux()]);
  started.push(['mosquitto', mq.env], ['kafka', kafka.env], ['influxdb', influx.env]);

  log('ceiling: the load generator against Mosquitto alone');
  const counter = await mqtt.connectAsync(mq.url, { clientId: 'ceiling-counter', clean: true });
  let delivered = 0;
  counter.on('message', () => {
    delivered++;
  });
  await counter.subscribeAsync('hpg/v1/devices/+/+', { qos: 1 });
  const ceiling = JSON.parse(await runNode(['bench/src/load.ts', mq.url, devicesArg, secondsArg, windowArg]));
  await counter.endAsync();

  const registryFile = join(root, '.scratch', `bench-registry-${Date.now()}.json`);
  await writeBenchRegistry(registryFile, Number(devicesArg) + 1);
  const env = {
    HPG_REGISTRY: registryFile,
    HPG_MQTT_URL: mq.url,
    HPG_MQTT_CLIENT_ID: 'bench-ingest',
    HPG_MQTT_SHARE_GROUP: 'bench-ingest',
    HPG_KAFKA_BROKERS: kafka.bootstrap,
    HPG_KAFKA_PREFIX: 'bench.',
    HPG_INFLUX_URL: influx.url,
    HPG_INFLUX_DATABASE: 'bench',
  };
  const writer = await service('writer', env);
  const ingest = await service('ingest', env);
  children.push(writer.child, ingest.child);

  log('sustained throughput through the whole stack');
  const t0 = performance.now();
  const load = JSON.parse(await runNode(['bench/src/load.ts', mq.url, devicesArg, secondsArg, windowArg]));
  let stored = 0;
  for (let i = 0; i < 1200 && stored < load.acked; i++) {
    stored = await count(influx.url, 'bench');
    if (stored < load.acked) await new Promise((r) => setTimeout(r, 250));
  }
  const storedPerSec = stored / ((performance.now() - t0) / 1000);
  const rss = { ingest: await rssMb(ingest.ops), writer: await rssMb(writer.ops) };

  log(`latency at ${latencyRateArg} msg/s`);
  const loading = runNode(['bench/src/load.ts', mq.url, devicesArg, '25', windowArg, latencyRateArg]);
  await new Promise((r) => setTimeout(r, 3_000));
  const probeId = `bench-mt-${String(Number(devicesArg)).padStart(4, '0')}`;
  const probe = await mqtt.connectAsync(mq.url, { clientId: probeId, username: probeId, clean: true });
  const latencies: number[] = [];
  const tsBase = Date.now() - 7_200_000;
  const polls: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    const ts = tsBase + i;
    const sentAt = performance.now();
    await probe.publishAsync(
      `hpg/v1/devices/${probeId}/meter`,
      `{"v":1,"deviceId":"${probeId}","ts":"${new Date(ts).toISOString()}","metrics":{"energy_import":{"value":${i},"unit":"Wh"}}}`,
      { qos: 1 },
    );
    polls.push(
      (async () => {
        for (let k = 0; k < 2000; k++) {
          const rows = await influxQuery(
            influx.url,
            'bench',
            `SELECT energy_import FROM meter WHERE device = '${probeId}' AND time = ${ts}ms`,
          );
          if (rows.length > 0) {
            latencies.push(performance.now() - sentAt);
            return;
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      })(),
    );
    await new Promise((r) => setTimeout(r, 80));
  }
  await Promise.all(polls);
  await probe.endAsync();
  await loading;
  latencies.sort((a, b) => a - b);

  const result = {
    devices: Number(devicesArg),
    seconds: Number(secondsArg),
    window: Number(windowArg),
    mosquittoCeilingMsgPerSec: Math.round(ceiling.rate),
    mosquittoCeilingDelivered: delivered,
    pipelineAckedMsgPerSec: Math.round(load.rate),
    pipelineStoredMsgPerSec: Math.round(storedPerSec),
    stored,
    ratioToCeiling: Number((storedPerSec / ceiling.rate).toFixed(3)),
    latencyRateMsgPerSec: Number(latencyRateArg),
    latencyProbes: latencies.length,
    latencyP50Ms: Math.round(percentile(latencies, 50)),
    latencyP95Ms: Math.round(percentile(latencies, 95)),
    latencyP99Ms: Math.round(percentile(latencies, 99)),
    rssIngestMb: rss.ingest,
    rssWriterMb: rss.writer,
  };
  console.table(result);
  const out = join(root, 'bench-results');
  await import('node:fs').then((fs) => fs.mkdirSync(out, { recursive: true }));
  writeFileSync(join(out, 'full-stack.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1_000));
  await Promise.allSettled(started.map(([name, env]) => engineScript(name, 'stop', env)));
}
