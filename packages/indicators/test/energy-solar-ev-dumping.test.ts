/**
 * Reference cases for energy savings, solar, CO2, EV charging and dumping incidents, each worked
 * by hand in its comment.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  activeInstallations,
  availability,
  baselineWh,
  co2AvoidedTonnes,
  consumptionFromRegister,
  EmissionFactorsSchema,
  fitLinear,
  gridFactor,
  hotspots,
  incidents,
  localMonth,
  savingsRollup,
  sessions,
  siteSolar,
} from '../src/index.ts';

const H = 3_600_000;
const NOV = localMonth(2026, 11);

describe('energy', () => {
  it('counts consumption from a register, skipping a meter reset', () => {
    // 1,000 → 1,500 → 2,100 (+500 +600), replaced: 50 (reset, nothing counted), → 350 (+300) = 1,400 Wh.
    const points = [1000, 1500, 2100, 50, 350].map((wh, i) => ({ ts: NOV.from + i * H, wh }));
    expect(consumptionFromRegister(points, NOV.from, NOV.to)).toEqual({ wh: 1400, resets: 1, points: 5 });
    // Points outside the window do not count: only 1,500 → 2,100.
    expect(consumptionFromRegister(points, NOV.from + H, NOV.from + 3 * H).wh).toBe(600);
  });

  it('sets baselines three ways', () => {
    expect(baselineWh({ method: 'reference_month', referenceYear: 2025, wh: 120_000 })).toBe(120_000);
    // Regression: 50,000 + 800 × 30 cooling degree-days = 74,000 Wh.
    expect(baselineWh({ method: 'regression', intercept: 50_000, slope: 800, driver: 'cdd', driverValue: 30 })).toBe(
      74_000,
    );
    // Forecast of 1.2 GWh a year → 100 MWh a month.
    expect(baselineWh({ method: 'forecast', yearWh: 1.2e9, monthsInYear: 12 })).toBe(1e8);
  });

  it('fits the IPMVP option C line exactly on collinear points', () => {
    // y = 10 + 2x.
    const fit = fitLinear([1, 2, 3, 4], [12, 14, 16, 18]);
    expect(fit.intercept).toBeCloseTo(10, 9);
    expect(fit.slope).toBeCloseTo(2, 9);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(() => fitLinear([5, 5], [1, 2])).toThrow(RangeError);
  });

  it('rolls savings up on sums, by sector and locality', () => {
    // Factory: baseline 1,000, actual 900 (10 %). Office: 100 → 99 (1 %).
    // Industry: 10 %. All: (1,100 − 999) / 1,100 = 9.1818 %, not the mean of 10 % and 1 %.
    const r = savingsRollup([
      { facilityId: 'factory', localityId: 'bach-dang', sector: 'industry', baselineWh: 1000, actualWh: 900 },
      { facilityId: 'office', localityId: 'bach-dang', sector: 'business_services', baselineWh: 100, actualWh: 99 },
    ]);
    expect(r.bySector.industry?.savingsPct).toBeCloseTo(10, 9);
    expect(r.bySector.business_services?.savingsPct).toBeCloseTo(1, 9);
    expect(r.all.savingsPct).toBeCloseTo((101 / 1100) * 100, 9);
    expect(r.byLocality['bach-dang']?.facilities).toBe(2);
  });
});

describe('solar and CO2', () => {
  const factors = EmissionFactorsSchema.parse(
    JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../config/regulatory/grid-emission-factors.json'), 'utf8'),
    ),
  );

  it('uses the latest official grid factor when the year has none', () => {
    expect(gridFactor(factors, 2023)).toMatchObject({ tCO2PerMWh: 0.6592, factorYear: 2023 });
    // 2026: no official 2024–2026 value; 2023's is the latest official (the 2024 estimate is not used).
    expect(gridFactor(factors, 2026)).toMatchObject({ tCO2PerMWh: 0.6592, factorYear: 2023 });
    expect(gridFactor(factors, 2018)).toBeUndefined();
    // 12 MWh × 0.6592 t/MWh = 7.9104 t.
    expect(co2AvoidedTonnes(12e6, gridFactor(factors, 2026) as NonNullable<ReturnType<typeof gridFactor>>)).toBeCloseTo(
      7.9104,
      9,
    );
  });

  it('sums a site inverters, gives the specific yield and counts active installations', () => {
    // Two inverters on a 10 kWp school: +30,000 Wh and +20,000 Wh → 50 kWh → 5 kWh/kWp;
    // against a reference yield of 6.25 kWh/kWp: PR 0.8.
    const inv = (id: string, site: string, start: number, end: number, lastW: number) => ({
      deviceId: id,
      siteId: site,
      lifetime: [
        { ts: NOV.from + H, wh: start },
        { ts: NOV.from + 10 * H, wh: end },
      ],
      power: [{ ts: NOV.from + 10 * H, w: lastW }],
    });
    const fleet = [inv('a', 'school', 1e6, 1.03e6, 1500), inv('b', 'school', 5e5, 5.2e5, 0), inv('c', 'home', 0, 0, 0)];
    const s = siteSolar('school', fleet, NOV, 10, 6.25);
    expect(s).toMatchObject({ wh: 50_000, specificYield: 5 });
    expect(s.performanceRatio).toBeCloseTo(0.8, 9);
    expect(siteSolar('home', fleet, NOV, null).specificYield).toBeNull();
    expect([...activeInstallations(fleet, NOV.from + 12 * H)]).toEqual(['school']);
    // A day and a half later the last production is older than 24 h.
    expect(activeInstallations(fleet, NOV.from + 36 * H).size).toBe(0);
  });
});

describe('EV charging', () => {
  it('pairs sessions and sums their energy', () => {
    // tx1: 100,000 → 112,500 Wh = 12.5 kWh; tx2 started, not stopped.
    const s = sessions(
      [
        { ts: NOV.from + H, sessionId: 'tx1', event: 'start', registerWh: 100_000 },
        { ts: NOV.from + 3 * H, sessionId: 'tx1', event: 'stop', registerWh: 112_500 },
        { ts: NOV.from + 4 * H, sessionId: 'tx2', event: 'start', registerWh: 112_500 },
      ],
      NOV.from,
      NOV.to,
    );
    expect(s).toEqual({ completed: 1, open: 1, energyWh: 12_500 });
  });

  it('measures availability as time not Faulted or Unavailable', () => {
    // Window of 10 h: Available (from before) 0–2 h, Faulted 2–3 h, Charging 3–10 h → 9/10.
    const from = NOV.from;
    const a = availability(
      [
        { ts: from - H, status: 'Available' },
        { ts: from + 2 * H, status: 'Faulted' },
        { ts: from + 3 * H, status: 'Charging' },
      ],
      from,
      from + 10 * H,
    );
    expect(a).toBeCloseTo(0.9, 9);
    // Status first known at 5 h, Unavailable: 0 of 5 known hours.
    expect(availability([{ ts: from + 5 * H, status: 'Unavailable' }], from, from + 10 * H)).toBe(0);
    expect(availability([], from, from + H)).toBeNull();
  });
});

describe('dumping incidents', () => {
  it('merges re-detections of the same pile and ignores what the rule does not watch', () => {
    const d = (eventId: string, minutes: number, over: Partial<Parameters<typeof incidents>[0][number]> = {}) => ({
      deviceId: 'cam-1',
      siteId: 'bank',
      eventId,
      zone: 'riverbank',
      label: 'waste',
      score: 0.8,
      startedAt: NOV.from + minutes * 60_000,
      ...over,
    });
    const rule = { labels: ['waste'], minScore: 0.6, windowMs: 60 * 60_000 };
    // e1 at 0 min, e2 at 40 min (same pile), e3 at 90 min (50 min after e2: still the same),
    // e4 at 200 min (110 min later: a new incident); e5 a person; e6 score 0.3; e7 another zone.
    const list = incidents(
      [
        d('e1', 0),
        d('e2', 40, { score: 0.9 }),
        d('e3', 90),
        d('e4', 200),
        d('e5', 10, { label: 'person' }),
        d('e6', 20, { score: 0.3 }),
        d('e7', 30, { zone: 'road', siteId: 'road' }),
      ],
      rule,
    );
    expect(list.map((i) => [i.id, i.eventIds.length, i.maxScore])).toEqual([
      ['e1', 3, 0.9],
      ['e7', 1, 0.8],
      ['e4', 1, 0.8],
    ]);
    expect(hotspots(list)).toEqual([
      { siteId: 'bank', incidents: 2 },
      { siteId: 'road', incidents: 1 },
    ]);
  });
});
