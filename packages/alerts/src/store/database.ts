/**
 * The alert database: one SQLite file (node:sqlite, WAL) holding the alerts, their history and
 * the delivery outbox, so recording an alert and queueing its messages commit together — an alert
 * is never stored without its notifications, nor a notification queued for an alert that is not.
 *
 * node:sqlite is synchronous: each call runs start to end within one turn of the event loop, so
 * a transaction cannot interleave with another call of this process. WAL with synchronous=NORMAL
 * survives a process crash; a power cut may lose the last commits, never corrupt the file (the
 * same trade as @hpg/store-sqlite).
 */
import { DatabaseSync } from 'node:sqlite';

/**
 * Ordered migrations; `PRAGMA user_version` counts those applied. A released migration is never
 * edited: a change is a new entry at the end.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    locality_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    active INTEGER NOT NULL,
    opened_at INTEGER NOT NULL,
    cleared_at INTEGER,
    role TEXT NOT NULL,
    escalation_level INTEGER NOT NULL,
    next_escalation_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    snapshot TEXT NOT NULL
  ) STRICT;
  CREATE INDEX alerts_by_locality ON alerts (locality_id, opened_at);
  CREATE INDEX alerts_by_status ON alerts (status, opened_at);
  CREATE INDEX alerts_escalation_due ON alerts (next_escalation_at) WHERE next_escalation_at IS NOT NULL;

  CREATE TABLE alert_history (
    alert_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (alert_id, seq)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    alert_id TEXT NOT NULL,
    notice TEXT NOT NULL,
    channel TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    address TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_error TEXT,
    delivered_at INTEGER
  ) STRICT;
  CREATE INDEX deliveries_due ON deliveries (channel, next_attempt_at) WHERE status = 'pending';
  CREATE INDEX deliveries_by_alert ON deliveries (alert_id, id);
  `,
];

export class SchemaTooNewError extends Error {
  constructor(version: number) {
    super(`alert database schema ${version} is newer than this code knows (${MIGRATIONS.length}); upgrade the code`);
    this.name = 'SchemaTooNewError';
  }
}

function userVersion(db: DatabaseSync): number {
  const v = db.prepare('PRAGMA user_version').get()?.user_version;
  return typeof v === 'number' ? v : 0;
}

export function openDatabase(path: string, busyTimeoutMs = 5_000): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    let version = userVersion(db);
    if (version > MIGRATIONS.length) throw new SchemaTooNewError(version);
    while (version < MIGRATIONS.length) {
      inTransaction(db, () => {
        version = userVersion(db);
        if (version >= MIGRATIONS.length) return;
        db.exec(MIGRATIONS[version] ?? '');
        version += 1;
        db.exec(`PRAGMA user_version = ${version}`);
      });
    }
    return db;
  } catch (err) {
    if (db.isOpen) db.close();
    throw err;
  }
}

/** Runs `work` in one IMMEDIATE transaction, or inside the caller's when one is open. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = work();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
