/**
 * Rooftop-solar inverter (SunSpec-like telemetry on topic `telemetry`).
 *
 * AC power ≈ capacity × (irradiance / 1000 W/m²) × performance ratio, with the irradiance from the
 * clear-sky model at the sun's position for the site and time (solar-position.ts) times the day's
 * clear-sky index (climate.ts), a cell-temperature derate of −0.38 %/°C (typical crystalline-silicon
 * datasheet value) and clipping at the inverter's AC rating (DC/AC ratio 1.05–1.25). Night is
 * `sleeping`; dawn and dusk are `starting` / `shutting_down`; some days an inverter trips into `fault`
 * until local midnight, and a few inverters are chronically faulty.
 *
 * energy_today resets at local midnight; energy_lifetime only grows. Lifetime yield at start assumes
 * ~1,150 kWh/kWp/year, the order of magnitude for the Red River delta [unverified].
 */
import type { SolarTelemetry } from '@hpg/contracts';
import { airTemperatureC, clearSkyIndex, skyOf } from '../climate.ts';
import { hashUnit, uniform } from '../random.ts';
import { clearSkyGhi } from '../solar-position.ts';
import { type DeviceModel, energyWh, iso, round } from './model.ts';

type InverterState = NonNullable<SolarTelemetry['state']>;

export interface SolarParams {
  readonly capacityW: number;
  readonly performanceRatio: number;
  readonly acRatingW: number;
  readonly vmpV: number;
  /** Probability, per local day, that the inverter trips into a fault. */
  readonly dailyFaultProbability: number;
}

export interface SolarInverterState {
  readonly params: SolarParams;
  readonly lastT: number;
  /** Local date of the previous step: energy_today belongs to it. */
  readonly date: string;
  readonly energyTodayWh: number;
  readonly lifetimeWh: number;
  readonly acW: number;
}

const SPECIFIC_YIELD_WH_PER_WP_YEAR = 1_150;
const YEAR_MS = 365.25 * 86_400_000;
const INVERTER_EFFICIENCY = 0.965;
/** Below this plane irradiance (W/m²) the inverter cannot start. */
const WAKE_IRRADIANCE = 8;

/** Whether the inverter is in fault at local `hour` of `date`: a trip at a random daytime hour, reset at midnight. */
export function inFault(seed: number, deviceId: string, p: SolarParams, date: string, hour: number): boolean {
  if (hashUnit(seed, 'inverter-fault', deviceId, date) >= p.dailyFaultProbability) return false;
  return hour >= 6 + 10 * hashUnit(seed, 'inverter-fault-at', deviceId, date);
}

export const solarInverterModel: DeviceModel<SolarInverterState> = {
  stepSeconds: (device) => device.intervalSeconds,
  expectedMessagesPerStep: 1,

  init(ctx, t) {
    const kwp = ctx.site.kind === 'building' && ctx.site.solarCapacityKwp !== undefined ? ctx.site.solarCapacityKwp : 5;
    const capacityW = (kwp * 1000) / Math.max(1, ctx.siteDeviceCount);
    const chronic = hashUnit(ctx.seed, 'inverter-chronic', ctx.device.id) < 0.08;
    const params: SolarParams = {
      capacityW,
      performanceRatio: uniform(ctx.rng, 0.76, 0.86),
      acRatingW: capacityW / uniform(ctx.rng, 1.05, 1.25),
      vmpV: uniform(ctx.rng, 320, 560),
      dailyFaultProbability: chronic ? 0.6 : 0.03,
    };
    const ageMs = uniform(ctx.rng, 0.3, 4) * YEAR_MS;
    const stepMs = ctx.device.intervalSeconds * 1000;
    const date = ctx.local(t - stepMs).date;
    // Starting mid-day, the counter holds the day's clear-sky yield so far (10-minute steps back to
    // local midnight), so it does not read as if the roof had produced nothing this morning.
    let energyTodayWh = 0;
    const { lat, lon } = ctx.site.location;
    for (let x = t - stepMs - 600_000; ctx.local(x).date === date; x -= 600_000) {
      energyTodayWh += ((capacityW * clearSkyGhi(x, lat, lon)) / 1000) * params.performanceRatio * (600 / 3600);
    }
    return {
      params,
      lastT: t - stepMs,
      date,
      energyTodayWh,
      lifetimeWh: (capacityW * SPECIFIC_YIELD_WH_PER_WP_YEAR * ageMs) / YEAR_MS,
      acW: 0,
    };
  },

  step(ctx, s, t) {
    const p = s.params;
    const lt = ctx.local(t);
    const { lat, lon } = ctx.site.location;
    const ghi = clearSkyGhi(t, lat, lon);
    const irradiance =
      ghi * clearSkyIndex(ctx.seed, skyOf(ctx.seed, ctx.site.localityId, lt.date, lt.month), ctx.site.id, t);
    const air = airTemperatureC(lt.month, lt.hour);
    // NOCT-style cell heating: about 25 °C above air at 800 W/m².
    const cellT = air + 0.031 * irradiance;
    let state: InverterState;
    let acW = 0;
    let dcW = 0;
    let dcV = 0;
    if (inFault(ctx.seed, ctx.device.id, p, lt.date, lt.hour)) {
      state = 'fault';
      // The array still shows its open-circuit voltage while the inverter is tripped.
      if (irradiance > WAKE_IRRADIANCE) dcV = p.vmpV * 1.2;
    } else if (irradiance <= WAKE_IRRADIANCE) {
      state = 'sleeping';
    } else {
      const derate = 1 - 0.0038 * (cellT - 25);
      dcW = ((p.capacityW * irradiance) / 1000) * (p.performanceRatio / INVERTER_EFFICIENCY) * derate;
      acW = dcW * INVERTER_EFFICIENCY;
      state = irradiance < 25 ? (lt.hour < 12 ? 'starting' : 'shutting_down') : 'mppt';
      if (acW > p.acRatingW) {
        acW = p.acRatingW;
        dcW = acW / INVERTER_EFFICIENCY;
        state = 'throttled';
      }
      dcV = p.vmpV * (1 + 0.06 * Math.log(irradiance / 1000)) * (1 - 0.0035 * (cellT - 25));
    }
    const produced = energyWh(s.acW, acW, t - s.lastT);
    const energyTodayWh = lt.date === s.date ? s.energyTodayWh + produced : 0;
    const lifetimeWh = s.lifetimeWh + produced;
    const payload: SolarTelemetry = {
      v: 1,
      deviceId: ctx.device.id,
      ts: iso(t),
      state,
      metrics: {
        ac_power: { value: round(acW, 1), unit: 'W' },
        dc_power: { value: round(dcW, 1), unit: 'W' },
        dc_voltage: { value: round(Math.max(0, dcV), 1), unit: 'V' },
        temperature: { value: round(air + 2 + (18 * acW) / p.acRatingW, 1), unit: '°C' },
        energy_today: { value: round(energyTodayWh, 1), unit: 'Wh' },
        // kWh like OpenDTU's yieldtotal: ingest converts it, and 3 decimals keep 1 Wh resolution.
        energy_lifetime: { value: round(lifetimeWh / 1000, 3), unit: 'kWh' },
      },
    };
    return {
      state: { params: p, lastT: t, date: lt.date, energyTodayWh, lifetimeWh, acW },
      emissions: [{ message: 'telemetry', payload }],
    };
  },
};
