import { z } from 'zod';

/** Ingest's settings; the limits are what a device may send (defaults per the foundation issue). */
export const IngestConfigSchema = z.object({
  maxPayloadBytes: z
    .number()
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  maxFutureSkewSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Late data is accepted up to this age (stations keep 60 days of logs: Circular 10/2021). */
  maxAgeDays: z.number().int().min(1).max(3650).default(400),
});
export type IngestConfig = z.infer<typeof IngestConfigSchema>;

export const INGEST_ENV = {
  HPG_MAX_PAYLOAD_BYTES: {
    path: 'ingest.maxPayloadBytes',
    type: 'int',
    description: 'largest accepted payload, bytes',
  },
  HPG_MAX_FUTURE_SKEW_SECONDS: {
    path: 'ingest.maxFutureSkewSeconds',
    type: 'int',
    description: 'how far ahead of now a timestamp may be',
  },
  HPG_MAX_AGE_DAYS: { path: 'ingest.maxAgeDays', type: 'int', description: 'oldest accepted timestamp, days' },
} as const;
