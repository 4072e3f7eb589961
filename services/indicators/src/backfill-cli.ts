/**
 * `pnpm indicators:backfill --from YYYY-MM [--to YYYY-MM] [--averaging hour|day]`
 *
 * Store: InfluxDB when HPG_INFLUX_URL is set (HPG_INFLUX_* as for the writer), else the embedded
 * SQLite file (HPG_STORE_PATH, default var/hpg.sqlite). Registry: HPG_REGISTRY (default
 * config/registry.demo.json); regulatory data: HPG_REGULATORY_DIR (default config/regulatory).
 * Points are written to the store; the running services publish their own on the bus.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import { INFLUX_ENV, InfluxConfigSchema, openInfluxStore, toInfluxOptions } from '@hpg/store-influx';
import { openSqliteStore } from '@hpg/store-sqlite';
import { z } from 'zod';
import { backfill, progressBar } from './backfill.ts';

const usage = 'usage: pnpm indicators:backfill --from YYYY-MM [--to YYYY-MM] [--averaging hour|day]';

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const from = args.values.from;
  if (from === undefined) {
    process.stderr.write(`--from is required\n${usage}\n`);
    return 2;
  }
  const averaging = args.values.averaging ?? 'hour';
  if (averaging !== 'hour' && averaging !== 'day') {
    process.stderr.write(`--averaging must be hour or day\n${usage}\n`);
    return 2;
  }
  const env = process.env;
  const registry = Registry.from(
    JSON.parse(readFileSync(resolve(env.HPG_REGISTRY ?? 'config/registry.demo.json'), 'utf8')),
  );
  const regulatory = loadRegulatory(env.HPG_REGULATORY_DIR ?? 'config/regulatory');
  let store: Store;
  if (env.HPG_INFLUX_URL !== undefined && env.HPG_INFLUX_URL !== '') {
    const { influx } = loadConfig(z.object({ influx: InfluxConfigSchema }), { env, bindings: INFLUX_ENV });
    store = await openInfluxStore(toInfluxOptions(influx));
  } else store = await openSqliteStore({ path: resolve(env.HPG_STORE_PATH ?? 'var/hpg.sqlite') });
  try {
    const r = await backfill(
      { store, registry, regulatory },
      {
        from,
        to: args.values.to ?? from,
        averaging,
        progress: (total) => progressBar('indicators', total),
      },
    );
    process.stdout.write(
      `${JSON.stringify({ months: r.months, points: r.points, readingsRead: r.readingsRead, seconds: Number(r.seconds.toFixed(2)) })}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`backfill failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function parse() {
  return parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, averaging: { type: 'string' } },
    strict: true,
  });
}

process.exitCode = await main();
