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
  co2AvoidedTonnes,
  gridFactor,
  hotspots,
  incidents,
  localMonth,
  meets,
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
