import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'drop';

/**
 * An HTTP server on loopback (ephemeral port) answering with `handler`. It can go down and come
 * back on the same port, the way a receiver's outage looks to a sender (connection refused).
 */
export class StandIn {
  readonly requests: SeenRequest[] = [];
  handler: (req: SeenRequest) => Answer;
  #server: Server | undefined;
  #port = 0;

  constructor(handler: (req: SeenRequest) => Answer) {
    this.handler = handler;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(seen);
        const a = this.handler(seen);
        if (a === 'drop') {
          // The receiver took the message but the answer is lost on the way back.
          req.socket.destroy();
          return;
        }
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(a.body ?? '{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Down: closes the listener and every open connection (keep-alive included). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A police system's webhook endpoint, written from the receiver's side without the package's own
 * verifier: it recomputes HMAC-SHA256 over `<timestamp>.<body>`, rejects stale timestamps against
 * its clock, and dedupes by the Idempotency-Key.
 */
export class WebhookReceiver {
  readonly standIn: StandIn;
  /** Idempotency key → the body first accepted with it. */
  readonly accepted = new Map<string, unknown>();
  /** Clock time of each first acceptance, in order. */
  readonly acceptedAt: number[] = [];
  duplicates = 0;
  rejected: string[] = [];
  /** Answer for requests that pass the checks (default: accept). */
  mode: (key: string) => 'accept' | 'unavailable' | 'drop-after-accept' | 'bad-request' = () => 'accept';

  readonly secret: string;
  readonly now: () => number;

  constructor(secret: string, now: () => number) {
    this.secret = secret;
    this.now = now;
    this.standIn = new StandIn((req) => this.#handle(req));
  }

  get url(): string {
    return `${this.standIn.url}/hook`;
  }

  #handle(req: SeenRequest): Answer {
    const ts = String(req.headers['x-hpg-timestamp'] ?? '');
    const sig = String(req.headers['x-hpg-signature'] ?? '');
    const key = String(req.headers['idempotency-key'] ?? '');
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', this.secret).update(`${ts}.${req.body}`).digest('hex')}`,
    );
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.rejected.push(`bad signature ${key}`);
      return { status: 401, body: '{"error":"bad signature"}' };
    }
    if (Math.abs(this.now() / 1000 - Number(ts)) > 300) {
      this.rejected.push(`stale ${key}`);
      return { status: 401, body: '{"error":"stale timestamp"}' };
    }
    const body = JSON.parse(req.body) as { idempotencyKey?: string };
    if (body.idempotencyKey !== key) {
      this.rejected.push(`key mismatch ${key}`);
      return { status: 400 };
    }
    const mode = this.mode(key);
    if (mode === 'unavailable') return { status: 503, body: '{"error":"maintenance"}' };
    if (mode === 'bad-request') return { status: 422, body: '{"error":"unknown commune code"}' };
    if (this.accepted.has(key)) {
      this.duplicates++;
      return { status: 200, body: '{"duplicate":true}' };
    }
    this.accepted.set(key, body);
    this.acceptedAt.push(this.now());
    return mode === 'drop-after-accept' ? 'drop' : { status: 200, body: '{"ok":true}' };
  }
}
