/**
 * Retries, timeouts and error mapping against a tiny local HTTP stand-in for InfluxDB (no engine
 * needed): what a real server only does when it is in trouble.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortError } from '@hpg/ports';
import { reading, refusal } from '@hpg/ports/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type InfluxStoreOptions, openInfluxStore } from '../src/index.ts';
import { freePort } from './influxd-harness.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

type Handler = (req: Seen, res: ServerResponse, n: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function standIn(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', body, headers: req.headers };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const reply = (res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/** Records the backoff waits instead of sleeping them. */
function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const open = (url: string, extra: Partial<InfluxStoreOptions> = {}, sleep = fakeSleep().sleep) =>
  openInfluxStore(
    { url, database: 'hpg', retry: { attempts: 4, baseMs: 100, maxMs: 1_000 }, timeoutMs: 2_000, ...extra },
    { sleep, random: () => 0.999 },
  );

describe('influx store over HTTP (stand-in server)', () => {
  it('retries 503 with backoff, then resolves once the server answers 204', async () => {
    const { url, seen } = await standIn((_, res, n) =>
      n <= 3 ? reply(res, 503, '{"error":"busy"}') : reply(res, 204),
    );
    const { waits, sleep } = fakeSleep();
    const store = await open(url, {}, sleep);
    await store.writeReadings([reading()]);
    expect(seen).toHaveLength(4);
    // Full jitter below an exponential cap: 100, 200, 400 ms (random() just under 1).
    expect(waits).toEqual([99, 199, 399]);
    // Every attempt carried the same body.
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(seen[0]?.url).toBe('/write?db=hpg&precision=ms');
    await store.close();
  });

  it('gives up after the attempts on a server that always answers 503: retryable for the bus', async () => {
    const { url, seen } = await standIn((_, res) => reply(res, 503, '{"error":"engine overloaded"}'));
    const store = await open(url);
    const err = await store.writeReadings([reading()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ code: 'store_unavailable', canRetry: true });
    expect((err as Error).message).toContain('after 4 attempts: HTTP 503: engine overloaded');
    expect(seen).toHaveLength(4);
  });

  it('does not retry a 400 and keeps the server message', async () => {
    const message = 'partial write: field type conflict: input field "cod" on measurement "wastewater" is type float';
    const { url, seen } = await standIn((_, res) => reply(res, 400, JSON.stringify({ error: message })));
    const store = await open(url);
    const err = await store.writeReadings([reading()]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'store_rejected', canRetry: false });
    expect((err as Error).message).toContain(message);
    expect(seen).toHaveLength(1);
  });

  it('reads the 2.x error shape ({code, message}) too', async () => {
    const { url } = await standIn((_, res) =>
      reply(res, 422, JSON.stringify({ code: 'unprocessable entity', message: 'failure writing points' })),
    );
    const store = await open(url);
    await expect(store.writeReadings([reading()])).rejects.toMatchObject({
      code: 'store_rejected',
      canRetry: false,
      message: expect.stringContaining('HTTP 422: failure writing points'),
    });
  });

  it('answers 401/403/404 retryably for the bus, without retrying in the call', async () => {
    for (const status of [401, 403, 404]) {
      const { url, seen } = await standIn((_, res) => reply(res, status, '{"error":"nope"}'));
      const store = await open(url);
      await expect(store.writeReadings([reading()])).rejects.toMatchObject({
        code: 'store_unavailable',
        canRetry: true,
      });
      expect(seen).toHaveLength(1);
    }
  });

  it('waits at least Retry-After on 429, within maxMs', async () => {
    const { url } = await standIn((_, res, n) =>
      n === 1 ? reply(res, 429, '', { 'retry-after': '30' }) : reply(res, 204),
    );
    const { waits, sleep } = fakeSleep();
    const store = await open(url, {}, sleep);
    await store.writeReadings([reading()]);
    expect(waits).toEqual([1_000]);
  });

  it('retries a refused connection, then rejects retryably', async () => {
    const port = await freePort();
    const { waits, sleep } = fakeSleep();
    const store = await open(`http://127.0.0.1:${port}`, {}, sleep);
    const err = await store.writeReadings([reading()]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'store_unavailable', canRetry: true });
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(3);
    expect((await store.health()).ok).toBe(false);
  });

  it('times out a request that gets no answer, and retries it', async () => {
    const { url, seen } = await standIn((_, res, n) => (n === 1 ? undefined : reply(res, 204)));
    const store = await open(url, { timeoutMs: 200 });
    await store.writeReadings([reading()]);
    expect(seen).toHaveLength(2);
  });

  it('stops retrying when closed, rejecting with store_closed', async () => {
    const { url } = await standIn((_, res) => reply(res, 503));
    const store = await openInfluxStore(
      { url, database: 'hpg', retry: { attempts: 100, baseMs: 50, maxMs: 50 } },
      { random: () => 1 },
    );
    const pending = store.writeReadings([reading()]).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 120));
    await store.close();
    expect(await pending).toMatchObject({ code: 'store_closed', canRetry: false });
    await expect(store.writeReadings([reading()])).rejects.toMatchObject({ code: 'store_closed' });
  });

  it('writes refusals at nanosecond precision (no precision parameter), readings at ms', async () => {
    const { url, seen } = await standIn((_, res) => reply(res, 204));
    const store = await open(url, { retentionPolicy: 'one year' });
    await store.writeRefusals([refusal({ receivedAt: 1_700_000_000_123 })]);
    await store.writeReadings([reading()]);
    expect(seen.map((s) => s.url)).toEqual(['/write?db=hpg&rp=one+year', '/write?db=hpg&rp=one+year&precision=ms']);
    expect(seen[0]?.body).toMatch(/ 1700000000123\d{6}$/);
  });

  it('sends the token or basic credentials', async () => {
    const { url, seen } = await standIn((_, res) => reply(res, 204));
    await (await open(url, { auth: { token: 't0k3n' } })).writeReadings([reading()]);
    await (await open(url, { auth: { username: 'writer', password: 'pa:ss' } })).writeReadings([reading()]);
    expect(seen.map((s) => s.headers.authorization)).toEqual([
      'Token t0k3n',
      `Basic ${Buffer.from('writer:pa:ss').toString('base64')}`,
    ]);
  });

  it('joins a series that spans chunks of a chunked answer', async () => {
    const { url, seen } = await standIn((_, res) => {
      const columns = [
        'time',
        'id',
        'reason',
        'detail',
        'topic',
        'device',
        'publisher',
        'raw',
        'raw_size',
        'truncated',
        'null_fields',
      ];
      const row = (id: string, t: number) => [
        t,
        id,
        'malformed_json',
        'd',
        't',
        null,
        null,
        '',
        0,
        false,
        'device,publisher',
      ];
      const chunk = (values: unknown[][], partial: boolean) =>
        JSON.stringify({
          results: [
            {
              statement_id: 0,
              series: [{ name: 'refusals', columns, values, ...(partial && { partial }) }],
              ...(partial && { partial }),
            },
          ],
        });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${chunk([row('b', 2), row('a', 1)], true)}\n${chunk([row('c', 0)], false)}\n`);
    });
    const store = await open(url);
    const got = await store.queryRefusals({ from: 0, to: 10, limit: 5 });
    expect(got.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(got[0]).toMatchObject({ deviceId: null, publisher: null, receivedAt: 2 });
    const sent = new URLSearchParams(seen[0]?.body);
    expect(seen[0]?.url).toBe('/query?epoch=ms&chunked=true&chunk_size=10000&db=hpg');
    expect(sent.get('q')).toBe(`SELECT * FROM "refusals" WHERE time >= 0ms AND time < 10ms ORDER BY time DESC LIMIT 5`);
  });

  it('rejects bad query arguments before asking the server', async () => {
    const { url, seen } = await standIn((_, res) => reply(res, 500));
    const store = await open(url);
    await expect(store.queryReadings({ from: 0, to: 1.5, limit: 1 })).rejects.toMatchObject({
      code: 'store_invalid_query',
    });
    await expect(store.queryRefusals({ from: 0, to: 1, limit: -1 })).rejects.toMatchObject({
      code: 'store_invalid_query',
    });
    expect(await store.queryReadings({ from: 0, to: 1, limit: 0 })).toEqual([]);
    expect(seen).toHaveLength(0);
  });
});
