/**
 * Soak test (issue #8): the full stack (Mosquitto + Kafka + InfluxDB + ingest + writer, fresh
 * instances on free ports) under a steady load for a long time; memory must show no upward trend
 * and every message the broker acknowledged must be stored, once.
 *
 *   pnpm bench:soak [minutes=30] [rate=10000] [devices=100] [window=32]
 *
 * Every 30 s (HPG_SOAK_SAMPLE_SECONDS) it samples the RSS of ingest and writer (their /metrics)
 * and of the three engines (/proc), and the readings stored. After the first sixth of the run
 * (warm-up: heaps and caches grow to their working size), the trend of each process's RSS is
 * judged two ways: the least-squares slope (MB per 10 minutes) and the mean of the last third
 * against the mean of the first third after warm-up. A process "grows" when its last third is more
 * than 10 % and 20 MB above its first; InfluxDB's RSS follows its data (the cache and index of
 * what was written), so it is reported but not judged. At the end the load generator's
 * acknowledged count is compared with the points counted in InfluxDB.
 * Prints a table, writes bench-results/soak.json (every sample), progress on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './ceilings.ts';
import { readProc, readServiceMetrics, round1 } from './proc-stats.ts';
import { BenchStack, int, root, sleep, storedReadings } from './stack.ts';

const [minutesArg = '30', rateArg = '10000', devicesArg = '100', windowArg = '32'] = process.argv.slice(2);
const minutes = Number(minutesArg);
const rate = Number(rateArg);
const devices = Number(devicesArg);
const sampleSeconds = Number(process.env.HPG_SOAK_SAMPLE_SECONDS ?? 30);
const GROWTH_SHARE = 0.1;
const GROWTH_MB = 20;

const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
const log = (m: string) => process.stderr.write(`[soak ${Math.round(elapsedS())} s] ${m}\n`);
const mb = (b: number | undefined) => (b === undefined || !Number.isFinite(b) ? Number.NaN : round1(b / 1048576));

interface Sample {
  readonly atSeconds: number;
  readonly stored: number;
  readonly rssMb: Record<string, number>;
  /** The services' JS heap in use: whether a growing RSS is live objects or the allocator's. */
  readonly heapUsedMb: Record<string, number>;
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
const mean = (ys: readonly number[]) => ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);

function trend(samples: readonly Sample[], pick: (s: Sample) => number | undefined, runSeconds: number) {
  const steady = samples
    .filter((s) => s.atSeconds >= runSeconds / 6)
    .map((s) => ({ at: s.atSeconds, mb: pick(s) ?? Number.NaN }))
    .filter((s) => Number.isFinite(s.mb));
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = mean(steady.slice(0, third).map((s) => s.mb));
  const last = mean(steady.slice(-third).map((s) => s.mb));
  const perTenMinutes =
    slope(
      steady.map((s) => s.at),
      steady.map((s) => s.mb),
    ) * 600;
  const grows = last > first * (1 + GROWTH_SHARE) && last - first > GROWTH_MB;
  return {
    samples: steady.length,
    firstThirdMb: round1(first),
    lastThirdMb: round1(last),
    maxMb: round1(Math.max(...steady.map((s) => s.mb))),
    slopeMbPer10Min: round1(perTenMinutes),
    grows,
  };
}

const stack = new BenchStack();
try {
  log(`starting Mosquitto, Kafka and InfluxDB; then ${minutes} min at ${int(rate)} msg/s from ${devices} devices`);
  const engines = await stack.engines();
  const env = await stack.pipelineEnv(engines, devices);
  const writer = await stack.service('writer', env);
  const ingest = await stack.service('ingest', env);
  const runSeconds = Math.round(minutes * 60);
  const samples: Sample[] = [];
  let loading = true;
  const load = runLoad([engines.mq.url, devicesArg, String(runSeconds), windowArg, rateArg]).finally(() => {
    loading = false;
  });
  const t0 = performance.now();
  const sampler = (async () => {
    while (loading) {
      await sleep(sampleSeconds * 1000);
      const proc = (pid: number) => readProc(pid)?.rssBytes;
      const [i, w] = [await readServiceMetrics(ingest.ops), await readServiceMetrics(writer.ops)];
      const s: Sample = {
        atSeconds: Math.round((performance.now() - t0) / 1000),
        stored: await storedReadings(engines.influx.url, 'bench'),
        heapUsedMb: { ingest: mb(i?.heapUsedBytes), writer: mb(w?.heapUsedBytes) },
        rssMb: {
          ingest: mb(i?.rssBytes),
          writer: mb(w?.rssBytes),
          mosquitto: mb(proc(engines.pids.mosquitto)),
          kafka: mb(proc(engines.pids.kafka)),
          influxd: mb(proc(engines.pids.influxd)),
        },
      };
      samples.push(s);
      const prev = samples.at(-2);
      const storedRate =
        prev === undefined ? s.stored / s.atSeconds : (s.stored - prev.stored) / (s.atSeconds - prev.atSeconds);
      log(
        `${s.atSeconds} s: stored ${int(s.stored)} (${int(storedRate)}/s); RSS MB ingest ${s.rssMb.ingest} (heap ${s.heapUsedMb.ingest}), writer ${s.rssMb.writer} (heap ${s.heapUsedMb.writer}), mosquitto ${s.rssMb.mosquitto}, kafka ${s.rssMb.kafka}, influxd ${s.rssMb.influxd}`,
      );
    }
  })();
  const result = await load;
  await sampler;
  log(`load done: ${int(result.acked)} acknowledged (${int(result.rate)} msg/s, ${result.errors} errors); draining`);
  let stored = 0;
  for (let i = 0; i < 600; i++) {
    stored = await storedReadings(engines.influx.url, 'bench');
    if (stored >= result.acked) break;
    await sleep(500);
  }
  const trends = Object.fromEntries(
    ['ingest', 'writer', 'mosquitto', 'kafka', 'influxd'].map((n) => [
      n,
      trend(samples, (s) => s.rssMb[n], runSeconds),
    ]),
  );
  // Not judged: what the services' RSS is made of (live JS objects, or pages the allocator keeps).
  const heapTrends = Object.fromEntries(
    ['ingest', 'writer'].map((n) => [`${n} JS heap used`, trend(samples, (s) => s.heapUsedMb[n], runSeconds)]),
  );
  const judged = ['ingest', 'writer', 'mosquitto', 'kafka'];
  const report = {
    minutes,
    targetRate: rate,
    achievedRate: Math.round(result.rate),
    sent: result.acked,
    stored,
    sentEqualsStored: stored === result.acked,
    loadErrors: result.errors,
    trends,
    heapTrends,
    flat: judged.every((n) => trends[n]?.grows === false),
    sampleSeconds,
    samples,
  };
  console.log(`Soak: ${minutes} min at ${int(rate)} msg/s (achieved ${int(result.rate)} msg/s)`);
  console.table({
    'sent (acknowledged by the broker)': { value: int(result.acked) },
    'stored (counted in InfluxDB)': { value: int(stored) },
    'sent = stored': { value: String(stored === result.acked) },
  });
  console.log(`RSS after warm-up (${Math.round(runSeconds / 6)} s): first third vs last third, slope`);
  console.table(
    Object.fromEntries(
      Object.entries({ ...trends, ...heapTrends }).map(([n, t]) => [
        n,
        {
          'first third MB': t.firstThirdMb,
          'last third MB': t.lastThirdMb,
          'max MB': t.maxMb,
          'MB / 10 min': t.slopeMbPer10Min,
          trend:
            n === 'influxd'
              ? 'follows its data (not judged)'
              : n in heapTrends
                ? `${t.grows ? 'grows' : 'flat'} (not judged)`
                : t.grows
                  ? 'GROWS'
                  : 'flat',
        },
      ]),
    ),
  );
  const out = join(root, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.sentEqualsStored && report.flat ? 0 : 1;
} finally {
  await stack.stop();
}
