/**
 * Writer: bus → store in batches. A batch is committed on the bus only after the store
 * acknowledged it (the handler resolves after the write), so a crash replays it; the store's
 * writes are idempotent, so the replay leaves one copy.
 */
import type { BusRecordOf, BusTopicKey } from '@hpg/contracts';
import { Counter, Histogram, type Logger, type Registry as MetricsRegistry } from '@hpg/platform';
import type { Bus, Store, Subscription } from '@hpg/ports';
import type { WriterConfig } from './config.ts';

export interface WriterDeps {
  readonly bus: Bus;
  readonly store: Store;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export interface Writer {
  start(): Promise<void>;
  /** Stops consuming; the batches in hand are written and committed first. Idempotent. */
  stop(): Promise<void>;
}

export function createWriter(deps: WriterDeps, config: WriterConfig): Writer {
  const written = new Counter({
    name: 'hpg_writer_records_total',
    help: 'Records written to the store, by bus topic',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });
  const failures = new Counter({
    name: 'hpg_writer_failures_total',
    help: 'Failed store writes (the batch is retried)',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });
  const seconds = new Histogram({
    name: 'hpg_writer_batch_seconds',
    help: 'Store write time per batch',
    labelNames: ['topic'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [deps.metrics],
  });
  const subscriptions: Subscription[] = [];

  const consume = async <K extends BusTopicKey>(
    topic: K,
    write: (batch: readonly BusRecordOf<K>[]) => Promise<void>,
  ) => {
    const sub = await deps.bus.subscribe(
      topic,
      { group: config.group, maxBatch: config.maxBatch, maxWaitMs: config.maxWaitMs },
      async (batch) => {
        const end = seconds.startTimer({ topic });
        try {
          await write(batch);
        } catch (err) {
          failures.labels(topic).inc();
          deps.logger.warn({ err, topic, records: batch.length }, 'store write failed; the batch will be retried');
          throw err;
        }
        end();
        written.labels(topic).inc(batch.length);
      },
    );
    subscriptions.push(sub);
  };

  let stopping: Promise<void> | undefined;
  return {
    async start() {
      await consume('readings', (b) => deps.store.writeReadings(b));
      await consume('detections', (b) => deps.store.writeDetections(b));
      await consume('refusals', (b) => deps.store.writeRefusals(b));
    },
    stop() {
      stopping ??= Promise.all(subscriptions.map((s) => s.stop())).then(() => undefined);
      return stopping;
    },
  };
}
