/**
 * Effluent limits a treatment plant is judged by, for the parameters a continuous station measures.
 * Values from /work/shared/domain/wastewater.md:
 * - QCVN 40:2011/BTNMT Table 1 (industrial), Cmax = C × Kq × Kf, except pH and temperature which take
 *   C unchanged [secondary, cross-checked];
 * - QCVN 14:2008/BTNMT (domestic), Cmax = C × K (the registry keeps K in `kf`), pH not multiplied;
 *   it has no COD and no temperature limit [secondary].
 * The 2025 editions' tables were not retrieved, so plants on QCVN 40:2025 / 14:2025 are simulated
 * against the older tables (column C, which only 14:2025 has, as B). The simulator uses these only to
 * place typical values below the limits and upsets above them; compliance is judged elsewhere.
 */
import type { Site } from '@hpg/registry';

export type PlantSpec = Extract<Site, { kind: 'wastewater_plant' }>['wastewater'];

export interface EffluentLimits {
  /** mg/L; absent when the standard sets none (QCVN 14:2008). */
  readonly cod?: number;
  readonly tss: number;
  readonly nh4: number;
  readonly ph: readonly [number, number];
  /** °C; absent when the standard sets none. */
  readonly temperature?: number;
}

const QCVN40_2011 = {
  A: { cod: 75, tss: 50, nh4: 5, ph: [6, 9], temperature: 40 },
  B: { cod: 150, tss: 100, nh4: 10, ph: [5.5, 9], temperature: 40 },
} as const;

const QCVN14_2008 = {
  A: { tss: 50, nh4: 5, ph: [5, 9] },
  B: { tss: 100, nh4: 10, ph: [5, 9] },
} as const;

export function effluentLimits(plant: PlantSpec): EffluentLimits {
  const column = plant.column === 'A' ? 'A' : 'B';
  if (plant.standard.startsWith('QCVN14')) {
    const c = QCVN14_2008[column];
    return { tss: c.tss * plant.kf, nh4: c.nh4 * plant.kf, ph: c.ph };
  }
  const c = QCVN40_2011[column];
  const k = plant.kq * plant.kf;
  return { cod: c.cod * k, tss: c.tss * k, nh4: c.nh4 * k, ph: c.ph, temperature: c.temperature };
}
