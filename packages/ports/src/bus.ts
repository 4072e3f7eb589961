import type { BusRecordOf, BusTopicKey } from '@hpg/contracts';

export interface Outgoing<K extends BusTopicKey> {
  readonly key: string;
  readonly value: BusRecordOf<K>;
}

export interface SubscribeOptions {
  /** Consumer group; each group receives every record once (at least once), members share partitions. */
  readonly group: string;
  /** Largest batch handed to the handler. */
  readonly maxBatch?: number;
  /** How long to wait for a batch to fill once a record is available (like Kafka's fetch.max.wait). */
  readonly maxWaitMs?: number;
}

/**
 * Handles a batch. Resolving commits the batch's offsets; throwing redelivers it: errors whose
 * `canRetry` is true are retried until they succeed or the consumer stops, others a bounded number
 * of times before the batch goes to the dead-letter topic with the error.
 */
export type BatchHandler<K extends BusTopicKey> = (batch: readonly BusRecordOf<K>[]) => Promise<void>;

export interface Subscription {
  /** Stops fetching, waits for the batch in hand to finish and commit. Idempotent. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  readonly topic: string;
  readonly group: string;
  readonly key: string;
  /** The record as JSON text (or as received, when it was not JSON). */
  readonly value: string;
  readonly error: string;
  readonly attempts: number;
  readonly failedAt: number;
}

/**
 * The event bus between services. Ordering holds per key (device id). Delivery is at least once:
 * offsets are committed only after the handler resolved, so a crash replays, never skips.
 */
export interface Bus {
  /** Resolves once the bus has accepted every record (durably, where the adapter is durable). */
  publish<K extends BusTopicKey>(topic: K, records: readonly Outgoing<K>[]): Promise<void>;
  subscribe<K extends BusTopicKey>(
    topic: K,
    options: SubscribeOptions,
    handler: BatchHandler<K>,
  ): Promise<Subscription>;
  /** Records dead-lettered by consumers (most recent first), for operators and the API. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  health(): Promise<HealthReport>;
  /** Stops every subscription (draining), then releases resources. Idempotent. */
  close(): Promise<void>;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly detail: string;
}
