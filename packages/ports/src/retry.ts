/**
 * The one retry routine that reads an error's `canRetry` (platformatic/kafka's model): errors
 * that say a retry can help are retried until the caller stops (the dependency will come back);
 * other errors a bounded number of times, after which the caller dead-letters the work.
 */
import { canRetry } from './errors.ts';

export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Retries for errors that do not say a retry can help (0 = give up at the first). */
  readonly attemptsForUnknown: number;
}

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffDelay(attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random = Math.random): number {
  return Math.floor(random() * Math.min(p.maxMs, p.baseMs * 2 ** Math.min(attempt, 30)));
}

export type RetryOutcome =
  | { readonly outcome: 'done' }
  | { readonly outcome: 'gave_up'; readonly error: unknown; readonly attempts: number }
  | { readonly outcome: 'stopped' };

export interface RetryControl {
  /** False once the caller is stopping: no further attempt is made. */
  readonly running: () => boolean;
  /** Waits between attempts (a consumer may keep its group membership alive meanwhile). */
  readonly wait: (ms: number) => Promise<void>;
  readonly onError?: (error: unknown, attempt: number) => void;
}

export async function runWithRetry(
  fn: () => Promise<void>,
  policy: RetryPolicy,
  ctl: RetryControl,
): Promise<RetryOutcome> {
  let attempt = 0;
  let unknownFailures = 0;
  for (;;) {
    try {
      await fn();
      return { outcome: 'done' };
    } catch (error) {
      attempt++;
      ctl.onError?.(error, attempt);
      if (!canRetry(error) && ++unknownFailures > policy.attemptsForUnknown) {
        return { outcome: 'gave_up', error, attempts: attempt };
      }
      if (!ctl.running()) return { outcome: 'stopped' };
      await ctl.wait(backoffDelay(attempt, policy));
      if (!ctl.running()) return { outcome: 'stopped' };
    }
  }
}
