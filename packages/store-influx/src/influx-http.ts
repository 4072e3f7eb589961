/**
 * The InfluxDB v1 HTTP API (over http-request.ts): `POST /write`, `POST /query`, `GET /ping`.
 * 1.x serves it natively; 2.x and 3.x serve `/write` and `/query` as compatibility endpoints
 * (2.x maps `db`/`rp` to a bucket through a DBRP mapping; both take `Authorization: Token …`).
 *
 * Why not @influxdata/influxdb-client: its write API targets `/api/v2/write`, which 1.6 (what
 * Debian ships) does not have, and its buffered WriteApi acknowledges points before the server
 * has: a write here must settle only when every request got its 2xx, because the writer then
 * commits the batch on the bus.
 *
 * Each request is retried, with exponential backoff and full jitter, while the failure is one
 * that waiting can cure (a network error, a timeout, 408, 429, 5xx), at most `attempts` times;
 * then it rejects with `store_unavailable` (canRetry: the bus keeps the records and redelivers).
 * Other 4xx answers are not retried: 400/413/422… say the records themselves are bad and reject
 * with `store_rejected` (canRetry false, the server's message kept) so they go to dead letters.
 * 401/403/404 (credentials, permissions, a missing database) are not the records' fault, so
 * they reject retryably without in-call retries: the stream waits for an operator instead of
 * being dead-lettered whole.
 */
import { PortError } from '@hpg/ports';
import type { HttpAnswer, HttpInit, HttpRequest } from './http-request.ts';
import { parseQueryAnswer, type StatementResult } from './query-result.ts';
import { backoffMs, type RetryPolicy, retryAfterMs } from './retry-policy.ts';

export type InfluxAuth = { readonly token: string } | { readonly username: string; readonly password: string };

export interface InfluxHttpOptions {
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy?: string;
  readonly auth?: InfluxAuth;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

export interface HttpDeps {
  readonly request: HttpRequest;
  /** Uniform in [0, 1), for the jitter. */
  readonly random: () => number;
  /** Waits `ms`, resolving early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

type Outcome =
  | { readonly kind: 'ok'; readonly text: string; readonly header: (name: string) => string | null }
  | { readonly kind: 'transient'; readonly message: string; readonly waitMs?: number }
  | { readonly kind: 'fatal'; readonly error: PortError };

/** A request as this client builds it; the signal is added per attempt. */
type Request = Omit<HttpInit, 'signal'>;

/** Answers that no retry within the call cures, but that are no fault of the records either. */
const NOT_THE_RECORDS = new Set([401, 403, 404]);

export function closedError(what: string): PortError {
  return new PortError('store_closed', `influx store: cannot ${what}, the store is closed`, { canRetry: false });
}

export class InfluxHttp {
  readonly #o: InfluxHttpOptions;
  readonly #deps: HttpDeps;
  readonly #closing: AbortSignal;
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(options: InfluxHttpOptions, deps: HttpDeps, closing: AbortSignal) {
    this.#o = options;
    this.#deps = deps;
    this.#closing = closing;
    this.#base = options.url.replace(/\/+$/, '');
    this.#headers = authHeaders(options.auth);
  }

  get url(): string {
    return this.#base;
  }

  /** Writes line protocol; resolves when the server acknowledged every line. */
  async write(body: string, precision: 'ms' | 'ns', what: string): Promise<void> {
    const params = new URLSearchParams({ db: this.#o.database });
    if (this.#o.retentionPolicy !== undefined) params.set('rp', this.#o.retentionPolicy);
    // Nanoseconds are every generation's default; leaving the parameter out avoids their
    // different spellings of it.
    if (precision !== 'ns') params.set('precision', precision);
    await this.#request(what, 'store_rejected', `${this.#base}/write?${params}`, {
      method: 'POST',
      headers: { ...this.#headers, 'content-type': 'text/plain; charset=utf-8' },
      body,
    });
  }

  /**
   * Runs InfluxQL (several statements may be joined with `;`) with times in epoch ms. Statement
   * errors are returned in the results; the caller decides.
   */
  async query(
    q: string,
    what: string,
    opts: { readonly database?: boolean; readonly attempts?: number } = {},
  ): Promise<StatementResult[]> {
    const params = new URLSearchParams({ epoch: 'ms', chunked: 'true', chunk_size: '10000' });
    if (opts.database !== false) params.set('db', this.#o.database);
    // POST with the query in the body: no URL length limit, and 1.x takes any statement by POST.
    const init: Request = {
      method: 'POST',
      // identity: no compressed answers; compressing large answers costs the server more CPU
      // than the bytes saved on the usual local or LAN link (measured: bench:indicators).
      headers: {
        ...this.#headers,
        'content-type': 'application/x-www-form-urlencoded',
        'accept-encoding': 'identity',
      },
      body: new URLSearchParams({ q }).toString(),
    };
    const { text } = await this.#request(
      what,
      'store_query_failed',
      `${this.#base}/query?${params}`,
      init,
      opts.attempts,
    );
    try {
      return parseQueryAnswer(text);
    } catch (err) {
      throw new PortError('store_query_failed', `influx store: ${what}: ${(err as Error).message}`, {
        canRetry: false,
        cause: err,
      });
    }
  }

  /** One `/ping`, no retry (health probes are retried by whoever polls them); the server version. */
  async ping(): Promise<string> {
    const outcome = await this.#once(
      `${this.#base}/ping`,
      { method: 'GET', headers: this.#headers },
      'ping',
      'store_unavailable',
    );
    if (outcome.kind === 'fatal') throw outcome.error;
    if (outcome.kind === 'transient') {
      throw new PortError('store_unavailable', `influx store: ping: ${outcome.message}`, { canRetry: true });
    }
    return outcome.header('x-influxdb-version') ?? 'unknown version';
  }

  async #request(
    what: string,
    rejectCode: string,
    url: string,
    init: Request,
    maxAttempts = this.#o.retry.attempts,
  ): Promise<{ text: string }> {
    const policy = this.#o.retry;
    const attempts = Math.max(1, Math.trunc(maxAttempts));
    for (let attempt = 1; ; attempt++) {
      if (this.#closing.aborted) throw closedError(what);
      const outcome = await this.#once(url, init, what, rejectCode);
      if (outcome.kind === 'ok') return outcome;
      if (outcome.kind === 'fatal') throw outcome.error;
      if (attempt >= attempts) {
        throw new PortError(
          'store_unavailable',
          `influx store: ${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome.message}`,
          { canRetry: true },
        );
      }
      const wait = Math.min(
        policy.maxMs,
        Math.max(backoffMs(attempt - 1, policy, this.#deps.random), outcome.waitMs ?? 0),
      );
      await this.#deps.sleep(wait, this.#closing);
    }
  }

  async #once(url: string, init: Request, what: string, rejectCode: string): Promise<Outcome> {
    // One controller per request, aborted by its own timer or by close(), and let go when the
    // request settles. (AbortSignal.any over the store's lifelong close signal leaves each
    // request's composite signal registered on it after a timeout fired: nodejs/node#64476.)
    const request = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, this.#o.timeoutMs);
    const onClose = () => request.abort();
    this.#closing.addEventListener('abort', onClose, { once: true });
    if (this.#closing.aborted) request.abort();
    let res: HttpAnswer;
    try {
      // The whole body is read, also of errors: it carries the message, and it frees the connection.
      res = await this.#deps.request(url, { ...init, signal: request.signal });
    } catch (err) {
      if (this.#closing.aborted) return { kind: 'fatal', error: closedError(what) };
      if (timedOut) return { kind: 'transient', message: `no answer within ${this.#o.timeoutMs} ms` };
      return { kind: 'transient', message: networkMessage(err) };
    } finally {
      clearTimeout(timer);
      this.#closing.removeEventListener('abort', onClose);
    }
    if (res.status >= 200 && res.status < 300) return { kind: 'ok', text: res.text, header: res.header };
    const message = `HTTP ${res.status}: ${serverMessage(res.text) || res.statusText}`;
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      const waitMs = retryAfterMs(res.header('retry-after'));
      return waitMs === undefined ? { kind: 'transient', message } : { kind: 'transient', message, waitMs };
    }
    if (NOT_THE_RECORDS.has(res.status)) {
      return {
        kind: 'fatal',
        error: new PortError('store_unavailable', `influx store: ${what}: ${message}`, { canRetry: true }),
      };
    }
    return {
      kind: 'fatal',
      error: new PortError(rejectCode, `influx store: ${what}: ${message}`, { canRetry: false }),
    };
  }
}

function authHeaders(auth: InfluxAuth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  if ('token' in auth) return { authorization: `Token ${auth.token}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/** The error text of an answer: `error` (1.x, 3.x) or `message` (2.x) of a JSON body, else the body. */
export function serverMessage(body: string): string {
  const text = body.trim();
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // Not JSON: a proxy's page, for example.
  }
  return text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
}

/** A network error's message, with its cause's code and message where it keeps one in `cause`. */
function networkMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`;
  }
  return err.message;
}
