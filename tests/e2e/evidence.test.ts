/**
 * Evidence through the whole all-in-one: a Frigate camera sees a pile, the police's system gets a
 * signed webhook whose evidence link (signed, expiring, no login) opens the snapshot once ingest
 * has stored it; a link made here with our own HMAC opens the same file by hash; every access is
 * in the audit log; and `pnpm evidence:retention` keeps the file while the alert is open, then —
 * dismissed as a false alarm and past the retention period — deletes it (dry run first), audited,
 * while the detection keeps its hash.
 */
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import { hashPassword } from '@hpg/registry';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policeRules } from './fleet-fixture.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const LINK_SECRET = 'e2e-evidence-link-secret-0123456789';
const HOOK_SECRET = 'e2e-police-webhook-secret-0123456789';
const NOW_S = Math.floor(Date.now() / 1000);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('pile-by-the-canal'),
  Buffer.from([0xff, 0xd9]),
]);
const SHA = createHash('sha256').update(JPEG).digest('hex');

/** Our own implementation of the evidence token, so the test does not lean on the code under test. */
function evidenceToken(claims: { s?: string; a?: string; by: string; exp: number }): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const sig = createHmac('sha256', LINK_SECRET).update(`hpg-evidence.v1.${payload}`).digest('base64url');
  return `e1.${payload}.${sig}`;
}

const frigateEvent = (id: string, startS: number) => ({
  id,
  camera: 'kenh_dong',
  label: 'waste',
  sub_label: null,
  top_score: 0.91,
  score: 0.9,
  false_positive: false,
  start_time: startS,
  end_time: null,
  frame_time: startS,
  box: [10, 10, 200, 200],
  entered_zones: ['bank'],
  current_zones: ['bank'],
  has_snapshot: true,
  has_clip: false,
});

interface AuditRow {
  actor: string;
  action: string;
  sha256: string | null;
  alertId: string | null;
  reason: string | null;
}

describe('evidence access, audit and retention through the all-in-one', () => {
  let dir: string;
  let app: AllInOne;
  let frigate: Server;
  let police: Server;
  let nvr: MqttClient;
  const hooks: { links: Record<string, string | null>; alert: { id: string } }[] = [];
  const live = frigateEvent(`${NOW_S - 60}.5-pile`, NOW_S - 60);
  const alertId = `dumping:nvr-1:bank:${live.id}`;
  const file = () => join(dir, 'evidence', SHA.slice(0, 2), `${SHA}.jpg`);
  const env = () => ({
    ...process.env,
    HPG_STORE_PATH: join(dir, 'store.sqlite'),
    HPG_EVIDENCE_DIR: join(dir, 'evidence'),
    HPG_ALERT_STORE_PATH: join(dir, 'alerts.sqlite'),
    HPG_LOG_LEVEL: 'silent',
  });
  const retention = async (...args: string[]) =>
    (await run(process.execPath, ['services/all-in-one/src/evidence-retention.ts', ...args], { cwd: ROOT, env: env() }))
      .stdout;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${app.apiUrl}${path}`, init);
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const audit = async (query: string) => {
    const res = await api(`/api/v1/audit?${query}`);
    expect(res.status).toBe(200);
    return (JSON.parse(res.bytes.toString('utf8')) as { entries: AuditRow[] }).entries;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-evidence-'));
    // A stand-in Frigate whose snapshot is "not on disk yet" at the first request.
    let snapshotHits = 0;
    frigate = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/events') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      } else if (url.pathname === `/api/events/${live.id}/snapshot.jpg` && ++snapshotHits > 1) {
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG);
      } else res.writeHead(404).end();
    });
    police = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await Promise.all([
      new Promise<void>((r) => frigate.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => police.listen(0, '127.0.0.1', r)),
    ]);
    const frigateUrl = `http://127.0.0.1:${(frigate.address() as { port: number }).port}`;
    const policeUrl = `http://127.0.0.1:${(police.address() as { port: number }).port}/hook`;
    writeFileSync(
      join(dir, 'registry.json'),
      JSON.stringify({
        version: 1,
        localities: [
          { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
          { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: 'hai-phong' },
        ],
        sites: [
          {
            id: 'kenh',
            localityId: 'vinh-am',
            name: 'Bờ kênh',
            location: { lat: 20.9, lon: 106.7 },
            kind: 'camera_spot',
            zones: ['bank'],
          },
        ],
        devices: [
          {
            id: 'nvr-1',
            siteId: 'kenh',
            kind: 'camera',
            intervalSeconds: 3600,
            credentials: [await hashPassword('pw-nvr', { n: 1024, r: 8, p: 1 })],
            external: { frigate: { camera: 'kenh_dong', baseUrl: frigateUrl } },
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'rules.json'),
      JSON.stringify(
        policeRules(
          { webhook: { url: policeUrl, secretRef: 'police' } },
          { minScore: 0.7, escalateAfterMinutes: 15, severity: 'high' },
        ),
      ),
    );
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ police: HOOK_SECRET }));
    const config = AllInOneConfigSchema.parse({
      registryFile: join(dir, 'registry.json'),
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      auth: { enabled: false },
      indicators: { enabled: false },
      log: { level: 'silent' },
      alerts: {
        rulesFile: join(dir, 'rules.json'),
        storePath: join(dir, 'alerts.sqlite'),
        secretsFile: join(dir, 'secrets.json'),
        tickMs: 200,
        links: { secrets: [LINK_SECRET] },
        channels: { webhook: { enabled: true } },
      },
      frigate: { evidence: { dir: join(dir, 'evidence'), baseMs: 50, maxMs: 200 } },
      // The command is tested here; the daily timer in the unit tests.
      evidence: { retention: { enabled: false } },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e-evidence', level: 'silent' }));
    nvr = await mqtt.connectAsync(app.mqttUrl, { username: 'nvr-1', password: 'pw-nvr', reconnectPeriod: 0 });
    await nvr.publishAsync('frigate/events', JSON.stringify({ type: 'new', before: live, after: live }), { qos: 1 });
  });

  afterAll(async () => {
    await nvr?.endAsync();
    await app?.stop();
    await Promise.all([frigate, police].map((s) => new Promise((r) => s?.close(r))));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("opens the snapshot from the police message's signed link, without a login, and audits it", async () => {
    await eventually(() => expect(hooks).toHaveLength(1), 15_000);
    const link = hooks[0]?.links.evidence ?? '';
    // Sent at once, before the snapshot was stored: the link names the alert, not yet the file.
    const url = new URL(link);
    expect(url.pathname).toBe(`/api/v1/evidence/alerts/${encodeURIComponent(alertId)}`);
    expect(url.searchParams.get('token')).toMatch(/^e1\./);
    let res = await api(`${url.pathname}${url.search}`);
    await eventually(async () => {
      res = await api(`${url.pathname}${url.search}`);
      expect(res.status).toBe(200);
    }, 20_000);
    expect(res.bytes.equals(JPEG)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="${SHA}.jpg"`);
    const rows = await audit(`sha256=${SHA}&action=view`);
    expect(rows[0]).toMatchObject({ actor: 'ca-vinh-am', action: 'view', alertId, reason: 'signed link' });
  });

  it('opens the file by hash with a valid link and refuses the rest, every attempt audited', async () => {
    const exp = Date.now() + 3_600_000;
    const ok = await api(
      `/api/v1/evidence/${SHA}?token=${evidenceToken({ s: SHA, a: alertId, by: 'ca-vinh-am', exp })}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.bytes.equals(JPEG)).toBe(true);
    const expired = await api(
      `/api/v1/evidence/${SHA}?token=${evidenceToken({ s: SHA, by: 'ca-vinh-am', exp: Date.now() - 1 })}`,
    );
    expect(expired.status).toBe(410);
    const forged = evidenceToken({ s: SHA, by: 'ca-vinh-am', exp }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await api(`/api/v1/evidence/${SHA}?token=${forged}`)).status).toBe(401);
    expect((await api(`/api/v1/evidence/${SHA}`)).status).toBe(401);
    expect((await api('/api/v1/evidence/..%2F..%2Fstore.sqlite')).status).toBe(400);
    const rows = await audit(`sha256=${SHA}`);
    expect(rows.slice(0, 3).map((r) => [r.action, r.actor, r.reason?.split(':')[0]])).toEqual([
      ['denied', 'anonymous', 'no_credentials'],
      ['denied', 'anonymous', 'invalid_link'],
      ['denied', 'ca-vinh-am', 'link_expired'],
    ]);
    expect(rows[3]).toMatchObject({ action: 'view', actor: 'ca-vinh-am', alertId });
    const traversal = await audit('action=denied&limit=20');
    expect(traversal.some((r) => r.reason === 'invalid_hash: "../../store.sqlite"')).toBe(true);
    // A signed-in user (here sign-in's development administrator) opens it through a link of their own.
    const issued = await api(`/api/v1/evidence/${SHA}/link`, { method: 'POST' });
    const { url } = JSON.parse(issued.bytes.toString('utf8')) as { url: string };
    expect((await api(url)).status).toBe(200);
    expect((await audit(`sha256=${SHA}&limit=1`))[0]).toMatchObject({ action: 'view', actor: 'dev', alertId });
  });

  it('keeps the file while the alert is open; deletes it once dismissed and past the period, audited', async () => {
    // Stored 100 days ago, as far as retention can tell.
    const old = Date.now() / 1000 - 100 * 86_400;
    utimesSync(file(), old, old);
    expect(await retention('--dry-run')).toContain(`kept (alert ${alertId})  ${SHA}.jpg  100 days`);

    const step = (action: string) =>
      api(`/api/v1/alerts/${encodeURIComponent(alertId)}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action, note: 'Kiểm tra: không phải rác' }),
      });
    expect((await step('acknowledge')).status).toBe(200);
    expect((await step('false_alarm')).status).toBe(200);

    const dry = await retention('--dry-run');
    expect(dry).toContain(`would delete  ${SHA}.jpg  100 days  ${JPEG.length} bytes  alert ${alertId} (false_alarm)`);
    expect(existsSync(file())).toBe(true);
    expect(await audit('action=deleted')).toEqual([]);

    const real = await retention();
    expect(real).toContain(`deleted  ${SHA}.jpg`);
    expect(existsSync(file())).toBe(false);
    expect(await audit('action=deleted')).toEqual([
      expect.objectContaining({ actor: 'system:retention', sha256: SHA, alertId }),
    ]);

    // The detection keeps its hash; the file is gone, and asking for it is refused and audited.
    const detections = await api(
      `/api/v1/detections?deviceId=nvr-1&from=${(NOW_S - 3600) * 1000}&to=${Date.now() + 60_000}`,
    );
    const found = JSON.parse(detections.bytes.toString('utf8')) as { detections: { snapshotSha256: string | null }[] };
    expect(found.detections.map((d) => d.snapshotSha256)).toEqual([SHA]);
    const exp = Date.now() + 3_600_000;
    const gone = await api(`/api/v1/evidence/${SHA}?token=${evidenceToken({ s: SHA, by: 'ca-vinh-am', exp })}`);
    expect(gone.status).toBe(404);
    expect((await audit(`sha256=${SHA}&limit=1`))[0]).toMatchObject({ action: 'denied', reason: 'not_found' });
    const verify = await api('/api/v1/audit/verify');
    expect(JSON.parse(verify.bytes.toString('utf8'))).toMatchObject({ ok: true });
  });
});

describe('evidence under sign-in', () => {
  let dir: string;
  let app: AllInOne;
  const bytes = Buffer.from('a second pile, already stored');
  const sha = createHash('sha256').update(bytes).digest('hex');
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${app.apiUrl}${path}`, init);
    return { status: res.status, text: await res.text() };
  };
  const signIn = async (username: string) => {
    const res = await api('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: `pw-${username}` }),
    });
    expect(res.status).toBe(200);
    return { authorization: `Bearer ${(JSON.parse(res.text) as { token: string }).token}` };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-evidence-auth-'));
    mkdirSync(join(dir, 'evidence', sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, 'evidence', sha.slice(0, 2), `${sha}.jpg`), bytes);
    writeFileSync(
      join(dir, 'registry.json'),
      JSON.stringify({
        version: 1,
        localities: [
          { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
          { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: 'hai-phong' },
        ],
        sites: [],
        devices: [],
      }),
    );
    const cost = { n: 1024, r: 8, p: 1 };
    const user = async (id: string, role: string, localityId: string) => ({
      id,
      name: id,
      role,
      localityId,
      credentials: [await hashPassword(`pw-${id}`, cost)],
    });
    writeFileSync(
      join(dir, 'users.json'),
      JSON.stringify({
        version: 1,
        users: [
          await user('ca-vinh-am-1', 'police', 'vinh-am'),
          await user('it-admin', 'admin', 'hai-phong'),
          await user('viewer-1', 'viewer', 'hai-phong'),
        ],
      }),
    );
    const config = AllInOneConfigSchema.parse({
      registryFile: join(dir, 'registry.json'),
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      indicators: { enabled: false },
      alerts: { enabled: false, links: { secrets: [LINK_SECRET] } },
      auth: { enabled: true, usersFile: join(dir, 'users.json') },
      frigate: { evidence: { dir: join(dir, 'evidence') } },
      evidence: { retention: { enabled: false } },
      log: { level: 'silent' },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e-evidence-auth', level: 'silent' }));
  });

  afterAll(async () => {
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("opens a police link without a login; otherwise only a signed-in police officer's or administrator's link", async () => {
    const exp = Date.now() + 3_600_000;
    const link = await api(`/api/v1/evidence/${sha}?token=${evidenceToken({ s: sha, by: 'ca-vinh-am', exp })}`);
    expect([link.status, link.text]).toEqual([200, bytes.toString()]);
    // The header placeholder is off: saying who you are is not signing in.
    const spoof = await api(`/api/v1/evidence/${sha}`, { headers: { 'x-hpg-user': 'x', 'x-hpg-role': 'admin' } });
    expect(spoof.status).toBe(401);
    expect((await api(`/api/v1/evidence/${sha}/link`, { method: 'POST' })).status).toBe(401);

    const police = await signIn('ca-vinh-am-1');
    const issued = await api(`/api/v1/evidence/${sha}/link`, { method: 'POST', headers: police });
    expect(issued.status).toBe(200);
    const { url } = JSON.parse(issued.text) as { url: string };
    expect((await api(url)).text).toBe(bytes.toString());
    const viewer = await signIn('viewer-1');
    expect((await api(`/api/v1/evidence/${sha}/link`, { method: 'POST', headers: viewer })).status).toBe(403);

    // The audit log is the administrator's.
    expect((await api(`/api/v1/audit?sha256=${sha}`, { headers: police })).status).toBe(403);
    const admin = await signIn('it-admin');
    const rows = (
      JSON.parse((await api(`/api/v1/audit?sha256=${sha}`, { headers: admin })).text) as { entries: AuditRow[] }
    ).entries;
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['view', 'ca-vinh-am-1'],
      ['denied', 'anonymous'],
      ['view', 'ca-vinh-am'],
    ]);
  });
});
