/**
 * Ceilings of the three engines, each measured with its own kind of tool on the benchmark's own
 * fresh instances, in units the pipeline can be compared with (one reading = one MQTT message =
 * one Kafka record = one InfluxDB point):
 *
 * - Mosquitto: raw publish → subscribe. The load generator (QoS 1 publishes, `window` in flight
 *   per device connection) and one QoS 1 subscriber on the device topics, no ingest: messages
 *   received by the subscriber per second, first to last.
 * - Kafka: Kafka's own ProducerPerformance (the jars the broker runs from), acks=all, unthrottled,
 *   records the size of our JSON readings on a topic with the pipeline's partition count.
 * - InfluxDB: raw line-protocol writes, POST /write with 5,000-line batches of meter reading lines
 *   exactly as the writer formats them, from a few concurrent writers for a fixed time.
 *
 * Each reports the CPU of the engine and of the tool over its run, and of the whole machine
 * (`machine`: every process, the tools' and other users' included).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '@hpg/contracts';
import mqtt from 'mqtt';
import { FieldKeyCache, readingLine } from '../../packages/store-influx/src/record-lines.ts';
import { ROOT } from '../../tests/engines/engines.ts';
import { benchDeviceId } from './bench-fleet.ts';
import { CpuWindow, type ProcUsage, restOfMachine, round1 } from './proc-stats.ts';
import { int, sleep } from './stack.ts';

export type Log = (message: string) => void;

/** What the load generator (load.ts) prints. */
export interface LoadResult {
  readonly sent: number;
  readonly acked: number;
  readonly errors: number;
  readonly elapsed: number;
  readonly rate: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** Runs the load generator in its own process; `onStart` gets its pid. */
export function runLoad(args: readonly string[], onStart?: (pid: number) => void): Promise<LoadResult> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, ['bench/src/load.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (c.pid !== undefined) onStart?.(c.pid);
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.on('error', rej);
    c.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out) as LoadResult) : rej(new Error(`load.ts exited ${code}`)),
    );
  });
}

/**
 * A meter reading of bench device `device` as ingest decodes the load generator's `seq`-th
 * message (kWh → Wh, kW → W): the record on Kafka and the source of the writer's line.
 */
export function benchReading(device: number, seq: number, ts: number, receivedAt: number): Reading {
  return {
    v: 1,
    measurement: 'meter',
    deviceId: benchDeviceId(device),
    siteId: 'bench-site',
    localityId: 'hai-phong',
    channel: '',
    ts,
    receivedAt,
    values: { energy_import: 1_000_000 + seq, power: 30_000 + (seq % 10) * 1_000 },
    states: {},
    quality: {},
    source: 'hpg-json/v1',
  };
}

/** Bytes of a typical reading record on Kafka (its JSON value). */
export function readingRecordBytes(): number {
  const now = Date.now();
  return Buffer.byteLength(JSON.stringify(benchReading(42, 123_456, now - 86_400_000, now)));
}

// ---------------------------------------------------------------------------------------------
// Mosquitto

export interface MosquittoCeiling {
  /** Publishes acknowledged (PUBACK) to the load generator, per second of its run. */
  readonly publishAckedMsgPerSec: number;
  readonly acked: number;
  /** Messages the subscriber received, per second from the first to the last: the ceiling. */
  readonly msgPerSec: number;
  readonly delivered: number;
  readonly cpu: Record<string, ProcUsage>;
  /** CPU % of the machine that neither the engine nor the tool used (other users, kernel). */
  readonly restCpuPercent: number;
}

export async function mosquittoCeiling(o: {
  readonly url: string;
  readonly mosquittoPid: number;
  readonly devices: number;
  readonly seconds: number;
  readonly window: number;
  readonly log: Log;
}): Promise<MosquittoCeiling> {
  const subscriber = await mqtt.connectAsync(o.url, { clientId: 'ceiling-subscriber', clean: true });
  let delivered = 0;
  let first = 0;
  let last = 0;
  subscriber.on('message', () => {
    last = performance.now();
    if (delivered === 0) first = last;
    delivered++;
  });
  await subscriber.subscribeAsync('hpg/v1/devices/+/+', { qos: 1 });
  const cpu = await CpuWindow.start({
    mosquitto: { pid: o.mosquittoPid },
    'subscriber (bench)': { self: true },
    machine: { machine: true },
  });
  const load = await runLoad([o.url, String(o.devices), String(o.seconds), String(o.window)]);
  // Every acknowledged publish is due to the subscriber; wait (bounded) for the stragglers.
  for (let i = 0; i < 300 && delivered < load.acked; i++) await sleep(100);
  const measured = await cpu.stop();
  await subscriber.endAsync();
  if (delivered < load.acked) o.log(`mosquitto ceiling: the subscriber got ${delivered} of ${load.acked} messages`);
  const usage = { ...measured.usage, 'load generator': loadUsage(load, measured.wallSeconds) };
  return {
    publishAckedMsgPerSec: Math.round(load.rate),
    acked: load.acked,
    msgPerSec: delivered < 2 ? 0 : Math.round(delivered / ((last - first) / 1000)),
    delivered,
    cpu: usage,
    restCpuPercent: restOfMachine(usage),
  };
}

/** The load generator's own report over a window it ran entirely inside (RSS: its peak). */
export function loadUsage(load: LoadResult, wallSeconds: number): ProcUsage {
  return {
    cpuPercent: round1((load.cpuSeconds / wallSeconds) * 100),
    cpuSeconds: round1(load.cpuSeconds),
    rssMb: load.maxRssMb,
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka

export interface KafkaCeiling {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
  readonly recordBytes: number;
  /** ProducerPerformance's final summary line, verbatim. */
  readonly summary: string;
  readonly msgPerSec: number;
  readonly mbPerSec: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly cpu: Record<string, ProcUsage>;
  readonly restCpuPercent: number;
}

const SUMMARY =
  /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

/** The java binary and class path of the running broker: the tool runs from the very same jars. */
function brokerJava(pid: number): { java: string; classPath: string } {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const cp = argv.indexOf('-cp');
  const java = argv[0];
  const classPath = argv[cp + 1];
  if (cp < 0 || java === undefined || classPath === undefined) {
    throw new Error(`no -cp in the Kafka broker's command line (pid ${pid})`);
  }
  return { java, classPath };
}

function runScript(script: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    const c = spawn('bash', [join(ROOT, 'infra/native', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      out += d;
    });
    c.on('error', rej);
    c.on('exit', (code) =>
      code === 0 ? res(out) : rej(new Error(`${script} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

export async function kafkaCeiling(o: {
  readonly env: Record<string, string>;
  readonly bootstrap: string;
  readonly brokerPid: number;
  readonly partitions: number;
  readonly records: number;
  readonly recordBytes: number;
  readonly log: Log;
}): Promise<KafkaCeiling> {
  const topic = 'bench-ceiling.readings';
  await runScript('kafka.sh', ['topics-create', topic, String(o.partitions)], o.env);
  const { java, classPath } = brokerJava(o.brokerPid);
  const dataDir = o.env.HPG_KAFKA_DATA_DIR ?? '';
  const cpu = await CpuWindow.start({ kafka: { pid: o.brokerPid }, machine: { machine: true } });
  const summary = await new Promise<string>((res, rej) => {
    // The JVM settings of `kafka.sh perf-test`; the tools' log4j config is in the instance's dir.
    const c = spawn(
      java,
      [
        '-Xmx512m',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(dataDir, 'log4j2-tools.properties')}`,
        '-cp',
        classPath,
        'org.apache.kafka.tools.ProducerPerformance',
        ...['--topic', topic, '--num-records', String(o.records), '--record-size', String(o.recordBytes)],
        ...['--throughput', '-1', '--bootstrap-server', o.bootstrap, '--command-property', 'acks=all'],
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (c.pid !== undefined) cpu.add('producer-perf (JVM)', { pid: c.pid });
    let found: string | undefined;
    let pending = '';
    let errors = '';
    c.stdout.on('data', (d) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (SUMMARY.test(line)) {
          found = line;
          // The run is over; sample the tool before the JVM exits.
          void cpu.refresh();
        } else if (line.trim() !== '') o.log(`kafka ceiling: ${line.trim()}`);
      }
    });
    c.stderr.on('data', (d) => {
      errors += d;
    });
    c.on('error', rej);
    c.on('exit', (code) =>
      code === 0 && found !== undefined
        ? res(found)
        : rej(new Error(`ProducerPerformance exited ${code} without a summary:\n${errors.slice(-3000)}`)),
    );
  });
  const { usage } = await cpu.stop();
  const m = SUMMARY.exec(summary) as RegExpExecArray;
  const n = (i: number) => Number(m[i]);
  return {
    topic,
    partitions: o.partitions,
    records: n(1),
    recordBytes: o.recordBytes,
    summary,
    msgPerSec: Math.round(n(2)),
    mbPerSec: n(3),
    avgLatencyMs: n(4),
    maxLatencyMs: n(5),
    p50Ms: n(6),
    p95Ms: n(7),
    p99Ms: n(8),
    p999Ms: n(9),
    cpu: usage,
    restCpuPercent: restOfMachine(usage),
  };
}

// ---------------------------------------------------------------------------------------------
// InfluxDB

export interface InfluxCeiling {
  readonly database: string;
  readonly writers: number;
  readonly batchLines: number;
  readonly lineBytes: number;
  readonly seconds: number;
  /** Points acknowledged (204) per second: the ceiling. */
  readonly msgPerSec: number;
  readonly points: number;
  /** count() of the points afterwards: every acknowledged point is a distinct point. */
  readonly counted: number;
  readonly batches: number;
  readonly batchP50Ms: number;
  readonly batchP99Ms: number;
  readonly cpu: Record<string, ProcUsage>;
  readonly restCpuPercent: number;
}

async function influxQuery(url: string, q: string, db?: string): Promise<unknown[][]> {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (db !== undefined) params.set('db', db);
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  });
  const body = (await res.json()) as { results?: { error?: string; series?: { values?: unknown[][] }[] }[] };
  const error = body.results?.[0]?.error;
  if (!res.ok || error !== undefined) throw new Error(`InfluxDB ${q}: ${res.status} ${error ?? ''}`);
  return body.results?.[0]?.series?.[0]?.values ?? [];
}

export async function influxCeiling(o: {
  readonly url: string;
  readonly influxPid: number;
  readonly devices: number;
  readonly seconds: number;
  readonly writers: number;
  readonly batchLines: number;
  readonly log: Log;
}): Promise<InfluxCeiling> {
  const database = 'bench_ceiling';
  await influxQuery(o.url, `CREATE DATABASE ${database}`);

  // Lines as the writer formats them, built once per device and value variant up to the
  // timestamp, so building a batch is cheap next to what InfluxDB does with it.
  const keys = new FieldKeyCache();
  const variants = 10;
  const receivedAt = Date.now();
  const heads = Array.from({ length: o.devices }, (_, d) =>
    Array.from({ length: variants }, (_, k) => {
      const line = readingLine(benchReading(d, k, 0, receivedAt), keys);
      return line.slice(0, line.lastIndexOf(' ') + 1);
    }),
  );
  const lineBytes = Buffer.byteLength(
    readingLine(benchReading(42, 123_456, receivedAt - 86_400_000, receivedAt), keys),
  );
  // Batch b holds `perDevice` points of every device at timestamps of its own, so no two
  // lines in the run name the same point (an overwrite would not be a new point).
  const perDevice = Math.ceil(o.batchLines / o.devices);
  const tsBase = Date.now() - 3 * 86_400_000;
  const batch = (b: number): string => {
    const lines = new Array<string>(o.batchLines);
    for (let j = 0; j < o.batchLines; j++) {
      const d = j % o.devices;
      const i = Math.floor(j / o.devices);
      lines[j] = `${heads[d]?.[(b + i) % variants]}${tsBase + b * perDevice + i}`;
    }
    return lines.join('\n');
  };

  const writeUrl = `${o.url}/write?${new URLSearchParams({ db: database, precision: 'ms' })}`;
  const cpu = await CpuWindow.start({
    influxd: { pid: o.influxPid },
    'writers (bench)': { self: true },
    machine: { machine: true },
  });
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  let next = 0;
  let points = 0;
  const latencies: number[] = [];
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    o.log(`influxdb ceiling: ${Math.round(s)} s, ${int(points)} points (${int(points / s)} points/s)`);
  }, 5_000);
  try {
    await Promise.all(
      Array.from({ length: o.writers }, async () => {
        while (performance.now() < deadline) {
          const body = batch(next++);
          const t = performance.now();
          const res = await fetch(writeUrl, {
            method: 'POST',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body,
          });
          if (res.status !== 204) throw new Error(`InfluxDB /write: ${res.status} ${await res.text()}`);
          latencies.push(performance.now() - t);
          points += o.batchLines;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  const { usage } = await cpu.stop();
  const counted = Number((await influxQuery(o.url, 'SELECT count(energy_import) FROM meter', database))[0]?.[1] ?? 0);
  // Gone before the pipeline runs: no compactions of these points competing with it.
  await influxQuery(o.url, `DROP DATABASE ${database}`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    database,
    writers: o.writers,
    batchLines: o.batchLines,
    lineBytes,
    seconds: round1(seconds),
    msgPerSec: Math.round(points / seconds),
    points,
    counted,
    batches: latencies.length,
    batchP50Ms: pct(0.5),
    batchP99Ms: pct(0.99),
    cpu: usage,
    restCpuPercent: restOfMachine(usage),
  };
}
