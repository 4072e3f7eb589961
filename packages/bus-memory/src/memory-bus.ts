/**
 * The in-process bus: Kafka's delivery model without Kafka, so the same services run in one
 * process. Each topic has keyed partitions (per-key order), each consumer group its own committed
 * offset per partition, and a batch is committed only after its handler resolved (at least once).
 * A partition holds at most `capacity` uncommitted records; past that, publish waits, which
 * pushes back to ingest and from there to the devices (their QoS 1 PUBACK waits too).
 *
 * Not durable: records in memory are lost if the process dies hard. The ordered shutdown drains
 * them first; the README states the guarantee.
 */
import { type BusTopicKey, busTopics } from '@hpg/contracts';
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

export interface MemoryBusOptions {
  /** Partitions per topic (default 4). */
  readonly partitions?: number;
  /** Uncommitted records a partition holds before publish waits (default 20,000). */
  readonly capacity?: number;
  /** Retry of failing handlers: backoff bounds, and attempts for errors that are not retryable. */
  readonly retry?: RetryPolicy;
  /** Dead letters kept for inspection (most recent). */
  readonly deadLetterRetention?: number;
  readonly onDeadLetter?: (dl: DeadLetter) => void;
  readonly onHandlerError?: (info: { topic: string; group: string; attempt: number; error: unknown }) => void;
}

interface Entry {
  readonly key: string;
  readonly value: unknown;
  /**
   * The record checked against its topic's schema, once, by the first consumer group to read it;
   * every other group gets the same (frozen) result instead of parsing it again.
   */
  checked?: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };
}

/** Freezes a parsed record and everything in it, so groups sharing it cannot change it for each other. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface Member {
  readonly handler: (batch: readonly unknown[]) => Promise<void>;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  stopped: boolean;
}

class Signal {
  #waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  fire(): void {
    const w = this.#waiters;
    if (w.length === 0) return;
    this.#waiters = [];
    for (const resolve of w) resolve();
  }
}

class Partition {
  entries: Entry[] = [];
  head = 0;
  base = 0;
  readonly data = new Signal();
  readonly space = new Signal();
  readonly committed = new Map<string, number>();

  get end(): number {
    return this.base + this.entries.length - this.head;
  }

  at(offset: number): Entry {
    return this.entries[this.head + offset - this.base] as Entry;
  }

  lowWatermark(): number {
    let low = Number.POSITIVE_INFINITY;
    for (const c of this.committed.values()) low = Math.min(low, c);
    return low;
  }

  /** Drops records every group has committed (or, with no group, the oldest beyond capacity). */
  trim(capacity: number): void {
    const low = this.committed.size > 0 ? this.lowWatermark() : this.end - capacity;
    const drop = Math.min(low, this.end) - this.base;
    if (drop <= 0) return;
    this.head += drop;
    this.base += drop;
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  uncommitted(): number {
    return this.committed.size > 0 ? this.end - this.lowWatermark() : 0;
  }
}

class Group {
  readonly members: Member[] = [];
  readonly inFlight = new Map<Member, Set<Promise<void>>>();
}

class Topic {
  readonly partitions: Partition[];
  readonly groups = new Map<string, Group>();
  constructor(n: number) {
    this.partitions = Array.from({ length: n }, () => new Partition());
  }
}

/** FNV-1a: a stable key → partition mapping (Kafka uses murmur2; only stability matters here). */
function partitionOf(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class MemoryBus implements Bus {
  readonly #topics = new Map<BusTopicKey, Topic>();
  readonly #partitions: number;
  readonly #capacity: number;
  readonly #retry: RetryPolicy;
  readonly #deadLetters: DeadLetter[] = [];
  readonly #dlRetention: number;
  readonly #options: MemoryBusOptions;
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  /** Wakes every consumer loop of a topic (membership changed, or closing). */
  static #wakeAll(t: Topic): void {
    for (const p of t.partitions) p.data.fire();
  }

  constructor(options: MemoryBusOptions = {}) {
    this.#options = options;
    this.#partitions = options.partitions ?? 4;
    this.#capacity = options.capacity ?? 20_000;
    this.#retry = options.retry ?? { baseMs: 100, maxMs: 30_000, attemptsForUnknown: 3 };
    this.#dlRetention = options.deadLetterRetention ?? 10_000;
  }

  #topic(key: BusTopicKey): Topic {
    let t = this.#topics.get(key);
    if (t === undefined) {
      t = new Topic(this.#partitions);
      this.#topics.set(key, t);
    }
    return t;
  }

  async publish<K extends BusTopicKey>(topic: K, records: readonly Outgoing<K>[]): Promise<void> {
    if (this.#closed) throw new PortError('bus_closed', 'the bus is closed', { canRetry: false });
    const t = this.#topic(topic);
    for (const r of records) {
      const p = t.partitions[partitionOf(r.key, this.#partitions)] as Partition;
      while (p.uncommitted() >= this.#capacity) {
        await p.space.wait();
        if (this.#closed) throw new PortError('bus_closed', 'the bus closed while waiting', { canRetry: false });
      }
      p.entries.push({ key: r.key, value: r.value, checked: undefined });
      if (p.committed.size === 0) p.trim(this.#capacity);
      p.data.fire();
    }
  }

  async subscribe<K extends BusTopicKey>(
    topic: K,
    options: SubscribeOptions,
    handler: BatchHandler<K>,
  ): Promise<Subscription> {
    if (this.#closed) throw new PortError('bus_closed', 'the bus is closed', { canRetry: false });
    const t = this.#topic(topic);
    let group = t.groups.get(options.group);
    if (group === undefined) {
      const g = new Group();
      group = g;
      t.groups.set(options.group, g);
      t.partitions.forEach((p, i) => {
        // A new group reads from the earliest record still held (Kafka's auto.offset.reset=earliest).
        p.committed.set(options.group, p.base);
        void this.#loop(topic, options.group, g, p, i);
      });
    }
    const member: Member = {
      handler: handler as (batch: readonly unknown[]) => Promise<void>,
      maxBatch: options.maxBatch ?? 1000,
      maxWaitMs: options.maxWaitMs ?? 0,
      stopped: false,
    };
    group.members.push(member);
    group.inFlight.set(member, new Set());
    MemoryBus.#wakeAll(t);
    const g = group;
    let stopping: Promise<void> | undefined;
    const sub: Subscription = {
      stop: () => {
        stopping ??= (async () => {
          member.stopped = true;
          const i = g.members.indexOf(member);
          if (i >= 0) g.members.splice(i, 1);
          MemoryBus.#wakeAll(t);
          await Promise.all(g.inFlight.get(member) ?? []);
          g.inFlight.delete(member);
          this.#subscriptions.delete(sub);
        })();
        return stopping;
      },
    };
    this.#subscriptions.add(sub);
    return sub;
  }

  /** One loop per (group, partition): fetch from the committed offset, hand over, commit. */
  async #loop(topic: BusTopicKey, groupName: string, group: Group, p: Partition, index: number): Promise<void> {
    const schema = busTopics[topic].schema;
    const topicName = busTopics[topic].name;
    for (;;) {
      if (this.#closed) return;
      const owner = group.members.length > 0 ? group.members[index % group.members.length] : undefined;
      const from = p.committed.get(groupName) ?? p.base;
      if (owner === undefined || from >= p.end) {
        await p.data.wait();
        // Let the publishers of this event-loop turn add theirs, so batches are not one record each.
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      if (owner.maxWaitMs > 0 && p.end - from < owner.maxBatch) await sleep(owner.maxWaitMs);
      if (owner.stopped) continue;
      const to = Math.min(p.end, from + owner.maxBatch);
      const batch: unknown[] = [];
      const entries: Entry[] = [];
      for (let o = from; o < to; o++) {
        const e = p.at(o);
        let checked = e.checked;
        if (checked === undefined) {
          const parsed = schema.safeParse(e.value);
          checked = parsed.success
            ? { ok: true, value: deepFreeze(parsed.data) }
            : { ok: false, error: `invalid record: ${parsed.error.message}` };
          e.checked = checked;
        }
        if (checked.ok) {
          batch.push(checked.value);
          entries.push(e);
        } else this.#deadLetter(topicName, groupName, e, checked.error, 0);
      }
      const work = this.#deliver(topicName, groupName, owner, batch, entries, p, to);
      const inFlight = group.inFlight.get(owner);
      inFlight?.add(work);
      await work;
      inFlight?.delete(work);
    }
  }

  async #deliver(
    topicName: string,
    groupName: string,
    member: Member,
    batch: unknown[],
    entries: readonly Entry[],
    p: Partition,
    to: number,
  ): Promise<void> {
    if (batch.length > 0) {
      const r = await runWithRetry(() => member.handler(batch), this.#retry, {
        running: () => !member.stopped && !this.#closed,
        wait: sleep,
        onError: (error, attempt) =>
          this.#options.onHandlerError?.({ topic: topicName, group: groupName, attempt, error }),
      });
      // Stopped: the batch stays uncommitted, and the group's next owner gets it again.
      if (r.outcome === 'stopped') return;
      if (r.outcome === 'gave_up') {
        for (const e of entries) this.#deadLetter(topicName, groupName, e, String(r.error), r.attempts);
      }
    }
    p.committed.set(groupName, to);
    p.trim(this.#capacity);
    p.space.fire();
  }

  #deadLetter(topic: string, group: string, e: Entry, error: string, attempts: number): void {
    let value: string;
    try {
      value = JSON.stringify(e.value) ?? String(e.value);
    } catch {
      value = String(e.value);
    }
    const dl: DeadLetter = { topic, group, key: e.key, value, error, attempts, failedAt: Date.now() };
    this.#deadLetters.push(dl);
    if (this.#deadLetters.length > this.#dlRetention) this.#deadLetters.shift();
    this.#options.onDeadLetter?.(dl);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.#deadLetters.slice(-limit).reverse();
  }

  /** Uncommitted records per topic and group, for metrics and the health report. */
  lag(): { topic: string; group: string; lag: number }[] {
    const out: { topic: string; group: string; lag: number }[] = [];
    for (const [key, t] of this.#topics) {
      for (const group of t.groups.keys()) {
        let lag = 0;
        for (const p of t.partitions) lag += p.end - (p.committed.get(group) ?? p.base);
        out.push({ topic: busTopics[key].name, group, lag });
      }
    }
    return out;
  }

  async health(): Promise<HealthReport> {
    if (this.#closed) return { ok: false, detail: 'closed' };
    const lag = this.lag()
      .map((l) => `${l.topic}/${l.group}: ${l.lag}`)
      .join(', ');
    return { ok: true, detail: lag === '' ? 'in-process bus' : `in-process bus; lag ${lag}` };
  }

  /** Waits until every group has committed everything published so far (used by shutdown and tests). */
  /**
   * Waits until every group that still has a consumer has committed everything published so far
   * (used by shutdown and tests). A group whose consumers all stopped cannot make progress, so it
   * is not waited for.
   */
  async drained(pollMs = 5): Promise<void> {
    while (this.#consumingLag() > 0) await sleep(pollMs);
  }

  #consumingLag(): number {
    let lag = 0;
    for (const t of this.#topics.values()) {
      for (const [name, group] of t.groups) {
        if (group.members.length === 0) continue;
        for (const p of t.partitions) lag += p.end - (p.committed.get(name) ?? p.base);
      }
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    this.#closed = true;
    for (const t of this.#topics.values()) {
      MemoryBus.#wakeAll(t);
      for (const p of t.partitions) p.space.fire();
    }
  }
}
