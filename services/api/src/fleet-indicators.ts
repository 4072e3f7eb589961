/**
 * Solar, EV charging and dumping indicators per locality and month, computed on demand from the
 * stored readings and detections (the same pure functions the scheduled service will use).
 *   GET /api/v1/indicators/solar?month=YYYY-MM&localityId=…
 *   GET /api/v1/indicators/ev?month=YYYY-MM&localityId=…
 *   GET /api/v1/indicators/dumping?month=YYYY-MM&localityId=…
 */
import type { ConnectorStatus, Reading } from '@hpg/contracts';
import {
  activeInstallations,
  availability,
  baselineWh,
  co2AvoidedTonnes,
  consumptionFromRegister,
  type FacilityEnergy,
  gridFactor,
  hotspots,
  incidents,
  localMonth,
  meets,
  savingsRollup,
  sessions,
  siteSolar,
  targetFor,
} from '@hpg/indicators';
import type { Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { z } from 'zod';
import type { Regulatory } from './regulatory.ts';

export const MonthQuerySchema = z
  .object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
    localityId: z.string().min(1).default('hai-phong'),
  })
  .strict();

export interface FleetDeps {
  readonly store: Store;
  readonly registry: Registry;
  readonly regulatory: Regulatory;
  readonly now: number;
}

/** One device's readings of a measurement in a window (a month at 1-minute resolution fits). */
const readingsOf = (store: Store, deviceId: string, measurement: Reading['measurement'], from: number, to: number) =>
  store.queryReadings({ deviceId, measurement, from, to, limit: 100_000 });

function devicesIn(registry: Registry, localityId: string, kind: string) {
  const scope = new Set(registry.localityScope(localityId));
  return registry.data.devices.filter((d) => {
    const site = registry.site(d.siteId);
    return d.kind === kind && d.enabled && site !== undefined && scope.has(site.localityId);
  });
}

export async function solarIndicators(deps: FleetDeps, q: { month: string; localityId: string }) {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const window = localMonth(y, m);
  // Activity is judged over the 24 h before the month's end (or now, in the current month).
  const at = Math.min(deps.now, window.to);
  const inverters = await Promise.all(
    devicesIn(deps.registry, q.localityId, 'solar_inverter').map(async (d) => {
      const rs = await readingsOf(deps.store, d.id, 'solar', Math.min(window.from, at - 86_400_000), window.to);
      return {
        deviceId: d.id,
        siteId: d.siteId,
        lifetime: rs.flatMap((r) =>
          r.values.energy_lifetime === undefined ? [] : [{ ts: r.ts, wh: r.values.energy_lifetime }],
        ),
        power: rs.flatMap((r) => (r.values.ac_power === undefined ? [] : [{ ts: r.ts, w: r.values.ac_power }])),
      };
    }),
  );
  const factor = gridFactor(deps.regulatory.emissionFactors, y);
  const sites = [...new Set(inverters.map((i) => i.siteId))].sort().map((siteId) => {
    const site = deps.registry.site(siteId);
    const capacity = site?.kind === 'building' ? (site.solarCapacityKwp ?? null) : null;
    return { ...siteSolar(siteId, inverters, window, capacity), name: site?.name ?? siteId };
  });
  const wh = sites.reduce((s, x) => s + x.wh, 0);
  const active = activeInstallations(inverters, at);
  const target = targetFor(deps.regulatory.targets, q.localityId, 'rooftop_solar_installations', y);
  return {
    month: q.month,
    localityId: q.localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      energyKwh: wh / 1000,
      co2AvoidedTonnes: factor === undefined ? null : co2AvoidedTonnes(wh, factor),
      gridFactor: factor ?? null,
      installations: sites.length,
      activeInstallations24h: active.size,
      target:
        target === undefined
          ? null
          : {
              value: target.target,
              unit: target.unit,
              year: target.year,
              owner: target.owner,
              source: target.source,
              met: meets(active.size, target),
            },
    },
    sites: sites.map((s) => ({ ...s, kwh: s.wh / 1000, active24h: active.has(s.siteId) })),
    method:
      'energy from the inverters’ lifetime counters (increases only; a counter reset adds nothing); specific yield = kWh / kWp; performance ratio needs in-plane irradiation, not measured; active = produced power in the 24 h before the month’s end or now; CO2 = kWh × the latest official grid factor',
  };
}

export async function evIndicators(deps: FleetDeps, q: { month: string; localityId: string }) {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const window = localMonth(y, m);
  const chargers = await Promise.all(
    devicesIn(deps.registry, q.localityId, 'ev_charger').map(async (d) => {
      const [sessionReadings, statusReadings] = await Promise.all([
        readingsOf(deps.store, d.id, 'ev_session', window.from - 7 * 86_400_000, window.to),
        readingsOf(deps.store, d.id, 'ev_status', window.from - 30 * 86_400_000, window.to),
      ]);
      const s = sessions(
        sessionReadings.flatMap((r) =>
          r.states.sessionId === undefined || (r.states.event !== 'start' && r.states.event !== 'stop')
            ? []
            : [
                {
                  ts: r.ts,
                  sessionId: r.states.sessionId,
                  event: r.states.event,
                  registerWh: r.values.energy_register ?? 0,
                },
              ],
        ),
        window.from,
        window.to,
      );
      const byConnector = new Map<string, { ts: number; status: ConnectorStatus }[]>();
      for (const r of statusReadings) {
        if (r.channel === '0' || r.states.status === undefined) continue; // connector 0 = the whole charger
        byConnector.set(r.channel, [
          ...(byConnector.get(r.channel) ?? []),
          { ts: r.ts, status: r.states.status as ConnectorStatus },
        ]);
      }
      const connectors = [...byConnector].sort().map(([connector, changes]) => ({
        connector,
        availability: availability(changes, window.from, Math.min(window.to, deps.now)),
      }));
      return { deviceId: d.id, siteId: d.siteId, ...s, connectors };
    }),
  );
  const known = chargers.flatMap((c) => c.connectors.map((x) => x.availability)).filter((a) => a !== null);
  return {
    month: q.month,
    localityId: q.localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      sessions: chargers.reduce((s, c) => s + c.completed, 0),
      openSessions: chargers.reduce((s, c) => s + c.open, 0),
      energyKwh: chargers.reduce((s, c) => s + c.energyWh, 0) / 1000,
      chargers: chargers.length,
      connectorAvailability: known.length === 0 ? null : known.reduce((s, a) => s + a, 0) / known.length,
    },
    chargers,
    method:
      'sessions paired by id (energy = stop register − start register); availability = time a connector was not Faulted or Unavailable, over the time its status was known',
  };
}

export async function dumpingIndicators(deps: FleetDeps, q: { month: string; localityId: string }) {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const window = localMonth(y, m);
  const detections = await deps.store.queryDetections({
    localityIds: deps.registry.localityScope(q.localityId),
    from: window.from,
    to: window.to,
    limit: 100_000,
  });
  const rule = { labels: ['waste'], minScore: 0.6, windowMs: 60 * 60_000 };
  const list = incidents(detections, rule);
  return {
    month: q.month,
    localityId: q.localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: { detections: detections.length, incidents: list.length },
    hotspots: hotspots(list).map((h) => ({ ...h, name: deps.registry.site(h.siteId)?.name ?? h.siteId })),
    incidents: list,
    rule,
    method:
      'detections labelled waste with score ≥ 0.6; the same camera and zone within 60 minutes of the last detection is one incident. Confirmed / false alarm and times to acknowledge and close come with the police alert workflow (not built yet)',
  };
}

/** Indicators the energy targets are set on, by sector (plan 002 §II.1.2 (4), plan 000 §II.2.2 (3)). */
const ENERGY_TARGETS = {
  all: 'energy_saving_vs_forecast_pct',
  industry: 'energy_saving_industry_pct',
  business_services: 'energy_saving_business_services_pct',
} as const;

export async function energyIndicators(deps: FleetDeps, q: { month: string; localityId: string }) {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const window = localMonth(y, m);
  const scope = new Set(deps.registry.localityScope(q.localityId));
  const consumption = async (siteId: string, from: number, to: number) => {
    let wh = 0;
    let resets = 0;
    for (const d of deps.registry.data.devices.filter(
      (x) => x.siteId === siteId && x.kind === 'energy_meter' && x.enabled,
    )) {
      const rs = await readingsOf(deps.store, d.id, 'meter', from, to);
      const c = consumptionFromRegister(
        rs.flatMap((r) => (r.values.energy_import === undefined ? [] : [{ ts: r.ts, wh: r.values.energy_import }])),
        from,
        to,
      );
      wh += c.wh;
      resets += c.resets;
    }
    return { wh, resets };
  };
  const facilities: (FacilityEnergy & { name: string; method: string; resets: number })[] = [];
  const unjudged: { siteId: string; reason: string }[] = [];
  for (const site of deps.registry.data.sites) {
    if (!scope.has(site.localityId) || site.sector === undefined) continue;
    const b = site.energyBaseline;
    if (b === undefined) {
      unjudged.push({ siteId: site.id, reason: 'no energy baseline in the registry' });
      continue;
    }
    let baseline: number | undefined;
    if (b.method === 'reference_month') {
      const ref = localMonth(b.referenceYear, m);
      baseline = (await consumption(site.id, ref.from, ref.to)).wh;
    } else if (b.method === 'regression') {
      const x = b.driverByMonth[q.month];
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
      unjudged.push({ siteId: site.id, reason: `no ${b.method} baseline for ${q.month}` });
      continue;
    }
    const actual = await consumption(site.id, window.from, window.to);
    facilities.push({
      facilityId: site.id,
      name: site.name,
      localityId: site.localityId,
      sector: site.sector,
      baselineWh: baseline,
      actualWh: actual.wh,
      method: b.method,
      resets: actual.resets,
    });
  }
  const rollup = savingsRollup(facilities);
  const targetOf = (indicator: string, value: number | null) => {
    const t = targetFor(deps.regulatory.targets, q.localityId, indicator, y);
    return t === undefined
      ? null
      : { value: t.target, unit: t.unit, year: t.year, owner: t.owner, source: t.source, met: meets(value, t) };
  };
  return {
    month: q.month,
    localityId: q.localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    indicators: {
      all: { ...rollup.all, target: targetOf(ENERGY_TARGETS.all, rollup.all.savingsPct) },
      bySector: Object.fromEntries(
        Object.entries(rollup.bySector).map(([sector, sv]) => [
          sector,
          {
            ...sv,
            target:
              sector in ENERGY_TARGETS
                ? targetOf(ENERGY_TARGETS[sector as keyof typeof ENERGY_TARGETS], sv.savingsPct)
                : null,
          },
        ]),
      ),
      byLocality: rollup.byLocality,
    },
    facilities: facilities.map((f) => ({
      ...f,
      savingsPct: f.baselineWh > 0 ? ((f.baselineWh - f.actualWh) / f.baselineWh) * 100 : null,
    })),
    unjudged,
    method:
      'actual = increases of the site meters’ import registers in the month (a register reset adds nothing); baseline per facility from the registry: the same month of a reference year, an IPMVP option C regression on a driver, or a yearly forecast spread over 12 months; savings % = (baseline − actual) / baseline, roll-ups on the sums',
  };
}
