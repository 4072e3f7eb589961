/**
 * A delivery channel: sends one queued delivery, or throws a ChannelError saying whether a later
 * attempt can help (the dispatcher's one retry decision reads `canRetry`, in the manner of the
 * ports' PortError).
 */
import type { ChannelName } from '../model.ts';
import type { Delivery } from '../store/outbox.ts';

export interface Channel {
  readonly name: ChannelName;
  /** Resolves once the receiver accepted the message; `signal` aborts a send that takes too long. */
  send(delivery: Delivery, signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
}

export class ChannelError extends Error {
  readonly code: string;
  readonly canRetry: boolean;
  /** The receiver's own "try again after" (HTTP Retry-After, Telegram retry_after). */
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, opts: { canRetry: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'ChannelError';
    this.code = code;
    this.canRetry = opts.canRetry;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Errors of unknown origin are retried: losing an alert is worse than sending it late. */
export function canRetry(err: unknown): boolean {
  return err instanceof ChannelError ? err.canRetry : true;
}

/**
 * HTTP statuses worth retrying: the receiver is down or busy (5xx), timed out (408), throttles
 * (429) or is not ready (425). Any other 4xx says the request itself is wrong and fails again.
 */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One HTTP request with fetch. Network failures and timeouts become retryable ChannelErrors whose
 * message never repeats the URL (a Telegram URL carries the bot token). Returns the response and
 * its body text (capped) for any status.
 */
export async function request(
  fetchFn: typeof fetch,
  channel: ChannelName,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  signal: AbortSignal,
): Promise<{ status: number; text: string; headers: Headers }> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, signal, redirect: 'error' });
  } catch (err) {
    const timeout = signal.aborted;
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new ChannelError(
      timeout ? 'timeout' : 'network',
      `${channel}: ${timeout ? 'no answer in time' : `request failed${cause}`}`,
      { canRetry: true, cause: err },
    );
  }
  let text = '';
  try {
    text = (await res.text()).slice(0, 2_000);
  } catch {
    // The status is what matters; a body cut short is not a failure of the send.
  }
  return { status: res.status, text, headers: res.headers };
}

export function statusError(channel: ChannelName, status: number, body: string, headers: Headers, now: number) {
  return new ChannelError(`http_${status}`, `${channel}: HTTP ${status} ${body.slice(0, 300)}`.trim(), {
    canRetry: retryableStatus(status),
    retryAfterMs: retryAfterMs(headers.get('retry-after'), now),
  });
}
