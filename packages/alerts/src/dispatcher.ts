/**
 * The dispatcher drains the outbox: per channel, it takes the due deliveries the channel's token
 * bucket allows, sends them one after another, and records the outcome — delivered; failed for
 * good (the receiver refused the message itself, or it stayed undeliverable past `giveUpAfterMs`);
 * or tried again after an exponential, jittered wait (a receiver's Retry-After is honoured).
 * Channels run side by side, so a slow or dead channel delays only its own messages.
 *
 * A channel that is down only makes its deliveries wait: they stay in the outbox, are retried at
 * most every `maxMs`, and go out when it returns. Time comes from the injected clock, so a test
 * can pass an hour of outage in a loop.
 */
import { type Channel, ChannelError, canRetry } from './channels/channel.ts';
import { type Clock, systemClock } from './clock.ts';
import { backoffDelay, DEFAULT_RETRY, type RateLimit, type RetryPolicy, TokenBucket } from './delivery-policy.ts';
import type { ChannelName } from './model.ts';
import type { Delivery, Outbox } from './store/outbox.ts';

export interface DispatcherDeps {
  readonly outbox: Outbox;
  readonly channels: readonly Channel[];
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly rateLimits?: Partial<Record<ChannelName, RateLimit>>;
  readonly retry?: Partial<RetryPolicy>;
  /** Deliveries taken per channel per round (default 20). */
  readonly batchSize?: number;
  /** Per send (default 15 s). */
  readonly sendTimeoutMs?: number;
  /**
   * Sends in flight at once per channel (default 8). One at a time, a channel's throughput is one
   * send per round trip, and in a busy process a round trip waits for the event loop: 100
   * detections/s among 10,000 readings/s queued up for seconds.
   */
  readonly concurrency?: number;
  /** Idle wait between rounds when a round found nothing to do (default 1 s); `wake()` cuts it short. */
  readonly pollMs?: number;
  /** Outcomes, for logs and metrics. */
  readonly onEvent?: (e: DispatchEvent) => void;
}

export type DispatchEvent =
  | { readonly type: 'delivered'; readonly delivery: Delivery; readonly at: number }
  | {
      readonly type: 'retry';
      readonly delivery: Delivery;
      readonly at: number;
      readonly error: string;
      readonly nextAttemptAt: number;
    }
  | { readonly type: 'failed'; readonly delivery: Delivery; readonly at: number; readonly error: string }
  | { readonly type: 'round_failed'; readonly error: unknown };

export interface RoundReport {
  delivered: number;
  retried: number;
  failed: number;
}

export class Dispatcher {
  readonly #outbox: Outbox;
  readonly #channels: readonly Channel[];
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #retry: RetryPolicy;
  readonly #buckets = new Map<ChannelName, TokenBucket>();
  readonly #batch: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #onEvent: (e: DispatchEvent) => void;
  #loop: Promise<void> | undefined;
  #running = false;
  #wake = new AbortController();

  constructor(deps: DispatcherDeps) {
    this.#outbox = deps.outbox;
    this.#channels = deps.channels;
    this.#clock = deps.clock ?? systemClock;
    this.#random = deps.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.#batch = deps.batchSize ?? 20;
    this.#timeoutMs = deps.sendTimeoutMs ?? 15_000;
    this.#concurrency = Math.max(1, deps.concurrency ?? 8);
    this.#pollMs = deps.pollMs ?? 1_000;
    this.#onEvent = deps.onEvent ?? (() => {});
    const names = new Set<ChannelName>();
    for (const c of deps.channels) {
      if (names.has(c.name)) throw new Error(`dispatcher: two channels named "${c.name}"`);
      names.add(c.name);
    }
    const now = this.#clock.now();
    for (const [name, limit] of Object.entries(deps.rateLimits ?? {}) as [ChannelName, RateLimit | undefined][]) {
      if (limit !== undefined) this.#buckets.set(name, new TokenBucket(limit, now));
    }
  }

  /** One round over every channel; resolves when its sends have settled. */
  async runOnce(): Promise<RoundReport> {
    const report: RoundReport = { delivered: 0, retried: 0, failed: 0 };
    await Promise.all(this.#channels.map((c) => this.#round(c, report)));
    return report;
  }

  /** Runs rounds until `stop()`: back to back while there is work, else every `pollMs` or on `wake()`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Something was queued: run a round now rather than at the next poll. */
  wake(): void {
    this.#wake.abort();
  }

  /** Stops after the round in hand (its sends finish); idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let busy = false;
      try {
        const r = await this.runOnce();
        busy = r.delivered + r.retried + r.failed > 0;
      } catch (error) {
        this.#onEvent({ type: 'round_failed', error });
      }
      if (!this.#running || busy) continue;
      // Woken during the round: what woke it may have been queued after the claim, so go again.
      if (this.#wake.signal.aborted) {
        this.#wake = new AbortController();
        continue;
      }
      await this.#clock.sleep(this.#pollMs, this.#wake.signal);
    }
  }

  async #round(channel: Channel, report: RoundReport): Promise<void> {
    const bucket = this.#buckets.get(channel.name);
    const now = this.#clock.now();
    const allowed = bucket === undefined ? this.#batch : Math.min(this.#batch, bucket.available(now));
    // The lease outlives one send's timeout for each round of sends ahead of it in this batch.
    const leaseMs = (Math.ceil(allowed / this.#concurrency) + 1) * this.#timeoutMs;
    const claimed = [...this.#outbox.claim(channel.name, now, allowed, leaseMs)];
    const send = async (d: Delivery) => {
      bucket?.take(this.#clock.now());
      try {
        await channel.send(d, AbortSignal.timeout(this.#timeoutMs));
        const at = this.#clock.now();
        this.#outbox.delivered(d.id, at);
        report.delivered++;
        this.#onEvent({ type: 'delivered', delivery: d, at });
      } catch (err) {
        this.#failed(d, err, report);
      }
    };
    // A few sends in flight at once, each taking the next claimed delivery when it is done.
    let next = 0;
    const worker = async () => {
      for (let d = claimed[next++]; d !== undefined; d = claimed[next++]) await send(d);
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, claimed.length) }, worker));
  }

  #failed(d: Delivery, err: unknown, report: RoundReport): void {
    const at = this.#clock.now();
    const message = err instanceof Error ? err.message : String(err);
    const age = at - d.createdAt;
    if (!canRetry(err) || age >= this.#retry.giveUpAfterMs) {
      const error = canRetry(err) ? `gave up after ${Math.round(age / 60_000)} min: ${message}` : message;
      this.#outbox.failed(d.id, at, error);
      report.failed++;
      this.#onEvent({ type: 'failed', delivery: d, at, error });
      return;
    }
    const hinted = err instanceof ChannelError ? (err.retryAfterMs ?? 0) : 0;
    const nextAttemptAt = at + Math.max(backoffDelay(d.attempts + 1, this.#retry, this.#random), hinted);
    this.#outbox.retryLater(d.id, at, nextAttemptAt, message);
    report.retried++;
    this.#onEvent({ type: 'retry', delivery: d, at, error: message, nextAttemptAt });
  }
}
