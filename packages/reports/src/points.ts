/**
 * Reports → indicator points (the store's and the bus's form), and the recomputation of a month
 * for every locality and window, and of a year from its months.
 *
 * Which points (all names are stable; dashboards and exports read them):
 *   locality scope, day and month windows
 *     wastewater.plants_compliant_pct, wastewater.plants_monitored,
 *     wastewater.central_wwtp_compliant_pct (target 100 %), solar.energy_kwh, solar.co2_avoided_t,
 *     solar.installations, solar.active_installations (Tân Minh's targets), ev.sessions,
 *     ev.energy_kwh, ev.chargers, ev.connector_availability_pct, ev.stations_operational (network
 *     milestones), ev.co2_avoided_t, dumping.detections, dumping.incidents;
 *     with the alert workflow: dumping.alerts, dumping.confirmed, dumping.false_alarms,
 *     dumping.pending, dumping.ack_minutes_median, dumping.close_minutes_median
 *   locality scope, month windows only (baselines are monthly)
 *     energy.actual_kwh, energy.baseline_kwh, energy.savings_pct and energy.savings_<sector>_pct
 *   site scope (emitted once, with the city's reports)
 *     wastewater.plant_compliant (1 / 0, null without data), wastewater.plant_completeness_pct,
 *     solar.energy_kwh, dumping.incidents, energy.savings_pct
 *   year windows: sums of the month points for additive indicators, the savings recomputed from
 *     the summed baselines and actuals, the latest month's installation counts.
 */
import type { IndicatorPeriod, IndicatorPoint } from '@hpg/contracts';
import { localYear, type Window } from '@hpg/indicators';
import type { ReportDeps } from './facts.ts';
import { type LoadOptions, loadMonthFacts, type MonthFacts } from './facts.ts';
import {
  daySelection,
  dumpingReport,
  energyReport,
  evReport,
  monthSelection,
  type Selection,
  solarReport,
  type TargetView,
  wastewaterReport,
} from './reports.ts';

interface Scope {
  readonly kind: 'locality' | 'site';
  readonly id: string;
  readonly localityId: string;
}

function pointMaker(period: IndicatorPeriod, window: Window, computedAt: number) {
  return (
    scope: Scope,
    indicator: string,
    value: number | null,
    unit: string,
    target: TargetView | null = null,
  ): IndicatorPoint => ({
    v: 1,
    indicator,
    scopeKind: scope.kind,
    scopeId: scope.id,
    localityId: scope.localityId,
    period,
    label: window.label,
    from: window.from,
    to: window.to,
    value: value === null || !Number.isFinite(value) ? null : value,
    unit,
    target: target === null ? null : { value: target.value, comparison: target.comparison, met: target.met },
    computedAt,
  });
}

/** Points of one locality over one window (site points too when `withSites`). */
export async function pointsFor(
  deps: ReportDeps,
  facts: MonthFacts,
  localityId: string,
  sel: Selection,
  withSites: boolean,
): Promise<IndicatorPoint[]> {
  const point = pointMaker(sel.period, sel.window, deps.now);
  const loc: Scope = { kind: 'locality', id: localityId, localityId };
  const siteScope = (siteId: string): Scope => ({
    kind: 'site',
    id: siteId,
    localityId: deps.registry.site(siteId)?.localityId ?? localityId,
  });
  const out: IndicatorPoint[] = [];

  const ww = wastewaterReport(deps, facts, localityId, sel);
  out.push(
    point(loc, 'wastewater.plants_compliant_pct', ww.indicators.plantsCompliantPct, '%'),
    point(loc, 'wastewater.plants_monitored', ww.indicators.plantsMonitored, 'plants'),
    point(
      loc,
      'wastewater.central_wwtp_compliant_pct',
      ww.indicators.centralIndustrialCompliantPct,
      '%',
      ww.indicators.target,
    ),
  );
  if (withSites) {
    for (const p of ww.plants) {
      const compliant = p.status === 'no_data' ? null : p.status === 'compliant' ? 1 : 0;
      out.push(
        point(siteScope(p.plantId), 'wastewater.plant_compliant', compliant, 'bool'),
        point(siteScope(p.plantId), 'wastewater.plant_completeness_pct', p.completeness * 100, '%'),
      );
    }
  }

  const solar = solarReport(deps, facts, localityId, sel);
  out.push(
    point(loc, 'solar.energy_kwh', solar.indicators.energyKwh, 'kWh'),
    point(loc, 'solar.co2_avoided_t', solar.indicators.co2AvoidedTonnes, 't'),
    point(loc, 'solar.installations', solar.indicators.installations, 'sites'),
    point(loc, 'solar.active_installations', solar.indicators.activeInstallations24h, 'sites', solar.indicators.target),
  );
  if (withSites) for (const s of solar.sites) out.push(point(siteScope(s.siteId), 'solar.energy_kwh', s.kwh, 'kWh'));

  const ev = evReport(deps, facts, localityId, sel);
  const availability = ev.indicators.connectorAvailability;
  out.push(
    point(loc, 'ev.sessions', ev.indicators.sessions, 'sessions'),
    point(loc, 'ev.energy_kwh', ev.indicators.energyKwh, 'kWh'),
    point(loc, 'ev.chargers', ev.indicators.chargers, 'chargers'),
    point(loc, 'ev.connector_availability_pct', availability === null ? null : availability * 100, '%'),
    point(loc, 'ev.stations_operational', ev.indicators.stationsOperational, 'stations', ev.indicators.networkTarget),
    point(loc, 'ev.co2_avoided_t', ev.indicators.co2AvoidedTonnes, 't'),
  );

  const dumping = dumpingReport(deps, facts, localityId, sel);
  out.push(
    point(loc, 'dumping.detections', dumping.indicators.detections, 'detections'),
    point(loc, 'dumping.incidents', dumping.indicators.incidents, 'incidents'),
  );
  const outcomes = dumping.indicators.alerts;
  if (outcomes !== null) {
    out.push(
      point(loc, 'dumping.alerts', outcomes.incidents, 'alerts'),
      point(loc, 'dumping.confirmed', outcomes.confirmed, 'alerts'),
      point(loc, 'dumping.false_alarms', outcomes.falseAlarms, 'alerts'),
      point(loc, 'dumping.pending', outcomes.pending, 'alerts'),
      point(loc, 'dumping.ack_minutes_median', outcomes.medianMinutesToAcknowledge, 'min'),
      point(loc, 'dumping.close_minutes_median', outcomes.medianMinutesToClose, 'min'),
    );
  }
  if (withSites) {
    for (const h of dumping.hotspots)
      out.push(point(siteScope(h.siteId), 'dumping.incidents', h.incidents, 'incidents'));
  }

  if (sel.period === 'month') {
    const energy = await energyReport(deps, facts, localityId);
    const all = energy.indicators.all;
    out.push(
      point(loc, 'energy.actual_kwh', all.facilities === 0 ? null : all.actualWh / 1000, 'kWh'),
      point(loc, 'energy.baseline_kwh', all.facilities === 0 ? null : all.baselineWh / 1000, 'kWh'),
      point(loc, 'energy.savings_pct', all.savingsPct, '%', all.target),
    );
    for (const [sector, sv] of Object.entries(energy.indicators.bySector)) {
      out.push(point(loc, `energy.savings_${sector}_pct`, sv.savingsPct, '%', sv.target));
    }
    if (withSites) {
      for (const f of energy.facilities)
        out.push(point(siteScope(f.facilityId), 'energy.savings_pct', f.savingsPct, '%'));
    }
  }
  return out;
}

export interface RecomputeOptions extends LoadOptions {
  /** Only the month window, not its days. */
  readonly monthOnly?: boolean;
  /** Only these day indexes (late data touching a few days); all started days when absent. */
  readonly days?: readonly number[];
}

export interface Recomputed {
  readonly points: IndicatorPoint[];
  readonly readingsRead: number;
  readonly devices: number;
}

/**
 * Every locality's points for a month and its days (those already begun). Pure in effect: the
 * same stored data and `now` give the same points; writing them is the caller's.
 */
export async function recomputeMonth(
  deps: ReportDeps,
  year: number,
  month: number,
  options: RecomputeOptions = {},
): Promise<Recomputed> {
  const facts = await loadMonthFacts(deps, year, month, options);
  const localities = deps.registry.data.localities;
  const roots = new Set(localities.filter((l) => l.parentId === null).map((l) => l.id));
  const selections: Selection[] = [];
  if (facts.window.from <= deps.now) selections.push(monthSelection(facts));
  if (options.monthOnly !== true) {
    const wanted = options.days ?? facts.days.map((_, i) => i);
    for (const i of wanted)
      if ((facts.days[i]?.from ?? Number.POSITIVE_INFINITY) <= deps.now) selections.push(daySelection(facts, i));
  }
  const points: IndicatorPoint[] = [];
  for (const sel of selections) {
    for (const l of localities) points.push(...(await pointsFor(deps, facts, l.id, sel, roots.has(l.id))));
  }
  return {
    points,
    readingsRead: facts.readingsRead,
    devices: facts.stations.length + facts.inverters.length + facts.meters.length + facts.chargers.length,
  };
}

/** Indicators whose year is the sum of its months. */
const ADDITIVE = new Set([
  'solar.energy_kwh',
  'solar.co2_avoided_t',
  'ev.sessions',
  'ev.energy_kwh',
  'ev.co2_avoided_t',
  'dumping.detections',
  'dumping.incidents',
  'dumping.alerts',
  'dumping.confirmed',
  'dumping.false_alarms',
  'energy.actual_kwh',
  'energy.baseline_kwh',
]);
/** Indicators whose year is the latest month's value (counts of what exists at the year's end). */
const LATEST = new Set(['solar.installations', 'solar.active_installations', 'ev.chargers', 'ev.stations_operational']);

/**
 * A year's points from its month points (as stored): sums, latest values, and savings from the
 * summed baseline and actual. Indicators that are shares of plants or of time are judged per
 * month and have no year point.
 */
export function yearPoints(monthPoints: readonly IndicatorPoint[], year: number, computedAt: number): IndicatorPoint[] {
  const window = localYear(year);
  const groups = new Map<string, IndicatorPoint[]>();
  for (const p of monthPoints) {
    if (p.period !== 'month' || p.from < window.from || p.from >= window.to) continue;
    const key = `${p.indicator}|${p.scopeId}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const point = pointMaker('year', window, computedAt);
  const out: IndicatorPoint[] = [];
  const sums = new Map<string, { actual: number | null; baseline: number | null; template: IndicatorPoint }>();
  for (const months of groups.values()) {
    const sorted = [...months].sort((a, b) => a.from - b.from);
    const first = sorted[0] as IndicatorPoint;
    const scope: Scope = { kind: first.scopeKind, id: first.scopeId, localityId: first.localityId };
    const values = sorted.map((p) => p.value).filter((v): v is number => v !== null);
    let value: number | null;
    if (ADDITIVE.has(first.indicator)) value = values.length === 0 ? null : values.reduce((s, v) => s + v, 0);
    else if (LATEST.has(first.indicator)) value = sorted.at(-1)?.value ?? null;
    else continue;
    out.push(point(scope, first.indicator, value, first.unit));
    if (
      first.scopeKind === 'locality' &&
      (first.indicator === 'energy.actual_kwh' || first.indicator === 'energy.baseline_kwh')
    ) {
      const acc = sums.get(first.scopeId) ?? { actual: null, baseline: null, template: first };
      if (first.indicator === 'energy.actual_kwh') acc.actual = value;
      else acc.baseline = value;
      sums.set(first.scopeId, acc);
    }
  }
  for (const [scopeId, s] of sums) {
    const savings =
      s.actual !== null && s.baseline !== null && s.baseline > 0 ? ((s.baseline - s.actual) / s.baseline) * 100 : null;
    out.push(
      point({ kind: 'locality', id: scopeId, localityId: s.template.localityId }, 'energy.savings_pct', savings, '%'),
    );
  }
  return out.sort((a, b) =>
    a.indicator < b.indicator ? -1 : a.indicator > b.indicator ? 1 : a.scopeId < b.scopeId ? -1 : 1,
  );
}
