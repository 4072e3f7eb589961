/**
 * Backoff between attempts of one HTTP request: exponential with full jitter (a uniformly random
 * wait below the exponential cap), so many writers recovering at once do not retry in step.
 * Kept here rather than taken from @hpg/platform so the adapter depends on the ports only.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included (1 = no retry). */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 100, maxMs: 5_000 };

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * cap);
}

/** `Retry-After` in seconds (429/503 may carry it), as ms; undefined when absent or an HTTP date. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1_000;
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then checks why). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
