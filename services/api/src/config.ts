import { z } from 'zod';

export const ApiConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Most rows one query returns. */
  maxLimit: z.number().int().min(1).max(100_000).default(10_000),
});
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export const API_ENV = {
  HPG_API_HOST: { path: 'api.host', type: 'string', description: 'HTTP API listen address' },
  HPG_API_PORT: { path: 'api.port', type: 'int', description: 'HTTP API port' },
} as const;
