import { z } from 'zod';

export const WriterConfigSchema = z.object({
  /** Records per store write; InfluxDB's guidance is 5,000 lines per batch. */
  maxBatch: z.number().int().min(1).max(50_000).default(5_000),
  /** How long to let a batch fill once a record is waiting. */
  maxWaitMs: z.number().int().min(0).max(10_000).default(20),
  group: z.string().min(1).default('writer'),
});
export type WriterConfig = z.infer<typeof WriterConfigSchema>;

export const WRITER_ENV = {
  HPG_WRITER_MAX_BATCH: { path: 'writer.maxBatch', type: 'int', description: 'records per store write' },
  HPG_WRITER_MAX_WAIT_MS: { path: 'writer.maxWaitMs', type: 'int', description: 'wait for a batch to fill, ms' },
} as const;
