/**
 * Indicator routes.
 *
 * Computed on demand per locality and month (from the stored readings, through @hpg/reports, the
 * same code the indicator service runs), so late data shows as soon as it is stored:
 *   GET /api/v1/indicators/{wastewater,solar,ev,dumping,energy}?month=YYYY-MM&localityId=…
 *       (wastewater also takes averaging=hour|day)
 * Stored indicator points, as the indicator service wrote them (dashboards, exports, trends):
 *   GET /api/v1/indicators/points?indicator=…&scopeId=…&period=day|month|year&from=…&to=…
 */
import { INDICATOR_PERIODS } from '@hpg/contracts';
import {
  dumpingReport,
  energyReport,
  evReport,
  loadMonthFacts,
  monthSelection,
  type ReportDeps,
  solarReport,
  wastewaterReport,
} from '@hpg/reports';
import { z } from 'zod';

export const MonthQuerySchema = z
  .object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
    localityId: z.string().min(1).default('hai-phong'),
  })
  .strict();

export const WastewaterQuerySchema = MonthQuerySchema.extend({ averaging: z.enum(['hour', 'day']).default('hour') });

const list = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').filter((x) => x !== ''));

export const PointsQuerySchema = z
  .object({
    indicator: list.optional(),
    scopeId: list.optional(),
    period: z.enum(INDICATOR_PERIODS).optional(),
    from: z.coerce.number().int().min(0),
    to: z.coerce.number().int().min(0),
    limit: z.coerce.number().int().min(1).max(50_000).default(5_000),
  })
  .strict()
  .refine((q) => q.from < q.to, 'from must be before to');

type Kind = 'wastewater' | 'solar' | 'ev' | 'dumping' | 'energy';

/** One locality-month report, with `month` named as the API has always answered. */
export async function indicatorReport(
  deps: ReportDeps,
  kind: Kind,
  q: { month: string; localityId: string; averaging?: 'hour' | 'day' },
): Promise<object> {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const facts = await loadMonthFacts(deps, y, m, {
    localityId: q.localityId,
    ...(q.averaging === undefined ? {} : { averaging: q.averaging }),
  });
  const sel = monthSelection(facts);
  const report =
    kind === 'wastewater'
      ? wastewaterReport(deps, facts, q.localityId, sel)
      : kind === 'solar'
        ? solarReport(deps, facts, q.localityId, sel)
        : kind === 'ev'
          ? evReport(deps, facts, q.localityId, sel)
          : kind === 'dumping'
            ? dumpingReport(deps, facts, q.localityId, sel)
            : await energyReport(deps, facts, q.localityId);
  return { month: q.month, ...report };
}
