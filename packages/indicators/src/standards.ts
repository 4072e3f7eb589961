/**
 * Wastewater standards as data (config/regulatory/*.json): each parameter's column limits, whether
 * the factors apply, and how sure we are of the number. The formula of QCVN 40:2011 §2:
 * Cmax = C × Kq × Kf, where parameters such as pH and temperature take C alone.
 */
import { z } from 'zod';

const Verified = z.enum(['official', 'secondary', 'unverified']);
const Bound = z.object({ min: z.number().optional(), max: z.number().optional() });

export const StandardSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  issuedBy: z.string().min(1),
  transition: z.string().optional(),
  formula: z.string().min(1),
  source: z.string().min(1),
  parameters: z.record(
    z.string(),
    z.object({
      unit: z.string(),
      A: Bound.optional(),
      B: Bound.optional(),
      C: Bound.optional(),
      applyFactors: z.boolean(),
      verified: Verified,
      note: z.string().optional(),
    }),
  ),
  kq: z.unknown(),
  kf: z.unknown(),
});
export type Standard = z.infer<typeof StandardSchema>;

export interface Limit {
  readonly min?: number;
  readonly max?: number;
  readonly unit: string;
  readonly verified: z.infer<typeof Verified>;
}

/** The station's limit for one parameter, or undefined when the standard sets none for it. */
export function limitFor(
  standard: Standard,
  column: 'A' | 'B' | 'C',
  parameter: string,
  factors: { readonly kq: number; readonly kf: number },
): Limit | undefined {
  const p = standard.parameters[parameter];
  const bound = p?.[column];
  if (p === undefined || bound === undefined) return undefined;
  const k = p.applyFactors ? factors.kq * factors.kf : 1;
  return {
    ...(bound.min !== undefined && { min: bound.min }),
    ...(bound.max !== undefined && { max: round(bound.max * k) }),
    unit: p.unit,
    verified: p.verified,
  };
}

/** Factor products like 150 × 0.9 × 1.1 are kept to 1e-9 so 148.5 stays 148.5, not 148.50000000000003. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/**
 * How far a value is from its limit, as a ratio: > 1 means outside. Above a maximum: value / max.
 * Below a minimum (pH): min / value, so pH 5.0 against a minimum of 5.5 gives 1.1.
 */
export function ratioToLimit(value: number, limit: Limit): number {
  const over = limit.max !== undefined && limit.max > 0 ? value / limit.max : 0;
  const under = limit.min !== undefined && value > 0 ? limit.min / value : limit.min !== undefined ? Infinity : 0;
  return Math.max(over, under);
}

export function withinLimit(value: number, limit: Limit): boolean {
  return (limit.max === undefined || value <= limit.max) && (limit.min === undefined || value >= limit.min);
}
