/**
 * The evidence audit log and the holds, in one SQLite file (node:sqlite, WAL).
 *
 * Every access attempt to evidence — served or refused — and every deletion and hold is one row:
 * when, who, what, which file, which alert if known, from where, and why. The log is append-only
 * twice over: triggers refuse UPDATE and DELETE, and each row carries the SHA-256 of the previous
 * row's hash and its own fields, so an edit or a removal in the middle of the log breaks the chain
 * (`verify()`). The chain cannot tell a log rewritten from scratch by someone holding the file; the
 * retention job logs the head of the chain each day so it can be compared with the service logs.
 *
 * Holds: evidence an officer asked to keep regardless of age (an investigation, a court case),
 * until the hold is released.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';

export const AUDIT_ACTIONS = ['view', 'download', 'denied', 'deleted', 'held', 'released'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  readonly at: number;
  /** A contact id (signed link), a user (until sign-in, the x-hpg-user header), or `system:…`. */
  readonly actor: string;
  readonly action: AuditAction;
  readonly sha256: string | null;
  readonly alertId: string | null;
  readonly remoteAddress: string | null;
  readonly reason: string | null;
}

export interface AuditEntry extends AuditInput {
  readonly id: number;
  readonly hash: string;
}

export interface AuditQuery {
  readonly sha256?: string;
  readonly actor?: string;
  readonly action?: AuditAction;
  readonly alertId?: string;
  /** Half-open [from, to), epoch ms. */
  readonly from?: number;
  readonly to?: number;
  /** Newest first; default 100, at most 1,000. */
  readonly limit?: number;
}

export interface Hold {
  readonly sha256: string;
  readonly actor: string;
  readonly note: string | null;
  readonly at: number;
}

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE evidence_audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('view', 'download', 'denied', 'deleted', 'held', 'released')),
    sha256 TEXT,
    alert_id TEXT,
    remote_address TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX evidence_audit_by_sha ON evidence_audit (sha256, at);
  CREATE INDEX evidence_audit_by_at ON evidence_audit (at);
  CREATE TRIGGER evidence_audit_no_update BEFORE UPDATE ON evidence_audit
    BEGIN SELECT RAISE(ABORT, 'the evidence audit log is append-only'); END;
  CREATE TRIGGER evidence_audit_no_delete BEFORE DELETE ON evidence_audit
    BEGIN SELECT RAISE(ABORT, 'the evidence audit log is append-only'); END;

  CREATE TABLE evidence_holds (
    sha256 TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    note TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  `,
];

export const GENESIS_HASH = '0'.repeat(64);
const LIMITS = { actor: 128, alertId: 256, remote: 64, reason: 500, note: 2_000 } as const;

const cut = (s: string | null, n: number) => (s === null ? null : s.length > n ? `${s.slice(0, n - 1)}…` : s);
const int = (v: SQLOutputValue | undefined) => (typeof v === 'number' ? v : Number(v ?? 0));
const str = (v: SQLOutputValue | undefined) => (v === null || v === undefined ? null : String(v));

/** The chain link: SHA-256 of the previous hash and the row's fields, in a fixed order. */
function linkHash(prev: string, id: number, e: AuditInput): string {
  const fields = [id, e.at, e.actor, e.action, e.sha256, e.alertId, e.remoteAddress, e.reason];
  return createHash('sha256')
    .update(`${prev}\n${JSON.stringify(fields)}`, 'utf8')
    .digest('hex');
}

export class EvidenceAudit {
  readonly path: string;
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.path = path;
  }

  static open(options: { path: string; busyTimeoutMs?: number }): EvidenceAudit {
    const db = new DatabaseSync(options.path);
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5_000))}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      const version = () => int(db.prepare('PRAGMA user_version').get()?.user_version);
      if (version() > MIGRATIONS.length) {
        throw new Error(`evidence audit schema ${version()} is newer than this code knows (${MIGRATIONS.length})`);
      }
      while (version() < MIGRATIONS.length) {
        db.exec('BEGIN IMMEDIATE');
        try {
          const v = version();
          if (v < MIGRATIONS.length) {
            db.exec(MIGRATIONS[v] ?? '');
            db.exec(`PRAGMA user_version = ${v + 1}`);
          }
          db.exec('COMMIT');
        } catch (err) {
          if (db.isTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }
      return new EvidenceAudit(db, options.path);
    } catch (err) {
      if (db.isOpen) db.close();
      throw err;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #tx<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Appends one entry, chained to the last; several processes may append (the write lock orders them). */
  append(input: AuditInput): AuditEntry {
    const e: AuditInput = {
      at: Math.trunc(input.at),
      actor: cut(input.actor, LIMITS.actor) ?? '',
      action: input.action,
      sha256: input.sha256,
      alertId: cut(input.alertId, LIMITS.alertId),
      remoteAddress: cut(input.remoteAddress, LIMITS.remote),
      reason: cut(input.reason, LIMITS.reason),
    };
    return this.#tx(() => {
      const last = this.#db.prepare('SELECT id, hash FROM evidence_audit ORDER BY id DESC LIMIT 1').get();
      const id = last === undefined ? 1 : int(last.id) + 1;
      const prev = last === undefined ? GENESIS_HASH : String(last.hash);
      const hash = linkHash(prev, id, e);
      this.#db
        .prepare(
          `INSERT INTO evidence_audit (id, at, actor, action, sha256, alert_id, remote_address, reason, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, e.at, e.actor, e.action, e.sha256, e.alertId, e.remoteAddress, e.reason, prev, hash);
      return { ...e, id, hash };
    });
  }

  query(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      args.push(value);
    };
    eq('sha256', q.sha256);
    eq('actor', q.actor);
    eq('action', q.action);
    eq('alert_id', q.alertId);
    if (q.from !== undefined) {
      where.push('at >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('at < ?');
      args.push(q.to);
    }
    const limit = Math.min(1_000, Math.max(1, Math.trunc(q.limit ?? 100)));
    return this.#db
      .prepare(
        `SELECT * FROM evidence_audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT ${limit}`,
      )
      .all(...args)
      .map((r) => ({
        id: int(r.id),
        at: int(r.at),
        actor: String(r.actor),
        action: String(r.action) as AuditAction,
        sha256: str(r.sha256),
        alertId: str(r.alert_id),
        remoteAddress: str(r.remote_address),
        reason: str(r.reason),
        hash: String(r.hash),
      }));
  }

  /** The newest entry's hash (the genesis hash for an empty log) and how many entries there are. */
  head(): { readonly id: number; readonly hash: string } {
    const last = this.#db.prepare('SELECT id, hash FROM evidence_audit ORDER BY id DESC LIMIT 1').get();
    return last === undefined ? { id: 0, hash: GENESIS_HASH } : { id: int(last.id), hash: String(last.hash) };
  }

  /** Recomputes the chain from the first entry; names the first entry that does not fit. */
  verify(): { readonly ok: boolean; readonly checked: number; readonly brokenAt: number | null } {
    let prev = GENESIS_HASH;
    let expectedId = 1;
    let checked = 0;
    for (const r of this.#db.prepare('SELECT * FROM evidence_audit ORDER BY id').iterate()) {
      const id = int(r.id);
      const e: AuditInput = {
        at: int(r.at),
        actor: String(r.actor),
        action: String(r.action) as AuditAction,
        sha256: str(r.sha256),
        alertId: str(r.alert_id),
        remoteAddress: str(r.remote_address),
        reason: str(r.reason),
      };
      if (id !== expectedId || String(r.prev_hash) !== prev || String(r.hash) !== linkHash(prev, id, e)) {
        return { ok: false, checked, brokenAt: id };
      }
      prev = String(r.hash);
      expectedId = id + 1;
      checked++;
    }
    return { ok: true, checked, brokenAt: null };
  }

  /** Holds `sha256` (recorded in the log with the actor); false when it was already held. */
  hold(h: Hold & { readonly remoteAddress?: string | null }): boolean {
    return this.#tx(() => {
      const res = this.#db
        .prepare('INSERT INTO evidence_holds (sha256, actor, note, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(h.sha256, cut(h.actor, LIMITS.actor), cut(h.note, LIMITS.note), h.at);
      if (res.changes === 0) return false;
      this.append({
        at: h.at,
        actor: h.actor,
        action: 'held',
        sha256: h.sha256,
        alertId: null,
        remoteAddress: h.remoteAddress ?? null,
        reason: h.note,
      });
      return true;
    });
  }

  /** Releases a hold (recorded in the log); false when there was none. */
  release(r: {
    readonly sha256: string;
    readonly actor: string;
    readonly note: string | null;
    readonly at: number;
    readonly remoteAddress?: string | null;
  }): boolean {
    return this.#tx(() => {
      const res = this.#db.prepare('DELETE FROM evidence_holds WHERE sha256 = ?').run(r.sha256);
      if (res.changes === 0) return false;
      this.append({
        at: r.at,
        actor: r.actor,
        action: 'released',
        sha256: r.sha256,
        alertId: null,
        remoteAddress: r.remoteAddress ?? null,
        reason: r.note,
      });
      return true;
    });
  }

  getHold(sha256: string): Hold | undefined {
    const r = this.#db.prepare('SELECT * FROM evidence_holds WHERE sha256 = ?').get(sha256);
    return r === undefined
      ? undefined
      : { sha256: String(r.sha256), actor: String(r.actor), note: str(r.note), at: int(r.at) };
  }

  holds(): Hold[] {
    return this.#db
      .prepare('SELECT * FROM evidence_holds ORDER BY at, sha256')
      .all()
      .map((r) => ({ sha256: String(r.sha256), actor: String(r.actor), note: str(r.note), at: int(r.at) }));
  }
}
