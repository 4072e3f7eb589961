import { collectDefaultMetrics, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A metrics registry with the process metrics (RSS, CPU, event-loop lag) already collected. */
export function createMetrics(prefix = 'hpg_'): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return registry;
}
