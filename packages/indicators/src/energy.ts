/**
 * Energy: consumption from cumulative meter registers, baselines, and savings against the plans'
 * targets (city 6.2 % vs forecast and 8.5 % for industry: plan 002 §II.1.2 (4); Bạch Đằng 6.5 %
 * and 8.5 %: plan 000 §II.2.2 (3)).
 *
 * savings % = (baseline − actual) / baseline × 100, per facility and, for roll-ups, on the sums
 * (Σ baseline − Σ actual) / Σ baseline, so a large facility weighs as much as it consumes.
 */

export interface RegisterPoint {
  readonly ts: number;
  /** Cumulative register, Wh. */
  readonly wh: number;
}

export interface Consumption {
  readonly wh: number;
  /** Register decreases (meter replaced or reset): the drop is not counted as consumption. */
  readonly resets: number;
  readonly points: number;
}

/**
 * Energy between the first and last register value in the window: the sum of the increases
 * between consecutive points. A decrease is a meter reset or replacement; the new meter's own
 * count from zero is not known, so nothing is added for that step and the reset is reported.
 */
export function consumptionFromRegister(points: readonly RegisterPoint[], from: number, to: number): Consumption {
  const inWindow = points.filter((p) => p.ts >= from && p.ts < to).sort((a, b) => a.ts - b.ts);
  let wh = 0;
  let resets = 0;
  for (let i = 1; i < inWindow.length; i++) {
    const d = (inWindow[i] as RegisterPoint).wh - (inWindow[i - 1] as RegisterPoint).wh;
    if (d >= 0) wh += d;
    else resets++;
  }
  return { wh, resets, points: inWindow.length };
}

/** How a facility's baseline is set (configurable per facility). */
export type Baseline =
  /** Same month of a reference year, from the store or entered. */
  | { readonly method: 'reference_month'; readonly referenceYear: number; readonly wh: number }
  /** IPMVP option C: a linear model E = a + b × driver (cooling degree-days, production), fitted on the reference period. */
  | {
      readonly method: 'regression';
      readonly intercept: number;
      readonly slope: number;
      readonly driver: string;
      readonly driverValue: number;
    }
  /** A forecast entered per year, spread evenly over the months of that year. */
  | { readonly method: 'forecast'; readonly yearWh: number; readonly monthsInYear: number };

export function baselineWh(b: Baseline): number {
  switch (b.method) {
    case 'reference_month':
      return b.wh;
    case 'regression':
      return b.intercept + b.slope * b.driverValue;
    case 'forecast':
      return b.yearWh / b.monthsInYear;
  }
}

/** Ordinary least squares for E = a + b × x over the reference period (IPMVP option C). */
export function fitLinear(
  xs: readonly number[],
  ys: readonly number[],
): { intercept: number; slope: number; r2: number } {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError('need at least two paired points');
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('the driver does not vary over the reference period');
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export interface FacilityEnergy {
  readonly facilityId: string;
  readonly localityId: string;
  readonly sector: 'industry' | 'business_services' | 'public' | 'residential';
  readonly baselineWh: number;
  readonly actualWh: number;
}

export interface Savings {
  readonly baselineWh: number;
  readonly actualWh: number;
  /** Percent; null when there is no baseline. */
  readonly savingsPct: number | null;
  readonly facilities: number;
}

export function savings(facilities: readonly FacilityEnergy[]): Savings {
  const baseline = facilities.reduce((s, f) => s + f.baselineWh, 0);
  const actual = facilities.reduce((s, f) => s + f.actualWh, 0);
  return {
    baselineWh: baseline,
    actualWh: actual,
    savingsPct: baseline > 0 ? ((baseline - actual) / baseline) * 100 : null,
    facilities: facilities.length,
  };
}

/** Savings rolled up by sector, by locality, and over all facilities given. */
export function savingsRollup(facilities: readonly FacilityEnergy[]) {
  const group = <K extends string>(key: (f: FacilityEnergy) => K) => {
    const out = new Map<K, FacilityEnergy[]>();
    for (const f of facilities) out.set(key(f), [...(out.get(key(f)) ?? []), f]);
    return Object.fromEntries([...out].map(([k, fs]) => [k, savings(fs)])) as Record<K, Savings>;
  };
  return { all: savings(facilities), bySector: group((f) => f.sector), byLocality: group((f) => f.localityId) };
}

/**
 * A register's increases split over consecutive windows (the days of a month): each increase
 * between two consecutive points counts in the window of the later point, the earlier point may
 * lie before the first window (so pass the last point before it too). The windows' sums then
 * add up to the energy of their union exactly, with nothing lost at the boundaries. A decrease
 * (reset, replaced meter) adds nothing and is counted in its window.
 */
export function registerByWindow(
  points: readonly RegisterPoint[],
  windows: readonly { readonly from: number; readonly to: number }[],
): { wh: number[]; resets: number[] } {
  const wh = windows.map(() => 0);
  const resets = windows.map(() => 0);
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  let w = 0;
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i] as RegisterPoint;
    while (w < windows.length && p.ts >= (windows[w] as { to: number }).to) w++;
    if (w >= windows.length) break;
    if (p.ts < (windows[w] as { from: number }).from) continue;
    const d = p.wh - (sorted[i - 1] as RegisterPoint).wh;
    if (d >= 0) wh[w] = (wh[w] as number) + d;
    else resets[w] = (resets[w] as number) + 1;
  }
  return { wh, resets };
}
