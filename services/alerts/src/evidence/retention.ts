/**
 * Evidence retention: files older than the retention period are deleted unless they are kept as
 * evidence. Kept as evidence:
 *   - held (an officer's hold, until released);
 *   - the snapshot of a dumping alert that is not closed (open, acknowledged), or that was resolved
 *     within the retention period — an incident that was dealt with keeps its evidence for the
 *     period after its resolution; a false alarm's does not outlive the period;
 *   - with the detection store at hand, the snapshots of every detection of such an alert's events.
 * Each deletion is written to the audit log (actor `system:retention`). Detections keep their
 * `snapshotSha256`: the record stays, the file goes, and an access after that is refused
 * `not_found` (and audited).
 *
 * A file's age is its modification time: ingest writes each file once (temporary file, rename)
 * and never rewrites it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AlertStore } from '@hpg/alerts';
import type { Logger } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { EvidenceAudit } from './audit.ts';
import { type EvidenceEntry, EvidenceStore } from './store.ts';

export const DAY_MS = 86_400_000;
export const RETENTION_ACTOR = 'system:retention';

export interface RetentionDeps {
  readonly store: EvidenceStore;
  readonly audit: EvidenceAudit;
  /** The alert store (dumping alerts and their lifecycle); without it only holds and age count. */
  readonly alerts?: Pick<AlertStore, 'evidenceAlerts'>;
  /** The detection store: an alert kept as evidence keeps every detection's snapshot, not only its best. */
  readonly detections?: Pick<Store, 'queryDetections'>;
  readonly logger?: Logger;
}

export interface RetentionOptions {
  readonly now: number;
  readonly days: number;
  /** Reports what would be deleted; deletes nothing and writes nothing to the audit log. */
  readonly dryRun: boolean;
}

export type KeptBecause = 'young' | 'held' | 'alert';

export interface RetentionItem {
  readonly sha256: string;
  readonly ext: string;
  readonly path: string;
  readonly size: number;
  readonly storedAt: number;
  readonly ageDays: number;
  /** An alert that shows this file (not one that keeps it), when known. */
  readonly alertId: string | null;
  readonly alertStatus: string | null;
}

export interface RetentionReport {
  readonly at: number;
  readonly days: number;
  /** Files stored before this are past the period. */
  readonly cutoff: number;
  readonly dryRun: boolean;
  readonly scanned: number;
  readonly kept: Readonly<Record<KeptBecause, number>>;
  /** Deleted — or, in a dry run, what would be. */
  readonly deleted: readonly RetentionItem[];
  readonly failed: readonly { readonly item: RetentionItem; readonly error: string }[];
  /** Files past the period kept by an alert or a hold: which and why. */
  readonly keptOld: readonly (RetentionItem & { readonly because: 'held' | 'alert'; readonly by: string })[];
}

/** The files kept by alerts: hash → the alert keeping it. */
async function keptByAlerts(deps: RetentionDeps, cutoff: number): Promise<Map<string, string>> {
  const kept = new Map<string, string>();
  if (deps.alerts === undefined) return kept;
  for (const ref of deps.alerts.evidenceAlerts({ keptSince: cutoff })) {
    if (ref.snapshotSha256 !== null && !kept.has(ref.snapshotSha256)) kept.set(ref.snapshotSha256, ref.alertId);
    if (deps.detections === undefined || ref.eventIds.length === 0) continue;
    const events = new Set(ref.eventIds);
    // The incident's events were detected from its opening to its last sighting; later states of
    // an event may carry a later time, and a late-arriving one an earlier time.
    const found = await deps.detections.queryDetections({
      deviceId: ref.deviceId,
      from: ref.openedAt - 3_600_000,
      to: ref.lastSeenAt + DAY_MS,
      limit: 10_000,
    });
    for (const d of found) {
      if (events.has(d.eventId) && d.snapshotSha256 !== null && !kept.has(d.snapshotSha256)) {
        kept.set(d.snapshotSha256, ref.alertId);
      }
    }
  }
  return kept;
}

/** Whether an alert keeps `sha256` right now (checked again just before a deletion). */
function keptNow(deps: RetentionDeps, sha256: string, cutoff: number): string | undefined {
  return deps.alerts?.evidenceAlerts({ sha256, keptSince: cutoff })[0]?.alertId;
}

export async function runRetention(deps: RetentionDeps, o: RetentionOptions): Promise<RetentionReport> {
  const cutoff = o.now - o.days * DAY_MS;
  const byAlert = await keptByAlerts(deps, cutoff);
  const kept: Record<KeptBecause, number> = { young: 0, held: 0, alert: 0 };
  const deleted: RetentionItem[] = [];
  const failed: { item: RetentionItem; error: string }[] = [];
  const keptOld: (RetentionItem & { because: 'held' | 'alert'; by: string })[] = [];
  let scanned = 0;

  const itemOf = (e: EvidenceEntry): RetentionItem => {
    const shown = deps.alerts?.evidenceAlerts({ sha256: e.sha256 })[0];
    return {
      sha256: e.sha256,
      ext: e.ext,
      path: e.path,
      size: e.size,
      storedAt: e.storedAt,
      ageDays: Math.floor((o.now - e.storedAt) / DAY_MS),
      alertId: shown?.alertId ?? null,
      alertStatus: shown?.status ?? null,
    };
  };

  for await (const entry of deps.store.entries()) {
    scanned++;
    if (entry.storedAt >= cutoff) {
      kept.young++;
      continue;
    }
    // Holds, and alerts besides those read at the start, are checked per file: one may have come
    // while the job ran.
    const hold = deps.audit.getHold(entry.sha256);
    if (hold !== undefined) {
      kept.held++;
      keptOld.push({ ...itemOf(entry), because: 'held', by: hold.actor });
      continue;
    }
    const alertId = byAlert.get(entry.sha256) ?? keptNow(deps, entry.sha256, cutoff);
    if (alertId !== undefined) {
      kept.alert++;
      keptOld.push({ ...itemOf(entry), because: 'alert', by: alertId });
      continue;
    }
    const item = itemOf(entry);
    if (o.dryRun) {
      deleted.push(item);
      continue;
    }
    try {
      if (await deps.store.remove(entry)) {
        deleted.push(item);
        deps.audit.append({
          at: o.now,
          actor: RETENTION_ACTOR,
          action: 'deleted',
          sha256: entry.sha256,
          alertId: item.alertId,
          remoteAddress: null,
          reason:
            `older than ${o.days} days: stored ${new Date(entry.storedAt).toISOString()}, ${entry.size} bytes` +
            (item.alertStatus === null ? '' : `; alert ${item.alertStatus}`),
        });
      }
    } catch (err) {
      failed.push({ item, error: (err as Error).message });
      deps.logger?.error({ err, sha256: entry.sha256, path: entry.path }, 'evidence retention: delete failed');
    }
  }
  return { at: o.now, days: o.days, cutoff, dryRun: o.dryRun, scanned, kept, deleted, failed, keptOld };
}

/** The report as lines for a terminal (`pnpm evidence:retention`). */
export function formatRetentionReport(r: RetentionReport): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would delete' : 'deleted';
  for (const d of r.deleted) {
    const alert = d.alertId === null ? '' : `  alert ${d.alertId} (${d.alertStatus})`;
    lines.push(`${verb}  ${d.sha256}.${d.ext}  ${d.ageDays} days  ${d.size} bytes${alert}`);
  }
  for (const k of r.keptOld) {
    lines.push(
      `kept (${k.because === 'held' ? `held by ${k.by}` : `alert ${k.by}`})  ${k.sha256}.${k.ext}  ${k.ageDays} days`,
    );
  }
  for (const f of r.failed) lines.push(`FAILED  ${f.item.sha256}.${f.item.ext}: ${f.error}`);
  lines.push(
    `${r.dryRun ? 'dry run: ' : ''}${r.scanned} files, ${r.deleted.length} ${verb}, kept ${r.kept.young} younger than ${r.days} days, ` +
      `${r.kept.alert} by alerts, ${r.kept.held} held${r.failed.length > 0 ? `, ${r.failed.length} failed` : ''}`,
  );
  return lines.join('\n');
}

/**
 * One pass outside a running service (`pnpm evidence:retention`): opens the audit log, and the
 * alert store when its file exists, runs, closes. Safe beside the running process: both files are
 * SQLite in WAL mode, and audit appends are serialised by the write lock.
 */
export async function retentionOnce(
  where: { readonly dir: string; readonly auditPath: string; readonly alertStorePath?: string },
  o: RetentionOptions & { readonly detections?: Pick<Store, 'queryDetections'>; readonly logger?: Logger },
): Promise<RetentionReport> {
  mkdirSync(dirname(resolve(where.auditPath)), { recursive: true });
  const audit = EvidenceAudit.open({ path: resolve(where.auditPath) });
  const alerts =
    where.alertStorePath !== undefined && existsSync(where.alertStorePath)
      ? AlertStore.open({ path: where.alertStorePath })
      : undefined;
  try {
    return await runRetention(
      {
        store: new EvidenceStore({ dir: resolve(where.dir) }),
        audit,
        ...(alerts === undefined ? {} : { alerts }),
        ...(o.detections === undefined ? {} : { detections: o.detections }),
        ...(o.logger === undefined ? {} : { logger: o.logger }),
      },
      o,
    );
  } finally {
    alerts?.close();
    audit.close();
  }
}
