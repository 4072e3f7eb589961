import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '@hpg/bus-memory';
import type { Detection } from '@hpg/contracts';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { clipUrlOf, createEvidenceFetcher, type EvidenceConfig, evidencePath } from '../src/index.ts';

type Route = (hit: number) => { status: number; body?: Buffer };

/** A stand-in Frigate: per path, a response by hit number; counts hits. */
async function standIn(routes: Record<string, Route>) {
  const hits = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = routes[path];
    const r = route === undefined ? { status: 404 } : route(n);
    res.writeHead(r.status, { 'content-type': r.status === 200 ? 'image/jpeg' : 'text/plain' });
    res.end(r.body ?? 'Event not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits: (path: string) => hits.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);

function detection(deviceId: string, eventId: string, base: string, over: Partial<Detection> = {}): Detection {
  return {
    v: 1,
    deviceId,
    siteId: 'bank',
    localityId: 'vinh-am',
    eventId,
    phase: 'update',
    ts: NOW,
    receivedAt: NOW,
    label: 'person',
    score: 0.8,
    zone: 'riverbank',
    box: [10, 20, 110, 220],
    snapshotUrl: `${base}/api/events/${eventId}/snapshot.jpg`,
    snapshotSha256: null,
    startedAt: NOW - 5000,
    endedAt: null,
    source: 'frigate',
    ...over,
  };
}

const jpeg = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function counterValue(metrics: MetricsRegistry, name: string, labels: Record<string, string>): Promise<number> {
  const m = metrics.getSingleMetric(name);
  if (m === undefined) return 0;
  const got = await m.get();
  const v = got.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

describe('Frigate evidence fetcher', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(routes: Record<string, Route>, config: Partial<EvidenceConfig> = {}) {
    const frigate = await standIn(routes);
    const bus = new MemoryBus();
    const dir = await mkdtemp(join(tmpdir(), 'hpg-evidence-'));
    const metrics = new MetricsRegistry();
    const fetcher = createEvidenceFetcher(
      { bus, logger: createLogger({ name: 't', level: 'silent' }), metrics, dir, random: () => 1 },
      { maxAttempts: 4, baseMs: 10, maxMs: 40, timeoutMs: 2000, maxBytes: 1 << 20, fetchClip: false, ...config },
    );
    const seen: Detection[] = [];
    const probe = await bus.subscribe('detections', { group: 'probe', maxWaitMs: 1 }, async (batch) => {
      seen.push(...batch);
    });
    cleanups.push(async () => {
      await fetcher.stop();
      await probe.stop();
      await bus.close();
      await frigate.close();
      await rm(dir, { recursive: true, force: true });
    });
    await fetcher.start();
    const withSha = () => seen.filter((d) => d.snapshotSha256 !== null);
    return { frigate, bus, dir, metrics, fetcher, seen, withSha };
  }

  it('retries a snapshot that is not on disk yet, stores it under its hash and republishes the detection', async () => {
    const img = jpeg('event-1');
    const path = '/api/events/1700000000.1-abc/snapshot.jpg';
    const { frigate, bus, dir, withSha, metrics } = await setup({
      [path]: (n) => (n <= 2 ? { status: 404 } : { status: 200, body: img }),
    });
    const d = detection('cam-1', '1700000000.1-abc', frigate.base);
    await bus.publish('detections', [{ key: d.deviceId, value: d }]);
    await until(() => withSha().length === 1);
    await bus.drained();

    expect(frigate.hits(path)).toBe(3);
    const h = sha(img);
    const file = evidencePath(dir, h, 'jpg');
    expect(file).toBe(join(dir, h.slice(0, 2), `${h}.jpg`));
    expect(await readFile(file)).toEqual(img);
    expect(withSha()[0]).toEqual({ ...d, snapshotSha256: h });
    // The republished record is not fetched again, and no temp file is left behind.
    await new Promise((r) => setTimeout(r, 50));
    expect(frigate.hits(path)).toBe(3);
    expect(withSha()).toHaveLength(1);
    expect(await filesUnder(dir)).toEqual([file]);
    expect(await counterValue(metrics, 'hpg_evidence_failures_total', { kind: 'snapshot' })).toBe(0);
  });

  it('counts a snapshot that never comes, commits the detection and goes on with other cameras', async () => {
    const good = jpeg('good');
    const { frigate, bus, withSha, metrics, seen } = await setup(
      {
        '/api/events/never/snapshot.jpg': () => ({ status: 404 }),
        '/api/events/fine/snapshot.jpg': () => ({ status: 200, body: good }),
      },
      { maxAttempts: 4, baseMs: 60, maxMs: 200 },
    );
    const bad = detection('cam-1', 'never', frigate.base);
    const ok = detection('cam-2', 'fine', frigate.base);
    // Same batch: the failing one first.
    await bus.publish('detections', [
      { key: 'cam-1', value: bad },
      { key: 'cam-1', value: { ...ok, deviceId: 'cam-1' } },
      { key: 'cam-2', value: ok },
    ]);
    await until(() => withSha().length === 2);
    // The other detections were done while the missing snapshot was still being retried.
    expect(await counterValue(metrics, 'hpg_evidence_failures_total', { kind: 'snapshot' })).toBe(0);
    expect(frigate.hits('/api/events/never/snapshot.jpg')).toBeLessThan(4);

    await until(async () => (await counterValue(metrics, 'hpg_evidence_failures_total', { kind: 'snapshot' })) === 1);
    await bus.drained();
    expect(frigate.hits('/api/events/never/snapshot.jpg')).toBe(4);
    expect(withSha().map((d) => d.eventId)).toEqual(['fine', 'fine']);
    expect(seen.filter((d) => d.eventId === 'never')).toHaveLength(1);
    expect(bus.lag().every((l) => l.lag === 0)).toBe(true);
  });

  it('does not retry a 403 and keeps one file for the same image of two events', async () => {
    const img = jpeg('same pile');
    const { frigate, bus, dir, withSha, metrics } = await setup({
      '/api/events/e1/snapshot.jpg': () => ({ status: 200, body: img }),
      '/api/events/e2/snapshot.jpg': () => ({ status: 200, body: img }),
      '/api/events/e3/snapshot.jpg': () => ({ status: 403 }),
    });
    await bus.publish('detections', [{ key: 'cam-1', value: detection('cam-1', 'e1', frigate.base) }]);
    await until(() => withSha().length === 1);
    await bus.publish('detections', [
      { key: 'cam-2', value: detection('cam-2', 'e2', frigate.base) },
      { key: 'cam-2', value: detection('cam-2', 'e3', frigate.base) },
    ]);
    await until(() => withSha().length === 2);
    await until(async () => (await counterValue(metrics, 'hpg_evidence_failures_total', { kind: 'snapshot' })) === 1);
    await bus.drained();

    const h = sha(img);
    expect(withSha().map((d) => [d.deviceId, d.eventId, d.snapshotSha256])).toEqual([
      ['cam-1', 'e1', h],
      ['cam-2', 'e2', h],
    ]);
    expect(await filesUnder(dir)).toEqual([evidencePath(dir, h, 'jpg')]);
    expect(await counterValue(metrics, 'hpg_evidence_stored_total', { kind: 'snapshot', result: 'new' })).toBe(1);
    expect(await counterValue(metrics, 'hpg_evidence_stored_total', { kind: 'snapshot', result: 'existing' })).toBe(1);
    expect(frigate.hits('/api/events/e3/snapshot.jpg')).toBe(1);
  });

  it('fetches the clip of an ended event when asked to', async () => {
    const img = jpeg('end');
    const clip = Buffer.from('....ftypisom clip bytes');
    const { frigate, bus, dir, withSha, metrics } = await setup(
      {
        '/api/events/e9/snapshot.jpg': () => ({ status: 200, body: img }),
        '/api/events/e9/clip.mp4': (n) => (n === 1 ? { status: 404 } : { status: 200, body: clip }),
      },
      { fetchClip: true },
    );
    const d = detection('cam-1', 'e9', frigate.base, { phase: 'end', endedAt: NOW });
    await bus.publish('detections', [{ key: 'cam-1', value: d }]);
    await until(() => withSha().length === 1);
    await bus.drained();
    expect(await readFile(evidencePath(dir, sha(clip), 'mp4'))).toEqual(clip);
    expect(await counterValue(metrics, 'hpg_evidence_stored_total', { kind: 'clip', result: 'new' })).toBe(1);
    expect(clipUrlOf(`${frigate.base}/api/events/e9/snapshot.jpg`)).toBe(`${frigate.base}/api/events/e9/clip.mp4`);
  });
});
