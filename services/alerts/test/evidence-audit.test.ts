/** The evidence audit log: append-only, hash-chained, queryable; holds recorded in it. */
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuditInput, EvidenceAudit, GENESIS_HASH } from '../src/index.ts';
import { type Scratch, scratch, sha256Of } from './helpers/evidence.ts';

const A = sha256Of('a');
const B = sha256Of('b');
const entry = (over: Partial<AuditInput> = {}): AuditInput => ({
  at: 1_000,
  actor: 'ca-vinh-am',
  action: 'view',
  sha256: A,
  alertId: null,
  remoteAddress: '127.0.0.1',
  reason: null,
  ...over,
});

describe('evidence audit log', () => {
  let s: Scratch;
  const open: EvidenceAudit[] = [];
  const audit = () => {
    const a = EvidenceAudit.open({ path: s.auditPath });
    open.push(a);
    return a;
  };
  afterEach(() => {
    for (const a of open.splice(0)) a.close();
    s?.cleanup();
  });

  it('answers by file, actor, action, alert and time, newest first', () => {
    s = scratch();
    const log = audit();
    log.append(entry({ at: 1_000 }));
    log.append(entry({ at: 2_000, action: 'denied', actor: 'anonymous', reason: 'no_credentials' }));
    log.append(entry({ at: 3_000, sha256: B, alertId: 'dumping:c:-:1', action: 'download' }));
    log.append(entry({ at: 4_000, sha256: null, action: 'denied', reason: 'invalid_hash: "../x"' }));
    expect(log.query().map((e) => e.at)).toEqual([4_000, 3_000, 2_000, 1_000]);
    expect(log.query({ sha256: A }).map((e) => e.at)).toEqual([2_000, 1_000]);
    expect(log.query({ action: 'denied' }).map((e) => e.reason)).toEqual(['invalid_hash: "../x"', 'no_credentials']);
    expect(log.query({ actor: 'anonymous' })).toHaveLength(1);
    expect(log.query({ alertId: 'dumping:c:-:1' })[0]).toMatchObject({ sha256: B, action: 'download' });
    expect(log.query({ from: 2_000, to: 4_000 }).map((e) => e.at)).toEqual([3_000, 2_000]);
    expect(log.query({ limit: 1 })).toHaveLength(1);
  });

  it('refuses to change or remove an entry', () => {
    s = scratch();
    const log = audit();
    log.append(entry());
    const db = new DatabaseSync(s.auditPath);
    try {
      expect(() => db.exec("UPDATE evidence_audit SET actor = 'someone else'")).toThrow(/append-only/);
      expect(() => db.exec('DELETE FROM evidence_audit')).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(log.query()[0]?.actor).toBe('ca-vinh-am');
  });

  it('chains every entry to the one before, across connections, and finds an edit', () => {
    s = scratch();
    const first = audit();
    const second = audit(); // another process on the same file
    first.append(entry({ at: 1 }));
    second.append(entry({ at: 2 }));
    first.append(entry({ at: 3 }));
    expect(first.verify()).toEqual({ ok: true, checked: 3, brokenAt: null });
    expect(second.head()).toEqual({ id: 3, hash: first.query({ limit: 1 })[0]?.hash });
    // Someone with the file drops the guard and rewrites the middle entry.
    const db = new DatabaseSync(s.auditPath);
    try {
      db.exec('DROP TRIGGER evidence_audit_no_update');
      db.exec("UPDATE evidence_audit SET actor = 'nobody' WHERE id = 2");
    } finally {
      db.close();
    }
    expect(first.verify()).toEqual({ ok: false, checked: 1, brokenAt: 2 });
  });

  it('starts from the genesis hash', () => {
    s = scratch();
    const log = audit();
    expect(log.head()).toEqual({ id: 0, hash: GENESIS_HASH });
    expect(log.verify()).toEqual({ ok: true, checked: 0, brokenAt: null });
  });

  it('records holds and their release in the log', () => {
    s = scratch();
    const log = audit();
    expect(log.hold({ sha256: A, actor: 'ca-vinh-am', note: 'vụ việc 12/2026', at: 10 })).toBe(true);
    expect(log.hold({ sha256: A, actor: 'someone', note: null, at: 11 })).toBe(false);
    expect(log.getHold(A)).toEqual({ sha256: A, actor: 'ca-vinh-am', note: 'vụ việc 12/2026', at: 10 });
    expect(log.holds().map((h) => h.sha256)).toEqual([A]);
    expect(log.release({ sha256: B, actor: 'x', note: null, at: 12 })).toBe(false);
    expect(log.release({ sha256: A, actor: 'auditor-1', note: 'case closed', at: 13 })).toBe(true);
    expect(log.getHold(A)).toBeUndefined();
    expect(log.query().map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['released', 'auditor-1', 'case closed'],
      ['held', 'ca-vinh-am', 'vụ việc 12/2026'],
    ]);
  });

  it('bounds what a caller can write into it', () => {
    s = scratch();
    const log = audit();
    const e = log.append(entry({ actor: 'x'.repeat(1_000), reason: 'y'.repeat(10_000) }));
    expect(e.actor.length).toBe(128);
    expect(e.reason?.length).toBe(500);
    expect(log.verify().ok).toBe(true);
  });
});
