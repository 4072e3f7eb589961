/**
 * The store's HTTP transport: one request, its whole answer as text, over `node:http(s)` with a
 * keep-alive agent per store.
 *
 * Why not fetch: the writer sends a request per batch, hundreds a second at full load, and a
 * profile of it put a tenth of its CPU in fetch's own machinery (undici's request objects, web
 * streams for a body it then reads whole, abort signals); `node:http` does the same exchange
 * with a socket write and a read (bench/src/memory.ts and the full-stack bench measure the writer).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpInit {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  /** A header's value (names in any case), or null. */
  header(name: string): string | null;
  readonly text: string;
}

/** Sends one request and reads its whole answer; rejects on network errors and on abort. */
export type HttpRequest = (url: string, init: HttpInit) => Promise<HttpAnswer>;

export interface HttpTransport {
  readonly request: HttpRequest;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** Connections per store and server: the writer's concurrent batches, the API's queries. */
const MAX_SOCKETS = 16;

export function createHttpTransport(): HttpTransport {
  const http = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const request: HttpRequest = (url, init) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
      const headers: Record<string, string | number> = { ...init.headers };
      if (body !== undefined) headers['content-length'] = body.length;
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: init.method, headers, agent: secure ? https : http, signal: init.signal },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          // An answer cut off (the server went away, or the request was aborted mid-body).
          res.on('close', () => {
            if (!res.complete) reject(new Error('the connection closed before the answer was complete'));
          });
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              header: (name) => {
                const v = res.headers[name.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
              },
              text:
                chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    request,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
