/**
 * Memory of ingest and writer at full load, step by step through its optimisations, in one run on the
 * same engines (issue #8: each service ≤ 250 MB RSS at 20,000 msg/s).
 *
 *   pnpm bench:memory [seconds=20] [devices=100] [window=32]
 *
 * The same pipeline phase four times on one set of fresh engines (Mosquitto, Kafka, InfluxDB):
 * the load generator at full speed for `seconds`, ingest and writer as their own processes with
 * the services' launch flags (SERVICE_NODE_FLAGS), each step one optimisation:
 *   1. from their TypeScript sources (Node strips the types as each module loads and keeps the
 *      stripper, WebAssembly, and the sources for the life of the process), fetching 1 MB of
 *      each Kafka partition at a time (kafkajs' default);
 *   2. from their bundles (scripts/build.ts), as production starts them;
 *   3. and fetching 256 KB of each partition (HPG_KAFKA_FETCH_PARTITION_BYTES' default);
 *   4. and with two malloc arenas (SERVICE_ENV: MALLOC_ARENA_MAX=2).
 * With HPG_BENCH_BEFORE=<git ref>, two phases instead: the services bundled as they were at that
 * commit (a worktree in the temporary directory, kept for the next run: `git worktree list`
 * shows it, `git worktree remove` drops it), then as they are in the working tree: a code
 * change's before/after in one run on the same engines.
 * Reported per phase: msg/s acknowledged and stored, each service's peak RSS (sampled every
 * second from its /metrics) and CPU, and each step's ratios. bench-results/memory.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './ceilings.ts';
import { readServiceMetrics, round1 } from './proc-stats.ts';
import { BenchStack, int, root, type ServiceFrom, sleep, storedReadings } from './stack.ts';

const [secondsArg = '20', devicesArg = '100', windowArg = '32'] = process.argv.slice(2);
const devices = Number(devicesArg);
/** HPG_BENCH_BEFORE=<git ref>: two phases instead, the services as bundled at that commit, then the working tree's. */
const before = process.env.HPG_BENCH_BEFORE;
const started = performance.now();
const log = (m: string) =>
  process.stderr.write(`[memory ${Math.round((performance.now() - started) / 1000)} s] ${m}\n`);

/** Where a service's memory is, from its /metrics (prom-client's Node.js metrics), in MB. */
async function heapOf(ops: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${ops}/metrics`)).text();
  const v = (line: string) => {
    const l = text.split('\n').find((x) => x.startsWith(line));
    return l === undefined ? Number.NaN : round1(Number(l.slice(l.lastIndexOf(' ') + 1)) / 1048576);
  };
  return {
    rss: v('hpg_process_resident_memory_bytes '),
    heapTotal: v('hpg_nodejs_heap_size_total_bytes '),
    heapUsed: v('hpg_nodejs_heap_size_used_bytes '),
    newSpace: v('hpg_nodejs_heap_space_size_total_bytes{space="new"}'),
    oldSpace: v('hpg_nodejs_heap_space_size_total_bytes{space="old"}'),
    external: v('hpg_nodejs_external_memory_bytes '),
  };
}

const stack = new BenchStack();
try {
  log('starting Mosquitto, Kafka and InfluxDB');
  const engines = await stack.engines();
  const phases: Record<string, unknown>[] = [];
  const plan: readonly (readonly [string, ServiceFrom, Readonly<Record<string, string>>])[] =
    before === undefined
      ? [
          // glibc reads MALLOC_ARENA_MAX as a number; 0 is its default (8 arenas a core).
          ['sources, 1 MB fetches', 'source', { HPG_KAFKA_FETCH_PARTITION_BYTES: '1048576', MALLOC_ARENA_MAX: '0' }],
          ['bundles, 1 MB fetches', 'bundle', { HPG_KAFKA_FETCH_PARTITION_BYTES: '1048576', MALLOC_ARENA_MAX: '0' }],
          ['bundles, 256 KB fetches', 'bundle', { MALLOC_ARENA_MAX: '0' }],
          ['and 2 malloc arenas (now)', 'bundle', {}],
        ]
      : [
          [`before: ${before}`, { ref: before }, {}],
          ['after: working tree', 'bundle', {}],
        ];
  for (const [phase, from, extraEnv] of plan) {
    const database = `bench_${phases.length}`;
    const env: Record<string, string> = { ...(await stack.pipelineEnv(engines, devices, database)), ...extraEnv };
    // Each phase its own topics and consumer groups, so the second reads nothing of the first.
    env.HPG_KAFKA_PREFIX = `bench${phases.length}.`;
    env.HPG_MQTT_CLIENT_ID = `bench-ingest-${phases.length}`;
    env.HPG_MQTT_SHARE_GROUP = `bench-ingest-${phases.length}`;
    log(`${phase}: starting writer and ingest`);
    const writer = await stack.service('writer', env, from);
    const ingest = await stack.service('ingest', env, from);
    const peak = { ingest: 0, writer: 0 };
    const atPeak: Record<string, Record<string, number>> = {};
    const cpu0 = {
      ingest: (await readServiceMetrics(ingest.ops))?.cpuSeconds ?? 0,
      writer: (await readServiceMetrics(writer.ops))?.cpuSeconds ?? 0,
    };
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        for (const [name, s] of [
          ['ingest', ingest],
          ['writer', writer],
        ] as const) {
          const m = await readServiceMetrics(s.ops);
          if (m !== undefined && Number.isFinite(m.rssBytes) && m.rssBytes > peak[name]) {
            peak[name] = m.rssBytes;
            atPeak[name] = await heapOf(s.ops).catch(() => ({}));
          }
        }
        await sleep(1_000);
      }
    })();
    const t0 = performance.now();
    const load = await runLoad([engines.mq.url, devicesArg, secondsArg, windowArg]);
    let stored = 0;
    for (let i = 0; i < 1200 && stored < load.acked; i++) {
      stored = await storedReadings(engines.influx.url, database);
      if (stored < load.acked) await sleep(250);
    }
    const seconds = (performance.now() - t0) / 1000;
    loading = false;
    await sampler;
    const cpu = {
      ingest: ((await readServiceMetrics(ingest.ops))?.cpuSeconds ?? 0) - cpu0.ingest,
      writer: ((await readServiceMetrics(writer.ops))?.cpuSeconds ?? 0) - cpu0.writer,
    };
    const result = {
      phase,
      from,
      ackedMsgPerSec: Math.round(load.rate),
      storedMsgPerSec: Math.round(stored / seconds),
      sentEqualsStored: stored === load.acked,
      ingestPeakRssMb: round1(peak.ingest / 1048576),
      writerPeakRssMb: round1(peak.writer / 1048576),
      ingestCpuSeconds: round1(cpu.ingest),
      writerCpuSeconds: round1(cpu.writer),
      atPeak,
    };
    log(`  ${JSON.stringify(result)}`);
    phases.push(result);
    await stack.stopService(ingest);
    await stack.stopService(writer);
  }
  const after = phases.at(-1) as { [k: string]: number } | undefined;
  // Each step against the phase before it, and the whole change (now / the first phase).
  const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
  const keys = ['storedMsgPerSec', 'ingestPeakRssMb', 'writerPeakRssMb', 'ingestCpuSeconds', 'writerCpuSeconds'];
  console.table(phases.map(({ atPeak: _a, ...p }) => p));
  console.log('memory at peak RSS (MB)');
  console.table(
    phases.flatMap((p) =>
      Object.entries(p.atPeak as Record<string, Record<string, number>>).map(([svc, m]) => ({
        phase: p.phase,
        service: svc,
        ...m,
      })),
    ),
  );
  const ratios = Object.fromEntries(
    keys.map((k) => {
      const v = phases.map((p) => p[k] as number);
      const steps = v
        .slice(1)
        .map((x, i) => [`${phases[i + 1]?.phase} / ${phases[i]?.phase}`, ratio(x, v[i] as number)]);
      if (v.length > 2) steps.push(['last / first', ratio(v.at(-1) as number, v[0] as number)]);
      return [k, Object.fromEntries(steps)];
    }),
  );
  console.log('ratios, same run');
  console.table(ratios);
  const targetMb = 250;
  console.log(
    `target ≤ ${targetMb} MB each: ingest ${after?.ingestPeakRssMb} MB, writer ${after?.writerPeakRssMb} MB (at ${int(after?.storedMsgPerSec ?? 0)} msg/s stored)`,
  );
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(
    join(root, 'bench-results', 'memory.json'),
    `${JSON.stringify({ phases, ratios, targetMb }, null, 2)}\n`,
  );
} finally {
  await stack.stop();
}
