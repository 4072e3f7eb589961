/**
 * The evidence routes through Fastify's injector: who may open what (signed links, the header
 * placeholder and its roles), hash validation and traversal, integrity on read, the response
 * headers, the audit log of every attempt, holds, and the audit routes.
 */
import { writeFileSync } from 'node:fs';
import { type AlertSnapshot, AlertStore, signAction, signEvidence } from '@hpg/alerts';
import { AuthConfigSchema, installAuth, type Users } from '@hpg/auth';
import { createLogger, createMetrics, type Registry as MetricsRegistry } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EvidenceConfig, EvidenceConfigSchema, EvidenceService, registerEvidenceRoutes } from '../src/index.ts';
import { jpeg, put, type Scratch, scratch } from './helpers/evidence.ts';

const SECRET = 'evidence-routes-test-secret-0123';
const NOW = Date.UTC(2026, 10, 22, 15, 0, 0);
const HOUR = 3_600_000;
const ALERT = 'dumping:cam-1:bank:ev-1';
const PENDING = 'dumping:cam-1:bank:ev-2';

const snapshot = (id: string, sha: string | null): AlertSnapshot => ({
  v: 1,
  id,
  kind: 'dumping',
  severity: 'high',
  localityId: 'vinh-am',
  siteId: 'kenh',
  deviceId: 'cam-1',
  openedAt: NOW - HOUR,
  lastSeenAt: NOW - HOUR,
  details: {
    label: 'waste',
    zone: 'bank',
    maxScore: 0.9,
    eventIds: [id.split(':').at(-1) ?? ''],
    detections: 1,
    snapshotUrl: null,
    snapshotSha256: sha,
  },
});

describe('evidence routes', () => {
  let s: Scratch;
  let app: FastifyInstance;
  let service: EvidenceService;
  let alerts: AlertStore;
  let metrics: MetricsRegistry;
  let file: { sha256: string; path: string };
  let other: { sha256: string; path: string };

  /** The header placeholder is on unless a test says otherwise; `signIn` installs the access-control hook (sign-in off). */
  async function start(access: Partial<EvidenceConfig['access']> = {}, o: { signIn?: boolean } = {}) {
    s = scratch();
    file = put(s.dir, jpeg('pile on the bank'), { now: NOW });
    other = put(s.dir, jpeg('another pile'), { now: NOW });
    alerts = AlertStore.open({ path: s.alertsPath });
    alerts.insert(snapshot(ALERT, file.sha256), { role: 'police', at: NOW - HOUR, nextEscalationAt: null });
    alerts.insert(snapshot(PENDING, null), { role: 'police', at: NOW - HOUR, nextEscalationAt: null });
    metrics = createMetrics();
    const config = EvidenceConfigSchema.parse({
      retention: { enabled: false },
      access: { userHeader: true, ...access },
    });
    service = new EvidenceService(
      {
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics,
        linkSecrets: [SECRET],
        alerts: () => alerts,
        now: () => NOW,
      },
      { ...config, dir: s.dir, auditPath: s.auditPath },
    );
    service.start();
    app = Fastify({ logger: false });
    if (o.signIn === true) {
      const registry = Registry.from({
        version: 1,
        localities: [
          { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
        ],
        sites: [],
        devices: [],
      });
      installAuth(
        app,
        { registry: () => registry, users: () => ({}) as Users, secrets: ['unused-session-secret-000000'] },
        AuthConfigSchema.parse({ enabled: false }),
      );
    }
    registerEvidenceRoutes(app, { service: () => service });
    await app.ready();
  }

  afterEach(async () => {
    await app?.close();
    await service?.stop();
    alerts?.close();
    s?.cleanup();
  });

  const token = (over: Partial<Parameters<typeof signEvidence>[0]> = {}) =>
    signEvidence({ sha256: file.sha256, alertId: ALERT, actor: 'ca-vinh-am', expiresAt: NOW + HOUR, ...over }, SECRET);
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers, remoteAddress: '10.1.2.3' });
  const auditCount = () => service.audit.query({ limit: 1_000 }).length;
  const lastAudit = () => service.audit.query({ limit: 1 })[0];

  describe('with the default access settings', () => {
    beforeEach(() => start());

    it('serves the file for a valid signed link, verified, private, named by its hash, and audits it', async () => {
      const res = await get(`/api/v1/evidence/${file.sha256}?token=${token()}`);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(jpeg('pile on the bank'))).toBe(true);
      expect(res.headers).toMatchObject({
        'content-type': 'image/jpeg',
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
        'content-disposition': `inline; filename="${file.sha256}.jpg"`,
        'referrer-policy': 'no-referrer',
      });
      expect(lastAudit()).toMatchObject({
        actor: 'ca-vinh-am',
        action: 'view',
        sha256: file.sha256,
        alertId: ALERT,
        remoteAddress: '10.1.2.3',
        reason: 'signed link',
        at: NOW,
      });
      const dl = await get(`/api/v1/evidence/${file.sha256}?token=${token()}&download=1`);
      expect(dl.headers['content-disposition']).toBe(`attachment; filename="${file.sha256}.jpg"`);
      expect(lastAudit()).toMatchObject({ action: 'download', actor: 'ca-vinh-am' });
    });

    it('refuses expired, tampered, foreign and misdirected links, each audited', async () => {
      const cases: [string, number, string, string][] = [
        [token({ expiresAt: NOW }), 410, 'link_expired', 'ca-vinh-am'],
        [`${token().slice(0, -3)}xyz`, 401, 'invalid_link', 'anonymous'],
        [token({ sha256: other.sha256 }), 403, 'link_scope', 'ca-vinh-am'],
        [
          signEvidence(
            { sha256: file.sha256, alertId: ALERT, actor: 'x', expiresAt: NOW + HOUR },
            'not-our-secret-000000',
          ),
          401,
          'invalid_link',
          'anonymous',
        ],
        [
          signAction({ alertId: ALERT, action: 'acknowledge', actor: 'ca-vinh-am', expiresAt: NOW + HOUR }, SECRET),
          401,
          'invalid_link',
          'anonymous',
        ],
        // An alert-bound link opens the alert's route, not files by hash.
        [token({ sha256: null }), 403, 'link_scope', 'ca-vinh-am'],
      ];
      for (const [t, status, code, actor] of cases) {
        const before = auditCount();
        const res = await get(`/api/v1/evidence/${file.sha256}?token=${encodeURIComponent(t)}`);
        expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
        expect(res.headers['content-type']).not.toBe('image/jpeg');
        expect(auditCount()).toBe(before + 1);
        expect(lastAudit()).toMatchObject({ action: 'denied', actor, sha256: file.sha256 });
        expect(lastAudit()?.reason).toMatch(new RegExp(`^${code}`));
      }
    });

    it('refuses what is not a canonical hash, traversal attempts included, and audits each', async () => {
      const upper = file.sha256.toUpperCase();
      for (const bad of [
        upper,
        file.sha256.slice(1),
        `${file.sha256}.jpg`,
        '..%2F..%2Fsecret.jpg',
        '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        '..%252f..%252fsecret',
        `${file.sha256.slice(0, 62)}%2F..`,
        '%00',
      ]) {
        const before = auditCount();
        const res = await get(`/api/v1/evidence/${bad}?token=${token()}`);
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().error.code).toBe('invalid_hash');
        expect(auditCount()).toBe(before + 1);
        expect(lastAudit()).toMatchObject({ action: 'denied', sha256: null });
        expect(lastAudit()?.reason).toMatch(/^invalid_hash: "/);
      }
      // Unencoded traversal never reaches the route at all.
      writeFileSync(`${s.root}/secret.jpg`, 'TOP-SECRET-CONTENT');
      for (const path of [
        '/api/v1/evidence/../../secret.jpg',
        `/api/v1/evidence/${file.sha256.slice(0, 2)}/../../secret.jpg`,
      ]) {
        const res = await get(`${path}?token=${token()}`);
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('TOP-SECRET');
      }
    });

    it('refuses a tampered file — never serves it — reports it and audits it', async () => {
      writeFileSync(file.path, jpeg('someone edited this'));
      const res = await get(`/api/v1/evidence/${file.sha256}?token=${token()}`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('hash_mismatch');
      expect(res.body).not.toContain('edited');
      expect(lastAudit()).toMatchObject({ action: 'denied', actor: 'ca-vinh-am', sha256: file.sha256, alertId: ALERT });
      expect(lastAudit()?.reason).toMatch(/^hash_mismatch: content hashes to [0-9a-f]{64}$/);
      expect(await metrics.metrics()).toMatch(/hpg_evidence_integrity_failures_total 1/);
    });

    it('lets the header placeholder in only for the roles that need evidence', async () => {
      const url = `/api/v1/evidence/${file.sha256}`;
      const ok = await get(url, { 'x-hpg-user': 'officer.lan', 'x-hpg-role': 'police' });
      expect(ok.statusCode).toBe(200);
      expect(lastAudit()).toMatchObject({
        actor: 'officer.lan',
        action: 'view',
        alertId: ALERT,
        reason: 'user header',
      });
      const operator = await get(url, { 'x-hpg-user': 'op.minh', 'x-hpg-role': 'operator' });
      expect([operator.statusCode, operator.json().error.code]).toEqual([403, 'role_not_allowed']);
      expect(lastAudit()).toMatchObject({
        actor: 'op.minh',
        action: 'denied',
        reason: 'role_not_allowed: role "operator"',
      });
      const noRole = await get(url, { 'x-hpg-user': 'someone' });
      expect(noRole.statusCode).toBe(403);
      const nobody = await get(url);
      expect([nobody.statusCode, nobody.json().error.code]).toEqual([401, 'no_credentials']);
      expect(lastAudit()).toMatchObject({ actor: 'anonymous', action: 'denied', reason: 'no_credentials' });
      const weird = await get(url, { 'x-hpg-user': '<script>', 'x-hpg-role': 'police' });
      expect(weird.statusCode).toBe(401);
    });

    it('answers 404 for evidence that is not there, and a browser gets a Vietnamese page first', async () => {
      const missing = 'f'.repeat(64);
      const res = await get(`/api/v1/evidence/${missing}`, {
        'x-hpg-user': 'officer.lan',
        'x-hpg-role': 'police',
        accept: 'text/html,application/xhtml+xml',
      });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toMatch(/<html lang="vi">.*Không có hình ảnh này.*<p lang="en">No such evidence/s);
      expect(lastAudit()).toMatchObject({ action: 'denied', sha256: missing, reason: 'not_found' });
      // HEAD is not a way around the log.
      const head = await app.inject({ method: 'HEAD', url: `/api/v1/evidence/${file.sha256}?token=${token()}` });
      expect(head.statusCode).not.toBe(200);
    });

    it("serves an alert's evidence once it is stored, for a link bound to that alert", async () => {
      const pending = token({ sha256: null, alertId: PENDING });
      const early = await get(`/api/v1/evidence/alerts/${encodeURIComponent(PENDING)}?token=${pending}`);
      expect([early.statusCode, early.json().error.code]).toEqual([404, 'not_yet_available']);
      expect(lastAudit()).toMatchObject({ action: 'denied', alertId: PENDING, sha256: null });
      alerts.saveSnapshot(snapshot(PENDING, other.sha256), NOW);
      const late = await get(`/api/v1/evidence/alerts/${encodeURIComponent(PENDING)}?token=${pending}`);
      expect(late.statusCode).toBe(200);
      expect(late.rawPayload.equals(jpeg('another pile'))).toBe(true);
      expect(late.headers['content-disposition']).toBe(`inline; filename="${other.sha256}.jpg"`);
      expect(lastAudit()).toMatchObject({ action: 'view', alertId: PENDING, sha256: other.sha256 });
      const wrong = await get(`/api/v1/evidence/alerts/${encodeURIComponent(ALERT)}?token=${pending}`);
      expect(wrong.statusCode).toBe(403);
      const unknown = await get('/api/v1/evidence/alerts/nope', {
        'x-hpg-user': 'officer.lan',
        'x-hpg-role': 'police',
      });
      expect(unknown.statusCode).toBe(404);
    });

    it('audits every attempt: one entry per request, served or refused', async () => {
      const before = auditCount();
      const urls = [
        `/api/v1/evidence/${file.sha256}?token=${token()}`,
        `/api/v1/evidence/${file.sha256}`,
        `/api/v1/evidence/${other.sha256}?token=${token()}`,
        `/api/v1/evidence/${'0'.repeat(64)}?token=${token({ sha256: '0'.repeat(64) })}`,
        '/api/v1/evidence/nothex',
        `/api/v1/evidence/${file.sha256}?token=`,
        `/api/v1/evidence/${file.sha256}?download=maybe`,
        `/api/v1/evidence/alerts/${encodeURIComponent(ALERT)}?token=${token()}`,
      ];
      const statuses = [];
      for (const u of urls) statuses.push((await get(u)).statusCode);
      expect(statuses).toEqual([200, 401, 403, 404, 400, 401, 401, 200]);
      expect(auditCount()).toBe(before + urls.length);
      expect(service.audit.verify().ok).toBe(true);
    });

    it('holds and releases evidence, each in the log', async () => {
      const url = `/api/v1/evidence/${file.sha256}/hold`;
      const held = await app.inject({
        method: 'POST',
        url,
        payload: { actor: 'ca-vinh-am', note: 'Hồ sơ vụ việc số 12' },
      });
      expect(held.statusCode).toBe(201);
      expect(held.json()).toMatchObject({
        outcome: 'held',
        hold: { actor: 'ca-vinh-am', note: 'Hồ sơ vụ việc số 12' },
      });
      expect((await app.inject({ method: 'POST', url, payload: { actor: 'x' } })).json().outcome).toBe('already_held');
      expect((await get('/api/v1/evidence/holds')).json()).toMatchObject({
        count: 1,
        holds: [{ sha256: file.sha256 }],
      });
      const bad = await app.inject({ method: 'POST', url: '/api/v1/evidence/..%2Fx/hold', payload: { actor: 'x' } });
      expect(bad.statusCode).toBe(400);
      expect(lastAudit()).toMatchObject({ action: 'denied', actor: 'x', reason: 'hold: invalid_hash: "../x"' });
      const missing = await app.inject({
        method: 'POST',
        url: `/api/v1/evidence/${'e'.repeat(64)}/hold`,
        payload: { actor: 'x' },
      });
      expect(missing.statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url, payload: { note: 'who?' } })).statusCode).toBe(400);
      const released = await app.inject({ method: 'DELETE', url: `${url}?actor=auditor.hoa&note=case%20closed` });
      expect(released.json()).toMatchObject({ outcome: 'released', hold: null });
      expect((await app.inject({ method: 'DELETE', url: `${url}?actor=auditor.hoa` })).statusCode).toBe(404);
      expect(service.audit.query({ sha256: file.sha256 }).map((e) => [e.action, e.actor, e.reason])).toEqual([
        ['released', 'auditor.hoa', 'case closed'],
        ['held', 'ca-vinh-am', 'Hồ sơ vụ việc số 12'],
      ]);
    });

    it('shows the audit log to auditors only, filtered by file and time, and verifies its chain', async () => {
      await get(`/api/v1/evidence/${file.sha256}?token=${token()}`);
      await get(`/api/v1/evidence/${other.sha256}`);
      const denied = await get(`/api/v1/audit?sha256=${file.sha256}`, {
        'x-hpg-user': 'ca-vinh-am',
        'x-hpg-role': 'police',
      });
      expect(denied.statusCode).toBe(403);
      expect(lastAudit()).toMatchObject({
        action: 'denied',
        actor: 'ca-vinh-am',
        reason: 'audit log: role_not_allowed',
      });
      expect((await get('/api/v1/audit')).statusCode).toBe(401);
      const auditor = { 'x-hpg-user': 'auditor.hoa', 'x-hpg-role': 'admin' };
      const res = await get(
        `/api/v1/audit?sha256=${file.sha256}&from=${new Date(NOW - HOUR).toISOString()}&to=${NOW + 1}`,
        auditor,
      );
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const entries = res.json().entries as { actor: string; action: string; atIso: string }[];
      expect(entries.map((e) => [e.action, e.actor])).toEqual([
        ['denied', 'ca-vinh-am'],
        ['view', 'ca-vinh-am'],
      ]);
      expect(entries[0]?.atIso).toBe(new Date(NOW).toISOString());
      expect((await get(`/api/v1/audit?from=${NOW + 1}`, auditor)).json().count).toBe(0);
      expect((await get('/api/v1/audit?sha256=ABC', auditor)).statusCode).toBe(400);
      expect((await get('/api/v1/audit?bogus=1', auditor)).statusCode).toBe(400);
      const verify = await get('/api/v1/audit/verify', auditor);
      expect(verify.json()).toMatchObject({ ok: true, brokenAt: null });
    });
  });

  it('takes the signed-in user from the access-control hook, and gives them short-lived links', async () => {
    // Sign-in off: the hook's development administrator on every route with a permission.
    await start({ userHeader: false }, { signIn: true });
    const audit = await get('/api/v1/audit');
    expect(audit.statusCode).toBe(200);
    const linked = await app.inject({ method: 'POST', url: `/api/v1/evidence/${file.sha256}/link` });
    expect(linked.statusCode).toBe(200);
    const { url, expiresAt } = linked.json() as { url: string; expiresAt: number };
    expect(expiresAt).toBe(NOW + 10 * 60_000);
    expect(url).toMatch(new RegExp(`^/api/v1/evidence/${file.sha256}\\?token=e1\\.`));
    // The file routes are public to the hook: the link is what opens the file.
    expect((await get(`/api/v1/evidence/${file.sha256}`)).statusCode).toBe(401);
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(lastAudit()).toMatchObject({ actor: 'dev', action: 'view', alertId: ALERT, reason: 'signed link' });
    const missing = await app.inject({ method: 'POST', url: `/api/v1/evidence/${'c'.repeat(64)}/link` });
    expect(missing.statusCode).toBe(404);
    expect(lastAudit()).toMatchObject({ actor: 'dev', action: 'denied', reason: 'link: not_found' });
    const held = await app.inject({ method: 'POST', url: `/api/v1/evidence/${file.sha256}/hold`, payload: {} });
    expect(held.json()).toMatchObject({ outcome: 'held', hold: { actor: 'dev' } });
  });

  it('gives no link to a role that may not see evidence', async () => {
    await start();
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/evidence/${file.sha256}/link`,
      headers: { 'x-hpg-user': 'viewer.an', 'x-hpg-role': 'viewer' },
    });
    expect(res.statusCode).toBe(403);
    expect(lastAudit()).toMatchObject({ actor: 'viewer.an', action: 'denied', reason: 'link: role_not_allowed' });
  });

  it('ignores the header placeholder unless it is turned on', async () => {
    await start({ userHeader: false });
    expect(EvidenceConfigSchema.parse({}).access.userHeader).toBe(false);
    const res = await get(`/api/v1/evidence/${file.sha256}`, { 'x-hpg-user': 'officer.lan', 'x-hpg-role': 'police' });
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'no_credentials']);
    expect((await get(`/api/v1/evidence/${file.sha256}?token=${token()}`)).statusCode).toBe(200);
  });
});
