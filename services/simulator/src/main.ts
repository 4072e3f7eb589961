/**
 * Runs the simulated fleet alone against a broker:
 *
 *   HPG_MQTT_URL=mqtt://127.0.0.1:1884 node services/simulator/src/main.ts
 *
 * Environment: HPG_MQTT_URL (default mqtt://127.0.0.1:1884, the all-in-one broker), HPG_REGISTRY
 * (default config/registry.demo.json), HPG_SIM_SEED, HPG_SIM_SPEED, HPG_SIM_RATE (total messages/s),
 * HPG_SIM_BACKFILL_HOURS, HPG_SIM_START_AT (ISO 8601), HPG_SIM_FLEET_SECRET, HPG_SIM_KINDS
 * (comma-separated device kinds), HPG_SIM_LOG_EVERY_SECONDS. Stops cleanly on SIGINT / SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import type { DeviceKind } from '@hpg/contracts';
import type { SimulatorConfig } from './config.ts';
import { createJsonLinesLogger } from './json-lines-logger.ts';
import { createSimulator } from './simulator.ts';

const env = process.env;
const logger = createJsonLinesLogger();

function num(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name}: "${raw}" is not a number`);
  return n;
}

function configFromEnv(): SimulatorConfig {
  const kinds = env.HPG_SIM_KINDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    brokerUrl: env.HPG_MQTT_URL ?? 'mqtt://127.0.0.1:1884',
    registry: env.HPG_REGISTRY ?? fileURLToPath(new URL('../../../config/registry.demo.json', import.meta.url)),
    seed: num('HPG_SIM_SEED'),
    speed: num('HPG_SIM_SPEED'),
    ratePerSecond: num('HPG_SIM_RATE'),
    backfillHours: num('HPG_SIM_BACKFILL_HOURS'),
    startAt: env.HPG_SIM_START_AT || undefined,
    fleetSecret: env.HPG_SIM_FLEET_SECRET || undefined,
    logEverySeconds: num('HPG_SIM_LOG_EVERY_SECONDS') ?? 10,
    // The config schema checks that these are device kinds.
    devices: kinds === undefined ? undefined : { kinds: kinds as DeviceKind[] },
  };
}

async function main(): Promise<void> {
  const simulator = createSimulator({ logger }, configFromEnv());
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the simulator');
    simulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: String(err) }, 'simulator stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await simulator.start();
}

main().catch((err: unknown) => {
  logger.error({ err: err instanceof Error ? err.message : String(err) }, 'simulator failed to start');
  process.exit(1);
});
