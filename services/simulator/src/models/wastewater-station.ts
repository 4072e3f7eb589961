/**
 * Continuous wastewater monitoring station at a treatment plant's outfall (topic `sample`).
 *
 * - Flow follows the plant's daily load: industrial clusters work day shifts (quieter Sundays),
 *   domestic plants see the morning and evening peaks, buffered by the equalisation tank.
 * - Quality drifts around typical treated-effluent levels well under the plant's limits
 *   (effluent-limits.ts) as slow AR(1) noise. Every week or so a process upset (organic overload,
 *   sludge carry-over, a pH dosing fault) lasts a few hours and pushes a parameter over its limit:
 *   exceedances happen, but they are a small minority of samples.
 * - Once a day the analysers calibrate for ~30 minutes at night: their values are the calibration
 *   standards and carry status `calibrating` (Circular 10/2021 status 01), often above the limits —
 *   which is exactly why compliance must exclude them (wastewater.md).
 * - Rarely a single value is an analyser `error` (status 02) reading 0.
 * - Transmissions go missing, one at a time or in outages of up to two hours (wastewater.md:
 *   completeness = records received / records expected).
 */
import type { StationStatus, WastewaterMetric, WastewaterSample } from '@hpg/contracts';
import { airTemperatureC } from '../climate.ts';
import { hourlyProfile } from '../local-time.ts';
import { ar1, chance, fires, pick, uniform } from '../random.ts';
import { type EffluentLimits, effluentLimits } from './effluent-limits.ts';
import { type DeviceModel, iso, round } from './model.ts';

const normalised = (p: readonly number[]) => {
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  return p.map((x) => x / mean);
};

/** Relative inflow by local hour: industrial clusters (day shifts). */
const INDUSTRIAL_LOAD = normalised([
  0.55, 0.5, 0.48, 0.47, 0.48, 0.55, 0.75, 0.95, 1.15, 1.25, 1.3, 1.28, 1.15, 1.25, 1.3, 1.28, 1.2, 1.05, 0.9, 0.8,
  0.72, 0.66, 0.62, 0.58,
]);
/** Relative inflow by local hour: domestic sewage (morning and evening peaks). */
const DOMESTIC_LOAD = normalised([
  0.55, 0.45, 0.4, 0.38, 0.42, 0.65, 1.1, 1.45, 1.4, 1.2, 1.05, 1.05, 1.1, 1.0, 0.95, 0.95, 1.0, 1.15, 1.4, 1.5, 1.35,
  1.1, 0.85, 0.68,
]);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Process upsets per hour (about one a week). */
const UPSET_RATE = 1 / (7 * 24);
/** Transmission outages per hour (about one every five days). */
const OUTAGE_RATE = 1 / (5 * 24);
const MISS_PROBABILITY = 0.01;
const ERROR_PROBABILITY = 0.002;

type Analyte = 'cod' | 'tss' | 'nh4';

export interface WastewaterParams {
  readonly limits: EffluentLimits;
  readonly domestic: boolean;
  readonly meanFlowM3h: number;
  readonly typical: Readonly<Record<Analyte, number>>;
  readonly phMean: number;
  /** Local hour the daily calibration starts, and how long it lasts. */
  readonly calibrationHour: number;
  readonly calibrationMinutes: number;
}

export interface Upset {
  readonly from: number;
  readonly until: number;
  readonly kind: 'organic' | 'solids' | 'ph';
  /** Peak level as a multiple of the limit (organic, solids), or the pH reached. */
  readonly peak: number;
}

export interface WastewaterState {
  readonly params: WastewaterParams;
  readonly lastT: number;
  readonly noise: Readonly<Record<'flow' | 'cod' | 'tss' | 'nh4' | 'ph' | 'temp', number>>;
  readonly flowOutM3h: number;
  readonly upset: Upset | null;
  readonly outageUntil: number;
}

/** Whether local `hour` falls in the station's daily calibration. */
export function isCalibrating(p: WastewaterParams, hour: number): boolean {
  return hour >= p.calibrationHour && hour < p.calibrationHour + p.calibrationMinutes / 60;
}

function upsetEnvelope(u: Upset, t: number): number {
  // Rises, peaks mid-way and recovers: a half sine over the upset.
  return Math.sin((Math.PI * (t - u.from)) / (u.until - u.from));
}

export const wastewaterStationModel: DeviceModel<WastewaterState> = {
  stepSeconds: (device) => device.intervalSeconds,
  expectedMessagesPerStep: 0.98,

  init(ctx, t) {
    if (ctx.site.kind !== 'wastewater_plant') throw new Error(`${ctx.device.id}: not at a wastewater plant`);
    const plant = ctx.site.wastewater;
    const limits = effluentLimits(plant);
    const rng = ctx.rng;
    const params: WastewaterParams = {
      limits,
      domestic: plant.standard.startsWith('QCVN14'),
      meanFlowM3h: (plant.designFlowM3PerDay / 24) * uniform(rng, 0.55, 0.85),
      typical: {
        // Treated domestic effluent has no COD limit under QCVN 14:2008; 35–60 mg/L is ordinary.
        cod: limits.cod !== undefined ? limits.cod * uniform(rng, 0.35, 0.55) : uniform(rng, 35, 60),
        tss: limits.tss * uniform(rng, 0.25, 0.45),
        nh4: limits.nh4 * uniform(rng, 0.2, 0.4),
      },
      phMean: uniform(rng, 7.0, 7.6),
      calibrationHour: 1 + Math.floor(uniform(rng, 0, 3) * 4) / 4,
      calibrationMinutes: 30,
    };
    const mean = params.meanFlowM3h;
    return {
      params,
      lastT: t - ctx.device.intervalSeconds * 1000,
      noise: { flow: 0, cod: 0, tss: 0, nh4: 0, ph: 0, temp: 0 },
      flowOutM3h: mean,
      upset: null,
      outageUntil: 0,
    };
  },

  step(ctx, s, t) {
    const p = s.params;
    const rng = ctx.rng;
    const dt = t - s.lastT;
    const lt = ctx.local(t);
    const noise = {
      flow: ar1(rng, s.noise.flow, dt, 30 * MINUTE),
      cod: ar1(rng, s.noise.cod, dt, 3 * HOUR),
      tss: ar1(rng, s.noise.tss, dt, 2 * HOUR),
      nh4: ar1(rng, s.noise.nh4, dt, 4 * HOUR),
      ph: ar1(rng, s.noise.ph, dt, 2 * HOUR),
      temp: ar1(rng, s.noise.temp, dt, 2 * HOUR),
    };

    let upset = s.upset !== null && t < s.upset.until ? s.upset : null;
    if (upset === null && fires(rng, UPSET_RATE, dt)) {
      const kind = pick(rng, ['organic', 'organic', 'solids', 'ph'] as const);
      const peak =
        kind === 'ph' ? (chance(rng, 0.5) ? uniform(rng, 9.2, 10.2) : uniform(rng, 4.6, 5.4)) : uniform(rng, 1.1, 1.8);
      upset = { from: t, until: t + uniform(rng, 1, 4) * HOUR, kind, peak };
    }

    const load = hourlyProfile(p.domestic ? DOMESTIC_LOAD : INDUSTRIAL_LOAD, lt.hour);
    const weekly = !p.domestic && lt.weekday === 0 ? 0.7 : 1;
    const flowIn = Math.max(0, p.meanFlowM3h * load * weekly * (1 + 0.07 * noise.flow));
    // The equalisation tank smooths the outflow (time constant about an hour); a little is lost as sludge.
    const flowOut = s.flowOutM3h + (flowIn * 0.985 - s.flowOutM3h) * (1 - Math.exp(-dt / HOUR));

    const active: Upset | null = upset;
    const env = active === null ? 0 : upsetEnvelope(active, t);
    const level = (a: Analyte, sd: number) => {
      const base = p.typical[a] * Math.exp(sd * noise[a]);
      if (active === null) return base;
      const hit = active.kind === 'organic' ? a !== 'tss' : active.kind === 'solids' && a === 'tss';
      const limit = a === 'cod' ? (p.limits.cod ?? 100) : p.limits[a];
      return hit ? base + (limit * active.peak - base) * env : base;
    };
    let ph = p.phMean + 0.18 * noise.ph;
    if (active?.kind === 'ph') ph += (active.peak - ph) * env;

    const next: WastewaterState = {
      params: p,
      lastT: t,
      noise,
      flowOutM3h: flowOut,
      upset,
      outageUntil: s.outageUntil,
    };
    // Missed transmissions: the plant keeps running, only the message is lost.
    if (t < s.outageUntil) return { state: next, emissions: [] };
    if (fires(rng, OUTAGE_RATE, dt)) {
      return { state: { ...next, outageUntil: t + uniform(rng, 20, 120) * MINUTE }, emissions: [] };
    }
    if (chance(rng, MISS_PROBABILITY)) return { state: next, emissions: [] };

    const calibrating = isCalibrating(p, lt.hour);
    const metrics: WastewaterSample['metrics'] = {};
    const put = (name: WastewaterMetric, value: number, unit: string, digits: number, analyser: boolean) => {
      let status: StationStatus = calibrating && analyser ? 'calibrating' : 'measuring';
      let v = value;
      if (chance(rng, ERROR_PROBABILITY)) {
        status = 'error';
        v = 0;
      }
      metrics[name] = { value: round(Math.max(0, v), digits), unit, status };
    };
    put('flow_in', flowIn, 'm3/h', 2, false);
    put('flow_out', flowOut, 'm3/h', 2, false);
    put('temperature', airTemperatureC(lt.month, lt.hour) + 3 + 0.5 * noise.temp, '°C', 1, false);
    // During calibration the analysers read their standards: pH 7.00 buffer, 100 mg/L COD (KHP),
    // 5 mg/L ammonium, and the TSS probe's zero check.
    put('ph', calibrating ? 7 + 0.01 * noise.ph : ph, 'pH', 2, true);
    put('cod', calibrating ? 100 + noise.cod : level('cod', 0.18), 'mg/L', 1, true);
    put('tss', calibrating ? 0.3 + 0.1 * Math.abs(noise.tss) : level('tss', 0.22), 'mg/L', 1, true);
    put('nh4', calibrating ? 5 + 0.05 * noise.nh4 : level('nh4', 0.25), 'mg/L', 2, true);

    const payload: WastewaterSample = { v: 1, deviceId: ctx.device.id, ts: iso(t), metrics };
    return { state: next, emissions: [{ message: 'sample', payload }] };
  },
};
