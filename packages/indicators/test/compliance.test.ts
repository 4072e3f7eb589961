/**
 * Reference cases for wastewater compliance, each worked by hand in its comment.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StationStatus } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import {
  compliantShares,
  dayOf,
  limitFor,
  localDay,
  localMonth,
  meets,
  type PlantMonth,
  ratioToLimit,
  StandardSchema,
  type StationSample,
  stationDay,
  stationMonth,
  TargetsFileSchema,
  targetFor,
} from '../src/index.ts';

const load = (name: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../config/regulatory', name), 'utf8'));
const QCVN40 = StandardSchema.parse(load('qcvn-40-2011.json'));
const QCVN14 = StandardSchema.parse(load('qcvn-14-2008.json'));

const H = 3_600_000;
const M = 60_000;
/** 1 Nov 2026 in Hai Phong starts at 31 Oct 17:00 UTC. */
const NOV1 = localDay(2026, 11, 1);

function sample(ts: number, values: Record<string, number>, status: StationStatus = 'measuring'): StationSample {
  return { ts, values, quality: Object.fromEntries(Object.keys(values).map((k) => [k, status])) };
}

const specB = { standard: QCVN40, column: 'B' as const, kq: 0.9, kf: 1.1, intervalSeconds: 300 };

describe('limits from the standards data', () => {
  it('applies Kq and Kf to COD but not to pH (QCVN 40:2011 column B)', () => {
    // COD: C = 150 mg/L (column B) × Kq 0.9 × Kf 1.1 = 148.5 mg/L.
    expect(limitFor(QCVN40, 'B', 'cod', { kq: 0.9, kf: 1.1 })).toMatchObject({ max: 148.5, unit: 'mg/L' });
    // pH: 5.5–9 whatever the factors.
    expect(limitFor(QCVN40, 'B', 'ph', { kq: 0.9, kf: 1.1 })).toMatchObject({ min: 5.5, max: 9 });
    // Column A NH4+: 5 × 1.2 × 0.6 = 3.6 mg/L.
    expect(limitFor(QCVN40, 'A', 'nh4', { kq: 0.6, kf: 1.2 })?.max).toBe(3.6);
    // QCVN 14:2008 applies K (carried in kf) to BOD5: 50 × 1.2 = 60.
    expect(limitFor(QCVN14, 'B', 'bod5', { kq: 1, kf: 1.2 })?.max).toBe(60);
    expect(limitFor(QCVN40, 'B', 'flow_out', { kq: 1, kf: 1 })).toBeUndefined();
  });

  it('says how far outside a limit a value is', () => {
    // 178.2 / 148.5 = 1.2; pH 5.0 under a minimum of 5.5: 5.5 / 5.0 = 1.1.
    expect(ratioToLimit(178.2, { max: 148.5, unit: 'mg/L', verified: 'secondary' })).toBeCloseTo(1.2, 9);
    expect(ratioToLimit(5, { min: 5.5, max: 9, unit: 'pH', verified: 'secondary' })).toBeCloseTo(1.1, 9);
  });
});

describe('a station-day', () => {
  it('averages each hour and counts the hours whose average exceeds the limit', () => {
    // Hour 0: COD 100, 200 → average 150 > 148.5: exceedance, ratio 150/148.5 = 1.0101.
    // Hour 1: COD 140, 150 → average 145 ≤ 148.5: fine.
    // Hour 2: COD 300 (calibrating: excluded) and 90 → average 90: fine.
    const samples = [
      sample(NOV1.from + 5 * M, { cod: 100 }),
      sample(NOV1.from + 35 * M, { cod: 200 }),
      sample(NOV1.from + H + 5 * M, { cod: 140 }),
      sample(NOV1.from + H + 35 * M, { cod: 150 }),
      sample(NOV1.from + 2 * H + 5 * M, { cod: 300 }, 'calibrating'),
      sample(NOV1.from + 2 * H + 35 * M, { cod: 90 }),
    ];
    const day = stationDay(samples, specB, NOV1);
    const cod = day.parameters.find((p) => p.parameter === 'cod');
    expect(day.status).toBe('non_compliant');
    expect(cod).toMatchObject({
      periods: 3,
      exceedances: 1,
      exceedanceMinutes: 60,
      valid: 5,
      calibrating: 1,
      error: 0,
    });
    expect(cod?.maxRatio).toBeCloseTo(150 / 148.5, 9);
    expect(cod?.maxAverage).toBe(150);
  });

  it('judges the same samples compliant on a daily average', () => {
    // Daily: (100 + 200 + 140 + 150 + 90) / 5 = 136 ≤ 148.5.
    const samples = [
      sample(NOV1.from + 5 * M, { cod: 100 }),
      sample(NOV1.from + 35 * M, { cod: 200 }),
      sample(NOV1.from + H + 5 * M, { cod: 140 }),
      sample(NOV1.from + H + 35 * M, { cod: 150 }),
      sample(NOV1.from + 2 * H + 35 * M, { cod: 90 }),
    ];
    const day = stationDay(samples, specB, NOV1, 'day');
    expect(day.status).toBe('compliant');
    expect(day.parameters[0]?.maxAverage).toBe(136);
    expect(day.method).toContain('daily averages');
  });

  it('excludes calibrating and error values entirely: a day of only those has no data', () => {
    const day = stationDay(
      [sample(NOV1.from + M, { cod: 999 }, 'calibrating'), sample(NOV1.from + 2 * M, { cod: 999 }, 'error')],
      specB,
      NOV1,
    );
    expect(day.status).toBe('no_data');
    expect(day.parameters[0]).toMatchObject({ valid: 0, calibrating: 1, error: 1, periods: 0 });
  });

  it('measures completeness against the station interval', () => {
    // 5-minute interval: 24 × 12 = 288 expected per day. 144 valid pH values → 0.5;
    // COD with 72 valid and 72 in error → 0.25. Station: (0.5 + 0.25) / 2 = 0.375.
    const samples: StationSample[] = [];
    for (let i = 0; i < 144; i++) {
      samples.push({
        ts: NOV1.from + i * 5 * M,
        values: { ph: 7, cod: 50 },
        quality: { ph: 'measuring', cod: i % 2 === 0 ? 'measuring' : 'error' },
      });
    }
    const day = stationDay(samples, specB, NOV1);
    expect(day.parameters.find((p) => p.parameter === 'ph')?.completeness).toBe(0.5);
    expect(day.parameters.find((p) => p.parameter === 'cod')?.completeness).toBe(0.25);
    expect(day.completeness).toBe(0.375);
  });

  it('flags pH below the minimum of column B', () => {
    const day = stationDay([sample(NOV1.from + M, { ph: 5.0 })], specB, NOV1);
    expect(day.status).toBe('non_compliant');
    expect(day.parameters[0]?.maxRatio).toBeCloseTo(1.1, 9);
  });

  it('cuts the day at local midnight: 23:30 local on 31 Oct belongs to 31 Oct, 00:30 to 1 Nov', () => {
    // 31 Oct 23:30 +07:00 = 31 Oct 16:30 UTC; 1 Nov 00:30 +07:00 = 31 Oct 17:30 UTC.
    const late = Date.UTC(2026, 9, 31, 16, 30);
    const early = Date.UTC(2026, 9, 31, 17, 30);
    expect(dayOf(late).label).toBe('2026-10-31');
    expect(dayOf(early).label).toBe('2026-11-01');
    const samples = [sample(late, { cod: 500 }), sample(early, { cod: 50 })];
    expect(stationDay(samples, specB, localDay(2026, 10, 31)).status).toBe('non_compliant');
    expect(stationDay(samples, specB, NOV1).status).toBe('compliant');
    // The month of November starts at the same instant as its first day.
    expect(localMonth(2026, 11).from).toBe(NOV1.from);
    expect(localMonth(2026, 12).to).toBe(Date.UTC(2026, 11, 31, 17, 0));
  });

  it('recomputes a window with a late reading to the same result as if it had come on time', () => {
    const onTime = [sample(NOV1.from + M, { cod: 100 }), sample(NOV1.from + 10 * H, { cod: 160 })];
    const first = stationDay(onTime.slice(0, 1), specB, NOV1);
    expect(first.status).toBe('compliant');
    // The late reading arrives days later; the window is recomputed from what is stored.
    const recomputed = stationDay([...onTime].reverse(), specB, NOV1);
    expect(recomputed).toEqual(stationDay(onTime, specB, NOV1));
    expect(recomputed.status).toBe('non_compliant');
  });
});

describe('a month and the locality indicators', () => {
  it('calls a plant-month compliant only if no day was non-compliant, and shares plants with data', () => {
    const good = stationDay([sample(NOV1.from + M, { cod: 50 })], specB, NOV1);
    const bad = stationDay([sample(NOV1.from + M, { cod: 500 })], specB, NOV1);
    const empty = stationDay([], specB, NOV1);
    const m1 = stationMonth('2026-11', [good, good, empty]);
    const m2 = stationMonth('2026-11', [good, bad]);
    const m3 = stationMonth('2026-11', [empty]);
    expect([m1.status, m2.status, m3.status]).toEqual(['compliant', 'non_compliant', 'no_data']);
    const plants: PlantMonth[] = [
      { plantId: 'a', localityId: 'vinh-am', centralIndustrial: true, month: m1 },
      { plantId: 'b', localityId: 'vinh-am', centralIndustrial: true, month: m2 },
      { plantId: 'c', localityId: 'vinh-am', centralIndustrial: false, month: m1 },
      { plantId: 'd', localityId: 'vinh-am', centralIndustrial: true, month: m3 },
    ];
    // All: a, b, c monitored (d has no data); a and c compliant → 2/3.
    // Central industrial: a, b monitored → 1/2.
    const shares = compliantShares(plants);
    expect(shares.all).toEqual({ monitored: 3, compliant: 2, share: 2 / 3 });
    expect(shares.centralIndustrial).toEqual({ monitored: 2, compliant: 1, share: 0.5 });
  });
});

describe('targets registry', () => {
  const targets = TargetsFileSchema.parse(load('targets.json')).targets;

  it('finds the target in force and compares a value with it', () => {
    // Tân Minh rooftop solar: 10 / 15 / 20 / 25 / 50 installations, 2026–2030 (plan 001, task 10).
    expect(targetFor(targets, 'tan-minh', 'rooftop_solar_installations', 2027)?.target).toBe(15);
    const central = targetFor(targets, 'hai-phong', 'central_wwtp_compliant_pct', 2026);
    expect(central).toMatchObject({ target: 100, year: 2030, source: '002 §II.1.2 (1), appendix II.3' });
    expect(meets(100, central as NonNullable<typeof central>)).toBe(true);
    // Shares are fractions; the target is in %: compare in the target's unit.
    expect(meets(100 * (2 / 3), central as NonNullable<typeof central>)).toBe(false);
  });
});
