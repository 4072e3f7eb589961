/**
 * Starts what cameras behind Frigate need besides their MQTT events: the evidence fetcher and the
 * reconciler. Both are no-ops for a registry without Frigate bindings.
 */
import type { DecodeLimits, FormatsConfig } from '@hpg/decoders';
import type { Logger, Registry as MetricsRegistry } from '@hpg/platform';
import type { Bus } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { type FrigateServicesConfig, frigateServers } from './config.ts';
import { createEvidenceFetcher } from './evidence.ts';
import { createFrigateReconciler } from './reconcile.ts';

export interface FrigateServices {
  /** Call when the MQTT connection came back: events published meanwhile are pulled. */
  onReconnect(): void;
  stop(): Promise<void>;
}

export async function startFrigateServices(
  deps: {
    bus: Bus;
    registry: () => Registry;
    formats: FormatsConfig;
    limits: DecodeLimits;
    logger: Logger;
    metrics: MetricsRegistry;
  },
  config: FrigateServicesConfig,
): Promise<FrigateServices> {
  const evidence = config.evidence.enabled
    ? createEvidenceFetcher(
        { bus: deps.bus, logger: deps.logger, metrics: deps.metrics, dir: config.evidence.dir },
        config.evidence,
      )
    : undefined;
  await evidence?.start();
  const reconciler =
    config.reconcile.enabled && deps.formats.frigate.enabled
      ? createFrigateReconciler({
          bus: deps.bus,
          registry: deps.registry,
          formats: deps.formats,
          limits: deps.limits,
          logger: deps.logger,
          metrics: deps.metrics,
          servers: () => frigateServers(deps.registry(), deps.formats.frigate.baseUrl),
          intervalMs: config.reconcile.intervalMs,
        })
      : undefined;
  reconciler?.start();
  return {
    onReconnect() {
      reconciler?.onReconnect().catch((err: unknown) => deps.logger.warn({ err }, 'Frigate reconciliation failed'));
    },
    async stop() {
      await reconciler?.stop();
      await evidence?.stop();
    },
  };
}
