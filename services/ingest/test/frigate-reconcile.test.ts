import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBus } from '@hpg/bus-memory';
import type { Detection } from '@hpg/contracts';
import { DEFAULT_LIMITS, FormatsConfigSchema } from '@hpg/decoders';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { createFrigateReconciler, type ReconcileDeps, reconcileFrigate } from '../src/index.ts';

const credential = { algo: 'scrypt', n: 16384, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
/** 2026-11-22 10:00 in Hai Phong (UTC+7). */
const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);
const NOW_S = NOW / 1000;

function registry(): Registry {
  const loc = { lat: 20.9, lon: 106.6 };
  const camera = (id: string, frigate: object) => ({
    id,
    siteId: 'bank',
    kind: 'camera',
    intervalSeconds: 300,
    enabled: true,
    credentials: [credential],
    external: { frigate },
  });
  return Registry.from({
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
    ],
    sites: [
      { id: 'bank', localityId: 'vinh-am', name: 'Bờ kênh', location: loc, kind: 'camera_spot', zones: ['riverbank'] },
    ],
    devices: [
      camera('cam-1', { camera: 'bank_east', baseUrl: 'http://nvr.local:5000/' }),
      camera('cam-2', { camera: 'bank_west', zones: ['dock'], publishedBy: 'cam-1' }),
    ],
  });
}

/** An event as Frigate's HTTP API returns it (`zones`, score and relative box under `data`). */
const apiEvent = (id: string, camera: string, start: number, end: number | null, zones: string[]) => ({
  id,
  label: 'person',
  sub_label: null,
  camera,
  start_time: start,
  end_time: end,
  false_positive: false,
  zones,
  thumbnail: null,
  has_clip: true,
  has_snapshot: true,
  retain_indefinitely: false,
  plus_id: null,
  model_hash: 'abc',
  data: { top_score: 0.82, score: 0.8, region: [0, 0, 0.5, 0.5], box: [0.1, 0.2, 0.1, 0.3], type: 'object' },
});

/** An event in the MQTT `after` shape, still in progress. */
const mqttEvent = (id: string, camera: string, start: number) => ({
  id,
  camera,
  frame_time: start + 4,
  label: 'person',
  sub_label: null,
  top_score: 0.77,
  score: 0.7,
  false_positive: false,
  start_time: start,
  end_time: null,
  box: [100, 200, 180, 400],
  entered_zones: ['riverbank'],
  current_zones: ['riverbank'],
  has_clip: false,
  has_snapshot: true,
});

/** Stand-in Frigate: `/api/events` filtered like Frigate's (start_time > after, by camera). */
async function standIn(events: Record<string, unknown>[]) {
  const queries: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/events') {
      res.writeHead(404).end();
      return;
    }
    queries.push(url.searchParams);
    const after = Number(url.searchParams.get('after') ?? '0');
    const camera = url.searchParams.get('camera');
    const out = events.filter((e) => (e.start_time as number) > after && (camera === null || e.camera === camera));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Frigate reconciliation', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(events: Record<string, unknown>[]) {
    const frigate = await standIn(events);
    const bus = new MemoryBus();
    const seen: Detection[] = [];
    const probe = await bus.subscribe('detections', { group: 'probe', maxWaitMs: 1 }, async (b) => {
      seen.push(...b);
    });
    cleanups.push(async () => {
      await probe.stop();
      await bus.close();
      await frigate.close();
    });
    const deps: ReconcileDeps = {
      bus,
      registry: () => registry(),
      formats: FormatsConfigSchema.parse({}),
      limits: DEFAULT_LIMITS,
      logger: createLogger({ name: 't', level: 'silent' }),
      now: () => NOW,
    };
    return { frigate, bus, seen, deps };
  }

  it('turns missed events into the detections the MQTT path makes, and asks again from the newest start', async () => {
    const ended = apiEvent('1795316000.1-ended', 'bank_east', NOW_S - 600, NOW_S - 560, ['riverbank']);
    const ongoing = mqttEvent('1795316300.5-live', 'bank_east', NOW_S - 300);
    const events: Record<string, unknown>[] = [ended, ongoing, apiEvent('w1', 'bank_west', NOW_S - 900, null, [])];
    const { frigate, bus, seen, deps } = await setup(events);

    const first = await reconcileFrigate(deps, { baseUrl: `${frigate.base}/`, cameras: ['bank_east'], after: 0 });
    await bus.drained();
    expect(first.newestStart).toBe(NOW_S - 300);
    expect(first.refused).toBe(0);
    expect(frigate.queries.map((q) => q.toString())).toEqual([
      'after=0&camera=bank_east&limit=1000&include_thumbnails=0',
    ]);
    expect(seen).toHaveLength(2);
    const byId = new Map(seen.map((d) => [d.eventId, d]));
    expect(byId.get(ended.id)).toMatchObject({
      deviceId: 'cam-1',
      siteId: 'bank',
      localityId: 'vinh-am',
      phase: 'end',
      zone: 'riverbank',
      label: 'person',
      score: 0.82,
      box: null,
      ts: (NOW_S - 560) * 1000,
      startedAt: (NOW_S - 600) * 1000,
      endedAt: (NOW_S - 560) * 1000,
      receivedAt: NOW,
      snapshotUrl: `http://nvr.local:5000/api/events/${ended.id}/snapshot.jpg`,
      snapshotSha256: null,
      source: 'frigate',
    });
    expect(byId.get(ongoing.id)).toMatchObject({
      deviceId: 'cam-1',
      phase: 'update',
      zone: 'riverbank',
      score: 0.77,
      box: [100, 200, 180, 400],
      endedAt: null,
    });

    // Second run from the newest start: nothing new → nothing published.
    const second = await reconcileFrigate(deps, {
      baseUrl: frigate.base,
      cameras: ['bank_east'],
      after: first.newestStart ?? 0,
    });
    await bus.drained();
    expect(frigate.queries[1]?.get('after')).toBe(String(NOW_S - 300));
    expect(frigate.queries[1]?.get('camera')).toBe('bank_east');
    expect(second.detections).toHaveLength(0);
    expect(seen).toHaveLength(2);

    // A replay of everything (after = 0) gives records of the same identities: the store keeps one each.
    const replay = await reconcileFrigate(deps, { baseUrl: frigate.base, cameras: ['bank_east'], after: 0 });
    await bus.drained();
    expect(replay.detections.map((d) => d.eventId).sort()).toEqual([ended.id, ongoing.id].sort());
    expect(new Set(seen.map((d) => `${d.deviceId}/${d.eventId}`)).size).toBe(2);
    expect(replay.detections).toEqual(first.detections);
  });

  it('schedules runs per server after a reconnection, from the newest start seen, with the binding publisher', async () => {
    const events: Record<string, unknown>[] = [
      apiEvent('e1', 'bank_east', NOW_S - 1200, NOW_S - 1100, ['riverbank']),
      apiEvent('w1', 'bank_west', NOW_S - 1000, null, ['dock']),
      apiEvent('x1', 'not_bound', NOW_S - 500, null, []),
    ];
    const { frigate, bus, seen, deps } = await setup(events);
    const metrics = new MetricsRegistry();
    const reconciler = createFrigateReconciler({
      ...deps,
      metrics,
      servers: () => [{ baseUrl: frigate.base, cameras: ['bank_east', 'bank_west', 'not_bound'] }],
      intervalMs: 60_000,
      initialLookbackMs: 3_600_000,
    });
    reconciler.start();
    cleanups.push(() => reconciler.stop());

    await reconciler.onReconnect();
    await bus.drained();
    // The unbound camera is not asked.
    expect(frigate.queries.map((q) => [q.get('camera'), q.get('after')])).toEqual([
      ['bank_east', String(NOW_S - 3600)],
      ['bank_west', String(NOW_S - 3600)],
    ]);
    expect(seen.map((d) => [d.deviceId, d.eventId, d.phase, d.zone]).sort()).toEqual([
      ['cam-1', 'e1', 'end', 'riverbank'],
      ['cam-2', 'w1', 'update', 'dock'],
    ]);
    expect(reconciler.cursor(frigate.base)).toBe(NOW_S - 1000);

    // A new event while disconnected; the reconnection asks from the cursor and gets only it.
    events.push(apiEvent('e2', 'bank_east', NOW_S - 100, NOW_S - 90, ['riverbank']));
    await reconciler.onReconnect();
    await bus.drained();
    expect(frigate.queries.slice(2).map((q) => [q.get('camera'), q.get('after')])).toEqual([
      ['bank_east', String(NOW_S - 1000)],
      ['bank_west', String(NOW_S - 1000)],
    ]);
    expect(seen.map((d) => d.eventId)).toEqual(['e1', 'w1', 'e2']);
    expect(reconciler.cursor(frigate.base)).toBe(NOW_S - 100);
    const counted = await metrics.getSingleMetric('hpg_frigate_reconcile_total')?.get();
    expect(counted?.values.find((v) => v.labels.outcome === 'detection')?.value).toBe(3);
  });
});
