import { canRetry } from '@hpg/ports';

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts for errors that do not say they can be retried (0 = fail at once). */
  readonly attemptsForUnknown: number;
  /** Stops retrying (the last error is thrown). */
  readonly signal?: AbortSignal;
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds. Errors whose `canRetry` is true are retried without limit (the
 * dependency is down and will come back); other errors a bounded number of times.
 */
export async function retry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  let attempt = 0;
  let unknownFailures = 0;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (o.signal?.aborted) throw err;
      if (!canRetry(err)) {
        unknownFailures++;
        if (unknownFailures > o.attemptsForUnknown) throw err;
      }
      const delay = backoffDelay(attempt++, o);
      o.onRetry?.(err, attempt, delay);
      await sleep(delay, o.signal);
      if (o.signal?.aborted) throw err;
    }
  }
}
