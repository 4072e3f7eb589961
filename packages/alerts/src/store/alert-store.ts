/**
 * Alerts as stored: the engine's latest snapshot, the lifecycle status people drive, whether the
 * condition still holds, the escalation state and the history (who, when, what, note).
 */
import type { DatabaseSync, SQLOutputValue } from 'node:sqlite';
import { type AlertStatus, LifecycleError, nextStatus } from '../lifecycle.ts';
import { type AlertSnapshot, AlertSnapshotSchema, type Role } from '../model.ts';
import type { Action } from '../signing.ts';
import { inTransaction, openDatabase } from './database.ts';
import { type Delivery, Outbox } from './outbox.ts';

export const HISTORY_ACTIONS = [
  'opened',
  'updated',
  'cleared',
  'escalated',
  'unrouted',
  'acknowledged',
  'resolved',
  'false_alarm',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryEntry {
  readonly at: number;
  readonly action: HistoryAction;
  /** A contact id, a user of the inbox, or `system`. */
  readonly actor: string;
  readonly note: string | null;
}

export interface AlertRecord {
  readonly alert: AlertSnapshot;
  readonly status: AlertStatus;
  /** Whether the engine still sees the condition (false once cleared or quiet). */
  readonly active: boolean;
  readonly clearedAt: number | null;
  readonly role: Role;
  /** Index in the role's chain of the last contact told. */
  readonly escalationLevel: number;
  readonly nextEscalationAt: number | null;
  /** Processing time it was stored (the escalation clock starts here). */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly history: readonly HistoryEntry[];
}

/** An alert's outcome, for the indicators. Times are processing times except `openedAt` (data time). */
export interface AlertOutcome {
  readonly alertId: string;
  readonly localityId: string;
  readonly siteId: string;
  readonly status: AlertStatus;
  readonly openedAt: number;
  /** When the alert was stored and the first message queued: the clock the response times start from. */
  readonly createdAt: number;
  readonly acknowledgedAt: number | null;
  readonly closedAt: number | null;
}

/** A dumping alert's evidence and what became of it, for evidence access and retention. */
export interface EvidenceAlertRef {
  readonly alertId: string;
  readonly status: AlertStatus;
  readonly deviceId: string;
  /** Data time of the first and of the latest detection. */
  readonly openedAt: number;
  readonly lastSeenAt: number;
  /** The incident's events (the first 50). */
  readonly eventIds: readonly string[];
  /** The alert's own snapshot (its best-scored detection's), when stored by hash. */
  readonly snapshotSha256: string | null;
  /** When it was resolved or dismissed (processing time); null while open or acknowledged. */
  readonly closedAt: number | null;
}

export interface AlertQuery {
  readonly localityIds?: readonly string[];
  readonly statuses?: readonly AlertStatus[];
  readonly active?: boolean;
  /** Newest first; default 100, at most 1,000. */
  readonly limit?: number;
}

export interface AlertStoreOptions {
  readonly path: string;
  readonly busyTimeoutMs?: number;
}

const STATUS_OF: Record<Action, HistoryAction> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  false_alarm: 'false_alarm',
};

const MAX_NOTE_CHARS = 2_000;

type Row = Record<string, SQLOutputValue>;
const int = (v: SQLOutputValue | undefined) => (typeof v === 'number' ? v : Number(v ?? 0));
const intOrNull = (v: SQLOutputValue | undefined) => (v === null || v === undefined ? null : int(v));
const text = (v: SQLOutputValue | undefined) => (typeof v === 'string' ? v : String(v ?? ''));

export class AlertStore {
  readonly path: string;
  readonly outbox: Outbox;
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.path = path;
    this.outbox = new Outbox(db);
  }

  /** Opens (creating and migrating) the alert database file. */
  static open(options: AlertStoreOptions): AlertStore {
    return new AlertStore(openDatabase(options.path, options.busyTimeoutMs), options.path);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `work` atomically: the alert changes and the deliveries it queues commit together. */
  transaction<T>(work: () => T): T {
    return inTransaction(this.#db, work);
  }

  get(id: string): AlertRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM alerts WHERE id = ?').get(id);
    return row === undefined ? undefined : this.#record(row);
  }

  list(q: AlertQuery = {}): AlertRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.localityIds !== undefined) {
      where.push(`locality_id IN (${q.localityIds.map(() => '?').join(',') || 'NULL'})`);
      args.push(...q.localityIds);
    }
    if (q.statuses !== undefined) {
      where.push(`status IN (${q.statuses.map(() => '?').join(',') || 'NULL'})`);
      args.push(...q.statuses);
    }
    if (q.active !== undefined) {
      where.push('active = ?');
      args.push(q.active ? 1 : 0);
    }
    const limit = Math.min(1_000, Math.max(1, Math.trunc(q.limit ?? 100)));
    const sql = `SELECT * FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id LIMIT ${limit}`;
    return this.#db
      .prepare(sql)
      .all(...args)
      .map((r) => this.#record(r));
  }

  /**
   * What people did with the alerts of one kind that opened (data time) in [from, to): for the
   * indicators (dumping: confirmed, false alarms, time to acknowledge and to close). No limit:
   * a month of one kind in a city is thousands at most, and each row is small.
   */
  outcomes(q: { kind: string; localityIds: readonly string[]; from: number; to: number }): AlertOutcome[] {
    if (q.localityIds.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT a.id, a.locality_id, a.site_id, a.status, a.opened_at, a.created_at,
           (SELECT MIN(h.at) FROM alert_history h WHERE h.alert_id = a.id AND h.action = 'acknowledged') AS acknowledged_at,
           (SELECT MIN(h.at) FROM alert_history h WHERE h.alert_id = a.id AND h.action IN ('resolved', 'false_alarm')) AS closed_at
         FROM alerts a
         WHERE a.kind = ? AND a.opened_at >= ? AND a.opened_at < ?
           AND a.locality_id IN (SELECT value FROM json_each(?))
         ORDER BY a.opened_at, a.id`,
      )
      .all(q.kind, q.from, q.to, JSON.stringify(q.localityIds));
    return rows.map((r) => ({
      alertId: text(r.id),
      localityId: text(r.locality_id),
      siteId: text(r.site_id),
      status: text(r.status) as AlertStatus,
      openedAt: int(r.opened_at),
      createdAt: int(r.created_at),
      acknowledgedAt: intOrNull(r.acknowledged_at),
      closedAt: intOrNull(r.closed_at),
    }));
  }

  /**
   * Dumping alerts for the evidence service: with `sha256`, those whose snapshot is that file; with
   * `keptSince`, those still kept as evidence — not closed, or resolved at or after `keptSince`.
   * Reads only the columns and JSON fields it needs, so a daily pass over years of alerts is cheap.
   */
  evidenceAlerts(q: { sha256?: string; keptSince?: number } = {}): EvidenceAlertRef[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.sha256 !== undefined) {
      where.push('e.sha256 = ?');
      args.push(q.sha256);
    }
    if (q.keptSince !== undefined) {
      where.push("(e.status IN ('open', 'acknowledged') OR (e.status = 'resolved' AND e.closed_at >= ?))");
      args.push(q.keptSince);
    }
    const rows = this.#db
      .prepare(
        `SELECT * FROM (
           SELECT a.id, a.status, a.device_id, a.opened_at,
             json_extract(a.snapshot, '$.lastSeenAt') AS last_seen_at,
             json_extract(a.snapshot, '$.details.eventIds') AS event_ids,
             json_extract(a.snapshot, '$.details.snapshotSha256') AS sha256,
             (SELECT MIN(h.at) FROM alert_history h
               WHERE h.alert_id = a.id AND h.action IN ('resolved', 'false_alarm')) AS closed_at
           FROM alerts a WHERE a.kind = 'dumping') AS e
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY e.opened_at, e.id`,
      )
      .all(...args);
    return rows.map((r) => ({
      alertId: text(r.id),
      status: text(r.status) as AlertStatus,
      deviceId: text(r.device_id),
      openedAt: int(r.opened_at),
      lastSeenAt: int(r.last_seen_at),
      eventIds: r.event_ids === null ? [] : (JSON.parse(text(r.event_ids)) as string[]),
      snapshotSha256: r.sha256 === null ? null : text(r.sha256),
      closedAt: intOrNull(r.closed_at),
    }));
  }

  /** Stores a new alert as open; false when it is already stored (a replayed event). */
  insert(alert: AlertSnapshot, o: { role: Role; at: number; nextEscalationAt: number | null }): boolean {
    const res = this.#db
      .prepare(
        `INSERT INTO alerts (id, kind, locality_id, site_id, device_id, severity, status, active, opened_at, cleared_at,
           role, escalation_level, next_escalation_at, created_at, updated_at, snapshot)
         VALUES (?, ?, ?, ?, ?, ?, 'open', 1, ?, NULL, ?, 0, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        alert.id,
        alert.kind,
        alert.localityId,
        alert.siteId,
        alert.deviceId,
        alert.severity,
        alert.openedAt,
        o.role,
        o.nextEscalationAt,
        o.at,
        o.at,
        JSON.stringify(alert),
      );
    return res.changes > 0;
  }

  /** Replaces the engine's snapshot (severity, last seen, details); lifecycle and escalation are kept. */
  saveSnapshot(alert: AlertSnapshot, at: number): void {
    this.#db
      .prepare('UPDATE alerts SET severity = ?, snapshot = ?, updated_at = ? WHERE id = ?')
      .run(alert.severity, JSON.stringify(alert), at, alert.id);
  }

  /** The condition ended: no longer active; with `stopEscalation`, nobody more is told about it. */
  markCleared(id: string, clearedAt: number, at: number, stopEscalation: boolean): void {
    this.#db
      .prepare(
        `UPDATE alerts SET active = 0, cleared_at = ?, updated_at = ?,
         next_escalation_at = CASE WHEN ? THEN NULL ELSE next_escalation_at END WHERE id = ?`,
      )
      .run(clearedAt, at, stopEscalation ? 1 : 0, id);
  }

  setEscalation(id: string, level: number, nextAt: number | null, at: number): void {
    this.#db
      .prepare('UPDATE alerts SET escalation_level = ?, next_escalation_at = ?, updated_at = ? WHERE id = ?')
      .run(level, nextAt, at, id);
  }

  /** Open alerts whose next escalation is due, earliest first. */
  dueEscalations(now: number, limit = 100): AlertRecord[] {
    return this.#db
      .prepare(
        `SELECT * FROM alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ? AND status = 'open'
         ORDER BY next_escalation_at, id LIMIT ?`,
      )
      .all(now, limit)
      .map((r) => this.#record(r));
  }

  addHistory(alertId: string, e: HistoryEntry): void {
    this.#db
      .prepare(
        `INSERT INTO alert_history (alert_id, seq, at, action, actor, note)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM alert_history WHERE alert_id = ?), ?, ?, ?, ?)`,
      )
      .run(alertId, alertId, e.at, e.action, e.actor, e.note === null ? null : e.note.slice(0, MAX_NOTE_CHARS));
  }

  /**
   * A person's step in the lifecycle. Refused with a LifecycleError (`not_found`,
   * `invalid_transition`) that says why. Acknowledging again by the one who already acknowledged
   * (a link followed twice) changes nothing and is not an error.
   */
  transition(id: string, action: Action, by: { actor: string; note?: string | null; at: number }): AlertRecord {
    return this.transaction(() => {
      const current = this.get(id);
      if (current === undefined) throw new LifecycleError('not_found', `alert "${id}" does not exist`);
      if (action === 'acknowledge' && current.status === 'acknowledged') {
        const ack = current.history.findLast((h) => h.action === 'acknowledged');
        if (ack?.actor === by.actor) return current;
        throw new LifecycleError(
          'invalid_transition',
          `alert "${id}": already acknowledged by ${ack?.actor ?? 'someone'} at ${new Date(ack?.at ?? 0).toISOString()}`,
        );
      }
      const step = nextStatus(current.status, action);
      if (!step.ok) throw new LifecycleError('invalid_transition', `alert "${id}": ${step.reason}`);
      this.#db
        .prepare(
          `UPDATE alerts SET status = ?, updated_at = ?,
           next_escalation_at = CASE WHEN ? = 'open' THEN next_escalation_at ELSE NULL END WHERE id = ?`,
        )
        .run(step.to, by.at, step.to, id);
      this.addHistory(id, { at: by.at, action: STATUS_OF[action], actor: by.actor, note: by.note ?? null });
      const after = this.get(id);
      if (after === undefined) throw new LifecycleError('not_found', `alert "${id}" does not exist`);
      return after;
    });
  }

  /** An alert with its deliveries: attempts, last error, delivered at, per channel and contact. */
  withDeliveries(id: string): { record: AlertRecord; deliveries: Delivery[] } | undefined {
    const record = this.get(id);
    return record === undefined ? undefined : { record, deliveries: this.outbox.forAlert(id) };
  }

  #record(r: Row): AlertRecord {
    const id = text(r.id);
    const history = this.#db
      .prepare('SELECT at, action, actor, note FROM alert_history WHERE alert_id = ? ORDER BY seq')
      .all(id)
      .map((h) => ({
        at: int(h.at),
        action: text(h.action) as HistoryAction,
        actor: text(h.actor),
        note: h.note === null ? null : text(h.note),
      }));
    return {
      alert: AlertSnapshotSchema.parse(JSON.parse(text(r.snapshot))),
      status: text(r.status) as AlertStatus,
      active: int(r.active) === 1,
      clearedAt: intOrNull(r.cleared_at),
      role: text(r.role) as Role,
      escalationLevel: int(r.escalation_level),
      nextEscalationAt: intOrNull(r.next_escalation_at),
      createdAt: int(r.created_at),
      updatedAt: int(r.updated_at),
      history,
    };
  }
}
