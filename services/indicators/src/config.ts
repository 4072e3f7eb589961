import { z } from 'zod';

export const IndicatorServiceConfigSchema = z.object({
  /** How often dirty windows are looked at. */
  tickMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * A window is recomputed once no new data touched it for this long, so the writer has stored
   * what the bus carried (publish → stored p99 is well under a second) and a burst of late data
   * costs one recomputation, not one per message.
   */
  settleMs: z.number().int().min(0).max(3_600_000).default(10_000),
  /**
   * The running month is touched by every live reading; it is recomputed at most this often.
   * Closed months (late data) are recomputed as soon as they settle.
   */
  liveEveryMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(15 * 60_000),
  /** Averaging period of wastewater compliance. */
  averaging: z.enum(['hour', 'day']).default('hour'),
  /** Devices read from the store at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Months before the running one recomputed at start (late data that arrived while stopped). */
  startupMonths: z.number().int().min(0).max(24).default(1),
  group: z.string().min(1).default('indicators'),
});
export type IndicatorServiceConfig = z.infer<typeof IndicatorServiceConfigSchema>;

export const INDICATORS_ENV = {
  HPG_INDICATORS_TICK_MS: { path: 'indicators.tickMs', type: 'int', description: 'look at dirty windows every … ms' },
  HPG_INDICATORS_SETTLE_MS: {
    path: 'indicators.settleMs',
    type: 'int',
    description: 'quiet time before a recompute, ms',
  },
  HPG_INDICATORS_LIVE_EVERY_MS: {
    path: 'indicators.liveEveryMs',
    type: 'int',
    description: 'recompute the running month at most every … ms',
  },
  HPG_INDICATORS_AVERAGING: { path: 'indicators.averaging', type: 'string', description: 'hour | day' },
  HPG_INDICATORS_CONCURRENCY: { path: 'indicators.concurrency', type: 'int', description: 'devices read at once' },
} as const;
