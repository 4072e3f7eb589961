/**
 * The production stack for benchmarks: fresh Mosquitto, Kafka and InfluxDB instances on free
 * ports (infra/native), ingest and writer as their own processes, and a teardown that stops and
 * removes everything this run started, whatever failed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '@hpg/platform';
import type { MqttClient } from 'mqtt';
import { buildServices, bundleModule, serviceBundle } from '../../scripts/build.ts';
import { engineScript, freePort, startInflux, startKafka, startMosquitto } from '../../tests/engines/engines.ts';
import { writeBenchRegistry } from './bench-fleet.ts';

export const root = resolve(import.meta.dirname, '../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The p-th percentile of ascending `sorted` (nearest rank below); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const bundles = new Map<string, Promise<unknown>>();

/**
 * Where a bench's service comes from: its bundle of the working tree (as production runs it), its
 * TypeScript sources, or its bundle as it was at a git commit (a before/after in one run).
 */
export type ServiceFrom = 'bundle' | 'source' | { readonly ref: string };

const checkouts = new Map<string, Promise<string>>();

/**
 * A service's bundle built from the repository at `ref`: a detached worktree of that commit in a
 * temporary directory (its packages installed from the local store, offline first), bundled with
 * today's build script; a bundle holds all it needs but Node's built-ins, so it runs from there.
 */
async function bundleAtRef(name: string, ref: string): Promise<string> {
  let checkout = checkouts.get(ref);
  if (checkout === undefined) {
    checkout = (async () => {
      const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
        cwd: root,
        encoding: 'utf8',
      }).trim();
      const dir = join(tmpdir(), `hpg-bench-${sha.slice(0, 12)}`);
      if (!existsSync(join(dir, 'package.json'))) {
        execFileSync('git', ['worktree', 'add', '--detach', '--force', dir, sha], { cwd: root, stdio: 'ignore' });
      }
      execFileSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--ignore-scripts'], {
        cwd: dir,
        stdio: 'ignore',
      });
      return dir;
    })();
    checkouts.set(ref, checkout);
  }
  const dir = await checkout;
  const file = join(dir, 'services', name, 'dist', 'main.mjs');
  await bundleModule(join(dir, 'services', name, 'src', 'main.ts'), file);
  return file;
}

/**
 * How a bench starts a service the way production does: the launch flags and the service's bundle
 * (`services/<name>/dist/main.mjs`, built from the current sources once per bench process).
 * `from: 'source'` runs its TypeScript instead (Node strips the types as it loads), for before/after.
 */
export async function serviceArgs(name: string, from: ServiceFrom = 'bundle'): Promise<string[]> {
  // HPG_BENCH_PROFILE_DIR: the service writes a V8 CPU profile there when it stops (bench/src/profile-summary.ts reads it).
  const dir = process.env.HPG_BENCH_PROFILE_DIR;
  const profiling =
    dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
  if (from === 'source') return [...SERVICE_NODE_FLAGS, ...profiling, join('services', name, 'src', 'main.ts')];
  if (typeof from === 'object') return [...SERVICE_NODE_FLAGS, ...profiling, await bundleAtRef(name, from.ref)];
  let built = bundles.get(name);
  if (built === undefined) {
    built = buildServices([name]);
    bundles.set(name, built);
  }
  await built;
  return [...SERVICE_NODE_FLAGS, ...profiling, serviceBundle(name)];
}

export interface Engines {
  readonly mq: Awaited<ReturnType<typeof startMosquitto>>;
  readonly kafka: Awaited<ReturnType<typeof startKafka>>;
  readonly influx: Awaited<ReturnType<typeof startInflux>>;
  /** The engines' own pids (the scripts exec them). */
  readonly pids: { readonly mosquitto: number; readonly kafka: number; readonly influxd: number };
}

export interface Service {
  readonly child: ChildProcess;
  /** Its ops endpoint (/healthz, /metrics). */
  readonly ops: string;
}

/** The pid an engine script wrote for its instance. */
const pidOf = (dir: string | undefined, file: string) => Number(readFileSync(join(dir ?? '', file), 'utf8').trim());

export class BenchStack {
  readonly #started: [Parameters<typeof engineScript>[0], Record<string, string>][] = [];
  readonly #children: ChildProcess[] = [];
  readonly #scratch: string[] = [];

  /** Starts the three engines; every start settles before a failure is thrown, so `stop` stops all that did start. */
  async engines(): Promise<Engines> {
    const tracked = async <T extends { readonly env: Record<string, string> }>(
      name: Parameters<typeof engineScript>[0],
      starting: Promise<T>,
    ): Promise<T> => {
      const h = await starting;
      this.#started.push([name, h.env]);
      return h;
    };
    const starting = [
      tracked('mosquitto', startMosquitto()),
      tracked('kafka', startKafka()),
      tracked('influxdb', startInflux()),
    ] as const;
    await Promise.allSettled(starting);
    const [mq, kafka, influx] = await Promise.all(starting);
    return {
      mq,
      kafka,
      influx,
      pids: {
        mosquitto: pidOf(mq.env.HPG_MOSQUITTO_DATA_DIR, 'mosquitto.pid'),
        kafka: pidOf(kafka.env.HPG_KAFKA_DATA_DIR, 'kafka.pid'),
        influxd: pidOf(influx.env.HPG_INFLUX_DATA_DIR, 'influxd.pid'),
      },
    };
  }

  /** A registry of `devices` bench meters and the env ingest and writer run with on these engines. */
  async pipelineEnv(e: Engines, devices: number, database = 'bench'): Promise<Record<string, string>> {
    const registryFile = join(root, '.scratch', `bench-registry-${Date.now()}.json`);
    mkdirSync(join(root, '.scratch'), { recursive: true });
    this.#scratch.push(registryFile);
    await writeBenchRegistry(registryFile, devices);
    return {
      HPG_REGISTRY: registryFile,
      HPG_MQTT_URL: e.mq.url,
      HPG_MQTT_CLIENT_ID: 'bench-ingest',
      HPG_MQTT_SHARE_GROUP: 'bench-ingest',
      HPG_KAFKA_BROKERS: e.kafka.bootstrap,
      HPG_KAFKA_PREFIX: 'bench.',
      HPG_INFLUX_URL: e.influx.url,
      HPG_INFLUX_DATABASE: database,
    };
  }

  /** A service as its own process (see serviceArgs), once its ops endpoint is healthy. */
  async service(name: string, env: Record<string, string>, from: ServiceFrom = 'bundle'): Promise<Service> {
    const port = await freePort();
    const child = spawn(process.execPath, await serviceArgs(name, from), {
      cwd: root,
      env: { ...process.env, ...SERVICE_ENV, HPG_LOG_LEVEL: 'warn', HPG_OPS_PORT: String(port), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.#children.push(child);
    const ops = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`${ops}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return { child, ops };
      await sleep(100);
    }
    throw new Error(`${name} did not become healthy`);
  }

  /** Stops one service (SIGTERM) and waits for it to exit. */
  async stopService(s: Service): Promise<void> {
    if (s.child.exitCode !== null) return;
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGTERM');
    await exited;
  }

  /** Stops the services and the engines, and removes their data and the registry. */
  async stop(): Promise<void> {
    for (const c of this.#children) c.kill('SIGTERM');
    await sleep(1_000);
    await Promise.allSettled(this.#started.map(([name, env]) => engineScript(name, 'stop', env)));
    // The instances' data (the Kafka ceiling alone writes hundreds of MB) and the registry.
    for (const [, env] of this.#started) {
      for (const [k, v] of Object.entries(env))
        if (k.endsWith('_DATA_DIR')) rmSync(v, { recursive: true, force: true });
    }
    for (const f of this.#scratch) rmSync(f, { force: true });
  }
}

export async function influxQuery(url: string, db: string, q: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  const body = (await res.json()) as { results?: { series?: { values?: unknown[][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values ?? [];
}

/** Bench meter readings stored in InfluxDB. */
export const storedReadings = async (url: string, db: string) =>
  Number((await influxQuery(url, db, 'SELECT count(energy_import) FROM meter'))[0]?.[1] ?? 0);

/**
 * Publish → queryable latency: `count` meter readings from `probeId` (2 hours in the past, one
 * millisecond apart, QoS 1), sent 80 ms apart; each is polled with `stored(ts)` every 10 ms
 * until it is found. The latencies in ms, ascending (a probe never found is left out).
 */
export async function probeLatencies(
  probe: MqttClient,
  probeId: string,
  stored: (ts: number) => Promise<boolean>,
  log: (line: string) => void = () => {},
  count = 200,
): Promise<number[]> {
  const latencies: number[] = [];
  const polls: Promise<void>[] = [];
  const tsBase = Date.now() - 7_200_000;
  for (let i = 0; i < count; i++) {
    const ts = tsBase + i;
    const sentAt = performance.now();
    await probe.publishAsync(
      `hpg/v1/devices/${probeId}/meter`,
      `{"v":1,"deviceId":"${probeId}","ts":"${new Date(ts).toISOString()}","metrics":{"energy_import":{"value":${i},"unit":"Wh"}}}`,
      { qos: 1 },
    );
    polls.push(
      (async () => {
        for (let k = 0; k < 2_000; k++) {
          if (await stored(ts)) {
            latencies.push(performance.now() - sentAt);
            return;
          }
          await sleep(10);
        }
      })(),
    );
    if ((i + 1) % 50 === 0) log(`  ${i + 1} probes sent, ${latencies.length} queryable`);
    await sleep(80);
  }
  await Promise.all(polls);
  return latencies.sort((a, b) => a - b);
}
