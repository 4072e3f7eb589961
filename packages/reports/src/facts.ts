/**
 * Device facts: what each device contributes to the indicators of one month, per local day.
 *
 * A device's readings for the month are read from the store once, reduced to small per-day facts
 * (a station's judged days, an inverter's or meter's energy per day, a charger's session events
 * and connector status changes), and dropped. Every report — any locality, the month or one of
 * its days — is then a roll-up of facts, so a month is read once however many localities and
 * windows are computed from it, and memory holds facts, not readings.
 */
import type { ConnectorStatus, Detection, Reading } from '@hpg/contracts';
import {
  type Averaging,
  daysOfMonth,
  type IncidentOutcome,
  localMonth,
  type SessionEvent,
  type StationDay,
  stationDay,
  type Window,
} from '@hpg/indicators';
import type { Store } from '@hpg/ports';
import type { Device, Registry } from '@hpg/registry';
import type { Regulatory } from './regulatory.ts';

/** A dumping alert's outcome from the alert workflow (opened in data time; response times from when the police were told). */
export interface DumpingOutcome extends IncidentOutcome {
  readonly localityId: string;
  readonly siteId: string;
  readonly openedAt: number;
}

export interface ReportDeps {
  readonly store: Store;
  readonly registry: Registry;
  readonly regulatory: Regulatory;
  /** The current time: activity and availability are judged up to it in the running month. */
  readonly now: number;
  /** The police's outcomes of dumping alerts, where the alert service's store is reachable. */
  readonly dumpingOutcomes?: (q: {
    readonly localityIds: readonly string[];
    readonly from: number;
    readonly to: number;
  }) => Promise<readonly DumpingOutcome[]>;
}

export interface StationFacts {
  readonly deviceId: string;
  readonly siteId: string;
  /** One per day of the month; undefined when the plant's standard is not in the data. */
  readonly days: readonly StationDay[];
}

export interface RegisterFacts {
  readonly deviceId: string;
  readonly siteId: string;
  readonly whByDay: readonly number[];
  readonly resetsByDay: readonly number[];
  /** Inverters: whether it produced power on each day, and the last time it did in the month. */
  readonly producedByDay: readonly boolean[];
  readonly lastProducedAt: number | null;
}

export interface ChargerFacts {
  readonly deviceId: string;
  readonly siteId: string;
  readonly sessionEvents: readonly SessionEvent[];
  /** Per connector: status changes only (repeats of the same status dropped), oldest first. */
  readonly connectors: ReadonlyMap<string, readonly { ts: number; status: ConnectorStatus }[]>;
}

export interface MonthFacts {
  readonly year: number;
  readonly month: number;
  readonly window: Window;
  readonly days: readonly Window[];
  readonly averaging: Averaging;
  readonly stations: readonly StationFacts[];
  readonly inverters: readonly RegisterFacts[];
  readonly meters: readonly RegisterFacts[];
  readonly chargers: readonly ChargerFacts[];
  readonly detections: readonly Detection[];
  /** Dumping alerts opened in the month and what the police did; undefined without the alert workflow. */
  readonly dumpingOutcomes: readonly DumpingOutcome[] | undefined;
  /** Readings read from the store to build these facts. */
  readonly readingsRead: number;
}

export interface LoadOptions {
  readonly averaging?: Averaging;
  /** Only these localities' devices (with what is under them); all when absent. */
  readonly localityId?: string;
  /** Devices read at once (InfluxDB answers several queries in parallel; SQLite is sequential anyway). */
  readonly concurrency?: number;
  /** Called after each device, for progress bars. */
  readonly onDevice?: (done: number, total: number) => void;
}

/** A month of one device at 1-minute resolution is 44,640 readings; the cap leaves room. */
const MAX_READINGS_PER_DEVICE = 200_000;
const DAY_MS = 86_400_000;
/** Register increases need the last point before the month; status needs the last change before it. */
const REGISTER_LOOKBACK_MS = 2 * DAY_MS;
const SESSION_LOOKBACK_MS = 7 * DAY_MS;
const STATUS_LOOKBACK_MS = 30 * DAY_MS;

/** Devices in a locality's scope (the city: all), enabled, of the kinds the indicators use. */
export function devicesInScope(registry: Registry, localityId: string | undefined): Device[] {
  const scope = localityId === undefined ? undefined : new Set(registry.localityScope(localityId));
  return registry.data.devices.filter((d) => {
    if (!d.enabled) return false;
    const site = registry.site(d.siteId);
    return site !== undefined && (scope === undefined || scope.has(site.localityId));
  });
}

export async function loadMonthFacts(
  deps: ReportDeps,
  year: number,
  month: number,
  options: LoadOptions = {},
): Promise<MonthFacts> {
  const window = localMonth(year, month);
  const days = daysOfMonth(year, month);
  const averaging = options.averaging ?? 'hour';
  const devices = devicesInScope(deps.registry, options.localityId).filter((d) => d.kind !== 'camera');
  const stations: StationFacts[] = [];
  const inverters: RegisterFacts[] = [];
  const meters: RegisterFacts[] = [];
  const chargers: ChargerFacts[] = [];
  let readingsRead = 0;
  let done = 0;

  const read = async (deviceId: string, measurement: Reading['measurement'], from: number) => {
    const rs = await deps.store.queryReadings({
      deviceId,
      measurement,
      from,
      to: window.to,
      limit: MAX_READINGS_PER_DEVICE,
    });
    readingsRead += rs.length;
    return rs;
  };

  /** Registers are rolled up per day by the store itself (InfluxDB computes it in the database). */
  const registerFacts = async (
    d: Device,
    measurement: Reading['measurement'],
    register: string,
    activity?: string,
  ): Promise<RegisterFacts> => {
    const r = await deps.store.registerDays({
      deviceId: d.id,
      measurement,
      register,
      ...(activity === undefined ? {} : { activity }),
      from: window.from,
      days: days.length,
      lookbackMs: REGISTER_LOOKBACK_MS,
    });
    return {
      deviceId: d.id,
      siteId: d.siteId,
      whByDay: r.increase,
      resetsByDay: r.resets,
      producedByDay: r.active,
      lastProducedAt: r.lastActiveAt,
    };
  };

  const one = async (d: Device): Promise<void> => {
    switch (d.kind) {
      case 'wastewater_station': {
        const site = deps.registry.site(d.siteId);
        if (site?.kind !== 'wastewater_plant') break;
        const standard = deps.regulatory.standards.get(site.wastewater.standard);
        if (standard === undefined) break;
        const rs = await read(d.id, 'wastewater', window.from);
        const spec = {
          standard,
          column: site.wastewater.column,
          kq: site.wastewater.kq,
          kf: site.wastewater.kf,
          intervalSeconds: d.intervalSeconds,
        };
        const byDay = splitByDay(rs, days);
        stations.push({
          deviceId: d.id,
          siteId: d.siteId,
          days: days.map((day, i) => stationDay(byDay[i] ?? [], spec, day, averaging)),
        });
        break;
      }
      case 'solar_inverter':
        inverters.push(await registerFacts(d, 'solar', 'energy_lifetime', 'ac_power'));
        break;
      case 'energy_meter':
        meters.push(await registerFacts(d, 'meter', 'energy_import'));
        break;
      case 'ev_charger': {
        const [sessionReadings, statusReadings] = await Promise.all([
          read(d.id, 'ev_session', window.from - SESSION_LOOKBACK_MS),
          read(d.id, 'ev_status', window.from - STATUS_LOOKBACK_MS),
        ]);
        chargers.push(chargerFacts(d, sessionReadings, statusReadings));
        break;
      }
      default:
        break;
    }
    done++;
    options.onDevice?.(done, devices.length);
  };

  const queue = [...devices];
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) await one(d);
  });
  await Promise.all(workers);

  const scope = options.localityId === undefined ? undefined : deps.registry.localityScope(options.localityId);
  const detections = await deps.store.queryDetections({
    from: window.from,
    to: window.to,
    limit: 1_000_000,
    ...(scope === undefined ? {} : { localityIds: scope }),
  });
  const dumpingOutcomes = await deps.dumpingOutcomes?.({
    localityIds: scope ?? deps.registry.data.localities.map((l) => l.id),
    from: window.from,
    to: window.to,
  });
  const byId = (a: { deviceId: string }, b: { deviceId: string }) => (a.deviceId < b.deviceId ? -1 : 1);
  return {
    year,
    month,
    window,
    days,
    averaging,
    stations: stations.sort(byId),
    inverters: inverters.sort(byId),
    meters: meters.sort(byId),
    chargers: chargers.sort(byId),
    detections,
    dumpingOutcomes,
    readingsRead,
  };
}

/** Readings by local day (they arrive sorted by time). */
function splitByDay(readings: readonly Reading[], days: readonly Window[]) {
  const out: Reading[][] = days.map(() => []);
  let i = 0;
  for (const r of readings) {
    while (i < days.length && r.ts >= (days[i] as Window).to) i++;
    if (i >= days.length) break;
    if (r.ts >= (days[i] as Window).from) out[i]?.push(r);
  }
  return out;
}

function chargerFacts(
  d: Device,
  sessionReadings: readonly Reading[],
  statusReadings: readonly Reading[],
): ChargerFacts {
  const sessionEvents: SessionEvent[] = [];
  for (const r of sessionReadings) {
    const { sessionId, event } = r.states;
    if (sessionId === undefined || (event !== 'start' && event !== 'stop')) continue;
    sessionEvents.push({ ts: r.ts, sessionId, event, registerWh: r.values.energy_register ?? 0 });
  }
  const connectors = new Map<string, { ts: number; status: ConnectorStatus }[]>();
  for (const r of statusReadings) {
    // Connector 0 is the charger as a whole (OCPP), not a connector.
    const status = r.states.status;
    if (r.channel === '0' || status === undefined) continue;
    const list = connectors.get(r.channel) ?? [];
    if (list.at(-1)?.status !== status) list.push({ ts: r.ts, status: status as ConnectorStatus });
    connectors.set(r.channel, list);
  }
  return { deviceId: d.id, siteId: d.siteId, sessionEvents, connectors };
}
