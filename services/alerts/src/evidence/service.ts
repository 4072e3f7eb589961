/**
 * The evidence service: who may open which evidence file, the audit log of every attempt, holds,
 * and the daily retention job.
 *
 * Who is asking is one of:
 *   - a signed evidence link (`?token=`, from a police message): the contact it was sent to, for
 *     the one file or the one alert it names, until it expires — no login needed;
 *   - a signed-in user (sign-in, issue #9: the principal the access-control hook put on the
 *     request), for the roles allowed to see evidence — on the file routes through a short-lived
 *     link of their own (`issueLink`), since those routes are public to the hook;
 *   - the `x-hpg-user` / `x-hpg-role` headers, the placeholder from before sign-in, trusted only
 *     where the configuration turns it on, for the same roles.
 * Every attempt, served or refused, is written to the audit log before the answer leaves.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AlertStore, signEvidence, verifyEvidence } from '@hpg/alerts';
import { Counter, type Logger, type Registry as MetricsRegistry } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { EvidenceAudit } from './audit.ts';
import type { EvidenceConfig } from './config.ts';
import { type RetentionReport, runRetention } from './retention.ts';
import { type EvidenceFile, EvidenceStore, isSha256 } from './store.ts';

export interface EvidenceServiceDeps {
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Action-link secrets: evidence links are signed with the same keys (their own context). */
  readonly linkSecrets: readonly string[];
  /** The alert store, when alerts run: which alert shows a file, which alerts keep theirs. */
  readonly alerts?: () => AlertStore | undefined;
  /** The detection store, so an alert kept as evidence keeps all its detections' snapshots. */
  readonly detections?: Pick<Store, 'queryDetections'>;
  readonly now?: () => number;
}

export type EvidenceServiceConfig = EvidenceConfig & { readonly dir: string; readonly auditPath: string };

/** Why an access was refused; each maps to an HTTP status and a bilingual text in the routes. */
export const DENIALS = [
  'invalid_hash',
  'no_credentials',
  'invalid_link',
  'link_expired',
  'link_scope',
  'role_not_allowed',
  'not_found',
  'not_yet_available',
  'too_large',
  'hash_mismatch',
] as const;
export type Denial = (typeof DENIALS)[number];

/**
 * The caller besides a signed link: a signed-in user (`session`, from sign-in) or the header
 * placeholder (`header`, trusted only when configured).
 */
export interface Caller {
  readonly actor: string | undefined;
  readonly role: string | undefined;
  readonly via: 'session' | 'header';
}

export interface AccessRequest {
  readonly target: { readonly sha256: string } | { readonly alertId: string };
  readonly token?: string | undefined;
  readonly user?: Caller | undefined;
  readonly download: boolean;
  readonly remoteAddress: string | null;
}

export type AccessOutcome =
  | {
      readonly ok: true;
      readonly file: EvidenceFile;
      readonly action: 'view' | 'download';
      readonly actor: string;
      readonly alertId: string | null;
    }
  | { readonly ok: false; readonly denial: Denial; readonly actor: string; readonly alertId: string | null };

export type HoldOutcome = 'held' | 'already_held' | 'released' | 'not_held' | 'not_found' | 'invalid_hash';

const ANONYMOUS = 'anonymous';
const ACTOR_PATTERN = /^[\p{L}\p{N}._@:+-]{1,128}$/u;

/** Quotes what a caller sent for the log, bounded (a traversal attempt is kept, not trusted). */
const quoted = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

export class EvidenceService {
  readonly store: EvidenceStore;
  readonly #d: EvidenceServiceDeps;
  readonly #c: EvidenceServiceConfig;
  readonly #now: () => number;
  readonly #access: Counter;
  readonly #integrity: Counter;
  readonly #deletedCount: Counter;
  /** Whether the x-hpg-user / x-hpg-role placeholder is trusted. */
  readonly userHeader: boolean;
  #audit: EvidenceAudit | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;
  #stopped = false;

  constructor(deps: EvidenceServiceDeps, config: EvidenceServiceConfig) {
    this.#d = deps;
    this.#c = config;
    this.#now = deps.now ?? Date.now;
    this.userHeader = config.access.userHeader;
    this.store = new EvidenceStore({ dir: resolve(config.dir) });
    this.#access = new Counter({
      name: 'hpg_evidence_access_total',
      help: 'Evidence access attempts: action view, download or denied, with the reason of a denial',
      labelNames: ['action', 'reason'],
      registers: [deps.metrics],
    });
    this.#integrity = new Counter({
      name: 'hpg_evidence_integrity_failures_total',
      help: 'Evidence files whose bytes no longer match their hash (refused, never served)',
      registers: [deps.metrics],
    });
    this.#deletedCount = new Counter({
      name: 'hpg_evidence_retention_deleted_total',
      help: 'Evidence files deleted by the retention job',
      registers: [deps.metrics],
    });
  }

  get audit(): EvidenceAudit {
    if (this.#audit === undefined) throw new Error('evidence service not started');
    return this.#audit;
  }

  /** Opens the audit log and schedules the retention job. */
  start(): void {
    if (this.#audit !== undefined) return;
    const path = resolve(this.#c.auditPath);
    mkdirSync(dirname(path), { recursive: true });
    this.#audit = EvidenceAudit.open({ path });
    this.#d.logger.info(
      { dir: this.store.dir, audit: path, userHeader: this.userHeader, retentionDays: this.#c.retention.days },
      this.userHeader
        ? 'evidence: signed links, signed-in users and the x-hpg-user header placeholder'
        : 'evidence: signed links and signed-in users',
    );
    if (this.#c.retention.enabled) this.#schedule(this.#c.retention.firstRunDelayMs);
  }

  /** Stops the timer, lets a running retention pass finish, closes the audit log. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    this.#audit?.close();
  }

  /** Decides, audits, and returns the verified file or why not. */
  async access(req: AccessRequest): Promise<AccessOutcome> {
    const now = this.#now();
    const audit = this.audit;
    let actor = ANONYMOUS;
    let alertId: string | null = null;
    let sha256: string | null = null;
    const deny = (denial: Denial, detail?: string): AccessOutcome => {
      audit.append({
        at: now,
        actor,
        action: 'denied',
        sha256,
        alertId,
        remoteAddress: req.remoteAddress,
        reason: detail === undefined ? denial : `${denial}: ${detail}`,
      });
      this.#access.inc({ action: 'denied', reason: denial });
      return { ok: false, denial, actor, alertId };
    };

    const target = req.target;
    if ('sha256' in target) {
      if (!isSha256(target.sha256)) return deny('invalid_hash', quoted(target.sha256));
      sha256 = target.sha256;
    } else if (target.alertId === '' || target.alertId.length > 256) {
      return deny('not_found', `alert ${quoted(target.alertId)}`);
    }

    // Who is asking.
    if (req.token !== undefined) {
      const v = verifyEvidence(req.token, this.#d.linkSecrets, now);
      if (!v.ok) {
        if (v.reason === 'expired') {
          actor = v.claims.actor;
          alertId = v.claims.alertId;
          return deny('link_expired', `expired ${new Date(v.claims.expiresAt).toISOString()}`);
        }
        return deny('invalid_link', v.reason);
      }
      actor = v.claims.actor;
      alertId = v.claims.alertId;
      const inScope = 'sha256' in target ? v.claims.sha256 === target.sha256 : v.claims.alertId === target.alertId;
      if (!inScope) return deny('link_scope', `link for ${v.claims.sha256 ?? `alert ${v.claims.alertId}`}`);
    } else if (req.user?.actor !== undefined && this.#trusted(req.user)) {
      if (!ACTOR_PATTERN.test(req.user.actor)) return deny('no_credentials', `user ${quoted(req.user.actor)}`);
      actor = req.user.actor;
      const role = req.user.role;
      if (role === undefined || !this.#c.access.viewerRoles.includes(role)) {
        return deny('role_not_allowed', `role ${role === undefined ? 'none' : quoted(role)}`);
      }
    } else {
      return deny('no_credentials');
    }

    // Which file.
    const alerts = this.#d.alerts?.();
    if (!('sha256' in target)) {
      alertId = target.alertId;
      const rec = alerts?.get(target.alertId);
      if (rec === undefined || rec.alert.kind !== 'dumping') return deny('not_found', 'no such dumping alert');
      if (rec.alert.details.snapshotSha256 === null) return deny('not_yet_available');
      sha256 = rec.alert.details.snapshotSha256;
    }
    const sha = sha256 as string;
    alertId ??= alerts?.evidenceAlerts({ sha256: sha })[0]?.alertId ?? null;

    const read = await this.store.read(sha);
    if (!read.ok) {
      if (read.reason === 'hash_mismatch') {
        this.#integrity.inc();
        this.#d.logger.error(
          { sha256: sha, path: read.path, actual: read.actual, actor },
          'evidence file does not match its hash: refused',
        );
        return deny('hash_mismatch', `content hashes to ${read.actual}`);
      }
      return deny(read.reason === 'too_large' ? 'too_large' : 'not_found');
    }
    const action = req.download ? 'download' : 'view';
    audit.append({
      at: now,
      actor,
      action,
      sha256: sha,
      alertId,
      remoteAddress: req.remoteAddress,
      reason: req.token !== undefined ? 'signed link' : req.user?.via === 'session' ? 'signed in' : 'user header',
    });
    this.#access.inc({ action, reason: '' });
    return { ok: true, file: read.file, action, actor, alertId };
  }

  /**
   * May this caller read the audit log? A refusal is itself audited (sha256 as asked, if valid).
   * Returns the actor when allowed.
   */
  authorizeAuditRead(
    user: Caller | undefined,
    remoteAddress: string | null,
    sha256?: string,
  ): { ok: true; actor: string } | { ok: false; denial: Denial } {
    const actor = user?.actor;
    let denial: Denial | undefined;
    if (user === undefined || !this.#trusted(user) || actor === undefined || !ACTOR_PATTERN.test(actor)) {
      denial = 'no_credentials';
    } else if (user?.role === undefined || !this.#c.access.auditorRoles.includes(user.role))
      denial = 'role_not_allowed';
    if (denial === undefined) return { ok: true, actor: actor as string };
    this.audit.append({
      at: this.#now(),
      actor: actor !== undefined && ACTOR_PATTERN.test(actor) ? actor : ANONYMOUS,
      action: 'denied',
      sha256: sha256 !== undefined && isSha256(sha256) ? sha256 : null,
      alertId: null,
      remoteAddress,
      reason: `audit log: ${denial}`,
    });
    this.#access.inc({ action: 'denied', reason: denial });
    return { ok: false, denial };
  }

  /**
   * A short-lived signed link to one file for a signed-in user who may see evidence (the web app
   * opens files through it). Refusals are audited; the link's use is audited when it is opened.
   */
  async issueLink(r: {
    sha256: string;
    user: Caller | undefined;
    remoteAddress: string | null;
  }): Promise<{ ok: true; url: string; expiresAt: number } | { ok: false; denial: Denial }> {
    const now = this.#now();
    const user = r.user;
    const trusted =
      user !== undefined && this.#trusted(user) && user.actor !== undefined && ACTOR_PATTERN.test(user.actor);
    let denial: Denial | undefined;
    if (!isSha256(r.sha256)) denial = 'invalid_hash';
    else if (!trusted) denial = 'no_credentials';
    else if (user.role === undefined || !this.#c.access.viewerRoles.includes(user.role)) denial = 'role_not_allowed';
    else if ((await this.store.locate(r.sha256)) === undefined) denial = 'not_found';
    if (denial !== undefined) {
      this.audit.append({
        at: now,
        actor: trusted ? (user.actor as string) : ANONYMOUS,
        action: 'denied',
        sha256: isSha256(r.sha256) ? r.sha256 : null,
        alertId: null,
        remoteAddress: r.remoteAddress,
        reason: `link: ${denial}${denial === 'invalid_hash' ? `: ${quoted(r.sha256)}` : ''}`,
      });
      this.#access.inc({ action: 'denied', reason: denial });
      return { ok: false, denial };
    }
    const expiresAt = now + this.#c.access.linkMinutes * 60_000;
    const alertId = this.#d.alerts?.()?.evidenceAlerts({ sha256: r.sha256 })[0]?.alertId ?? null;
    const token = signEvidence(
      { sha256: r.sha256, alertId, actor: user?.actor as string, expiresAt },
      this.#d.linkSecrets,
    );
    return { ok: true, url: `/api/v1/evidence/${r.sha256}?token=${token}`, expiresAt };
  }

  /** A signed-in user always; the header placeholder only where configured. */
  #trusted(user: Caller): boolean {
    return user.via === 'session' || this.userHeader;
  }

  /** The actor of a hold: the signed-in or (trusted) header user, else the one the body names. */
  actorOf(user: Caller | undefined, named: string | undefined): string | undefined {
    if (user?.actor !== undefined && this.#trusted(user) && ACTOR_PATTERN.test(user.actor)) return user.actor;
    return named;
  }

  /** Holds a stored file against retention (audited). */
  async hold(h: {
    sha256: string;
    actor: string;
    note: string | null;
    remoteAddress: string | null;
  }): Promise<HoldOutcome> {
    if (!isSha256(h.sha256)) return this.#badHash('hold', h);
    if ((await this.store.locate(h.sha256)) === undefined) return 'not_found';
    return this.audit.hold({ ...h, at: this.#now() }) ? 'held' : 'already_held';
  }

  /** Releases a hold (audited); the file then follows the retention rule again. */
  release(r: { sha256: string; actor: string; note: string | null; remoteAddress: string | null }): HoldOutcome {
    if (!isSha256(r.sha256)) return this.#badHash('release', r);
    return this.audit.release({ ...r, at: this.#now() }) ? 'released' : 'not_held';
  }

  /** A hold or release naming something that is not a hash: refused and audited, like a file request. */
  #badHash(what: string, r: { sha256: string; actor: string; remoteAddress: string | null }): 'invalid_hash' {
    this.audit.append({
      at: this.#now(),
      actor: ACTOR_PATTERN.test(r.actor) ? r.actor : ANONYMOUS,
      action: 'denied',
      sha256: null,
      alertId: null,
      remoteAddress: r.remoteAddress,
      reason: `${what}: invalid_hash: ${quoted(r.sha256)}`,
    });
    this.#access.inc({ action: 'denied', reason: 'invalid_hash' });
    return 'invalid_hash';
  }

  /** One retention pass (the timer's, or on demand); passes never overlap. */
  async retention(options: { dryRun: boolean }): Promise<RetentionReport> {
    while (this.#running !== undefined) await this.#running.catch(() => undefined);
    const alerts = this.#d.alerts?.();
    const run = runRetention(
      {
        store: this.store,
        audit: this.audit,
        ...(alerts === undefined ? {} : { alerts }),
        ...(this.#d.detections === undefined ? {} : { detections: this.#d.detections }),
        logger: this.#d.logger,
      },
      { now: this.#now(), days: this.#c.retention.days, dryRun: options.dryRun },
    );
    this.#running = run;
    try {
      const report = await run;
      if (!report.dryRun) this.#deletedCount.inc(report.deleted.length);
      const head = this.audit.head();
      this.#d.logger.info(
        {
          dryRun: report.dryRun,
          scanned: report.scanned,
          deleted: report.deleted.length,
          kept: report.kept,
          failed: report.failed.length,
          // The head of the audit chain, logged daily: a rewritten audit file would not match it.
          auditHead: head,
        },
        'evidence retention pass',
      );
      return report;
    } finally {
      this.#running = undefined;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.retention({ dryRun: false })
        .catch((err: unknown) => this.#d.logger.error({ err }, 'evidence retention failed'))
        .finally(() => this.#schedule(this.#c.retention.intervalHours * 3_600_000));
    }, delayMs);
    this.#timer.unref();
  }
}
