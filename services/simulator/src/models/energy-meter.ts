/**
 * Site energy meter (topic `meter`), like a Tasmota or utility meter reporting every TelePeriod:
 * active power and the import register (kWh, monotonic). Demand follows the site's sector shape
 * (load-profiles.ts) with slow random drift; the plan targets these meters serve are energy savings
 * by sector (plan 002 §II.1.2 (4), plan 000 §II.2.2 (3)).
 */
import type { MeterReading } from '@hpg/contracts';
import { ar1, chance, normal, uniform } from '../random.ts';
import { demandFraction, type Sector } from './load-profiles.ts';
import { type DeviceModel, energyWh, iso, round } from './model.ts';

const YEAR_MS = 365.25 * 86_400_000;

/** Peak demand range by sector, W. */
const PEAK_W: Record<Sector, readonly [number, number]> = {
  industry: [400_000, 2_500_000],
  business_services: [60_000, 400_000],
  public: [20_000, 150_000],
  residential: [3_000, 8_000],
};

export interface MeterParams {
  readonly sector: Sector;
  readonly peakW: number;
  readonly continuous: boolean;
}

export interface EnergyMeterState {
  readonly params: MeterParams;
  readonly lastT: number;
  readonly registerWh: number;
  readonly powerW: number;
  readonly drift: number;
}

export const energyMeterModel: DeviceModel<EnergyMeterState> = {
  stepSeconds: (device) => device.intervalSeconds,
  expectedMessagesPerStep: 1,

  init(ctx, t) {
    const rng = ctx.rng;
    const sector: Sector = ctx.site.sector ?? 'business_services';
    const [lo, hi] = PEAK_W[sector];
    const params: MeterParams = {
      sector,
      peakW: uniform(rng, lo, hi),
      continuous: sector === 'industry' && chance(rng, 0.4),
    };
    const ageMs = uniform(rng, 1, 8) * YEAR_MS;
    const powerW = params.peakW * demandFraction(sector, ctx.local(t), params.continuous);
    return {
      params,
      lastT: t - ctx.device.intervalSeconds * 1000,
      registerWh: (params.peakW * 0.5 * ageMs) / 3_600_000,
      powerW,
      drift: 0,
    };
  },

  step(ctx, s, t) {
    const p = s.params;
    const dt = t - s.lastT;
    const drift = ar1(ctx.rng, s.drift, dt, 20 * 60_000);
    const fraction = demandFraction(p.sector, ctx.local(t), p.continuous);
    const powerW = Math.max(0, p.peakW * fraction * (1 + 0.05 * drift + normal(ctx.rng, 0, 0.015)));
    const registerWh = s.registerWh + energyWh(s.powerW, powerW, dt);
    const payload: MeterReading = {
      v: 1,
      deviceId: ctx.device.id,
      ts: iso(t),
      metrics: {
        energy_import: { value: round(registerWh / 1000, 3), unit: 'kWh' },
        power: { value: round(powerW, 0), unit: 'W' },
      },
    };
    return { state: { params: p, lastT: t, registerWh, powerW, drift }, emissions: [{ message: 'meter', payload }] };
  },
};
