/**
 * Where the all-in-one keeps evidence and its audit log: the directory ingest writes Frigate
 * snapshots to, and the audit file beside the store (with the alert store), so all data lives in
 * one directory. Shared by the process and `pnpm evidence:retention`.
 */
import { dirname, join, resolve } from 'node:path';
import type { AllInOneConfig } from './config.ts';

export function evidencePaths(config: AllInOneConfig): {
  dir: string;
  auditPath: string;
  alertStorePath: string;
  storePath: string;
} {
  const storePath = resolve(config.store.path);
  return {
    dir: resolve(config.evidence.dir ?? config.frigate.evidence.dir),
    auditPath: resolve(config.evidence.auditPath ?? join(dirname(storePath), 'evidence-audit.sqlite')),
    alertStorePath: resolve(config.alerts.storePath ?? join(dirname(storePath), 'alerts.sqlite')),
    storePath,
  };
}
