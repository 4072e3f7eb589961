import { describe, expect, it } from 'vitest';
import { type EvDisplacement, evCo2AvoidedTonnes, gridFactor } from '../src/index.ts';

const factor = (value: number) => ({ value, verified: 'unverified' as const, reference: 'test' });
const displacement: EvDisplacement = {
  description: 'test',
  source: 'test',
  petrolKgCo2PerLitre: factor(2.27),
  petrolMotorbikeLitresPer100Km: factor(2.0),
  electricMotorbikeKwhPer100Km: factor(3.0),
};

describe('evCo2AvoidedTonnes', () => {
  it('is the petrol for the same distance less the grid emissions of the energy', () => {
    /*
     * 300 kWh at 3 kWh/100 km = 10,000 km; a petrol motorbike at 2 L/100 km burns 200 L,
     * × 2.27 kg/L = 454 kg = 0.454 t. The grid (2023 factor 0.6592 t/MWh) emitted
     * 0.3 MWh × 0.6592 = 0.19776 t for that energy. Net 0.454 − 0.19776 = 0.25624 t.
     */
    const grid = gridFactor(
      {
        description: 'test',
        source: 'test',
        factors: [{ year: 2023, tCO2PerMWh: 0.6592, verified: 'official', reference: 'test' }],
      },
      2026,
    );
    expect(grid?.factorYear).toBe(2023);
    expect(evCo2AvoidedTonnes(300_000, displacement, grid as NonNullable<typeof grid>)).toBeCloseTo(0.25624, 9);
  });
});
