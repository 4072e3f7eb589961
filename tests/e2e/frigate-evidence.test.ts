/**
 * Cameras behind Frigate, end to end: a live event over MQTT and one missed while we were away
 * (pulled from Frigate's /api/events by the reconciliation) are both stored as detections, and
 * their snapshots — not on Frigate's disk at first — are fetched with retry and kept by SHA-256.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import { hashPassword } from '@hpg/registry';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NOW_S = Math.floor(Date.now() / 1000);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('hai-phong-evidence'),
  Buffer.from([0xff, 0xd9]),
]);
const SHA = createHash('sha256').update(JPEG).digest('hex');

const event = (id: string, startS: number, endS: number | null) => ({
  id,
  camera: 'kenh_dong',
  label: 'waste',
  sub_label: null,
  top_score: 0.9,
  score: 0.88,
  false_positive: false,
  start_time: startS,
  end_time: endS,
  frame_time: endS ?? startS,
  box: [10, 10, 200, 200],
  entered_zones: ['bank'],
  current_zones: ['bank'],
  has_snapshot: true,
  has_clip: false,
});

describe('Frigate evidence and reconciliation through the all-in-one', () => {
  let app: AllInOne;
  let dir: string;
  let frigate: Server;
  let nvr: MqttClient;
  const snapshotHits = new Map<string, number>();
  const missed = event(`${NOW_S - 600}.1-missed`, NOW_S - 600, NOW_S - 590);
  const live = event(`${NOW_S - 60}.2-live`, NOW_S - 60, null);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-frigate-'));
    // A stand-in Frigate: the event list holds the missed event; each snapshot is "not yet on disk" twice.
    frigate = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/events') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(url.searchParams.get('camera') === 'kenh_dong' ? [missed] : []));
        return;
      }
      const m = /^\/api\/events\/([^/]+)\/snapshot\.jpg$/.exec(url.pathname);
      if (m !== null) {
        const n = (snapshotHits.get(m[1] as string) ?? 0) + 1;
        snapshotHits.set(m[1] as string, n);
        if (n <= 2) {
          res.writeHead(404);
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'image/jpeg' });
          res.end(JPEG);
        }
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => frigate.listen(0, '127.0.0.1', () => r()));
    const address = frigate.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const registryFile = join(dir, 'registry.json');
    writeFileSync(
      registryFile,
      JSON.stringify({
        version: 1,
        localities: [{ id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: null }],
        sites: [
          {
            id: 'kenh',
            localityId: 'vinh-am',
            name: 'Bờ kênh',
            location: { lat: 20.9, lon: 106.7 },
            kind: 'camera_spot',
            zones: ['bank'],
          },
        ],
        devices: [
          {
            id: 'nvr-1',
            siteId: 'kenh',
            kind: 'camera',
            intervalSeconds: 3600,
            credentials: [await hashPassword('pw-nvr', { n: 1024, r: 8, p: 1 })],
            external: { frigate: { camera: 'kenh_dong', baseUrl } },
          },
        ],
      }),
    );
    const config = AllInOneConfigSchema.parse({
      registryFile,
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      auth: { enabled: false },
      alerts: { enabled: false },
      log: { level: 'silent' },
      frigate: { evidence: { dir: join(dir, 'evidence'), baseMs: 50, maxMs: 200 } },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e-frigate', level: 'silent' }));
    nvr = await mqtt.connectAsync(app.mqttUrl, { username: 'nvr-1', password: 'pw-nvr', reconnectPeriod: 0 });
    await nvr.publishAsync('frigate/events', JSON.stringify({ type: 'new', before: live, after: live }), { qos: 1 });
  });

  afterAll(async () => {
    await nvr?.endAsync();
    await app?.stop();
    await new Promise((r) => frigate?.close(r));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores the live and the missed event, each with its snapshot kept by content hash', async () => {
    type D = { eventId: string; phase: string; snapshotSha256: string | null; zone: string | null };
    let detections: D[] = [];
    await eventually(async () => {
      const res = await fetch(
        `${app.apiUrl}/api/v1/detections?deviceId=nvr-1&from=${(NOW_S - 3600) * 1000}&to=${Date.now() + 60_000}`,
      );
      detections = ((await res.json()) as { detections: D[] }).detections;
      expect(detections.map((d) => [d.eventId, d.snapshotSha256]).sort()).toEqual(
        [
          [missed.id, SHA],
          [live.id, SHA],
        ].sort(),
      );
    }, 20_000);
    expect(detections.find((d) => d.eventId === missed.id)).toMatchObject({ phase: 'end', zone: 'bank' });
    // Not on disk at first: two 404s, then the file, for each event.
    expect(snapshotHits.get(missed.id)).toBe(3);
    expect(snapshotHits.get(live.id)).toBe(3);
    const file = join(dir, 'evidence', SHA.slice(0, 2), `${SHA}.jpg`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).equals(JPEG)).toBe(true);
  });
});
