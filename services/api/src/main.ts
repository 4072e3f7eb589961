/**
 * The API as its own process, for production: readings, detections, refusals and indicators from
 * InfluxDB; the monthly and yearly exports (kept in HPG_EXPORTS_DIR, produced on schedule unless
 * HPG_EXPORTS_ENABLED=false — run it in one API replica only; the police's outcomes from the alert
 * store at HPG_ALERT_STORE_PATH when it is on this host).
 *   HPG_INFLUX_URL=http://host:8086 HPG_INFLUX_DATABASE=hpg HPG_REGISTRY=… node services/api/src/main.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AUTH_ENV, MainAuthConfigSchema, startAuth } from '@hpg/auth';
import { alertOutcomesFile, EXPORTS_ENV, Exporter, ExportScheduler, ExportsConfigSchema } from '@hpg/exports';
import { createLogger, createMetrics, exitOnSignals, Lifecycle, loadConfig } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import { INFLUX_ENV, InfluxConfigSchema, openInfluxStore, toInfluxOptions } from '@hpg/store-influx';
import { z } from 'zod';
import { API_ENV, ApiConfigSchema } from './config.ts';
import { startApi } from './server.ts';

const Schema = z.object({
  log: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  registryFile: z.string().min(1),
  regulatoryDir: z.string().min(1).default('config/regulatory'),
  api: ApiConfigSchema.prefault({}),
  auth: MainAuthConfigSchema.prefault({}),
  influx: InfluxConfigSchema,
  exports: ExportsConfigSchema.extend({
    enabled: z.boolean().default(true),
    averaging: z.enum(['hour', 'day']).default('hour'),
    alertStorePath: z.string().min(1).optional(),
  }).prefault({}),
});

let config: z.infer<typeof Schema>;
try {
  config = loadConfig(Schema, {
    env: process.env,
    file: process.env.HPG_CONFIG,
    bindings: {
      HPG_LOG_LEVEL: { path: 'log.level', type: 'string', description: 'log level' },
      HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
      HPG_REGULATORY_DIR: { path: 'regulatoryDir', type: 'string', description: 'standards, targets, factors' },
      ...AUTH_ENV,
      HPG_EXPORTS_ENABLED: { path: 'exports.enabled', type: 'bool', description: 'scheduled exports' },
      HPG_INDICATORS_AVERAGING: {
        path: 'exports.averaging',
        type: 'string',
        description: 'hour | day (as the indicator service)',
      },
      HPG_ALERT_STORE_PATH: {
        path: 'exports.alertStorePath',
        type: 'string',
        description: 'alert store, for dumping outcomes',
      },
      ...EXPORTS_ENV,
      ...API_ENV,
      ...INFLUX_ENV,
    },
  });
} catch (err) {
  process.stderr.write(`hpg-api: cannot start, ${(err as Error).message}\n`);
  process.exit(2);
}

// The API serves /healthz and /metrics itself, so it needs no separate ops endpoint.
const logger = createLogger({ name: 'hpg-api', level: config.log.level });
const lifecycle = new Lifecycle(logger);
try {
  const registry = Registry.from(JSON.parse(readFileSync(config.registryFile, 'utf8')));
  const store = await openInfluxStore({ ...toInfluxOptions(config.influx), createDatabase: false });
  const regulatory = loadRegulatory(config.regulatoryDir);
  const auth = startAuth(config.auth, () => registry, process.env, logger);
  const alerts = alertOutcomesFile(config.exports.alertStorePath && resolve(config.exports.alertStorePath));
  lifecycle.onShutdown('alert store', async () => alerts.close());
  const exporter = new Exporter(
    {
      store,
      registry: () => registry,
      regulatory,
      logger: logger.child({ service: 'exports' }),
      ...(alerts.outcomes === undefined ? {} : { dumpingOutcomes: alerts.outcomes }),
    },
    { dir: resolve(config.exports.dir ?? 'var/exports'), averaging: config.exports.averaging },
  );
  const api = await startApi(
    {
      store,
      registry: () => registry,
      metrics: createMetrics(),
      logger,
      health: [],
      regulatory,
      ...(auth === undefined ? {} : { auth }),
      ...(alerts.outcomes === undefined ? {} : { dumpingOutcomes: alerts.outcomes }),
      exporter: () => exporter,
    },
    config.api,
  );
  lifecycle.onShutdown('api', () => api.close());
  if (config.exports.enabled) {
    const scheduler = new ExportScheduler({ exporter, logger: logger.child({ service: 'exports' }) }, config.exports);
    scheduler.start();
    lifecycle.onShutdownFirst('exports: scheduler', () => scheduler.stop());
  }
  lifecycle.onShutdown('store', () => store.close());
  exitOnSignals(lifecycle, logger, () => logger.flush());
  logger.info({ url: api.url }, 'started');
} catch (err) {
  logger.fatal({ err }, 'could not start');
  await lifecycle.shutdown('start failed');
  logger.flush();
  process.exit(1);
}
