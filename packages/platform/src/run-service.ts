/**
 * The shape every standalone service's main.ts shares: config (validated, every error at once)
 * → logger → metrics → the service's own composition → ops endpoints → signals. A service that
 * cannot start exits 1 after closing what it had opened; bad configuration exits 2.
 */

import type { Registry } from 'prom-client';
import { z } from 'zod';
import { ConfigError, type EnvBinding, loadConfig } from './config.ts';
import { Lifecycle } from './lifecycle.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { type OpsCheck, startOpsServer } from './ops-server.ts';

/** The settings every service has besides its own. */
export const ServiceBaseSchema = z.object({
  log: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  ops: z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      /** /healthz and /metrics; 0 picks a free port. */
      port: z.number().int().min(0).max(65_535),
    })
    .prefault({ port: 0 }),
});

export const SERVICE_BASE_ENV: Record<string, EnvBinding> = {
  HPG_LOG_LEVEL: { path: 'log.level', type: 'string', description: 'fatal|error|warn|info|debug|trace|silent' },
  HPG_OPS_HOST: { path: 'ops.host', type: 'string', description: '/healthz and /metrics listen address' },
  HPG_OPS_PORT: { path: 'ops.port', type: 'int', description: '/healthz and /metrics port' },
};

export interface ServiceContext {
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly lifecycle: Lifecycle;
}

export async function runService<S extends typeof ServiceBaseSchema>(o: {
  readonly name: string;
  readonly schema: S;
  readonly bindings: Readonly<Record<string, EnvBinding>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly start: (config: z.infer<S>, ctx: ServiceContext) => Promise<readonly OpsCheck[]>;
}): Promise<void> {
  const env = o.env ?? process.env;
  let config: z.infer<S>;
  try {
    config = loadConfig(o.schema, { env, bindings: { ...SERVICE_BASE_ENV, ...o.bindings }, file: env.HPG_CONFIG });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${o.name}: cannot start, ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ name: o.name, level: config.log.level });
  const metrics = createMetrics();
  const lifecycle = new Lifecycle(logger);
  try {
    const checks = await o.start(config, { logger, metrics, lifecycle });
    const ops = await startOpsServer({ host: config.ops.host, port: config.ops.port, metrics, checks });
    lifecycle.onShutdown('ops endpoints', () => ops.close());
    logger.info({ ops: `http://${config.ops.host}:${ops.port}` }, 'started');
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    await lifecycle.shutdown('start failed');
    logger.flush();
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (lifecycle.stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      logger.flush();
      process.exit(130);
    }
    void lifecycle.shutdown(signal).then((clean) => {
      logger.flush();
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
