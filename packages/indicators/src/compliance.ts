/**
 * Wastewater compliance of a monitoring station against its standard.
 *
 * No source found gives the official rule for completeness, for excluding calibration and error
 * records, or for the averaging period compliance is judged on (../shared/domain/wastewater.md,
 * end of "Continuous monitoring stations"). So the rule is explicit here and stated in every
 * result:
 * - only values whose device status is `measuring` count; `calibrating` and `error` are excluded
 *   and counted;
 * - values are averaged per period (hourly by default; daily available), each period with at
 *   least one valid value is judged against the limit Cmax = C × Kq × Kf (C alone where the
 *   standard says so);
 * - a station-day is compliant when every averaged value of every limited parameter is within
 *   its limit; `no_data` when no period had a valid value;
 * - completeness = valid values received / values expected at the station's interval, per
 *   parameter; the station's is the mean over the parameters it measures.
 */
import type { StationStatus } from '@hpg/contracts';
import { type Limit, limitFor, ratioToLimit, type Standard, withinLimit } from './standards.ts';
import type { Window } from './windows.ts';

export type Averaging = 'hour' | 'day';

export interface StationSample {
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
  readonly quality: Readonly<Record<string, StationStatus>>;
}

export interface StationSpec {
  readonly standard: Standard;
  readonly column: 'A' | 'B' | 'C';
  readonly kq: number;
  readonly kf: number;
  /** Expected reporting interval (registry), for completeness. */
  readonly intervalSeconds: number;
}

export interface ParameterDay {
  readonly parameter: string;
  readonly limit: Limit;
  /** Averaging periods that had at least one valid value. */
  readonly periods: number;
  /** Of those, periods whose average was outside the limit. */
  readonly exceedances: number;
  /** Minutes covered by exceeding periods. */
  readonly exceedanceMinutes: number;
  /** Largest average / limit (see ratioToLimit); 0 without data. */
  readonly maxRatio: number;
  readonly maxAverage: number | null;
  readonly valid: number;
  readonly calibrating: number;
  readonly error: number;
  readonly expected: number;
  readonly completeness: number;
}

export type DayStatus = 'compliant' | 'non_compliant' | 'no_data';

export interface StationDay {
  readonly day: string;
  readonly status: DayStatus;
  readonly averaging: Averaging;
  readonly completeness: number;
  readonly parameters: readonly ParameterDay[];
  /** The rule applied, for reports (the "method note"). */
  readonly method: string;
}

const PERIOD_MS: Record<Averaging, number | null> = { hour: 3_600_000, day: null };

export function methodNote(averaging: Averaging): string {
  return `${averaging === 'hour' ? 'hourly' : 'daily'} averages of values with device status "measuring" (calibrating and error excluded); Cmax = C × Kq × Kf where the standard applies the factors; completeness = valid values / values expected at the station interval`;
}

/** Judges one local day of a station. Pure: the same samples always give the same result. */
export function stationDay(
  samples: readonly StationSample[],
  spec: StationSpec,
  day: Window,
  averaging: Averaging = 'hour',
): StationDay {
  const inDay = samples.filter((s) => s.ts >= day.from && s.ts < day.to);
  const measured = new Set<string>();
  for (const s of inDay) for (const k of Object.keys(s.values)) measured.add(k);
  const expected = Math.round((day.to - day.from) / (spec.intervalSeconds * 1000));
  const periodMs = PERIOD_MS[averaging] ?? day.to - day.from;

  const parameters: ParameterDay[] = [];
  for (const parameter of [...measured].sort()) {
    const limit = limitFor(spec.standard, spec.column, parameter, spec);
    if (limit === undefined) continue;
    const sums = new Map<number, { sum: number; n: number }>();
    let valid = 0;
    let calibrating = 0;
    let error = 0;
    for (const s of inDay) {
      const v = s.values[parameter];
      if (v === undefined) continue;
      const q = s.quality[parameter] ?? 'measuring';
      if (q === 'calibrating') calibrating++;
      else if (q === 'error') error++;
      else {
        valid++;
        const period = Math.floor((s.ts - day.from) / periodMs);
        const acc = sums.get(period) ?? { sum: 0, n: 0 };
        acc.sum += v;
        acc.n++;
        sums.set(period, acc);
      }
    }
    let exceedances = 0;
    let maxRatio = 0;
    let maxAverage: number | null = null;
    for (const { sum, n } of sums.values()) {
      const avg = sum / n;
      if (!withinLimit(avg, limit)) exceedances++;
      maxRatio = Math.max(maxRatio, ratioToLimit(avg, limit));
      maxAverage = maxAverage === null ? avg : Math.max(maxAverage, avg);
    }
    parameters.push({
      parameter,
      limit,
      periods: sums.size,
      exceedances,
      exceedanceMinutes: (exceedances * periodMs) / 60_000,
      maxRatio,
      maxAverage,
      valid,
      calibrating,
      error,
      expected,
      completeness: expected > 0 ? Math.min(1, valid / expected) : 0,
    });
  }
  const judged = parameters.filter((p) => p.periods > 0);
  const status: DayStatus =
    judged.length === 0 ? 'no_data' : judged.some((p) => p.exceedances > 0) ? 'non_compliant' : 'compliant';
  const completeness =
    parameters.length === 0 ? 0 : parameters.reduce((s, p) => s + p.completeness, 0) / parameters.length;
  return { day: day.label, status, averaging, completeness, parameters, method: methodNote(averaging) };
}

export interface StationMonth {
  readonly month: string;
  readonly days: readonly StationDay[];
  readonly compliantDays: number;
  readonly nonCompliantDays: number;
  readonly noDataDays: number;
  /** Compliant when it had data and no day was non-compliant. */
  readonly status: DayStatus;
  readonly completeness: number;
}

export function stationMonth(month: string, days: readonly StationDay[]): StationMonth {
  const count = (s: DayStatus) => days.filter((d) => d.status === s).length;
  const compliantDays = count('compliant');
  const nonCompliantDays = count('non_compliant');
  return {
    month,
    days,
    compliantDays,
    nonCompliantDays,
    noDataDays: count('no_data'),
    status: nonCompliantDays > 0 ? 'non_compliant' : compliantDays > 0 ? 'compliant' : 'no_data',
    completeness: days.length === 0 ? 0 : days.reduce((s, d) => s + d.completeness, 0) / days.length,
  };
}

export interface PlantMonth {
  readonly plantId: string;
  readonly localityId: string;
  readonly centralIndustrial: boolean;
  readonly month: StationMonth;
}

export interface CompliantShare {
  readonly monitored: number;
  readonly compliant: number;
  /** compliant / monitored, or null when no plant had data. */
  readonly share: number | null;
}

/**
 * The plans' indicators for a set of plants in one month: the share of monitored plants that
 * were compliant, and the same for central treatment of industrial parks and clusters (target
 * 100 % by 12/2030: plan 002 §II.1.2 (1), plan 004 §II.2). Plants without data are not counted
 * as monitored.
 */
export function compliantShares(plants: readonly PlantMonth[]): {
  all: CompliantShare;
  centralIndustrial: CompliantShare;
} {
  const share = (ps: readonly PlantMonth[]): CompliantShare => {
    const monitored = ps.filter((p) => p.month.status !== 'no_data');
    const compliant = monitored.filter((p) => p.month.status === 'compliant').length;
    return {
      monitored: monitored.length,
      compliant,
      share: monitored.length === 0 ? null : compliant / monitored.length,
    };
  };
  return { all: share(plants), centralIndustrial: share(plants.filter((p) => p.centralIndustrial)) };
}
