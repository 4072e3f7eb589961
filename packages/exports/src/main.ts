/**
 * Entry point of `pnpm export` (see cli.ts for the arguments).
 *
 * Store: InfluxDB when HPG_INFLUX_URL is set (HPG_INFLUX_* as for the writer), else the embedded
 * SQLite file (HPG_STORE_PATH, default var/hpg.sqlite). The police's outcomes of dumping alerts
 * come from the alert store when it is on this machine: HPG_ALERT_STORE_PATH, default
 * `alerts.sqlite` beside the SQLite store; without one, the dumping sheet counts incidents and
 * leaves the outcomes empty (and says so).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { INFLUX_ENV, InfluxConfigSchema, openInfluxStore, toInfluxOptions } from '@hpg/store-influx';
import { openSqliteStore } from '@hpg/store-sqlite';
import { z } from 'zod';
import { runExportCli } from './cli.ts';
import { alertOutcomesFile } from './outcomes.ts';

type Env = Readonly<Record<string, string | undefined>>;

const influxConfigured = (env: Env) => env.HPG_INFLUX_URL !== undefined && env.HPG_INFLUX_URL !== '';
const sqlitePath = (env: Env) => resolve(env.HPG_STORE_PATH ?? 'var/hpg.sqlite');

async function openStore(env: Env): Promise<Store> {
  if (influxConfigured(env)) {
    const { influx } = loadConfig(z.object({ influx: InfluxConfigSchema }), { env, bindings: INFLUX_ENV });
    return openInfluxStore(toInfluxOptions(influx));
  }
  const path = sqlitePath(env);
  if (!existsSync(path)) throw new Error(`no store at ${path} (HPG_STORE_PATH; or HPG_INFLUX_URL for InfluxDB)`);
  return openSqliteStore({ path });
}

const env = process.env;
const alerts = alertOutcomesFile(
  env.HPG_ALERT_STORE_PATH !== undefined && env.HPG_ALERT_STORE_PATH !== ''
    ? resolve(env.HPG_ALERT_STORE_PATH)
    : influxConfigured(env)
      ? undefined
      : join(dirname(sqlitePath(env)), 'alerts.sqlite'),
);
try {
  process.exitCode = await runExportCli(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, env },
    { openStore, ...(alerts.outcomes === undefined ? {} : { dumpingOutcomes: alerts.outcomes }) },
  );
} catch (err) {
  process.stderr.write(`export failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  alerts.close();
}
