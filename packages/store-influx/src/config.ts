import { z } from 'zod';
import type { InfluxStoreOptions } from './influx-store.ts';

/** InfluxDB settings of the services that use the store on InfluxDB. */
export const InfluxConfigSchema = z.object({
  url: z.string().url(),
  database: z.string().min(1).default('hpg'),
  retentionPolicy: z.string().min(1).optional(),
  /** 2.x/3.x API token. */
  token: z.string().min(1).optional(),
  /** 1.x with authentication on. */
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  batchSize: z.number().int().min(1).max(100_000).default(5_000),
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  /** 1.x: create the database at start (2.x needs a bucket and DBRP mapping made beforehand). */
  createDatabase: z.boolean().default(true),
});
export type InfluxConfig = z.infer<typeof InfluxConfigSchema>;

export const INFLUX_ENV = {
  HPG_INFLUX_URL: { path: 'influx.url', type: 'string', description: 'InfluxDB base URL' },
  HPG_INFLUX_DATABASE: { path: 'influx.database', type: 'string', description: 'database (2.x: DBRP-mapped db)' },
  HPG_INFLUX_RETENTION_POLICY: { path: 'influx.retentionPolicy', type: 'string', description: 'retention policy' },
  HPG_INFLUX_TOKEN: { path: 'influx.token', type: 'string', description: '2.x/3.x API token' },
  HPG_INFLUX_USERNAME: { path: 'influx.username', type: 'string', description: '1.x user' },
  HPG_INFLUX_PASSWORD: { path: 'influx.password', type: 'string', description: '1.x password' },
  HPG_INFLUX_CREATE_DATABASE: {
    path: 'influx.createDatabase',
    type: 'bool',
    description: 'create the db at start (1.x)',
  },
} as const;

export function toInfluxOptions(c: InfluxConfig): InfluxStoreOptions {
  const auth =
    c.token !== undefined
      ? { token: c.token }
      : c.username !== undefined
        ? { username: c.username, password: c.password ?? '' }
        : undefined;
  return {
    url: c.url,
    database: c.database,
    ...(c.retentionPolicy !== undefined && { retentionPolicy: c.retentionPolicy }),
    ...(auth !== undefined && { auth }),
    batchSize: c.batchSize,
    timeoutMs: c.timeoutMs,
    createDatabase: c.createDatabase,
  };
}
