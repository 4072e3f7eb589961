import type { Registry } from '@hpg/registry';
import { z } from 'zod';
import type { FrigateServer } from './reconcile.ts';

/** Evidence fetching and reconciliation for cameras behind Frigate NVR. */
export const FrigateServicesConfigSchema = z.object({
  evidence: z
    .object({
      enabled: z.boolean().default(true),
      /** Content-addressed evidence store (police evidence: keep it on protected storage). */
      dir: z.string().min(1).default('var/evidence'),
      maxAttempts: z.number().int().min(1).max(100).default(8),
      baseMs: z.number().int().min(10).default(500),
      maxMs: z.number().int().min(10).default(15_000),
      timeoutMs: z.number().int().min(100).default(10_000),
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .default(10 * 1024 * 1024),
      fetchClip: z.boolean().default(false),
    })
    .prefault({}),
  reconcile: z
    .object({
      enabled: z.boolean().default(true),
      /** Periodic runs besides the one after each reconnection; 0 = only after reconnections. */
      intervalMs: z
        .number()
        .int()
        .min(0)
        .default(5 * 60_000),
    })
    .prefault({}),
});
export type FrigateServicesConfig = z.infer<typeof FrigateServicesConfigSchema>;

export const FRIGATE_SERVICES_ENV = {
  HPG_EVIDENCE_ENABLED: {
    path: 'frigate.evidence.enabled',
    type: 'bool',
    description: 'fetch Frigate snapshots as evidence',
  },
  HPG_EVIDENCE_DIR: { path: 'frigate.evidence.dir', type: 'string', description: 'evidence store directory' },
  HPG_EVIDENCE_FETCH_CLIP: { path: 'frigate.evidence.fetchClip', type: 'bool', description: 'also fetch clips' },
  HPG_FRIGATE_RECONCILE_ENABLED: {
    path: 'frigate.reconcile.enabled',
    type: 'bool',
    description: 'pull /api/events after reconnections',
  },
  HPG_FRIGATE_RECONCILE_INTERVAL_MS: {
    path: 'frigate.reconcile.intervalMs',
    type: 'int',
    description: 'periodic reconciliation, ms',
  },
} as const;

/** The Frigate servers and their cameras, from the registry's bindings (server = binding's baseUrl, else the default). */
export function frigateServers(registry: Registry, defaultBaseUrl: string | undefined): FrigateServer[] {
  const byUrl = new Map<string, Set<string>>();
  for (const d of registry.data.devices) {
    const b = d.enabled ? d.external?.frigate : undefined;
    const url = b?.baseUrl ?? defaultBaseUrl;
    if (b === undefined || url === undefined) continue;
    byUrl.set(url, (byUrl.get(url) ?? new Set()).add(b.camera));
  }
  return [...byUrl].map(([baseUrl, cameras]) => ({ baseUrl, cameras: [...cameras].sort() }));
}
