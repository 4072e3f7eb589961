/**
 * The five indicator reports of a locality over a window (the month, or one of its days), rolled
 * up from device facts. The API answers with them; the indicator service turns them into points.
 * Each report states its method, so a number never travels without how it was made.
 */
import {
  activeInstallations,
  availability,
  baselineWh,
  co2AvoidedTonnes,
  compliantShares,
  evCo2AvoidedTonnes,
  type FacilityEnergy,
  gridFactor,
  hotspots,
  type IncidentRule,
  incidents,
  localMonth,
  meets,
  methodNote,
  outcomeSummary,
  registerByWindow,
  type StationDay,
  savingsRollup,
  sessions,
  stationMonth,
  type Target,
  targetFor,
  type Window,
} from '@hpg/indicators';
import type { MonthFacts, RegisterFacts, ReportDeps } from './facts.ts';

/** The window a report covers: the whole month, or one day of it (by index). */
export interface Selection {
  readonly period: 'month' | 'day';
  readonly window: Window;
  readonly dayIndexes: readonly number[];
}

export function monthSelection(facts: MonthFacts): Selection {
  return { period: 'month', window: facts.window, dayIndexes: facts.days.map((_, i) => i) };
}

export function daySelection(facts: MonthFacts, i: number): Selection {
  const day = facts.days[i];
  if (day === undefined) throw new RangeError(`day ${i} is not in ${facts.window.label}`);
  return { period: 'day', window: day, dayIndexes: [i] };
}

export interface TargetView {
  readonly value: number;
  readonly unit: string;
  readonly comparison: 'gte' | 'lte' | 'complete';
  readonly year: number;
  readonly owner: string;
  readonly source: string;
  readonly met: boolean | null;
}

function targetView(
  targets: readonly Target[],
  localityId: string,
  indicator: string,
  year: number,
  value: number | null,
) {
  const t = targetFor(targets, localityId, indicator, year);
  if (t === undefined) return null;
  const view: TargetView = {
    value: t.target,
    unit: t.unit,
    comparison: t.comparison,
    year: t.year,
    owner: t.owner,
    source: t.source,
    met: meets(value, t),
  };
  return view;
}

const inScope = (deps: ReportDeps, localityId: string) => {
  const scope = new Set(deps.registry.localityScope(localityId));
  return (siteId: string) => {
    const site = deps.registry.site(siteId);
    return site !== undefined && scope.has(site.localityId);
  };
};

const sumDays = (xs: readonly number[], sel: Selection) => sel.dayIndexes.reduce((s, i) => s + (xs[i] ?? 0), 0);
const yearOf = (w: Window) => Number(w.label.slice(0, 4));

// ---------------------------------------------------------------------------------------------
// Wastewater

export function wastewaterReport(deps: ReportDeps, facts: MonthFacts, localityId: string, sel: Selection) {
  const siteIn = inScope(deps, localityId);
  const plants = [];
  const unjudged: { plantId: string; reason: string }[] = [];
  for (const site of deps.registry.data.sites) {
    if (site.kind !== 'wastewater_plant' || !siteIn(site.id)) continue;
    if (!deps.regulatory.standards.has(site.wastewater.standard)) {
      unjudged.push({ plantId: site.id, reason: `standard ${site.wastewater.standard} is not in the data yet` });
      continue;
    }
    const stations = facts.stations.filter((s) => s.siteId === site.id);
    if (stations.length === 0) {
      unjudged.push({ plantId: site.id, reason: 'no monitoring station' });
      continue;
    }
    // One station per plant in practice; with several, each is judged and the worst day counts.
    const days = sel.dayIndexes.flatMap((i) => {
      const candidates = stations.map((s) => s.days[i]).filter((d): d is StationDay => d !== undefined);
      const worst =
        candidates.find((d) => d.status === 'non_compliant') ??
        candidates.find((d) => d.status === 'compliant') ??
        candidates[0];
      return worst === undefined ? [] : [worst];
    });
    plants.push({
      plantId: site.id,
      name: site.name,
      localityId: site.localityId,
      centralIndustrial: site.wastewater.centralIndustrial,
      standard: site.wastewater.standard,
      column: site.wastewater.column,
      kq: site.wastewater.kq,
      kf: site.wastewater.kf,
      month: stationMonth(sel.window.label, days),
    });
  }
  const shares = compliantShares(plants);
  const pct = (x: number | null) => (x === null ? null : x * 100);
  const centralPct = pct(shares.centralIndustrial.share);
  return {
    period: sel.period,
    label: sel.window.label,
    localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    method: methodNote(facts.averaging),
    indicators: {
      plantsCompliantPct: pct(shares.all.share),
      plantsMonitored: shares.all.monitored,
      centralIndustrialCompliantPct: centralPct,
      centralIndustrialMonitored: shares.centralIndustrial.monitored,
      target: targetView(
        deps.regulatory.targets,
        localityId,
        'central_wwtp_compliant_pct',
        yearOf(sel.window),
        centralPct,
      ),
    },
    plants: plants.map(({ month, ...p }) => ({
      ...p,
      status: month.status,
      compliantDays: month.compliantDays,
      nonCompliantDays: month.nonCompliantDays,
      noDataDays: month.noDataDays,
      completeness: month.completeness,
      days: month.days,
    })),
    unjudged,
  };
}

// ---------------------------------------------------------------------------------------------
// Solar

export function solarReport(deps: ReportDeps, facts: MonthFacts, localityId: string, sel: Selection) {
  const siteIn = inScope(deps, localityId);
  const inverters = facts.inverters.filter((i) => siteIn(i.siteId));
  // Activity: produced power in the 24 h before the window's end (or now, in a running window).
  const at = Math.min(deps.now, sel.window.to);
  const active = activeInstallations(
    inverters.map((i) => ({
      deviceId: i.deviceId,
      siteId: i.siteId,
      lifetime: [],
      power: i.lastProducedAt === null ? [] : [{ ts: i.lastProducedAt, w: 1 }],
    })),
    at,
  );
  const year = yearOf(sel.window);
  const factor = gridFactor(deps.regulatory.emissionFactors, year);
  const sites = [...new Set(inverters.map((i) => i.siteId))].sort().map((siteId) => {
    const site = deps.registry.site(siteId);
    const capacity = site?.kind === 'building' ? (site.solarCapacityKwp ?? null) : null;
    const wh = inverters.filter((i) => i.siteId === siteId).reduce((s, i) => s + sumDays(i.whByDay, sel), 0);
    return {
      siteId,
      name: site?.name ?? siteId,
      wh,
      kwh: wh / 1000,
      capacityKwp: capacity,
      specificYield: capacity !== null && capacity > 0 ? wh / 1000 / capacity : null,
      // The performance ratio proper needs in-plane irradiation, which no sensor here measures.
      performanceRatio: null,
      active24h: active.has(siteId),
    };
  });
  const wh = sites.reduce((s, x) => s + x.wh, 0);
  return {
    period: sel.period,
    label: sel.window.label,
    localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      energyKwh: wh / 1000,
      co2AvoidedTonnes: factor === undefined ? null : co2AvoidedTonnes(wh, factor),
      gridFactor: factor ?? null,
      installations: sites.length,
      activeInstallations24h: active.size,
      target: targetView(deps.regulatory.targets, localityId, 'rooftop_solar_installations', year, active.size),
    },
    sites,
    method:
      'energy = increases of the inverters’ lifetime counters, each counted in the window of its later reading (a counter reset adds nothing); specific yield = kWh / kWp; performance ratio needs in-plane irradiation, not measured; active = produced power in the 24 h before the window’s end or now; CO2 = kWh × the latest official grid factor',
  };
}

// ---------------------------------------------------------------------------------------------
// EV charging

export function evReport(deps: ReportDeps, facts: MonthFacts, localityId: string, sel: Selection) {
  const siteIn = inScope(deps, localityId);
  const to = Math.min(sel.window.to, Math.max(sel.window.from, deps.now));
  const chargers = facts.chargers
    .filter((c) => siteIn(c.siteId))
    .map((c) => {
      const inWindow = sessions(c.sessionEvents, sel.window.from, sel.window.to);
      // Availability only over the time that has passed.
      const connectors = [...c.connectors]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([connector, changes]) => ({
          connector,
          availability: to > sel.window.from ? availability(changes, sel.window.from, to) : null,
        }));
      return { deviceId: c.deviceId, siteId: c.siteId, ...inWindow, connectors };
    });
  const known = chargers.flatMap((c) => c.connectors.map((x) => x.availability)).filter((a) => a !== null);
  // A station is operational when one of its connectors was available for some of the window.
  const stationIds = deps.registry.data.sites
    .filter((site) => site.kind === 'charging_station' && siteIn(site.id))
    .map((site) => site.id);
  const operational = stationIds.filter((id) =>
    chargers.some((c) => c.siteId === id && c.connectors.some((x) => x.availability !== null && x.availability > 0)),
  );
  const energyWh = chargers.reduce((s, c) => s + c.energyWh, 0);
  const year = yearOf(sel.window);
  const grid = gridFactor(deps.regulatory.emissionFactors, year);
  const network =
    targetView(deps.regulatory.targets, localityId, 'public_ev_charging_network', year, operational.length) ??
    targetView(deps.regulatory.targets, localityId, 'ev_charging_network', year, operational.length);
  return {
    period: sel.period,
    label: sel.window.label,
    localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      sessions: chargers.reduce((s, c) => s + c.completed, 0),
      openSessions: chargers.reduce((s, c) => s + c.open, 0),
      energyKwh: energyWh / 1000,
      chargers: chargers.length,
      connectorAvailability: known.length === 0 ? null : known.reduce((s, a) => s + a, 0) / known.length,
      stations: stationIds.length,
      stationsOperational: operational.length,
      networkTarget: network,
      co2AvoidedTonnes: grid === undefined ? null : evCo2AvoidedTonnes(energyWh, deps.regulatory.evDisplacement, grid),
    },
    chargers,
    method:
      'sessions paired by id and counted when they stop (energy = stop register − start register); availability = time a connector was not Faulted or Unavailable, over the time its status was known, up to now; a station is operational when a connector of it was available in the window (the network targets are milestones: their completion is recorded by hand); CO2 avoided = petrol a motorbike would burn for the distance the energy drives an electric one, less the grid emissions of that energy (config/regulatory/ev-displacement.json, factors marked unverified)',
  };
}

// ---------------------------------------------------------------------------------------------
// Dumping

/** Until the alert rules (per locality, as data) take over: waste with score ≥ 0.6, 60-minute re-detection window. */
export const DEFAULT_INCIDENT_RULE: IncidentRule = { labels: ['waste'], minScore: 0.6, windowMs: 60 * 60_000 };

export function dumpingReport(
  deps: ReportDeps,
  facts: MonthFacts,
  localityId: string,
  sel: Selection,
  rule: IncidentRule = DEFAULT_INCIDENT_RULE,
) {
  const scope = new Set(deps.registry.localityScope(localityId));
  const detections = facts.detections.filter(
    (d) => scope.has(d.localityId) && d.startedAt >= sel.window.from && d.startedAt < sel.window.to,
  );
  const list = incidents(detections, rule);
  const outcomes =
    facts.dumpingOutcomes === undefined
      ? null
      : outcomeSummary(
          facts.dumpingOutcomes.filter(
            (o) => scope.has(o.localityId) && o.openedAt >= sel.window.from && o.openedAt < sel.window.to,
          ),
        );
  return {
    period: sel.period,
    label: sel.window.label,
    localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: { detections: detections.length, incidents: list.length, alerts: outcomes },
    hotspots: hotspots(list).map((h) => ({ ...h, name: deps.registry.site(h.siteId)?.name ?? h.siteId })),
    incidents: list,
    rule,
    method: `incidents: detections labelled ${rule.labels.join(', ')} with score ≥ ${rule.minScore}; the same camera and zone within ${rule.windowMs / 60_000} minutes of the last detection is one incident. alerts: the dumping alerts the police were sent (each locality's alert rule), opened in the window; confirmed = resolved, false alarms as the police closed them, pending = not closed; median minutes from the first message to acknowledging and to closing${outcomes === null ? ' (the alert workflow is not reachable from here)' : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Energy savings

/** Indicators the energy targets are set on, by sector (plan 002 §II.1.2 (4), plan 000 §II.2.2 (3)). */
const ENERGY_TARGETS = {
  all: 'energy_saving_vs_forecast_pct',
  industry: 'energy_saving_industry_pct',
  business_services: 'energy_saving_business_services_pct',
} as const;

/** Consumption of a site's meters over a reference month (for reference-month baselines). */
async function referenceWh(deps: ReportDeps, siteId: string, year: number, month: number): Promise<number> {
  const w = localMonth(year, month);
  let wh = 0;
  for (const d of deps.registry.data.devices) {
    if (d.siteId !== siteId || d.kind !== 'energy_meter' || !d.enabled) continue;
    const rs = await deps.store.queryReadings({
      deviceId: d.id,
      measurement: 'meter',
      from: w.from - 2 * 86_400_000,
      to: w.to,
      limit: 200_000,
    });
    const points = rs.flatMap((r) =>
      r.values.energy_import === undefined ? [] : [{ ts: r.ts, wh: r.values.energy_import }],
    );
    wh += registerByWindow(points, [w]).wh[0] ?? 0;
  }
  return wh;
}

/**
 * Savings are judged on months: a baseline is a month's (the reference month's, a regression's
 * month, a twelfth of the yearly forecast), so day windows have no energy report.
 */
export async function energyReport(deps: ReportDeps, facts: MonthFacts, localityId: string) {
  const siteIn = inScope(deps, localityId);
  const label = facts.window.label;
  const y = facts.year;
  const metersOf = (siteId: string): RegisterFacts[] => facts.meters.filter((m) => m.siteId === siteId);
  const facilities: (FacilityEnergy & { name: string; method: string; resets: number; savingsPct: number | null })[] =
    [];
  const unjudged: { siteId: string; reason: string }[] = [];
  for (const site of deps.registry.data.sites) {
    if (!siteIn(site.id) || site.sector === undefined) continue;
    const b = site.energyBaseline;
    if (b === undefined) {
      unjudged.push({ siteId: site.id, reason: 'no energy baseline in the registry' });
      continue;
    }
    let baseline: number | undefined;
    if (b.method === 'reference_month') baseline = await referenceWh(deps, site.id, b.referenceYear, facts.month);
    else if (b.method === 'regression') {
      const x = b.driverByMonth[label];
      if (x !== undefined)
        baseline = baselineWh({
          method: 'regression',
          intercept: b.interceptWh,
          slope: b.slopeWhPerUnit,
          driver: b.driver,
          driverValue: x,
        });
    } else {
      const year = b.yearWh[String(y)];
      if (year !== undefined) baseline = baselineWh({ method: 'forecast', yearWh: year, monthsInYear: 12 });
    }
    if (baseline === undefined || baseline <= 0) {
      unjudged.push({ siteId: site.id, reason: `no ${b.method} baseline for ${label}` });
      continue;
    }
    const meters = metersOf(site.id);
    const actualWh = meters.reduce((s, m) => s + m.whByDay.reduce((a, x) => a + x, 0), 0);
    facilities.push({
      facilityId: site.id,
      name: site.name,
      localityId: site.localityId,
      sector: site.sector,
      baselineWh: baseline,
      actualWh,
      method: b.method,
      resets: meters.reduce((s, m) => s + m.resetsByDay.reduce((a, x) => a + x, 0), 0),
      savingsPct: ((baseline - actualWh) / baseline) * 100,
    });
  }
  const rollup = savingsRollup(facilities);
  const target = (indicator: string, value: number | null) =>
    targetView(deps.regulatory.targets, localityId, indicator, y, value);
  return {
    period: 'month' as const,
    label,
    localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      all: { ...rollup.all, target: target(ENERGY_TARGETS.all, rollup.all.savingsPct) },
      bySector: Object.fromEntries(
        Object.entries(rollup.bySector).map(([sector, sv]) => [
          sector,
          {
            ...sv,
            target:
              sector in ENERGY_TARGETS
                ? target(ENERGY_TARGETS[sector as keyof typeof ENERGY_TARGETS], sv.savingsPct)
                : null,
          },
        ]),
      ),
      byLocality: rollup.byLocality,
    },
    facilities,
    unjudged,
    method:
      'actual = increases of the site meters’ import registers in the month, each counted in the window of its later reading (a register reset adds nothing); baseline per facility from the registry: the same month of a reference year, an IPMVP option C regression on a driver, or a yearly forecast spread over 12 months; savings % = (baseline − actual) / baseline, roll-ups on the sums',
  };
}

export type WastewaterReport = ReturnType<typeof wastewaterReport>;
export type SolarReport = ReturnType<typeof solarReport>;
export type EvReport = ReturnType<typeof evReport>;
export type DumpingReport = ReturnType<typeof dumpingReport>;
export type EnergyReport = Awaited<ReturnType<typeof energyReport>>;
