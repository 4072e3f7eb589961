/**
 * The export model: what a monthly or yearly export says, in numbers and codes, independent of
 * language and file format. The builder (build.ts) makes it from the reports; the renderers turn
 * it into XLSX, CSV and JSON, in Vietnamese or English.
 *
 * Conventions: percentages are numbers of percent (85.3, not 0.853) everywhere; instants are
 * epoch milliseconds in the model and local time (UTC+7) in the files; a value with no data
 * behind it is null, never 0.
 */

export const FORMATS = ['xlsx', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type Domain = 'wastewater' | 'solar' | 'ev' | 'dumping' | 'energy' | 'plan';

/**
 * Status of an indicator against its target:
 * met / not_met by the target's comparison (≥ or ≤); no_data when the value is missing;
 * milestone when the target is a completion milestone (recorded by hand, not judged from data);
 * no_target when the plans set none for this locality; monthly in a yearly export for a share
 * that is judged month by month (plants compliant, connector availability).
 */
export type Status = 'met' | 'not_met' | 'no_data' | 'milestone' | 'no_target' | 'monthly';

export interface TargetInfo {
  readonly id: string;
  /** The target's own indicator name in config/regulatory/targets.json. */
  readonly indicator: string;
  readonly value: number;
  readonly comparison: 'gte' | 'lte' | 'complete';
  readonly unit: string;
  readonly year: number;
  readonly owner: string;
  readonly source: string;
  readonly measured: boolean;
  readonly note: string | null;
}

/** How a row's value was made, for its method note (rendered per language). */
export type Method =
  | {
      readonly kind: 'wastewater';
      readonly averaging: 'hour' | 'day';
      /** Values excluded because the station reported them while calibrating or in error. */
      readonly excludedCalibrating: number;
      readonly excludedError: number;
      readonly plantsJudged: number;
      readonly plantsUnjudged: number;
    }
  | {
      readonly kind: 'solar';
      readonly counterResets: number;
      readonly gridFactor: { readonly tCO2PerMWh: number; readonly year: number } | null;
    }
  | { readonly kind: 'ev'; readonly openSessions: number }
  | {
      readonly kind: 'dumping';
      readonly labels: readonly string[];
      readonly minScore: number;
      readonly windowMinutes: number;
      readonly alertsReachable: boolean;
    }
  | { readonly kind: 'energy'; readonly facilities: number; readonly unjudged: number; readonly meterResets: number }
  | { readonly kind: 'unmeasured'; readonly measured: boolean };

export interface IndicatorRow {
  /** The indicator point's name (dashboards use the same), or `plan.<indicator>` for a plan target nothing measures here. */
  readonly key: string;
  readonly domain: Domain;
  /** Unit of the value: `%`, `kWh`, `t` (t CO2), `min`, or what is counted (`plants`, `sites`, …). */
  readonly unit: string;
  readonly value: number | null;
  /** Month exports: the previous month's value and value − previous (percentage points for %). */
  readonly previous: number | null;
  readonly change: number | null;
  readonly target: TargetInfo | null;
  readonly status: Status;
  /** Yearly exports: the value of each covered month (same order as `months`), and of them how many met the target. */
  readonly byMonth: readonly (number | null)[] | null;
  readonly monthsMet: number | null;
  /** Share of expected data received, %, where it is measured (wastewater stations). */
  readonly completenessPct: number | null;
  readonly method: Method;
}

export interface StationDayRow {
  readonly plantId: string;
  readonly plantName: string;
  readonly localityId: string;
  readonly standard: string;
  readonly column: string;
  readonly kq: number;
  readonly kf: number;
  readonly centralIndustrial: boolean;
  /** Local day `YYYY-MM-DD` (month exports) or month `YYYY-MM` (yearly exports). */
  readonly window: string;
  readonly status: 'compliant' | 'non_compliant' | 'no_data';
  readonly compliantDays: number;
  readonly nonCompliantDays: number;
  readonly noDataDays: number;
  readonly completenessPct: number;
  /** Averaging periods judged, and of them over the limit (month exports). */
  readonly periods: number | null;
  readonly exceedances: number | null;
  /** The parameter closest to (or furthest over) its limit, and its largest average / limit. */
  readonly worstParameter: string | null;
  readonly worstRatio: number | null;
  readonly excludedCalibrating: number;
  readonly excludedError: number;
}

export interface SolarSiteRow {
  readonly siteId: string;
  readonly name: string;
  readonly localityId: string;
  readonly capacityKwp: number | null;
  readonly kwh: number;
  /** kWh per kWp over the period; null without a capacity. */
  readonly specificYield: number | null;
  /** Produced power in the 24 h before the period's end (yearly: before the last covered month's end). */
  readonly active24h: boolean;
}

export interface ChargerRow {
  readonly siteId: string;
  readonly stationName: string;
  readonly localityId: string;
  readonly deviceId: string;
  readonly sessions: number;
  readonly openSessions: number;
  readonly kwh: number;
  readonly connectors: number;
  /** Mean connector availability, %, over connectors whose status was known (month exports). */
  readonly availabilityPct: number | null;
  /** A connector of the station was available in the period (yearly: in the last covered month). */
  readonly stationOperational: boolean;
}

export interface IncidentRow {
  readonly id: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly localityId: string;
  readonly deviceId: string;
  readonly zone: string | null;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly detections: number;
  readonly maxScore: number;
}

export type Note =
  /** A month exported before its end: figures up to `asOf`. */
  | { readonly code: 'period_in_progress' }
  /** A year exported before its end: the months so far. */
  | { readonly code: 'year_in_progress'; readonly months: number }
  | { readonly code: 'no_closed_month' }
  /** The plans' reporting deadline for the annual report (plan 004 §VI.3). */
  | { readonly code: 'annual_deadline' }
  /** The police's outcomes of dumping alerts were not reachable where this was made. */
  | { readonly code: 'alerts_unreachable' };

export interface ExportData {
  readonly schema: 'hpg.export/v1';
  readonly kind: 'month' | 'year';
  readonly period: string;
  readonly locality: { readonly id: string; readonly name: string; readonly nameEn: string; readonly kind: string };
  /** Names of the localities the detail rows mention (the locality itself and what is under it). */
  readonly localityNames: Readonly<Record<string, { readonly name: string; readonly nameEn: string }>>;
  readonly timeZone: string;
  readonly from: number;
  readonly to: number;
  /** Figures are up to here: the period's end, the end of the last covered month, or the time of a running month's export. */
  readonly asOf: number;
  readonly complete: boolean;
  /** The month the change column compares with (month exports). */
  readonly previousPeriod: string | null;
  /** Months covered: the month itself, or a year's closed months. */
  readonly months: readonly string[];
  readonly averaging: 'hour' | 'day';
  readonly gridFactor: { readonly tCO2PerMWh: number; readonly year: number; readonly reference: string } | null;
  readonly indicators: readonly IndicatorRow[];
  /** Wastewater plants per day (month exports) or per month (yearly exports). */
  readonly stations: readonly StationDayRow[];
  readonly solarSites: readonly SolarSiteRow[];
  readonly chargers: readonly ChargerRow[];
  readonly incidents: readonly IncidentRow[];
  readonly notes: readonly Note[];
}
