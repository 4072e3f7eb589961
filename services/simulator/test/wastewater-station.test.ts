import type { WastewaterSample } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { effluentLimits } from '../src/models/effluent-limits.ts';
import { byDevice, demoRegistry, localDate, localHour, localMidnight, runFleet } from './fleet-run.ts';

const DAYS = 30;
const from = localMidnight(2026, 5, 1);
const samples = runFleet({ seed: 5, from, hours: DAYS * 24, filter: { kinds: ['wastewater_station'] } }).map((r) => ({
  ...r,
  p: r.emission.payload as WastewaterSample,
}));
const ANALYSERS = ['ph', 'cod', 'tss', 'nh4'] as const;

function limitsOf(deviceId: string) {
  const placement = demoRegistry().placement(deviceId);
  if (placement?.site.kind !== 'wastewater_plant') throw new Error(`${deviceId} is not at a plant`);
  return effluentLimits(placement.site.wastewater);
}

describe('wastewater station model', () => {
  it('has exceedances of the QCVN limits, but as a small minority of valid samples', () => {
    let valid = 0;
    let exceeding = 0;
    for (const [deviceId, list] of byDevice(samples)) {
      const limits = limitsOf(deviceId);
      for (const { p } of list) {
        const m = p.metrics;
        if (ANALYSERS.some((a) => m[a]?.status !== 'measuring')) continue;
        valid++;
        const over =
          (limits.cod !== undefined && (m.cod?.value ?? 0) > limits.cod) ||
          (m.tss?.value ?? 0) > limits.tss ||
          (m.nh4?.value ?? 0) > limits.nh4 ||
          (m.ph?.value ?? 7) < limits.ph[0] ||
          (m.ph?.value ?? 7) > limits.ph[1];
        if (over) exceeding++;
      }
    }
    expect(valid).toBeGreaterThan(0.9 * 7 * DAYS * 288);
    expect(exceeding).toBeGreaterThan(0);
    expect(exceeding / valid).toBeLessThan(0.05);
  });

  it('marks the daily calibration values `calibrating`, at night, in one window a day per station', () => {
    for (const [, list] of byDevice(samples)) {
      const perDay = new Map<string, number[]>();
      for (const { at, p } of list) {
        // Flow meters keep measuring during an analyser calibration.
        expect(p.metrics.flow_in?.status).not.toBe('calibrating');
        const cal = ANALYSERS.filter((a) => p.metrics[a]?.status === 'calibrating');
        if (cal.length === 0) continue;
        // All analysers calibrate together (a value may still be an `error`).
        for (const a of ANALYSERS) expect(['calibrating', 'error']).toContain(p.metrics[a]?.status);
        const hours = perDay.get(localDate(at)) ?? [];
        hours.push(localHour(at));
        perDay.set(localDate(at), hours);
      }
      expect(perDay.size).toBeGreaterThanOrEqual(DAYS - 2);
      for (const hours of perDay.values()) {
        expect(Math.min(...hours)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...hours)).toBeLessThan(4.5);
        expect(Math.max(...hours) - Math.min(...hours)).toBeLessThan(0.5);
      }
    }
  });

  it('reports rare `error` values and misses some transmissions', () => {
    let values = 0;
    let errors = 0;
    for (const { p } of samples) {
      for (const v of Object.values(p.metrics)) {
        values++;
        if (v?.status === 'error') errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
    expect(errors / values).toBeLessThan(0.01);
    const expected = 7 * DAYS * 288;
    expect(samples.length).toBeLessThan(expected);
    expect(samples.length).toBeGreaterThan(0.95 * expected);
  });

  it('follows the daily load: more inflow in the working day than before dawn', () => {
    const ww = samples.filter((s) => s.deviceId === 'ww-vinh-am-ccn-01' && s.p.metrics.flow_in?.status === 'measuring');
    const mean = (hs: (h: number) => boolean) => {
      const xs = ww.filter((s) => hs(localHour(s.at))).map((s) => s.p.metrics.flow_in?.value ?? 0);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean((h) => h >= 9 && h < 16)).toBeGreaterThan(1.8 * mean((h) => h >= 2 && h < 5));
  });
});
