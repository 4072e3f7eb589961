/**
 * The indicator service on the embedded engines (in-process bus, SQLite file), with hand-worked
 * figures: windows cut at local midnight, day points that add up to the month, a late reading
 * that recomputes the day it falls in (and only that day), the year from its months, points on
 * the bus, and a recomputation that changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryBus } from '@hpg/bus-memory';
import type { IndicatorPoint } from '@hpg/contracts';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { reading } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import { openSqliteStore } from '@hpg/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backfill, IndicatorService, IndicatorServiceConfigSchema, monthRange } from '../src/index.ts';

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const loc = { lat: 20.9, lon: 106.7 };
const registry = Registry.from({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
    { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh', parentId: 'hai-phong' },
    { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: 'hai-phong' },
  ],
  sites: [
    { id: 'school', localityId: 'tan-minh', name: 'Trường', location: loc, kind: 'building', solarCapacityKwp: 5 },
    {
      id: 'kcn',
      localityId: 'vinh-am',
      name: 'KCN',
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
  ],
  devices: [
    { id: 'pv-1', siteId: 'school', kind: 'solar_inverter', intervalSeconds: 300, credentials: [cred] },
    { id: 'ww-1', siteId: 'kcn', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
  ],
});
const regulatory = loadRegulatory(resolve(import.meta.dirname, '../../../config/regulatory'));

const H = 3_600_000;
/** Local midnights (UTC+7): 31 Oct, 1 Nov, 2 Nov 2026. */
const OCT31 = Date.UTC(2026, 9, 30, 17);
const NOV1 = Date.UTC(2026, 9, 31, 17);
const NOV2 = NOV1 + 24 * H;
const NOW = NOV1 + 9 * 24 * H; // 10 Nov 00:00 local

const pv = (ts: number, wh: number, w = 0) =>
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
  reading({
    deviceId: 'ww-1',
    siteId: 'kcn',
    localityId: 'vinh-am',
    ts,
    values: { cod, ph: 7 },
    quality: { cod: q, ph: q },
  });

/*
 * The fixture, worked by hand.
 * pv-1 lifetime counter (Wh): 31 Oct 12:00 local 800 · 31 Oct 23:50 1,000 · 1 Nov 00:10 1,100 ·
 *   1 Nov 10:00 1,600 (producing) · 2 Nov 09:00 2,000.
 *   Each increase counts in the window of its later reading:
 *   October: 800 → 1,000 = 200 Wh (0.2 kWh); the 23:50 → 00:10 step crosses local midnight and
 *   belongs to 1 Nov: 1 Nov = 100 + 500 = 600 Wh; 2 Nov = 400 Wh; November = 1.0 kWh = 0.6 + 0.4.
 *   Year 2026 = 0.2 + 1.0 = 1.2 kWh.
 * ww-1 at plant kcn, QCVN 40:2011 column B, Kq 0.9, Kf 1.1: COD limit 150 × 0.9 × 1.1 = 148.5 mg/L.
 *   1 Nov 08:xx: COD 100 measuring, 500 calibrating (excluded) → hourly mean 100 → compliant.
 *   2 Nov 08:xx: COD 200 → non-compliant. November: non-compliant (a non-compliant day).
 *   Late: COD 300 measuring at 1 Nov 08:30 → that hour's mean (100 + 300) / 2 = 200 → 1 Nov
 *   becomes non-compliant.
 */
async function fill(store: Store) {
  await store.writeReadings([
    pv(OCT31 + 12 * H, 800), // 31 Oct 12:00 local
    pv(NOV1 - 10 * 60_000, 1_000),
    pv(NOV1 + 10 * 60_000, 1_100),
    pv(NOV1 + 10 * H, 1_600, 900),
    pv(NOV2 + 9 * H, 2_000),
    ww(NOV1 + 8 * H, 100),
    ww(NOV1 + 8 * H + 5 * 60_000, 500, 'calibrating'),
    ww(NOV2 + 8 * H, 200),
  ]);
}

const value = (points: readonly IndicatorPoint[], indicator: string, scopeId: string, label: string) => {
  const found = points.filter((p) => p.indicator === indicator && p.scopeId === scopeId && p.label === label);
  expect(found, `${indicator} ${scopeId} ${label}`).toHaveLength(1);
  return found[0]?.value;
};

describe('indicator service', () => {
  let dir: string;
  let store: Store;
  let bus: MemoryBus;
  let now = NOW;
  let service: IndicatorService;
  const all = () => store.queryIndicators({ from: 0, to: Date.UTC(2030, 0), limit: 100_000 });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-ind-'));
    store = await openSqliteStore({ path: join(dir, 's.sqlite') });
    bus = new MemoryBus({ partitions: 2, capacity: 10_000 });
    now = NOW;
    await fill(store);
    service = new IndicatorService(
      {
        bus,
        store,
        registry: () => registry,
        regulatory,
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics: new MetricsRegistry(),
        now: () => now,
      },
      IndicatorServiceConfigSchema.parse({
        tickMs: 3_600_000,
        settleMs: 10_000,
        liveEveryMs: 900_000,
        startupMonths: 1,
      }),
    );
  });
  afterEach(async () => {
    await service.stop();
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('at start recomputes the running and the previous month: days, months and the year', async () => {
    const seen: IndicatorPoint[] = [];
    await bus.subscribe('indicators', { group: 'test' }, async (b) => {
      seen.push(...b);
    });
    await service.start();
    expect(service.dirtyMonths()).toEqual(['2026-10', '2026-11']);
    const results = await service.tick();
    expect(results.map((r) => r.label)).toEqual(['2026-10', '2026-11']);
    const points = await all();

    // Solar, split at local midnight; the days add up to the month; the city sums its communes.
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-10')).toBeCloseTo(0.2, 12);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-10-31')).toBeCloseTo(0.2, 12);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-11-01')).toBeCloseTo(0.6, 12);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-11-02')).toBeCloseTo(0.4, 12);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-11-03')).toBe(0);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026-11')).toBeCloseTo(1.0, 12);
    expect(value(points, 'solar.energy_kwh', 'hai-phong', '2026-11')).toBeCloseTo(1.0, 12);
    expect(value(points, 'solar.energy_kwh', 'vinh-am', '2026-11')).toBe(0);
    expect(value(points, 'solar.energy_kwh', 'school', '2026-11')).toBeCloseTo(1.0, 12);
    expect(value(points, 'solar.energy_kwh', 'tan-minh', '2026')).toBeCloseTo(1.2, 12);
    // Days after now are not computed yet (10 Nov is the running day: it is).
    expect(points.some((p) => p.label === '2026-11-10')).toBe(true);
    expect(points.some((p) => p.label === '2026-11-11')).toBe(false);

    // Wastewater: the calibration sample is excluded; 2 Nov exceeds; the month is non-compliant.
    expect(value(points, 'wastewater.plant_compliant', 'kcn', '2026-11-01')).toBe(1);
    expect(value(points, 'wastewater.plant_compliant', 'kcn', '2026-11-02')).toBe(0);
    expect(value(points, 'wastewater.plant_compliant', 'kcn', '2026-11-03')).toBeNull();
    expect(value(points, 'wastewater.plant_compliant', 'kcn', '2026-11')).toBe(0);
    expect(value(points, 'wastewater.central_wwtp_compliant_pct', 'vinh-am', '2026-11-01')).toBe(100);
    const month = points.find(
      (p) =>
        p.indicator === 'wastewater.central_wwtp_compliant_pct' && p.scopeId === 'hai-phong' && p.label === '2026-11',
    );
    expect(month?.value).toBe(0);
    expect(month?.target).toEqual({ value: 100, comparison: 'gte', met: false });
    // No plant reported in October: no share, not a made-up 0.
    expect(value(points, 'wastewater.plants_compliant_pct', 'hai-phong', '2026-10')).toBeNull();

    // Every stored point was published on the bus too.
    await bus.drained();
    const key = (p: IndicatorPoint) => `${p.indicator}|${p.scopeId}|${p.period}|${p.from}`;
    expect(new Set(seen.map(key))).toEqual(new Set(points.map(key)));
  });

  it('a late reading recomputes the day it falls in, its month and year, and nothing else', async () => {
    await service.start();
    await service.tick();
    const before = await all();
    const computedAt = (points: readonly IndicatorPoint[], label: string) =>
      points.find((p) => p.indicator === 'wastewater.plant_compliant' && p.label === label)?.computedAt;

    // A late sample for 1 Nov arrives on 10 Nov, through the bus (the writer stores it).
    now = NOW + 60_000;
    const late = ww(NOV1 + 8 * H + 30 * 60_000, 300);
    await store.writeReadings([late]);
    await bus.publish('readings', [{ key: late.deviceId, value: late }]);
    await bus.drained();
    expect(service.dirtyMonths()).toEqual(['2026-11']);
    // Not settled yet: nothing recomputed.
    expect(await service.tick()).toEqual([]);
    // Settled, but the running month was recomputed under 15 minutes ago: still waiting.
    now = NOW + 120_000;
    expect(await service.tick()).toEqual([]);
    now = NOW + 16 * 60_000;
    const [r] = await service.tick();
    expect(r?.label).toBe('2026-11');
    const after = await all();
    expect(value(after, 'wastewater.plant_compliant', 'kcn', '2026-11-01')).toBe(0);
    expect(value(after, 'wastewater.central_wwtp_compliant_pct', 'vinh-am', '2026-11-01')).toBe(0);
    expect(computedAt(after, '2026-11-01')).toBe(now);
    expect(computedAt(after, '2026-11')).toBe(now);
    // Days the late reading did not touch keep their earlier computation.
    expect(computedAt(after, '2026-11-02')).toBe(computedAt(before, '2026-11-02'));
    expect(after).toHaveLength(before.length);
  });

  it('recomputing gives the same points; backfill over a range agrees with the service', async () => {
    await service.start();
    await service.tick();
    const strip = (ps: readonly IndicatorPoint[]) => ps.map(({ computedAt: _c, ...p }) => p);
    const first = strip(await all());
    now = NOW + 3_600_000;
    const r = await backfill({ store, registry, regulatory, now: () => now }, { from: '2026-10', to: '2026-11' });
    expect(r.months).toBe(2);
    expect(strip(await all())).toEqual(first);
  });

  it('reads the range of months to backfill, and refuses a reversed or malformed one', () => {
    expect(monthRange('2025-11', '2026-02').map((m) => `${m.year}-${m.month}`)).toEqual([
      '2025-11',
      '2025-12',
      '2026-1',
      '2026-2',
    ]);
    expect(() => monthRange('2026-03', '2026-02')).toThrow(/after/);
    expect(() => monthRange('2026-3', '2026-04')).toThrow(/YYYY-MM/);
  });
});
