import type { MeterReading } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { byDevice, demoRegistry, localHour, localMidnight, runFleet } from './fleet-run.ts';

// 2026-03-02 is a Monday: two working weeks and their weekends.
const readings = runFleet({
  seed: 4,
  from: localMidnight(2026, 3, 2),
  hours: 14 * 24,
  filter: { kinds: ['energy_meter'] },
}).map((r) => ({ ...r, p: r.emission.payload as MeterReading }));
const weekday = (ms: number) => new Date(ms + 7 * 3_600_000).getUTCDay();
const sectorOf = (deviceId: string) => demoRegistry().placement(deviceId)?.site.sector;

describe('energy meter model', () => {
  it('keeps the import register monotonic and consistent with the power drawn', () => {
    for (const [, list] of byDevice(readings)) {
      let prev: number | undefined;
      for (const { p } of list) {
        const kwh = p.metrics.energy_import?.value ?? Number.NaN;
        expect(p.metrics.power?.value).toBeGreaterThanOrEqual(0);
        if (prev !== undefined) expect(kwh).toBeGreaterThanOrEqual(prev);
        prev = kwh;
      }
      const first = list[0]?.p.metrics.energy_import?.value ?? 0;
      const last = list.at(-1)?.p.metrics.energy_import?.value ?? 0;
      const meanKw = list.reduce((a, { p }) => a + (p.metrics.power?.value ?? 0), 0) / list.length / 1000;
      // Register growth over 14 days ≈ mean power × hours (within a few percent).
      expect((last - first) / (meanKw * 14 * 24)).toBeGreaterThan(0.95);
      expect((last - first) / (meanKw * 14 * 24)).toBeLessThan(1.05);
    }
  });

  it('follows office hours for public buildings: weekday working hours well above nights and Sundays', () => {
    const publicReadings = readings.filter((r) => sectorOf(r.deviceId) === 'public');
    const mean = (keep: (ms: number) => boolean) => {
      const xs = publicReadings.filter((r) => keep(r.at)).map((r) => r.p.metrics.power?.value ?? 0);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const working = mean((ms) => weekday(ms) >= 1 && weekday(ms) <= 5 && localHour(ms) >= 8 && localHour(ms) < 11);
    expect(working).toBeGreaterThan(3 * mean((ms) => weekday(ms) === 0));
    expect(working).toBeGreaterThan(3 * mean((ms) => localHour(ms) < 5));
  });
});
