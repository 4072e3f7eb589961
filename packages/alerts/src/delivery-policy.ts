/**
 * Pacing of deliveries, pure (time is passed in): a token bucket per channel, and exponential
 * backoff with full jitter between a delivery's attempts.
 */

export interface RateLimit {
  /** Sustained rate. */
  readonly perMinute: number;
  /** Messages that may go at once after a quiet spell (the bucket's size). */
  readonly burst: number;
}

/** A token bucket: starts full, refills continuously at `perMinute`, never holds more than `burst`. */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, now: number) {
    if (!(limit.perMinute > 0) || !(limit.burst >= 1)) throw new Error('rate limit: perMinute > 0 and burst ≥ 1');
    this.#capacity = limit.burst;
    this.#perMs = limit.perMinute / 60_000;
    this.#tokens = limit.burst;
    this.#at = now;
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens + 1e-9);
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens + 1e-9 < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** When the next whole token will be there. */
  nextTokenAt(now: number): number {
    this.#refill(now);
    return this.#tokens + 1e-9 >= 1 ? now : now + Math.ceil((1 - this.#tokens) / this.#perMs);
  }
}

export interface RetryPolicy {
  readonly baseMs: number;
  /** Cap on one wait: after the receiver comes back, a delivery waits at most this long. */
  readonly maxMs: number;
  /** A retryable delivery still failing this long after it was queued is given up (kept, visible). */
  readonly giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, maxMs: 5 * 60_000, giveUpAfterMs: 7 * 24 * 3_600_000 };

/**
 * The wait before attempt `attempt + 1` (attempt ≥ 1 failed so far): full jitter, uniform in
 * [0, min(max, base·2^(attempt−1))) (AWS Architecture Blog, "Exponential Backoff and Jitter"),
 * so deliveries that failed together do not all come back together.
 */
export function backoffDelay(attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number): number {
  const ceiling = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.floor(random() * ceiling);
}
