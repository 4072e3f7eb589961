/**
 * The builder: a locality's month or year, from the reports (@hpg/reports), into the export model.
 *
 * A month's device facts are loaded once (a `FactsSource` memoises them, so the scheduler loads a
 * month once for every locality, and a month export reuses the previous month's facts for its
 * change column). The values are the locality's indicator points (`pointsFor`, the same numbers the
 * indicator service stores and dashboards show); the detail sheets and method notes come from the
 * same reports. A year is built from its closed months: its values are `yearPoints` over the
 * months' points (additive indicators summed, counts of installations from the latest month,
 * savings recomputed from the summed baseline and actual), so it agrees with the month exports
 * by construction.
 *
 * Deterministic: nothing here reads the clock except through `deps.now`, and a closed period's
 * figures do not depend on it, so the same stored data always gives the same model.
 */
import type { IndicatorPoint } from '@hpg/contracts';
import { gridFactor, meets, type StationDay, type Target, targetFor } from '@hpg/indicators';
import {
  dumpingReport,
  energyReport,
  evReport,
  type LoadOptions,
  loadMonthFacts,
  type MonthFacts,
  monthSelection,
  pointsFor,
  type ReportDeps,
  solarReport,
  wastewaterReport,
  yearPoints,
} from '@hpg/reports';
import type {
  ChargerRow,
  Domain,
  ExportData,
  IncidentRow,
  IndicatorRow,
  Method,
  Note,
  SolarSiteRow,
  StationDayRow,
  Status,
  TargetInfo,
} from './model.ts';
import { closedMonths, coverageEnd, monthPeriod, type Period, periodWindow, previousMonth } from './period.ts';

/** Thrown for a request that cannot be exported (unknown locality, a period not begun). */
export class ExportError extends Error {
  readonly code: 'unknown_locality' | 'period_not_started';
  constructor(code: ExportError['code'], message: string) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
  }
}

/** A month's device facts, loaded at most once per source. */
export type FactsSource = (year: number, month: number) => Promise<MonthFacts>;

export function factsSource(deps: ReportDeps, options: LoadOptions = {}): FactsSource {
  const cache = new Map<string, Promise<MonthFacts>>();
  return (year, month) => {
    const key = `${year}-${month}`;
    let facts = cache.get(key);
    if (facts === undefined) {
      facts = loadMonthFacts(deps, year, month, options);
      // A failed load is not kept: the next request tries again.
      facts.catch(() => cache.delete(key));
      cache.set(key, facts);
    }
    return facts;
  };
}

/** Row order in the sheets; indicators not listed follow in name order. */
const ORDER = [
  'wastewater.plants_monitored',
  'wastewater.plants_compliant_pct',
  'wastewater.central_wwtp_compliant_pct',
  'solar.energy_kwh',
  'solar.co2_avoided_t',
  'solar.installations',
  'solar.active_installations',
  'ev.sessions',
  'ev.energy_kwh',
  'ev.co2_avoided_t',
  'ev.chargers',
  'ev.connector_availability_pct',
  'ev.stations_operational',
  'dumping.detections',
  'dumping.incidents',
  'dumping.alerts',
  'dumping.confirmed',
  'dumping.false_alarms',
  'dumping.pending',
  'dumping.ack_minutes_median',
  'dumping.close_minutes_median',
  'energy.actual_kwh',
  'energy.baseline_kwh',
  'energy.savings_pct',
  'energy.savings_industry_pct',
  'energy.savings_business_services_pct',
  'energy.savings_public_pct',
  'energy.savings_residential_pct',
];
const rank = (key: string) => {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
};
const byOrder = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The targets (config/regulatory/targets.json) an indicator point is judged against: the same
 * pairs the reports use (the EV network: the city's, else the commune's).
 */
export const TARGET_INDICATORS: Readonly<Record<string, readonly string[]>> = {
  'wastewater.central_wwtp_compliant_pct': ['central_wwtp_compliant_pct'],
  'solar.active_installations': ['rooftop_solar_installations'],
  'ev.stations_operational': ['public_ev_charging_network', 'ev_charging_network'],
  'energy.savings_pct': ['energy_saving_vs_forecast_pct'],
  'energy.savings_industry_pct': ['energy_saving_industry_pct'],
  'energy.savings_business_services_pct': ['energy_saving_business_services_pct'],
};

/** Indicators of a share judged per month: a yearly export shows them month by month. */
const SHARES_MONTHLY = new Set([
  'wastewater.plants_monitored',
  'wastewater.plants_compliant_pct',
  'wastewater.central_wwtp_compliant_pct',
  'ev.connector_availability_pct',
  'dumping.pending',
  'dumping.ack_minutes_median',
  'dumping.close_minutes_median',
]);

function targetInfo(t: Target): TargetInfo {
  return {
    id: t.id,
    indicator: t.indicator,
    value: t.target,
    comparison: t.comparison,
    unit: t.unit,
    year: t.year,
    owner: t.owner,
    source: t.source,
    measured: t.measured,
    note: t.note ?? null,
  };
}

function targetOf(targets: readonly Target[], localityId: string, key: string, year: number): Target | undefined {
  for (const indicator of TARGET_INDICATORS[key] ?? []) {
    const t = targetFor(targets, localityId, indicator, year);
    if (t !== undefined) return t;
  }
  return undefined;
}

function statusOf(value: number | null, t: Target | undefined): Status {
  if (t === undefined) return 'no_target';
  if (t.comparison === 'complete') return 'milestone';
  const met = meets(value, t);
  return met === null ? 'no_data' : met ? 'met' : 'not_met';
}

const domainOf = (key: string): Domain => key.split('.')[0] as Domain;
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** One month of one locality: its points and the reports behind them. */
async function monthParts(deps: ReportDeps, facts: MonthFacts, localityId: string) {
  const sel = monthSelection(facts);
  const points = await pointsFor(deps, facts, localityId, sel, false);
  const ww = wastewaterReport(deps, facts, localityId, sel);
  const solar = solarReport(deps, facts, localityId, sel);
  const ev = evReport(deps, facts, localityId, sel);
  const dumping = dumpingReport(deps, facts, localityId, sel);
  const energy = await energyReport(deps, facts, localityId);
  const values = new Map<string, number | null>();
  for (const p of points) if (p.scopeKind === 'locality' && p.scopeId === localityId) values.set(p.indicator, p.value);

  const stationDays = ww.plants.flatMap((p) => p.days);
  const parameters = stationDays.flatMap((d) => d.parameters);
  const solarSites = new Set(solar.sites.map((s) => s.siteId));
  const methods: Record<Exclude<Domain, 'plan'>, Method> = {
    wastewater: {
      kind: 'wastewater',
      averaging: facts.averaging,
      excludedCalibrating: sum(parameters.map((p) => p.calibrating)),
      excludedError: sum(parameters.map((p) => p.error)),
      plantsJudged: ww.plants.length,
      plantsUnjudged: ww.unjudged.length,
    },
    solar: {
      kind: 'solar',
      counterResets: sum(
        facts.inverters.filter((i) => solarSites.has(i.siteId)).flatMap((i) => i.resetsByDay.map((x) => x)),
      ),
      gridFactor:
        solar.indicators.gridFactor === null
          ? null
          : { tCO2PerMWh: solar.indicators.gridFactor.tCO2PerMWh, year: solar.indicators.gridFactor.factorYear },
    },
    ev: { kind: 'ev', openSessions: ev.indicators.openSessions },
    dumping: {
      kind: 'dumping',
      labels: dumping.rule.labels,
      minScore: dumping.rule.minScore,
      windowMinutes: dumping.rule.windowMs / 60_000,
      alertsReachable: dumping.indicators.alerts !== null,
    },
    energy: {
      kind: 'energy',
      facilities: energy.facilities.length,
      unjudged: energy.unjudged.length,
      meterResets: sum(energy.facilities.map((f) => f.resets)),
    },
  };
  const completeness =
    ww.plants.length === 0 ? null : (sum(ww.plants.map((p) => p.completeness)) / ww.plants.length) * 100;
  return { facts, points, values, ww, solar, ev, dumping, energy, methods, completeness };
}
type MonthParts = Awaited<ReturnType<typeof monthParts>>;

function localityOf(deps: ReportDeps, localityId: string) {
  const l = deps.registry.locality(localityId);
  if (l === undefined) throw new ExportError('unknown_locality', `no locality "${localityId}"`);
  return { id: l.id, name: l.name, nameEn: l.nameEn, kind: l.kind };
}

function localityNames(deps: ReportDeps, localityId: string) {
  const out: Record<string, { name: string; nameEn: string }> = {};
  for (const id of [...deps.registry.localityScope(localityId)].sort()) {
    const l = deps.registry.locality(id);
    if (l !== undefined) out[id] = { name: l.name, nameEn: l.nameEn };
  }
  return out;
}

function gridFactorOf(deps: ReportDeps, year: number) {
  const f = gridFactor(deps.regulatory.emissionFactors, year);
  return f === undefined ? null : { tCO2PerMWh: f.tCO2PerMWh, year: f.factorYear, reference: f.reference };
}

/** The locality's plan targets for the year that no row of the export is judged against. */
function unmeasuredTargets(deps: ReportDeps, localityId: string, year: number, covered: ReadonlySet<string>) {
  const names = [
    ...new Set(deps.regulatory.targets.filter((t) => t.locality === localityId).map((t) => t.indicator)),
  ].sort();
  const rows: IndicatorRow[] = [];
  for (const indicator of names) {
    if (covered.has(indicator)) continue;
    const t = targetFor(deps.regulatory.targets, localityId, indicator, year);
    if (t === undefined) continue;
    rows.push({
      key: `plan.${indicator}`,
      domain: 'plan',
      unit: t.unit,
      value: null,
      previous: null,
      change: null,
      target: targetInfo(t),
      status: statusOf(null, t),
      byMonth: null,
      monthsMet: null,
      completenessPct: null,
      method: { kind: 'unmeasured', measured: t.measured },
    });
  }
  return rows;
}

/** Target indicators covered by the rows' keys, so the plan rows list only the rest. */
function coveredTargets(keys: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const k of keys) for (const t of TARGET_INDICATORS[k] ?? []) out.add(t);
  return out;
}

function unitOf(points: readonly IndicatorPoint[], key: string): string {
  return points.find((p) => p.indicator === key)?.unit ?? '';
}

function siteLocality(deps: ReportDeps, siteId: string): string {
  return deps.registry.site(siteId)?.localityId ?? '';
}

function worstOf(days: readonly StationDay[]): { parameter: string | null; ratio: number | null } {
  let parameter: string | null = null;
  let ratio: number | null = null;
  for (const d of days)
    for (const p of d.parameters)
      if (p.periods > 0 && (ratio === null || p.maxRatio > ratio)) {
        ratio = p.maxRatio;
        parameter = p.parameter;
      }
  return { parameter, ratio };
}

function stationRows(parts: MonthParts, perDay: boolean): StationDayRow[] {
  const rows: StationDayRow[] = [];
  for (const p of parts.ww.plants) {
    const base = {
      plantId: p.plantId,
      plantName: p.name,
      localityId: p.localityId,
      standard: p.standard,
      column: p.column,
      kq: p.kq,
      kf: p.kf,
      centralIndustrial: p.centralIndustrial,
    };
    const excluded = (days: readonly StationDay[]) => ({
      excludedCalibrating: sum(days.flatMap((d) => d.parameters.map((x) => x.calibrating))),
      excludedError: sum(days.flatMap((d) => d.parameters.map((x) => x.error))),
    });
    if (perDay) {
      for (const d of p.days) {
        const worst = worstOf([d]);
        const judged = d.parameters.filter((x) => x.periods > 0);
        rows.push({
          ...base,
          window: d.day,
          status: d.status,
          compliantDays: d.status === 'compliant' ? 1 : 0,
          nonCompliantDays: d.status === 'non_compliant' ? 1 : 0,
          noDataDays: d.status === 'no_data' ? 1 : 0,
          completenessPct: d.completeness * 100,
          periods: judged.length === 0 ? 0 : Math.max(...judged.map((x) => x.periods)),
          exceedances: sum(d.parameters.map((x) => x.exceedances)),
          worstParameter: worst.parameter,
          worstRatio: worst.ratio,
          ...excluded([d]),
        });
      }
    } else {
      const worst = worstOf(p.days);
      rows.push({
        ...base,
        window: parts.facts.window.label,
        status: p.status,
        compliantDays: p.compliantDays,
        nonCompliantDays: p.nonCompliantDays,
        noDataDays: p.noDataDays,
        completenessPct: p.completeness * 100,
        periods: null,
        exceedances: sum(p.days.flatMap((d) => d.parameters.map((x) => x.exceedances))),
        worstParameter: worst.parameter,
        worstRatio: worst.ratio,
        ...excluded(p.days),
      });
    }
  }
  return rows;
}

function solarRows(deps: ReportDeps, parts: MonthParts): SolarSiteRow[] {
  return parts.solar.sites.map((s) => ({
    siteId: s.siteId,
    name: s.name,
    localityId: siteLocality(deps, s.siteId),
    capacityKwp: s.capacityKwp,
    kwh: s.kwh,
    specificYield: s.specificYield,
    active24h: s.active24h,
  }));
}

function chargerRows(deps: ReportDeps, parts: MonthParts): ChargerRow[] {
  const chargers = parts.ev.chargers;
  const operational = (siteId: string) =>
    chargers.some(
      (c) => c.siteId === siteId && c.connectors.some((x) => x.availability !== null && x.availability > 0),
    );
  return chargers.map((c) => {
    const known = c.connectors.map((x) => x.availability).filter((a): a is number => a !== null);
    return {
      siteId: c.siteId,
      stationName: deps.registry.site(c.siteId)?.name ?? c.siteId,
      localityId: siteLocality(deps, c.siteId),
      deviceId: c.deviceId,
      sessions: c.completed,
      openSessions: c.open,
      kwh: c.energyWh / 1000,
      connectors: c.connectors.length,
      availabilityPct: known.length === 0 ? null : (sum(known) / known.length) * 100,
      stationOperational: operational(c.siteId),
    };
  });
}

function incidentRows(deps: ReportDeps, parts: MonthParts): IncidentRow[] {
  return parts.dumping.incidents
    .map((i) => ({
      id: i.id,
      siteId: i.siteId,
      siteName: deps.registry.site(i.siteId)?.name ?? i.siteId,
      localityId: siteLocality(deps, i.siteId),
      deviceId: i.deviceId,
      zone: i.zone,
      firstAt: i.firstAt,
      lastAt: i.lastAt,
      detections: i.eventIds.length,
      maxScore: i.maxScore,
    }))
    .sort((a, b) => a.firstAt - b.firstAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function notStarted(deps: ReportDeps, p: Period) {
  if (periodWindow(p).from > deps.now)
    throw new ExportError('period_not_started', `${p.label} has not started yet (Asia/Ho_Chi_Minh)`);
}

/** A locality's month, with the previous month for the change column. */
export async function buildMonth(
  deps: ReportDeps,
  localityId: string,
  year: number,
  month: number,
  facts: FactsSource = factsSource(deps, { localityId }),
): Promise<ExportData> {
  const period = monthPeriod(year, month);
  const locality = localityOf(deps, localityId);
  notStarted(deps, period);
  const window = periodWindow(period);
  const prev = previousMonth(year, month);
  const cur = await monthParts(deps, await facts(year, month), localityId);
  const before = await monthParts(deps, await facts(prev.year, prev.month), localityId);

  const keys = [...cur.values.keys()].sort(byOrder);
  const rows: IndicatorRow[] = keys.map((key) => {
    const value = cur.values.get(key) ?? null;
    const previous = before.values.get(key) ?? null;
    const t = targetOf(deps.regulatory.targets, localityId, key, year);
    const domain = domainOf(key);
    return {
      key,
      domain,
      unit: unitOf(cur.points, key),
      value,
      previous,
      change: value === null || previous === null ? null : value - previous,
      target: t === undefined ? null : targetInfo(t),
      status: statusOf(value, t),
      byMonth: null,
      monthsMet: null,
      completenessPct: domain === 'wastewater' ? cur.completeness : null,
      method: cur.methods[domain as Exclude<Domain, 'plan'>],
    };
  });
  rows.push(...unmeasuredTargets(deps, localityId, year, coveredTargets(keys)));

  const asOf = coverageEnd(period, deps.now);
  const complete = deps.now >= window.to;
  const notes: Note[] = [];
  if (!complete) notes.push({ code: 'period_in_progress' });
  if (cur.dumping.indicators.alerts === null) notes.push({ code: 'alerts_unreachable' });
  return {
    schema: 'hpg.export/v1',
    kind: 'month',
    period: period.label,
    locality,
    localityNames: localityNames(deps, localityId),
    timeZone: 'Asia/Ho_Chi_Minh',
    from: window.from,
    to: window.to,
    asOf,
    complete,
    previousPeriod: monthPeriod(prev.year, prev.month).label,
    months: [period.label],
    averaging: cur.facts.averaging,
    gridFactor: gridFactorOf(deps, year),
    indicators: rows,
    stations: stationRows(cur, true),
    solarSites: solarRows(deps, cur),
    chargers: chargerRows(deps, cur),
    incidents: incidentRows(deps, cur),
    notes,
  };
}

/** Sums of method counts over months (the year's note). */
function yearMethods(parts: readonly MonthParts[], averaging: 'hour' | 'day') {
  const pick = <K extends Method['kind']>(kind: K) =>
    parts.map((p) => Object.values(p.methods).find((m) => m.kind === kind) as Extract<Method, { kind: K }>);
  const ww = pick('wastewater');
  const solar = pick('solar');
  const dumping = pick('dumping');
  const energy = pick('energy');
  const last = <T>(xs: readonly T[]) => xs.at(-1);
  const methods: Record<Exclude<Domain, 'plan'>, Method> = {
    wastewater: {
      kind: 'wastewater',
      averaging,
      excludedCalibrating: sum(ww.map((m) => m.excludedCalibrating)),
      excludedError: sum(ww.map((m) => m.excludedError)),
      plantsJudged: Math.max(0, ...ww.map((m) => m.plantsJudged)),
      plantsUnjudged: Math.max(0, ...ww.map((m) => m.plantsUnjudged)),
    },
    solar: { kind: 'solar', counterResets: sum(solar.map((m) => m.counterResets)), gridFactor: null },
    ev: { kind: 'ev', openSessions: sum(parts.map((p) => p.ev.indicators.openSessions)) },
    dumping: {
      kind: 'dumping',
      labels: last(dumping)?.labels ?? [],
      minScore: last(dumping)?.minScore ?? 0,
      windowMinutes: last(dumping)?.windowMinutes ?? 0,
      alertsReachable: dumping.length > 0 && dumping.every((m) => m.alertsReachable),
    },
    energy: {
      kind: 'energy',
      facilities: Math.max(0, ...energy.map((m) => m.facilities)),
      unjudged: Math.max(0, ...energy.map((m) => m.unjudged)),
      meterResets: sum(energy.map((m) => m.meterResets)),
    },
  };
  return methods;
}

/**
 * A locality's year: its closed months (all twelve once it is over; the months so far while it
 * runs), summed as the indicator service sums them.
 */
export async function buildYear(
  deps: ReportDeps,
  localityId: string,
  year: number,
  facts: FactsSource = factsSource(deps, { localityId }),
): Promise<ExportData> {
  const period = { kind: 'year' as const, year, label: String(year) };
  const locality = localityOf(deps, localityId);
  notStarted(deps, period);
  const window = periodWindow(period);
  const months = closedMonths(year, deps.now);
  const parts: MonthParts[] = [];
  for (const m of months) parts.push(await monthParts(deps, await facts(m.year, m.month), localityId));
  const labels = months.map((m) => monthPeriod(m.year, m.month).label);

  const yearly = new Map<string, number | null>();
  for (const p of yearPoints(
    parts.flatMap((x) => x.points),
    year,
    0,
  ))
    if (p.scopeKind === 'locality' && p.scopeId === localityId) yearly.set(p.indicator, p.value);
  // Savings by sector: on the year's summed baselines and actuals, as the overall savings are.
  const sectors = new Map<string, { baseline: number; actual: number }>();
  for (const x of parts)
    for (const [sector, sv] of Object.entries(x.energy.indicators.bySector)) {
      const acc = sectors.get(sector) ?? { baseline: 0, actual: 0 };
      acc.baseline += sv.baselineWh;
      acc.actual += sv.actualWh;
      sectors.set(sector, acc);
    }
  for (const [sector, s] of sectors)
    yearly.set(`energy.savings_${sector}_pct`, s.baseline > 0 ? ((s.baseline - s.actual) / s.baseline) * 100 : null);

  const allPoints = parts.flatMap((x) => x.points);
  const keys = [...new Set(parts.flatMap((x) => [...x.values.keys()]))].sort(byOrder);
  const methods = yearMethods(parts, parts[0]?.facts.averaging ?? 'hour');
  const completeness = parts.map((x) => x.completeness).filter((c): c is number => c !== null);
  const rows: IndicatorRow[] = keys.map((key) => {
    const byMonth = parts.map((x) => x.values.get(key) ?? null);
    const t = targetOf(deps.regulatory.targets, localityId, key, year);
    const monthly = SHARES_MONTHLY.has(key) || !yearly.has(key);
    const value = monthly ? null : (yearly.get(key) ?? null);
    const judged = t !== undefined && t.comparison !== 'complete';
    const domain = domainOf(key);
    return {
      key,
      domain,
      unit: unitOf(allPoints, key),
      value,
      previous: null,
      change: null,
      target: t === undefined ? null : targetInfo(t),
      status: monthly ? (t?.comparison === 'complete' ? 'milestone' : 'monthly') : statusOf(value, t),
      byMonth,
      monthsMet: judged ? byMonth.filter((v) => v !== null && meets(v, t) === true).length : null,
      completenessPct:
        domain === 'wastewater' && completeness.length > 0 ? sum(completeness) / completeness.length : null,
      method: methods[domain as Exclude<Domain, 'plan'>],
    };
  });
  rows.push(...unmeasuredTargets(deps, localityId, year, coveredTargets(keys)));

  const complete = deps.now >= window.to;
  const notes: Note[] = [{ code: 'annual_deadline' }];
  if (!complete) notes.push({ code: 'year_in_progress', months: months.length });
  if (months.length === 0) notes.push({ code: 'no_closed_month' });
  if (parts.some((x) => x.dumping.indicators.alerts === null)) notes.push({ code: 'alerts_unreachable' });

  return {
    schema: 'hpg.export/v1',
    kind: 'year',
    period: period.label,
    locality,
    localityNames: localityNames(deps, localityId),
    timeZone: 'Asia/Ho_Chi_Minh',
    from: window.from,
    to: window.to,
    asOf: coverageEnd(period, deps.now),
    complete,
    previousPeriod: null,
    months: labels,
    averaging: parts[0]?.facts.averaging ?? 'hour',
    gridFactor: gridFactorOf(deps, year),
    indicators: rows,
    stations: parts.flatMap((x) => stationRows(x, false)),
    solarSites: yearSolar(deps, parts),
    chargers: yearChargers(deps, parts),
    incidents: parts.flatMap((x) => incidentRows(deps, x)),
    notes,
  };
}

function yearSolar(deps: ReportDeps, parts: readonly MonthParts[]): SolarSiteRow[] {
  const sites = new Map<string, SolarSiteRow>();
  const last = parts.at(-1);
  for (const x of parts)
    for (const s of solarRows(deps, x)) {
      const prev = sites.get(s.siteId);
      const kwh = (prev?.kwh ?? 0) + s.kwh;
      sites.set(s.siteId, {
        ...s,
        kwh,
        specificYield: s.capacityKwp !== null && s.capacityKwp > 0 ? kwh / s.capacityKwp : null,
        active24h: x === last && s.active24h,
      });
    }
  return [...sites.values()].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
}

function yearChargers(deps: ReportDeps, parts: readonly MonthParts[]): ChargerRow[] {
  const chargers = new Map<string, ChargerRow>();
  const last = parts.at(-1);
  for (const x of parts)
    for (const c of chargerRows(deps, x)) {
      const prev = chargers.get(c.deviceId);
      chargers.set(c.deviceId, {
        ...c,
        sessions: (prev?.sessions ?? 0) + c.sessions,
        kwh: (prev?.kwh ?? 0) + c.kwh,
        connectors: Math.max(prev?.connectors ?? 0, c.connectors),
        availabilityPct: null,
        stationOperational: x === last && c.stationOperational,
      });
    }
  return [...chargers.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}

/** A month or a year of a locality. */
export function buildExport(
  deps: ReportDeps,
  localityId: string,
  period: Period,
  facts: FactsSource = factsSource(deps, { localityId }),
): Promise<ExportData> {
  return period.kind === 'month'
    ? buildMonth(deps, localityId, period.year, period.month, facts)
    : buildYear(deps, localityId, period.year, facts);
}

/** The months whose facts an export loads (for progress bars). */
export function monthsToLoad(period: Period, now: number): { year: number; month: number }[] {
  if (period.kind === 'year') return closedMonths(period.year, now);
  return [previousMonth(period.year, period.month), { year: period.year, month: period.month }];
}
