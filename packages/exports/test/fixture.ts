/**
 * Test fixture: an in-memory Store (the port's rules, kept small) and a registry with one thing of
 * each kind, with readings worked out by hand for September and October 2026 (Asia/Ho_Chi_Minh):
 *
 * Tân Minh (commune) — rooftop solar pv-1 at `school` (5 kWp), lifetime counter in Wh:
 *   Sep 10 12:00 1,000 (900 W) · Sep 20 12:00 6,000 (900 W) · Sep 30 22:00 11,000 (0 W)
 *   Oct 1 10:00 12,500 (1,200 W) · Oct 15 12:00 20,000 (1,000 W) · Oct 31 12:00 24,000 (500 W)
 *   Each increase counts in the month of its later reading:
 *   September = 5,000 + 5,000 = 10 kWh; October = 1,500 + 7,500 + 4,000 = 13 kWh (change +3 kWh);
 *   specific yield October 13 / 5 = 2.6 kWh/kWp.
 *   Producing in the 24 h before the month's end: September no (last power Sep 20), October yes
 *   (Oct 31 12:00) → solar.active_installations 0 → 1 against Tân Minh's 2026 target ≥ 10: chưa đạt.
 * Tân Minh — charger ev-1 at `station-1`: one session Oct 10 09:00–10:00, register 1,000 → 6,000 Wh
 *   (5 kWh); connector 1 Available from Sep 28, Faulted Oct 16 00:00 – Oct 21 00:00 (5 of 31 days):
 *   availability 26/31 = 83.87 %.
 * Vĩnh Am (commune) — plant `kcn` (QCVN 40:2011 column B, Kq 0.9, Kf 1.1: COD ≤ 148.5 mg/L), a
 *   central industrial plant, station ww-1: Sep 15 COD 100 → September compliant (100 %);
 *   Oct 2 COD 100 (compliant), Oct 3 COD 200 (exceeded) and 90 while calibrating (excluded) →
 *   October non-compliant: central_wwtp_compliant_pct 0 % (change −100 points) against 100 %: chưa đạt.
 * Vĩnh Am — camera cam-1 at `spot-1`: waste at Oct 12 21:00 (0.9) and 21:30 (0.7), the same
 *   camera and zone within 60 minutes: one incident; waste Oct 20 08:00 (0.8): another; a person
 *   Oct 20 09:00 (not waste). Detections 4, incidents 2.
 * Vĩnh Am — industrial facility `factory` with a forecast of 1,200,000 Wh for 2026 (100,000 Wh a
 *   month), meter m-1: Sep 1 00:30 400,000 · Sep 30 23:00 500,000 · Oct 31 23:00 590,000 →
 *   September 100,000 Wh (savings 0 %), October 90,000 Wh (savings 10 %, change +10 points); the
 *   city's targets ≥ 6.2 % overall and ≥ 8.5 % for industry: đạt.
 */

import { resolve } from 'node:path';
import type { Detection, IndicatorPoint, Reading, Refusal } from '@hpg/contracts';
import type { DetectionQuery, IndicatorQuery, ReadingQuery, RegisterDays, RegisterDaysQuery, Store } from '@hpg/ports';
import { registerDaysOf } from '@hpg/ports';
import { detection, reading } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';

export class MemoryStore implements Store {
  readings: Reading[] = [];
  detections: Detection[] = [];
  indicators: IndicatorPoint[] = [];
  queries = 0;

  async writeReadings(rs: readonly Reading[]) {
    const key = (r: Reading) => `${r.measurement}|${r.deviceId}|${r.channel}|${r.ts}`;
    const byKey = new Map(this.readings.map((r) => [key(r), r]));
    for (const r of rs) byKey.set(key(r), r);
    this.readings = [...byKey.values()].sort((a, b) => a.ts - b.ts);
  }
  async writeDetections(ds: readonly Detection[]) {
    this.detections.push(...ds);
  }
  async writeRefusals(_rs: readonly Refusal[]) {}
  async writeIndicators(ps: readonly IndicatorPoint[]) {
    this.indicators.push(...ps);
  }
  async queryReadings(q: ReadingQuery) {
    this.queries++;
    const out = this.readings.filter(
      (r) =>
        r.ts >= q.from &&
        r.ts < q.to &&
        (q.deviceId === undefined || r.deviceId === q.deviceId) &&
        (q.siteId === undefined || r.siteId === q.siteId) &&
        (q.localityIds === undefined || q.localityIds.includes(r.localityId)) &&
        (q.measurement === undefined || r.measurement === q.measurement),
    );
    return (q.order === 'desc' ? out.reverse() : out).slice(0, q.limit);
  }
  async queryDetections(q: DetectionQuery) {
    return this.detections
      .filter(
        (d) =>
          d.startedAt >= q.from &&
          d.startedAt < q.to &&
          (q.deviceId === undefined || d.deviceId === q.deviceId) &&
          (q.localityIds === undefined || q.localityIds.includes(d.localityId)),
      )
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, q.limit);
  }
  async queryRefusals() {
    return [];
  }
  async registerDays(q: RegisterDaysQuery): Promise<RegisterDays> {
    this.queries++;
    const points = this.readings
      .filter(
        (r) =>
          r.deviceId === q.deviceId &&
          r.measurement === q.measurement &&
          r.ts >= q.from - q.lookbackMs &&
          r.ts < q.from + q.days * 86_400_000,
      )
      .map((r) => ({
        ts: r.ts,
        ...(r.values[q.register] === undefined ? {} : { register: r.values[q.register] }),
        ...(q.activity === undefined || r.values[q.activity] === undefined ? {} : { activity: r.values[q.activity] }),
      }));
    return registerDaysOf(points, q);
  }
  async queryIndicators(q: IndicatorQuery) {
    return this.indicators.filter((p) => p.from >= q.from && p.from < q.to).slice(0, q.limit);
  }
  async countRefusals() {
    return {};
  }
  async health() {
    return { ok: true, detail: 'memory' };
  }
  async close() {}
}

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const loc = { lat: 20.9, lon: 106.7 };

export const registry = Registry.from({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
    { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh Commune', parentId: 'hai-phong' },
    { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
  ],
  sites: [
    {
      id: 'school',
      localityId: 'tan-minh',
      name: 'Trường "Tân Minh", cơ sở 2',
      location: loc,
      kind: 'building',
      solarCapacityKwp: 5,
    },
    { id: 'station-1', localityId: 'tan-minh', name: 'Trạm sạc chợ Tân Minh', location: loc, kind: 'charging_station' },
    {
      id: 'kcn',
      localityId: 'vinh-am',
      name: 'Trạm XLNT tập trung CCN Vĩnh Am',
      location: loc,
      kind: 'wastewater_plant',
      wastewater: {
        standard: 'QCVN40:2011',
        column: 'B',
        kq: 0.9,
        kf: 1.1,
        designFlowM3PerDay: 1000,
        centralIndustrial: true,
      },
    },
    {
      id: 'spot-1',
      localityId: 'vinh-am',
      name: 'Bờ kênh Vĩnh Am',
      location: loc,
      kind: 'camera_spot',
      zones: ['bank'],
    },
    {
      id: 'factory',
      localityId: 'vinh-am',
      name: 'Nhà máy cơ khí',
      location: loc,
      kind: 'facility',
      sector: 'industry',
      energyBaseline: { method: 'forecast', yearWh: { '2026': 1_200_000 } },
    },
  ],
  devices: [
    { id: 'pv-1', siteId: 'school', kind: 'solar_inverter', intervalSeconds: 300, credentials: [cred] },
    { id: 'ev-1', siteId: 'station-1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] },
    { id: 'ww-1', siteId: 'kcn', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
    { id: 'cam-1', siteId: 'spot-1', kind: 'camera', intervalSeconds: 3600, credentials: [cred] },
    { id: 'm-1', siteId: 'factory', kind: 'energy_meter', intervalSeconds: 900, credentials: [cred] },
  ],
});

export const regulatory = loadRegulatory(resolve(import.meta.dirname, '../../../config/regulatory'));

/** Local (UTC+7) wall-clock time → epoch ms. */
export const local = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi);

const pv = (ts: number, wh: number, w: number) =>
  reading({
    measurement: 'solar',
    deviceId: 'pv-1',
    siteId: 'school',
    localityId: 'tan-minh',
    ts,
    values: { energy_lifetime: wh, ac_power: w },
    quality: {},
  });
const ww = (ts: number, cod: number, q: 'measuring' | 'calibrating' = 'measuring') =>
  reading({ deviceId: 'ww-1', siteId: 'kcn', localityId: 'vinh-am', ts, values: { cod }, quality: { cod: q } });
const meter = (ts: number, wh: number) =>
  reading({
    measurement: 'meter',
    deviceId: 'm-1',
    siteId: 'factory',
    localityId: 'vinh-am',
    ts,
    values: { energy_import: wh },
    quality: {},
  });
const ev = (measurement: 'ev_session' | 'ev_status', ts: number, states: Record<string, string>, wh?: number) =>
  reading({
    measurement,
    deviceId: 'ev-1',
    siteId: 'station-1',
    localityId: 'tan-minh',
    channel: '1',
    ts,
    values: wh === undefined ? {} : { energy_register: wh },
    states,
    quality: {},
  });
const cam = (eventId: string, ts: number, score: number, label = 'waste') =>
  detection({
    deviceId: 'cam-1',
    siteId: 'spot-1',
    localityId: 'vinh-am',
    eventId,
    ts,
    startedAt: ts,
    score,
    label,
    zone: 'bank',
  });

export async function fill(store: Store): Promise<void> {
  await store.writeReadings([
    pv(local(2026, 9, 10, 12), 1_000, 900),
    pv(local(2026, 9, 20, 12), 6_000, 900),
    pv(local(2026, 9, 30, 22), 11_000, 0),
    pv(local(2026, 10, 1, 10), 12_500, 1_200),
    pv(local(2026, 10, 15, 12), 20_000, 1_000),
    pv(local(2026, 10, 31, 12), 24_000, 500),
    ww(local(2026, 9, 15, 8), 100),
    ww(local(2026, 10, 2, 8), 100),
    ww(local(2026, 10, 3, 8), 200),
    ww(local(2026, 10, 3, 8, 5), 90, 'calibrating'),
    meter(local(2026, 9, 1, 0, 30), 400_000),
    meter(local(2026, 9, 30, 23), 500_000),
    meter(local(2026, 10, 31, 23), 590_000),
    ev('ev_status', local(2026, 9, 28), { status: 'Available' }),
    ev('ev_status', local(2026, 10, 16), { status: 'Faulted' }),
    ev('ev_status', local(2026, 10, 21), { status: 'Available' }),
    ev('ev_session', local(2026, 10, 10, 9), { sessionId: 's-1', event: 'start' }, 1_000),
    ev('ev_session', local(2026, 10, 10, 10), { sessionId: 's-1', event: 'stop' }, 6_000),
  ]);
  await store.writeDetections([
    cam('e1', local(2026, 10, 12, 21), 0.9),
    cam('e2', local(2026, 10, 12, 21, 30), 0.7),
    cam('e3', local(2026, 10, 20, 8), 0.8),
    cam('e4', local(2026, 10, 20, 9), 0.95, 'person'),
  ]);
}

export async function filledStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await fill(store);
  return store;
}

/** 1 November 2026, 00:30 local: October has just ended. */
export const NOV1 = local(2026, 11, 1, 0, 30);
