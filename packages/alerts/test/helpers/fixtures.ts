import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection, Reading } from '@hpg/contracts';
import { Registry } from '@hpg/registry';
import { AlertRules, type AlertRulesData, type Limit, type LimitResolver } from '../../src/index.ts';

/** 2026-11-22 15:00 UTC = 22:00 in Hai Phong. */
export const T0 = Date.UTC(2026, 10, 22, 15, 0, 0);
export const MIN = 60_000;

const root = new URL('../../../../', import.meta.url);
export const readJson = (rel: string): unknown => JSON.parse(readFileSync(new URL(rel, root), 'utf8'));

export const demoRegistry = () => Registry.from(readJson('config/registry.demo.json'));
export const demoRulesData = () => readJson('config/alerts/rules.demo.json');

const credential = {
  algo: 'scrypt',
  n: 16384,
  r: 8,
  p: 1,
  salt: '0123456789abcdef0123',
  hash: '0123456789abcdef0123456789abcdef0123456789abcdef',
};
const device = (id: string, siteId: string, kind: string, intervalSeconds: number) => ({
  id,
  siteId,
  kind,
  intervalSeconds,
  name: `Thiết bị ${id}`,
  credentials: [credential],
});

/** A small registry: a city, commune "xa-a" with two camera spots, a plant and a charger; ward "phuong-b" with a building. */
export function miniRegistry(): Registry {
  return Registry.from({
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'xa-a', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
      { id: 'phuong-b', kind: 'ward', name: 'Phường Bạch Đằng', nameEn: 'Bach Dang Ward', parentId: 'hai-phong' },
    ],
    sites: [
      {
        id: 'spot-a',
        kind: 'camera_spot',
        localityId: 'xa-a',
        name: 'Bãi ven sông Thái Bình',
        address: 'Thôn Đông, xã Vĩnh Am, Hải Phòng',
        location: { lat: 20.6553, lon: 106.4612 },
        zones: ['bank', 'road'],
      },
      {
        id: 'spot-open',
        kind: 'camera_spot',
        localityId: 'xa-a',
        name: 'Bãi đất trống',
        location: { lat: 20.66, lon: 106.45 },
        zones: [],
      },
      {
        id: 'plant-a',
        kind: 'wastewater_plant',
        localityId: 'xa-a',
        name: 'Trạm xử lý nước thải Cụm công nghiệp Vĩnh Am',
        location: { lat: 20.6712, lon: 106.4526 },
        wastewater: {
          standard: 'QCVN40:2011',
          column: 'B',
          kq: 0.9,
          kf: 1,
          designFlowM3PerDay: 1500,
          centralIndustrial: true,
        },
      },
      {
        id: 'evs-a',
        kind: 'charging_station',
        localityId: 'xa-a',
        name: 'Trạm sạc UBND xã',
        location: { lat: 20.66, lon: 106.44 },
      },
      {
        id: 'bldg-b',
        kind: 'building',
        localityId: 'phuong-b',
        name: 'Trụ sở UBND phường',
        location: { lat: 20.95, lon: 106.73 },
      },
    ],
    devices: [
      device('cam-a1', 'spot-a', 'camera', 3600),
      device('cam-a2', 'spot-a', 'camera', 3600),
      device('cam-open', 'spot-open', 'camera', 3600),
      device('ww-a', 'plant-a', 'wastewater_station', 300),
      device('ev-a', 'evs-a', 'ev_charger', 60),
      device('pv-b', 'bldg-b', 'solar_inverter', 60),
    ],
  });
}

/** Rules for the mini registry: everything at city level; `edit` changes the data before validation. */
export function miniRulesData(edit: (d: AlertRulesData) => void = () => {}): AlertRulesData {
  const data: AlertRulesData = {
    version: 1,
    localities: [
      {
        localityId: 'hai-phong',
        dumping: { labels: ['waste'], minScore: 0.7, dedupeWindowMinutes: 60, severity: 'high' },
        wastewater: {
          parameters: ['cod', 'ph'],
          averageMinutes: 60,
          exceedMinutes: 30,
          clearMinutes: 15,
          severityByRatio: [
            { fromRatio: 1, severity: 'low' },
            { fromRatio: 1.1, severity: 'medium' },
            { fromRatio: 1.5, severity: 'high' },
            { fromRatio: 2, severity: 'critical' },
          ],
          silenceMinutes: 60,
          silenceSeverity: 'medium',
        },
        devices: {
          offline: {
            deviceKinds: ['wastewater_station', 'ev_charger'],
            missedIntervals: 3,
            minMinutes: 15,
            severity: 'medium',
          },
          chargerFaulted: { afterMinutes: 10, severity: 'medium' },
          inverterFault: { afterMinutes: 5, severity: 'high' },
        },
        contacts: {
          police: {
            escalateAfterMinutes: 15,
            chain: [
              {
                id: 'police-duty',
                name: 'Công an xã – trực ban',
                lang: 'vi',
                reach: {
                  webhook: { url: 'http://127.0.0.1:9/hook', secretRef: 'police' },
                  telegram: { chatId: '-100123' },
                },
              },
              { id: 'police-chief', name: 'Trưởng Công an xã', lang: 'vi', reach: { sms: { phone: '+84900000001' } } },
              { id: 'police-city', name: 'Police command centre', lang: 'en', reach: { email: 'command@example.org' } },
            ],
          },
          environment: {
            escalateAfterMinutes: 60,
            chain: [{ id: 'env-officer', name: 'Cán bộ môi trường', lang: 'vi', reach: { email: 'env@example.org' } }],
          },
          operator: {
            escalateAfterMinutes: 30,
            chain: [{ id: 'operator', name: 'Operator', lang: 'en', reach: { telegram: { chatId: '42' } } }],
          },
        },
      },
    ],
  };
  edit(data);
  return data;
}

export const miniRules = (edit?: (d: AlertRulesData) => void, registry = miniRegistry()) =>
  AlertRules.from(miniRulesData(edit), registry);

/** QCVN 40:2011 column B with Kq 0.9, Kf 1 for plant-a: COD 135 mg/L; pH 5.5–9 (no factors). */
export const miniLimits: LimitResolver = (siteId, parameter): Limit | undefined => {
  if (siteId !== 'plant-a') return undefined;
  if (parameter === 'cod') return { max: 135, unit: 'mg/L' };
  if (parameter === 'ph') return { min: 5.5, max: 9, unit: 'pH' };
  return undefined;
};

export function detection(over: Partial<Detection> = {}): Detection {
  const ts = over.ts ?? T0;
  return {
    v: 1,
    deviceId: 'cam-a1',
    siteId: 'spot-a',
    localityId: 'xa-a',
    eventId: `ev-${ts}`,
    phase: 'start',
    ts,
    receivedAt: ts,
    label: 'waste',
    score: 0.87,
    zone: 'bank',
    box: [100, 120, 340, 400],
    snapshotUrl: `http://nvr.local/api/events/ev-${ts}/snapshot.jpg`,
    snapshotSha256: null,
    startedAt: ts,
    endedAt: null,
    source: 'frigate',
    ...over,
  };
}

export function reading(over: Partial<Reading> = {}): Reading {
  const ts = over.ts ?? T0;
  return {
    v: 1,
    measurement: 'wastewater',
    deviceId: 'ww-a',
    siteId: 'plant-a',
    localityId: 'xa-a',
    channel: '',
    ts,
    receivedAt: ts,
    values: {},
    states: {},
    quality: {},
    source: 'hpg-json/v1',
    ...over,
  };
}

/** A wastewater sample with every value `measuring` unless `quality` says otherwise. */
export function sample(ts: number, values: Record<string, number>, quality: Reading['quality'] = {}): Reading {
  const q: Reading['quality'] = {};
  for (const k of Object.keys(values)) q[k] = quality[k] ?? 'measuring';
  return reading({ ts, values, quality: q });
}

/** A clock the test moves by hand. `sleep` waits for real (only the dispatcher's loop uses it). */
export class ManualClock {
  t: number;
  constructor(t = T0) {
    this.t = t;
  }
  now = () => this.t;
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(ms, 20));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/** A fresh directory for an alert database, removed by the returned cleanup. */
export function tempDir(): { dir: string; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hpg-alerts-'));
  return { dir, path: join(dir, 'alerts.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic "random" for jitter: a fixed sequence in [0, 1). */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
