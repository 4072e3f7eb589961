/**
 * Query-string schemas of the API. Times are ISO 8601 (an offset, or Hai Phong local time when
 * none is given) or epoch milliseconds; ranges are half-open [from, to).
 */
import { IdSchema, MEASUREMENTS, parseDeviceTime, REFUSAL_REASON_CODES, REPORTING_TIME_ZONE } from '@hpg/contracts';
import { z } from 'zod';

const instant = z.string().transform((s, ctx) => {
  const ms = /^\d{1,15}$/.test(s) ? Number(s) : parseDeviceTime(s, REPORTING_TIME_ZONE);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO 8601 date-time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

const limit = z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1));

const range = {
  from: instant.optional(),
  to: instant.optional(),
  limit: limit.optional(),
};

export const ReadingsQuerySchema = z
  .object({
    deviceId: IdSchema.optional(),
    siteId: IdSchema.optional(),
    localityId: IdSchema.optional(),
    measurement: z.enum(MEASUREMENTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    ...range,
  })
  .strict()
  .refine(
    (q) => [q.deviceId, q.siteId, q.localityId].filter((x) => x !== undefined).length <= 1,
    'give at most one of deviceId, siteId, localityId',
  );

export const DetectionsQuerySchema = z
  .object({ deviceId: IdSchema.optional(), localityId: IdSchema.optional(), ...range })
  .strict();

export const RefusalsQuerySchema = z
  .object({ reason: z.enum(REFUSAL_REASON_CODES).optional(), deviceId: z.string().max(128).optional(), ...range })
  .strict();

export const SummaryQuerySchema = z.object({ from: range.from, to: range.to }).strict();

/** Resolves the time window: `to` defaults to now, `from` to one hour before `to`. */
export function window(q: { from?: number | undefined; to?: number | undefined }, now: number) {
  const to = q.to ?? now;
  return { from: q.from ?? to - 3_600_000, to };
}
