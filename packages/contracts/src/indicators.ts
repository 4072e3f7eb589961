/**
 * Indicator points: the computed result of one indicator, for one scope (a locality, or a site
 * for per-plant and per-site figures), over one reporting window cut in Asia/Ho_Chi_Minh.
 *
 * Identity: (indicator, scopeId, period, from). Recomputing a window writes the same identity
 * again and replaces the earlier value (last write wins), so a recomputation never adds points.
 */
import { z } from 'zod';
import { IdSchema } from './device-api.ts';

export const INDICATOR_PERIODS = ['day', 'month', 'year'] as const;
export type IndicatorPeriod = (typeof INDICATOR_PERIODS)[number];

export const IndicatorPointSchema = z.object({
  v: z.literal(1),
  /** Dotted name, e.g. `wastewater.plants_compliant_pct`, `solar.energy_kwh`. */
  indicator: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/),
  scopeKind: z.enum(['locality', 'site']),
  scopeId: IdSchema,
  /** The locality the scope belongs to (the scope itself for a locality). */
  localityId: IdSchema,
  period: z.enum(INDICATOR_PERIODS),
  /** Local label of the window: 2026-10-31, 2026-10, 2026. */
  label: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  /** Window [from, to) in UTC epoch ms. */
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  /** null when the window had no data to compute it from (never a made-up 0). */
  value: z.number().finite().nullable(),
  unit: z.string().max(16),
  /** The plan's target for this indicator, scope and year, when there is one. */
  target: z
    .object({
      value: z.number(),
      comparison: z.enum(['gte', 'lte', 'complete']),
      /** null when the value is null. */
      met: z.boolean().nullable(),
    })
    .nullable(),
  computedAt: z.number().int().min(0),
});
export type IndicatorPoint = z.infer<typeof IndicatorPointSchema>;

/** Bus key and store identity of a point. */
export const indicatorKey = (p: Pick<IndicatorPoint, 'indicator' | 'scopeId' | 'period' | 'from'>): string =>
  `${p.indicator}|${p.scopeId}|${p.period}|${p.from}`;
