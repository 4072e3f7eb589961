import { describe, expect, it } from 'vitest';
import { metricsByMeasurement, toCanonical } from '../src/index.ts';

describe('toCanonical', () => {
  const energy = metricsByMeasurement.meter.energy_import;

  it('converts an accepted unit to the canonical one', () => {
    expect(energy.unit).toBe('Wh');
    expect(toCanonical(energy, 1.5, 'kWh')).toBe(1_500);
    expect(toCanonical(energy, 2, 'Wh')).toBe(2);
  });

  it('refuses units named like Object properties instead of turning them into NaN', () => {
    for (const unit of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(toCanonical(energy, 1, unit), unit).toBeUndefined();
    }
    expect(toCanonical(energy, 1, 'furlongs')).toBeUndefined();
  });
});
