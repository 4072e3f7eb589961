/**
 * Public EV charger with two connectors, reporting what OCPP 1.6 carries (StatusNotification,
 * Start/StopTransaction, MeterValues) as our device API messages `connector-status`, `session` and
 * `meter-values`.
 *
 * Drivers arrive as a Poisson process whose rate follows the time of day, with the evening peak
 * after work (18–22 h) and a smaller lunch bump. A connector goes Available → Preparing (plugged,
 * authorising) → Charging (session start) → [SuspendedEV when the car is full but still parked] →
 * Finishing (session stop) → Available; now and then a connector is Faulted for a while (OCPP 1.6
 * ChargePointErrorCode). While charging, meter values are sent every step with the connector's
 * Energy.Active.Import.Register, which never decreases. DC chargers taper above 50 % state of
 * charge; AC charging is limited by the car's on-board charger. Car batteries are those common in
 * Vietnam (VinFast VF 3 … VF 8, 18.6–87.7 kWh).
 */
import type { ConnectorStatus, EvMeterValues } from '@hpg/contracts';
import { hourlyProfile } from '../local-time.ts';
import { chance, fires, pick, uniform } from '../random.ts';
import { type DeviceModel, type Emission, iso, round } from './model.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CONNECTORS = 2;

/** Arrivals per connector per hour at a busy public station, by local hour. */
const ARRIVALS_PER_HOUR = [
  0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.1, 0.18, 0.2, 0.2, 0.2, 0.25, 0.3, 0.25, 0.2, 0.2, 0.22, 0.35, 0.55, 0.6, 0.55,
  0.4, 0.2, 0.08,
];
const IDLE_FAULT_RATE = 1 / (30 * 24);
const CHARGING_FAULT_RATE = 1 / 200;
const ERROR_CODES = ['GroundFailure', 'OverCurrentFailure', 'HighTemperature', 'ConnectorLockFailure'] as const;
const BATTERIES_WH = [18_640, 37_230, 42_000, 59_600, 87_700] as const;

export interface ChargerParams {
  readonly maxPowerW: number;
  readonly dc: boolean;
  /** Scales the arrival rate: a commune station sees fewer drivers than one in the inner city. */
  readonly popularity: number;
}

export interface Session {
  readonly id: string;
  readonly batteryWh: number;
  readonly soc: number;
  readonly targetSoc: number;
  readonly departAt: number;
  /** What the car accepts: its on-board charger (AC) or its DC limit. */
  readonly carMaxW: number;
  readonly powerW: number;
}

export interface ConnectorState {
  readonly id: number;
  readonly status: ConnectorStatus;
  /** When a transient status (Preparing, Finishing, Faulted) ends. */
  readonly until: number;
  readonly registerWh: number;
  readonly session: Session | null;
}

export interface EvChargerState {
  readonly params: ChargerParams;
  readonly lastT: number;
  readonly booted: boolean;
  readonly connectors: readonly ConnectorState[];
}

/** Power the charger delivers at a state of charge: DC tapers above 50 %, AC only near full. */
export function chargePowerW(p: ChargerParams, carMaxW: number, soc: number): number {
  const limit = Math.min(p.maxPowerW, carMaxW);
  const taper = p.dc ? (soc < 50 ? 1 : Math.max(0.12, 1 - (soc - 50) / 55)) : soc < 95 ? 1 : 0.4;
  return limit * taper;
}

export const evChargerModel: DeviceModel<EvChargerState> = {
  stepSeconds: (device) => device.intervalSeconds,
  expectedMessagesPerStep: 0.6,

  init(ctx, t) {
    const rng = ctx.rng;
    const power = pick(rng, [11_000, 22_000, 30_000, 60_000] as const);
    const params: ChargerParams = { maxPowerW: power, dc: power >= 30_000, popularity: uniform(rng, 0.3, 1) };
    const connectors: ConnectorState[] = [];
    for (let id = 1; id <= CONNECTORS; id++) {
      connectors.push({ id, status: 'Available', until: 0, registerWh: uniform(rng, 2e6, 4e7), session: null });
    }
    return { params, lastT: t - ctx.device.intervalSeconds * 1000, booted: false, connectors };
  },

  step(ctx, s, t) {
    const rng = ctx.rng;
    const dt = t - s.lastT;
    const lt = ctx.local(t);
    const p = s.params;
    const ts = iso(t);
    const deviceId = ctx.device.id;
    const out: Emission[] = [];
    const status = (c: ConnectorState, st: ConnectorStatus, errorCode = 'NoError') =>
      out.push({
        message: 'connector-status',
        payload: { v: 1, deviceId, ts, connectorId: c.id, status: st, errorCode },
      });
    const session = (c: ConnectorState, se: Session, event: 'start' | 'stop', registerWh: number, reason?: string) =>
      out.push({
        message: 'session',
        payload: {
          v: 1,
          deviceId,
          ts,
          connectorId: c.id,
          sessionId: se.id,
          event,
          meter: { value: round(registerWh, 0), unit: 'Wh' },
          ...(reason === undefined ? {} : { reason }),
        },
      });
    const meterValues = (c: ConnectorState, se: Session, registerWh: number, powerW: number) => {
      const metrics: EvMeterValues['metrics'] = {
        energy_register: { value: round(registerWh, 0), unit: 'Wh' },
        power: { value: round(powerW, 0), unit: 'W' },
        soc: { value: round(Math.min(100, se.soc), 1), unit: '%' },
      };
      out.push({
        message: 'meter-values',
        payload: { v: 1, deviceId, ts, connectorId: c.id, sessionId: se.id, metrics },
      });
    };

    if (!s.booted) {
      // After boot a charger reports every connector's status (OCPP 1.6 §4.9).
      for (const c of s.connectors) status(c, c.status);
      return { state: { ...s, lastT: t, booted: true }, emissions: out };
    }

    const weekend = lt.weekday === 0 || lt.weekday === 6;
    const arrivalRate = hourlyProfile(ARRIVALS_PER_HOUR, lt.hour) * p.popularity * (weekend ? 1.1 : 1);

    const connectors = s.connectors.map((c): ConnectorState => {
      switch (c.status) {
        case 'Available': {
          if (fires(rng, IDLE_FAULT_RATE, dt)) {
            status(c, 'Faulted', pick(rng, ERROR_CODES));
            return { ...c, status: 'Faulted', until: t + uniform(rng, 15, 90) * MINUTE };
          }
          if (fires(rng, arrivalRate, dt)) {
            status(c, 'Preparing');
            return { ...c, status: 'Preparing', until: t + uniform(rng, 30, 150) * 1000 };
          }
          return c;
        }
        case 'Preparing': {
          if (t < c.until) return c;
          if (chance(rng, 0.05)) {
            // Authorisation failed or the driver gave up: back to Available without a session.
            status(c, 'Available');
            return { ...c, status: 'Available', until: 0 };
          }
          const overnight = lt.hour >= 18 || lt.hour < 5;
          const dwellH = p.dc ? uniform(rng, 0.3, 1) : overnight ? uniform(rng, 6, 12) : uniform(rng, 1, 5);
          const carMaxW = p.dc
            ? pick(rng, [30_000, 60_000, 100_000, 150_000] as const)
            : pick(rng, [7_400, 11_000] as const);
          const soc = uniform(rng, 10, 45);
          const se: Session = {
            id: `${c.id}-${t.toString(36)}`,
            batteryWh: pick(rng, BATTERIES_WH),
            soc,
            targetSoc: p.dc ? uniform(rng, 70, 90) : uniform(rng, 80, 100),
            departAt: t + dwellH * HOUR,
            carMaxW,
            powerW: chargePowerW(p, carMaxW, soc) * uniform(rng, 0.97, 1),
          };
          session(c, se, 'start', c.registerWh);
          status(c, 'Charging');
          return { ...c, status: 'Charging', until: 0, session: se };
        }
        case 'Charging':
        case 'SuspendedEV': {
          const se = c.session;
          if (se === null) {
            status(c, 'Available');
            return { ...c, status: 'Available', until: 0 };
          }
          // Energy delivered since the last step at the power then in effect.
          const charging = c.status === 'Charging';
          const deliveredWh = charging ? Math.min((se.powerW * dt) / HOUR, ((100 - se.soc) / 100) * se.batteryWh) : 0;
          const registerWh = c.registerWh + Math.max(0, deliveredWh);
          const soc = se.soc + (deliveredWh / se.batteryWh) * 100;
          const full = soc >= se.targetSoc;
          const powerW = charging && !full ? chargePowerW(p, se.carMaxW, soc) * uniform(rng, 0.97, 1) : 0;
          const now: Session = { ...se, soc, powerW };
          meterValues(c, now, registerWh, powerW);
          const finish = (reason: string, next: ConnectorStatus, until: number): ConnectorState => {
            session(c, now, 'stop', registerWh, reason);
            status(c, next, next === 'Faulted' ? pick(rng, ERROR_CODES) : 'NoError');
            return { ...c, status: next, until, registerWh, session: null };
          };
          if (charging && fires(rng, CHARGING_FAULT_RATE, dt)) {
            return finish('Other', 'Faulted', t + uniform(rng, 15, 90) * MINUTE);
          }
          if (t >= se.departAt) return finish('EVDisconnected', 'Finishing', t + uniform(rng, 0.5, 2) * MINUTE);
          if (full && charging) {
            // DC drivers stop at their target and leave; AC cars stay parked, full, until departure.
            if (p.dc) return finish('Local', 'Finishing', t + uniform(rng, 1, 5) * MINUTE);
            status(c, 'SuspendedEV');
            return { ...c, status: 'SuspendedEV', registerWh, session: now };
          }
          return { ...c, registerWh, session: now };
        }
        case 'Finishing':
        case 'Faulted': {
          if (t < c.until) return c;
          status(c, 'Available');
          return { ...c, status: 'Available', until: 0 };
        }
        default:
          return c;
      }
    });
    return { state: { params: p, lastT: t, booted: true, connectors }, emissions: out };
  },
};
