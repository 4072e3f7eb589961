import type { SolarTelemetry } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { clearSkyGhi, HAI_PHONG, solarElevationDeg } from '../src/solar-position.ts';
import { byDevice, DAY, HOUR, localDate, localHour, localMidnight, runFleet } from './fleet-run.ts';

describe('solar position (NOAA) and clear-sky irradiance (Haurwitz)', () => {
  it('is dark at local midnight and peaks at solar noon, a few minutes before 12:00 in Hai Phong', () => {
    for (const [m, d] of [
      [3, 20],
      [6, 21],
      [9, 22],
      [12, 21],
    ] as const) {
      const midnight = localMidnight(2026, m, d);
      expect(clearSkyGhi(midnight, HAI_PHONG.lat, HAI_PHONG.lon)).toBe(0);
      let best = { at: 0, ghi: -1 };
      for (let t = midnight; t < midnight + DAY; t += 60_000) {
        const ghi = clearSkyGhi(t, HAI_PHONG.lat, HAI_PHONG.lon);
        if (ghi > best.ghi) best = { at: t, ghi };
      }
      // Longitude 106.68 E is 6.7 min east of the UTC+7 meridian; the equation of time adds ±16 min.
      expect(localHour(best.at)).toBeGreaterThan(11.4);
      expect(localHour(best.at)).toBeLessThan(12.2);
      expect(best.ghi).toBeGreaterThan(m === 12 ? 600 : 850);
      expect(best.ghi).toBeLessThan(1100);
    }
  });

  it('puts the June noon sun almost overhead (tropic of Cancer at 23.4 N, Hai Phong at 20.9 N)', () => {
    const noon = localMidnight(2026, 6, 21) + 11.9 * HOUR;
    expect(solarElevationDeg(noon, HAI_PHONG.lat, HAI_PHONG.lon)).toBeGreaterThan(86);
  });
});

describe('solar inverter model over the demo fleet', () => {
  const from = localMidnight(2026, 4, 10);
  const days = 6;
  const runs = runFleet({ seed: 11, from, hours: days * 24, filter: { kinds: ['solar_inverter'] } });
  const telemetry = runs.map((r) => ({ ...r, p: r.emission.payload as SolarTelemetry }));

  it('produces nothing at night and sleeps after local midnight (a tripped inverter stays in fault until then)', () => {
    const nights = telemetry.filter((r) => localHour(r.at) < 4 || localHour(r.at) >= 20);
    expect(nights.length).toBeGreaterThan(1000);
    for (const r of nights) {
      expect(r.p.metrics.ac_power?.value).toBe(0);
      expect(['sleeping', 'fault']).toContain(r.p.state);
      if (localHour(r.at) < 4) expect(r.p.state).toBe('sleeping');
    }
  });

  it('peaks near local noon (fleet average by hour)', () => {
    const sum = new Array<number>(24).fill(0);
    for (const r of telemetry) {
      const h = Math.floor(localHour(r.at));
      sum[h] = (sum[h] ?? 0) + (r.p.metrics.ac_power?.value ?? 0);
    }
    const peakHour = sum.indexOf(Math.max(...sum));
    expect([11, 12]).toContain(peakHour);
    const at = (h: number) => sum[h] ?? 0;
    expect(at(peakHour)).toBeGreaterThan(1.3 * at(8));
    expect(at(peakHour)).toBeGreaterThan(1.3 * at(15));
    expect(at(peakHour)).toBeGreaterThan(4 * at(6));
  });

  it('resets energy_today at local midnight and never lets energy_lifetime decrease', () => {
    const yieldsAtMidnight: number[] = [];
    for (const [, list] of byDevice(telemetry)) {
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1];
        const cur = list[i];
        if (prev === undefined || cur === undefined) continue;
        const lifePrev = prev.p.metrics.energy_lifetime?.value ?? 0;
        const lifeCur = cur.p.metrics.energy_lifetime?.value ?? 0;
        expect(lifeCur).toBeGreaterThanOrEqual(lifePrev);
        const todayPrev = prev.p.metrics.energy_today?.value ?? 0;
        const todayCur = cur.p.metrics.energy_today?.value ?? 0;
        if (localDate(cur.at) !== localDate(prev.at)) {
          expect(todayCur).toBe(0);
          yieldsAtMidnight.push(todayPrev);
        } else {
          expect(todayCur).toBeGreaterThanOrEqual(todayPrev);
        }
      }
    }
    // The day's yield was still there just before midnight (a day-long fault aside).
    expect(yieldsAtMidnight.length).toBeGreaterThan(50);
    expect(yieldsAtMidnight.filter((y) => y > 0).length).toBeGreaterThan(0.8 * yieldsAtMidnight.length);
  });

  it('has a few faulty inverters, tripped with zero power', () => {
    const faults = telemetry.filter((r) => r.p.state === 'fault');
    expect(faults.length).toBeGreaterThan(0);
    for (const r of faults) expect(r.p.metrics.ac_power?.value).toBe(0);
    const faultyDevices = new Set(faults.map((r) => r.deviceId));
    expect(faultyDevices.size).toBeLessThan(new Set(telemetry.map((r) => r.deviceId)).size / 2);
    expect(telemetry.some((r) => r.p.state === 'mppt')).toBe(true);
  });
});
