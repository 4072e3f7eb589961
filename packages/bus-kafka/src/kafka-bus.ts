/**
 * The bus on Apache Kafka (KRaft), for production. Same port and contract suite as the
 * in-process bus:
 * - topics from the typed topic map, key = device id (Java-compatible murmur2 partitioner), so a
 *   device's records stay in order on one partition;
 * - publish resolves only when the broker acknowledged with acks=all; the idempotent producer
 *   (one request in flight) keeps per-key order across retries;
 * - publishes made within `lingerMs` go out as one request (like the Java client's linger.ms),
 *   which is what lets ingest publish per message at tens of thousands of messages per second;
 * - consumers commit an offset only after the handler resolved (autoCommit off), so a crash or
 *   a stop replays the uncommitted tail: at least once;
 * - a record that is not valid JSON for its topic's schema, or whose handler keeps failing with a
 *   non-retryable error, goes to the dead-letter topic with its error, and the consumer moves on.
 */
import { type BusRecordOf, type BusTopicKey, busTopics } from '@hpg/contracts';
import {
  type BatchHandler,
  type Bus,
  type DeadLetter,
  type HealthReport,
  type Outgoing,
  PortError,
  type RetryPolicy,
  runWithRetry,
  type SubscribeOptions,
  type Subscription,
} from '@hpg/ports';
import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaMessage,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Prepended to every topic and group name: isolates tests and environments on one cluster. */
  readonly prefix?: string;
  /** Partitions of topics this bus creates (existing topics are left as they are). */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** How long publishes wait to be sent together (default 5 ms). */
  readonly lingerMs?: number;
  /** Most bytes a consumer fetches of each partition at a time (default 256 KB). */
  readonly fetchPartitionBytes?: number;
  /** Largest number of records sent in one request. */
  readonly maxRequestRecords?: number;
  /** Handler retry: backoff bounds, and attempts for errors that are not retryable. */
  readonly retry?: RetryPolicy;
  readonly deadLetterRetention?: number;
  readonly onDeadLetter?: (dl: DeadLetter) => void;
  readonly onHandlerError?: (info: { topic: string; group: string; attempt: number; error: unknown }) => void;
  /** kafkajs' own log lines at warn and above. */
  readonly onClientLog?: (level: 'error' | 'warn', message: string, extra: Record<string, unknown>) => void;
}

export const DEAD_LETTER_TOPIC = 'hpg.deadletter.v1';

interface Pending {
  readonly messages: Message[];
  readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class KafkaBus implements Bus {
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #o: Required<
    Pick<KafkaBusOptions, 'partitions' | 'replicationFactor' | 'lingerMs' | 'maxRequestRecords' | 'fetchPartitionBytes'>
  > &
    KafkaBusOptions;
  readonly #retry: RetryPolicy;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #pendingCount = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  readonly #subscriptions = new Set<Subscription>();
  readonly #deadLetters: DeadLetter[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(options: KafkaBusOptions) {
    this.#o = {
      partitions: 4,
      replicationFactor: 1,
      lingerMs: 5,
      maxRequestRecords: 10_000,
      fetchPartitionBytes: 262_144,
      ...options,
    };
    this.#retry = options.retry ?? { baseMs: 200, maxMs: 30_000, attemptsForUnknown: 3 };
    this.#prefix = options.prefix ?? '';
    const onLog = options.onClientLog;
    this.#kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const level = entry.level === logLevel.ERROR ? 'error' : 'warn';
        const { message, ...extra } = entry.log;
        onLog?.(level, String(message), extra);
      },
      // Reconnects keep trying while the broker is away; a publish waits rather than fails.
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 30 },
    });
    this.#producer = this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.#admin = this.#kafka.admin();
  }

  /** Connects and creates the topics of the topic map (and the dead-letter topic) if missing. */
  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const bus = new KafkaBus(options);
    await bus.#admin.connect();
    await KafkaBus.#createTopics(bus);
    await bus.#producer.connect();
    return bus;
  }

  /** Creates missing topics; another service creating the same topic at the same time is fine. */
  static async #createTopics(bus: KafkaBus): Promise<void> {
    try {
      await bus.#admin.createTopics({
        waitForLeaders: true,
        topics: [...Object.values(busTopics).map((t) => t.name), DEAD_LETTER_TOPIC].map((name) => ({
          topic: bus.#topicName(name),
          numPartitions: bus.#o.partitions,
          replicationFactor: bus.#o.replicationFactor,
        })),
      });
    } catch (err) {
      const errors = (err as { errors?: { type?: string }[] }).errors ?? [];
      if (errors.length === 0 || errors.some((e) => e.type !== 'TOPIC_ALREADY_EXISTS')) throw err;
    }
  }

  #topicName(name: string): string {
    return `${this.#prefix}${name}`;
  }

  async publish<K extends BusTopicKey>(topic: K, records: readonly Outgoing<K>[]): Promise<void> {
    if (this.#closed) throw new PortError('bus_closed', 'the bus is closed', { canRetry: false });
    if (records.length === 0) return;
    return this.#enqueue(
      this.#topicName(busTopics[topic].name),
      records.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })),
    );
  }

  #enqueue(topic: string, messages: Message[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let p = this.#pending.get(topic);
      if (p === undefined) {
        p = { messages: [], waiters: [] };
        this.#pending.set(topic, p);
      }
      for (const m of messages) p.messages.push(m);
      p.waiters.push({ resolve, reject });
      this.#pendingCount += messages.length;
      // #flush never rejects: a failed send rejects each waiter instead.
      if (this.#pendingCount >= this.#o.maxRequestRecords) void this.#flush();
      else this.#timer ??= setTimeout(() => void this.#flush(), this.#o.lingerMs);
    });
  }

  /** Sends what is pending as one request; requests go out one after another, in order. */
  #flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return this.#sending;
    const batch = [...this.#pending.entries()];
    this.#pending.clear();
    this.#pendingCount = 0;
    this.#sending = this.#sending.then(async () => {
      try {
        await this.#producer.sendBatch({
          acks: -1,
          topicMessages: batch.map(([topic, p]) => ({ topic, messages: p.messages })),
        });
        for (const [, p] of batch) for (const w of p.waiters) w.resolve();
      } catch (err) {
        const e = new PortError('bus_publish_failed', `Kafka did not accept the records: ${String(err)}`, {
          canRetry: true,
          cause: err,
        });
        for (const [, p] of batch) for (const w of p.waiters) w.reject(e);
      }
    });
    return this.#sending;
  }

  async subscribe<K extends BusTopicKey>(
    topic: K,
    options: SubscribeOptions,
    handler: BatchHandler<K>,
  ): Promise<Subscription> {
    if (this.#closed) throw new PortError('bus_closed', 'the bus is closed', { canRetry: false });
    const topicName = this.#topicName(busTopics[topic].name);
    // One Kafka consumer group per (service group, topic): kafkajs assigns every topic any member
    // of a group subscribes to across all members, so members of one group must share topics.
    const group = this.#topicName(`${options.group}.${busTopics[topic].name}`);
    const schema = busTopics[topic].schema;
    const maxBatch = options.maxBatch ?? 1000;
    const consumer: Consumer = this.#kafka.consumer({
      groupId: group,
      // A consumer that died (SIGKILL) holds its partitions until the session times out.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: Math.max(10, options.maxWaitMs ?? 100),
      // What a consumer holds at once: this × its partitions (see KafkaConfigSchema).
      maxBytesPerPartition: this.#o.fetchPartitionBytes,
      maxBytes: this.#o.fetchPartitionBytes * this.#o.partitions,
      allowAutoTopicCreation: false,
    });
    let stopped = false;
    await consumer.connect();
    await consumer.subscribe({ topic: topicName, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#o.partitions,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; i += maxBatch) {
          if (stopped || !isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + maxBatch);
          const values: BusRecordOf<K>[] = [];
          const kept: KafkaMessage[] = [];
          for (const m of chunk) {
            const parsed = parseRecord(m, schema);
            if (parsed.ok) {
              values.push(parsed.value as BusRecordOf<K>);
              kept.push(m);
            } else await this.#deadLetter(topicName, group, m, parsed.error, 0);
          }
          const done = await this.#deliver(topicName, group, handler, values, kept, {
            heartbeat,
            running: () => !stopped && isRunning() && !isStale(),
          });
          if (!done) return;
          const last = chunk[chunk.length - 1] as KafkaMessage;
          resolveOffset(last.offset);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
          await heartbeat();
        }
      },
    });
    let stopping: Promise<void> | undefined;
    const sub: Subscription = {
      stop: () => {
        stopping ??= (async () => {
          stopped = true;
          await consumer.disconnect();
          this.#subscriptions.delete(sub);
        })();
        return stopping;
      },
    };
    this.#subscriptions.add(sub);
    return sub;
  }

  /** Hands a batch to the handler until it succeeds; false when the consumer stopped meanwhile. */
  async #deliver<K extends BusTopicKey>(
    topic: string,
    group: string,
    handler: BatchHandler<K>,
    values: BusRecordOf<K>[],
    messages: KafkaMessage[],
    ctl: { heartbeat: () => Promise<void>; running: () => boolean },
  ): Promise<boolean> {
    if (values.length === 0) return true;
    const r = await runWithRetry(() => handler(values), this.#retry, {
      running: ctl.running,
      // Keep the group membership alive while waiting, in slices shorter than the session timeout.
      wait: async (ms) => {
        const until = Date.now() + ms;
        while (Date.now() < until && ctl.running()) {
          await sleep(Math.min(1_000, until - Date.now()));
          await ctl.heartbeat().catch(() => undefined);
        }
      },
      onError: (error, attempt) => this.#o.onHandlerError?.({ topic, group, attempt, error }),
    });
    if (r.outcome === 'stopped') return false;
    if (r.outcome === 'gave_up') {
      for (const m of messages) await this.#deadLetter(topic, group, m, String(r.error), r.attempts);
    }
    return true;
  }

  async #deadLetter(topic: string, group: string, m: KafkaMessage, error: string, attempts: number): Promise<void> {
    const dl: DeadLetter = {
      topic,
      group,
      key: m.key?.toString('utf8') ?? '',
      value: m.value?.toString('utf8') ?? '',
      error,
      attempts,
      failedAt: Date.now(),
    };
    // The dead-letter topic is the durable record; it must be written before the offset moves on.
    await this.#enqueue(this.#topicName(DEAD_LETTER_TOPIC), [{ key: dl.key, value: JSON.stringify(dl) }]);
    this.#deadLetters.push(dl);
    if (this.#deadLetters.length > (this.#o.deadLetterRetention ?? 10_000)) this.#deadLetters.shift();
    this.#o.onDeadLetter?.(dl);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.#deadLetters.slice(-limit).reverse();
  }

  async health(): Promise<HealthReport> {
    if (this.#closed) return { ok: false, detail: 'closed' };
    try {
      const cluster = await this.#admin.describeCluster();
      return { ok: true, detail: `kafka: ${cluster.brokers.length} broker(s), controller ${cluster.controller}` };
    } catch (err) {
      return { ok: false, detail: `kafka: ${String(err)}` };
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#subscriptions].map((s) => s.stop()));
      await this.#flush();
      this.#closed = true;
      await this.#producer.disconnect();
      await this.#admin.disconnect();
    })();
    return this.#closing;
  }
}

function parseRecord(
  m: KafkaMessage,
  schema: (typeof busTopics)[BusTopicKey]['schema'],
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (m.value === null) return { ok: false, error: 'empty record' };
  let json: unknown;
  try {
    json = JSON.parse(m.value.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: `invalid record: ${parsed.error.message}` };
}
