/**
 * Grid emission factors as data (config/regulatory/grid-emission-factors.json): the official
 * factor of a year, or the latest official one before it (no 2024 value had been announced).
 */
import { z } from 'zod';

export const EmissionFactorsSchema = z.object({
  description: z.string(),
  source: z.string(),
  factors: z.array(
    z.object({
      year: z.number().int(),
      tCO2PerMWh: z.number().positive(),
      verified: z.enum(['official', 'secondary', 'unverified']),
      reference: z.string(),
    }),
  ),
  notOfficial: z.array(z.unknown()).optional(),
});
export type EmissionFactors = z.infer<typeof EmissionFactorsSchema>;

export interface FactorInUse {
  readonly year: number;
  readonly tCO2PerMWh: number;
  /** The factor's own year: earlier than `year` when that year has none yet. */
  readonly factorYear: number;
  readonly reference: string;
}

export function gridFactor(data: EmissionFactors, year: number): FactorInUse | undefined {
  const f = data.factors.filter((x) => x.verified === 'official' && x.year <= year).sort((a, b) => b.year - a.year)[0];
  return f === undefined ? undefined : { year, tCO2PerMWh: f.tCO2PerMWh, factorYear: f.year, reference: f.reference };
}

/** Tonnes of CO2 avoided by `wh` of solar generation displacing grid electricity. */
export function co2AvoidedTonnes(wh: number, factor: FactorInUse): number {
  return (wh / 1e6) * factor.tCO2PerMWh;
}

const DisplacementFactor = z.object({
  value: z.number().positive(),
  verified: z.enum(['official', 'secondary', 'unverified']),
  reference: z.string().min(1),
});

/** What EV charging displaces (config/regulatory/ev-displacement.json). */
export const EvDisplacementSchema = z.object({
  description: z.string(),
  source: z.string(),
  petrolKgCo2PerLitre: DisplacementFactor,
  petrolMotorbikeLitresPer100Km: DisplacementFactor,
  electricMotorbikeKwhPer100Km: DisplacementFactor,
});
export type EvDisplacement = z.infer<typeof EvDisplacementSchema>;

/**
 * Net tonnes of CO2 avoided by `wh` delivered to electric motorbikes instead of petrol ones: the
 * petrol burnt for the same distance, less the grid's emissions for the electricity.
 */
export function evCo2AvoidedTonnes(wh: number, d: EvDisplacement, grid: FactorInUse): number {
  const kwh = wh / 1000;
  const km = (kwh / d.electricMotorbikeKwhPer100Km.value) * 100;
  const petrolT = ((km / 100) * d.petrolMotorbikeLitresPer100Km.value * d.petrolKgCo2PerLitre.value) / 1000;
  return petrolT - (kwh / 1000) * grid.tCO2PerMWh;
}
