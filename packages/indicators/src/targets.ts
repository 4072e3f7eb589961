/**
 * The targets registry (config/regulatory/targets.json): locality, indicator, year, target,
 * comparison, unit, owner and source, validated, so an export can say for every figure whose
 * target it is and where it comes from (the plans' "6 rõ", plan 002 §III.4).
 */
import { z } from 'zod';

export const TargetSchema = z.object({
  id: z.string().min(1),
  locality: z.string().min(1),
  indicator: z.string().min(1),
  year: z.number().int().min(2020).max(2050),
  target: z.number(),
  comparison: z.enum(['gte', 'lte', 'complete']),
  unit: z.string().min(1),
  /** Whether a sensor measures it (else it is entered by hand or imported). */
  measured: z.boolean(),
  owner: z.string().min(1),
  source: z.string().min(1),
  note: z.string().optional(),
});
export type Target = z.infer<typeof TargetSchema>;

export const TargetsFileSchema = z
  .object({ description: z.string(), source: z.string(), targets: z.array(TargetSchema) })
  .refine((f) => new Set(f.targets.map((t) => t.id)).size === f.targets.length, 'target ids must be unique');

/** Whether a value meets a target; null when the target is a milestone or the value is missing. */
export function meets(value: number | null, t: Target): boolean | null {
  if (value === null || t.comparison === 'complete') return null;
  return t.comparison === 'gte' ? value >= t.target : value <= t.target;
}

/** The target in force for a locality, indicator and year: that year's, else the next one set. */
export function targetFor(
  targets: readonly Target[],
  locality: string,
  indicator: string,
  year: number,
): Target | undefined {
  return targets
    .filter((t) => t.locality === locality && t.indicator === indicator && t.year >= year)
    .sort((a, b) => a.year - b.year)[0];
}
