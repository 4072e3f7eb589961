/**
 * The web app in a real browser (issue 7 item 4): headless Chromium from Debian, driven by
 * playwright-core, against a real API (startApi) on a real SQLite store, with the alert service,
 * the evidence service and the exports composed on it as the all-in-one does, sign-in on.
 *
 *   1. the police of Tân Minh see their commune's dumping incident (with its snapshot, map and
 *      local time) and not Vĩnh Am's, acknowledge it, and the server agrees;
 *   2. an environment officer downloads last month's export (an XLSX, named for the period);
 *   3. the English switch changes the labels and is remembered.
 *
 * Screenshots (desktop and phone) go to test-results/screenshots/. Nothing is fetched from outside
 * the test's own server: any request elsewhere fails the test. Without /usr/bin/chromium the test
 * fails (CI installs it in .ci/run).
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators' innerText, not DOM nodes
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { type Api, loadRegulatory, startApi } from '@hpg/api';
import type { Detection, Reading } from '@hpg/contracts';
import { createLogger, createMetrics } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigSchema, ROLE_PERMISSIONS, startAuth } from '../../packages/auth/src/index.ts';
import { MemoryBus } from '../../packages/bus-memory/src/index.ts';
import { Exporter } from '../../packages/exports/src/index.ts';
import { openSqliteStore } from '../../packages/store-sqlite/src/index.ts';
import {
  AlertService,
  AlertServiceConfigSchema,
  EvidenceConfigSchema,
  EvidenceService,
  loadAlertSecrets,
  registerAlertRoutes,
  registerEvidenceRoutes,
} from '../../services/alerts/src/index.ts';
import { USER_PASSWORD, writeFleetAlertRules, writeFleetRegistry, writeFleetUsers } from '../e2e/fleet-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const MINUTE = 60_000;

/** The local (Asia/Ho_Chi_Minh, UTC+7) month `back` months before now: YYYY-MM. */
function localMonth(back = 0): string {
  const d = new Date(Date.now() + 7 * 3_600_000);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - back;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** HH:MM of `ms` in Viet Nam. */
const vnClock = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(11, 16);

/** A small PNG (RGB) of a pile of waste on a river bank: the evidence snapshot. */
function snapshotPng(width = 320, height = 200): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const bank = y > 0.45 * height;
      const dx = (x - 0.55 * width) / (0.16 * width);
      const dy = (y - 0.7 * height) / (0.12 * height);
      const pile = dx * dx + dy * dy < 1;
      const [r, g, b] = pile ? [110, 78, 46] : bank ? [120, 150, 90] : [150, 190, 225 - Math.round(y / 3)];
      raw.set([r, g, b], row + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('web app in headless Chromium', () => {
  let dir: string;
  let api: Api;
  let browser: Browser;
  const stops: (() => Promise<unknown>)[] = [];
  /** Requests the browser made to anywhere but the test's server, and page errors: both must stay empty. */
  const outside: string[] = [];
  const pageErrors: string[] = [];
  let tanMinhAlert: string;
  let vinhAmAlert: string;
  let tanMinhOpenedAt: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: the browser tests need Debian's chromium package ` +
          '(apt-get install -y --no-install-recommends chromium; .ci/run installs it in the "engines" step)',
      );
    }
    mkdirSync(SHOTS, { recursive: true });

    // The fleet registry with a second camera spot, in Tân Minh, and sites spread out for the map.
    const fleet = await writeFleetRegistry();
    dir = fleet.dir;
    const data = JSON.parse(readFileSync(fleet.file, 'utf8'));
    const places: Record<string, { lat: number; lon: number }> = {
      'wwtp-vinh-am': { lat: 20.6712, lon: 106.4526 },
      'school-tan-minh': { lat: 20.7091, lon: 106.5662 },
      'evs-tan-minh': { lat: 20.7043, lon: 106.5731 },
      'spot-vinh-am': { lat: 20.6655, lon: 106.4459 },
    };
    for (const site of data.sites) site.location = places[site.id] ?? site.location;
    data.sites.push({
      id: 'spot-tan-minh',
      localityId: 'tan-minh',
      name: 'Bãi tập kết sau cụm công nghiệp Tân Minh',
      location: { lat: 20.7011, lon: 106.5812 },
      kind: 'camera_spot',
      zones: ['bai-tap-ket'],
    });
    const cam = data.devices.find((d: { kind: string }) => d.kind === 'camera');
    data.devices.push({ ...cam, id: 'cam-e2e-02', siteId: 'spot-tan-minh' });
    writeFileSync(fleet.file, JSON.stringify(data));
    const registry = Registry.from(data);
    const currentRegistry = () => registry;

    const logger = createLogger({ name: 'web-app', level: 'silent' });
    const metrics = createMetrics();
    const regulatory = loadRegulatory(resolve(import.meta.dirname, '../../config/regulatory'));
    const store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
    stops.push(() => store.close());
    const bus = new MemoryBus({ partitions: 2, capacity: 1_000 });
    stops.push(() => bus.close());

    const alertConfig = AlertServiceConfigSchema.parse({
      rulesFile: writeFleetAlertRules(dir),
      storePath: join(dir, 'alerts.sqlite'),
      tickMs: 500,
      channels: { webhook: { enabled: false } },
    });
    const secrets = loadAlertSecrets(alertConfig, {});
    const alerts = new AlertService(
      { bus, registry: currentRegistry, regulatory, secrets, logger, metrics },
      alertConfig,
    );
    await alerts.start();
    stops.push(() => alerts.stop());

    const evidenceDir = join(dir, 'evidence');
    const png = snapshotPng();
    const sha256 = createHash('sha256').update(png).digest('hex');
    mkdirSync(join(evidenceDir, sha256.slice(0, 2)), { recursive: true });
    writeFileSync(join(evidenceDir, sha256.slice(0, 2), `${sha256}.png`), png);
    const evidence = new EvidenceService(
      { logger, metrics, linkSecrets: secrets.linkSecrets, detections: store, alerts: () => alerts.store },
      {
        ...EvidenceConfigSchema.parse({ retention: { enabled: false } }),
        dir: evidenceDir,
        auditPath: join(dir, 'evidence-audit.sqlite'),
      },
    );
    evidence.start();
    stops.push(() => evidence.stop());

    const exporter = new Exporter({ store, registry: currentRegistry, regulatory }, { dir: join(dir, 'exports') });
    const auth = startAuth(
      { ...AuthConfigSchema.parse({ loginsPerMinute: 100 }), usersFile: await writeFleetUsers(dir) },
      currentRegistry,
      {},
      logger,
    );
    api = await startApi(
      {
        store,
        registry: currentRegistry,
        metrics,
        logger,
        health: [],
        regulatory,
        ...(auth === undefined ? {} : { auth }),
        dumpingOutcomes: (q) => alerts.dumpingOutcomes(q),
        exporter: () => exporter,
        routes: (app) => {
          registerAlertRoutes(app, {
            service: () => alerts,
            registry: currentRegistry,
            linkSecrets: secrets.linkSecrets,
          });
          registerEvidenceRoutes(app, { service: () => evidence });
        },
      },
      { host: '127.0.0.1', port: 0, maxLimit: 1_000 },
    );
    stops.push(() => api.close());

    // Live readings in Tân Minh (the officer's overview), and some in last month (the export).
    const now = Date.now();
    const solar = (ts: number, kw: number, kwh: number): Reading => ({
      v: 1,
      measurement: 'solar',
      deviceId: 'pv-e2e-01',
      siteId: 'school-tan-minh',
      localityId: 'tan-minh',
      channel: '',
      ts,
      receivedAt: ts,
      values: { ac_power: kw * 1000, energy_lifetime: kwh * 1000 },
      states: { state: 'mppt' },
      quality: {},
      source: 'hpg-json/v1',
    });
    const lastMonthMid = Date.parse(`${localMonth(1)}-15T05:00:00Z`);
    await store.writeReadings([
      solar(lastMonthMid, 12, 1_000),
      solar(lastMonthMid + 3_600_000, 14, 1_014),
      ...[5, 4, 3, 2, 1].map((m, i) => solar(now - m * MINUTE, 10 + i, 1_100 + i)),
    ]);

    // Two dumping incidents, one in each commune, through the alert service as ingest sends them.
    const detection = (o: Partial<Detection> & Pick<Detection, 'deviceId' | 'siteId' | 'localityId' | 'eventId'>) => {
      const at = now - 20 * MINUTE;
      return {
        key: o.deviceId,
        value: {
          v: 1,
          phase: 'start',
          ts: at,
          receivedAt: at,
          label: 'waste',
          score: 0.91,
          zone: null,
          box: null,
          snapshotUrl: null,
          snapshotSha256: null,
          startedAt: at,
          endedAt: null,
          source: 'frigate/v1',
          ...o,
        } satisfies Detection,
      };
    };
    const detections = [
      detection({
        deviceId: 'cam-e2e-02',
        siteId: 'spot-tan-minh',
        localityId: 'tan-minh',
        eventId: 'tm-1',
        zone: 'bai-tap-ket',
        snapshotSha256: sha256,
      }),
      detection({
        deviceId: 'cam-e2e-01',
        siteId: 'spot-vinh-am',
        localityId: 'vinh-am',
        eventId: 'va-1',
        zone: 'bank',
      }),
    ];
    // Stored (as the writer does) for the dumping indicator, and sent to the alert service.
    await store.writeDetections(detections.map((d) => d.value));
    await bus.publish('detections', detections);
    for (let i = 0; i < 100; i++) {
      const listed = alerts.store.list({ localityIds: ['tan-minh', 'vinh-am'], limit: 10 });
      if (listed.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const listed = alerts.store.list({ localityIds: ['tan-minh', 'vinh-am'], limit: 10 });
    expect(listed).toHaveLength(2);
    const tm = listed.find((r) => r.alert.localityId === 'tan-minh');
    tanMinhAlert = tm?.alert.id as string;
    tanMinhOpenedAt = tm?.alert.openedAt as number;
    vinhAmAlert = listed.find((r) => r.alert.localityId === 'vinh-am')?.alert.id as string;
    expect(tm?.alert.kind === 'dumping' && tm.alert.details.snapshotSha256).toBe(sha256);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    expect(outside, 'requests outside the test server').toEqual([]);
    expect(pageErrors, 'errors in the page').toEqual([]);
  });

  /** A fresh browser context (its own cookies and storage), watched for requests elsewhere and page errors. */
  async function newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport,
      // The app must show Viet Nam's time whatever the device's zone.
      timezoneId: 'UTC',
      locale: 'en-US',
      acceptDownloads: true,
      ...(viewport.width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    context.on('request', (r) => {
      if (!r.url().startsWith(api.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    context.on('page', (page) => {
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        // The first look at /api/v1/auth/session before signing in answers 401: expected.
        if (m.type() === 'error' && !m.text().includes('401')) pageErrors.push(m.text());
      });
    });
    return context;
  }

  async function signIn(page: Page, user: string) {
    await page.goto(`${api.url}/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#login-username', user);
    await page.fill('#login-password', USER_PASSWORD(user));
    await page.click('#login-submit');
    await page.locator('#tabs a').first().waitFor();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function bearer(user: string): Promise<string> {
    const res = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: USER_PASSWORD(user) }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  it('serves the app from the API: its own files only, under the security headers, no inline script', async () => {
    const index = await fetch(`${api.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${api.url}/app/main.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${api.url}/app/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const policy = (await (await fetch(`${api.url}/app/policy.json`)).json()) as { permissions: unknown };
    expect(policy.permissions).toEqual(ROLE_PERMISSIONS);
    for (const path of [
      '/app/../package.json',
      '/app/%2e%2e/src/web.ts',
      '/app/..%2f..%2fpackage.json',
      '/app/%2e%2e%2f%2e%2e%2fpackage.json',
      '/app/.secret.js',
      '/app/nothing-here.js',
      '/app/main.ts',
      '/index.html/../../src/web.ts',
    ]) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('registerWebApp');
    }
  });

  it('police of Tân Minh: only their commune’s incident, with snapshot, map and local time; acknowledging it', async () => {
    const context = await newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await signIn(page, 'ca-tan-minh');
      // Police land on their inbox; they have no exports.
      await expect.poll(() => page.locator('#tabs a[aria-current="page"]').getAttribute('data-view')).toBe('inbox');
      expect(await page.locator('#tabs a[data-view="exports"]').count()).toBe(0);
      const card = page.locator(`article.alert[data-alert-id="${tanMinhAlert}"]`);
      await card.waitFor();
      expect(await page.locator('article.alert').count()).toBe(1);
      expect(await page.locator(`[data-alert-id="${vinhAmAlert}"]`).count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toContain('Bờ kênh');
      expect(await card.locator('h3').innerText()).toBe('Đổ thải trái phép');
      expect(await card.getAttribute('data-status')).toBe('open');
      // Local time in Asia/Ho_Chi_Minh although the browser runs in UTC.
      expect(await card.locator('.opened-at').innerText()).toContain(vnClock(tanMinhOpenedAt));
      // The map marks the incident's site; the snapshot is loaded through a signed link of the user's own.
      expect(await card.locator('svg.map [data-site-id="spot-tan-minh"].map-marker-hi').count()).toBe(1);
      const img = card.locator('img.snapshot-img');
      await img.waitFor();
      expect(await img.getAttribute('src')).toMatch(/^\/api\/v1\/evidence\/[0-9a-f]{64}\?token=/);
      await expect
        .poll(() => img.evaluate((el: { complete: boolean; naturalWidth: number }) => el.complete && el.naturalWidth))
        .toBe(320);
      await shot(page, 'police-inbox-desktop');

      // Acknowledge: the card changes state in place and offers the next steps.
      await card.locator('textarea.note').fill('Tổ tuần tra đang tới hiện trường');
      await card.locator('button[data-action="acknowledge"]').click();
      const acknowledged = page.locator(`article.alert[data-alert-id="${tanMinhAlert}"][data-status="acknowledged"]`);
      await acknowledged.waitFor();
      expect(await acknowledged.locator('.status').innerText()).toBe('Đã tiếp nhận');
      expect(await acknowledged.locator('button[data-action="resolve"]').count()).toBe(1);
      expect(await acknowledged.locator('button[data-action="false_alarm"]').count()).toBe(1);
      expect(await page.locator('#toast').innerText()).toContain('Đã tiếp nhận');

      // The server agrees: acknowledged by this user, with the note.
      const res = await fetch(`${api.url}/api/v1/alerts/${encodeURIComponent(tanMinhAlert)}`, {
        headers: { authorization: `Bearer ${await bearer('admin')}` },
      });
      const body = (await res.json()) as {
        alert: { status: string; history: { action: string; actor: string; note: string | null }[] };
      };
      expect(body.alert.status).toBe('acknowledged');
      expect(body.alert.history.at(-1)).toMatchObject({
        action: 'acknowledged',
        actor: 'ca-tan-minh',
        note: 'Tổ tuần tra đang tới hiện trường',
      });
      // Still waiting for action after a poll, and still the only one.
      await page.waitForTimeout(200);
      await shot(page, 'police-inbox-acknowledged-desktop');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('police on a phone: the inbox fits the narrow screen', async () => {
    const context = await newContext(PHONE);
    try {
      const page = await context.newPage();
      await signIn(page, 'ca-tan-minh');
      const card = page.locator(`article.alert[data-alert-id="${tanMinhAlert}"]`);
      await card.waitFor();
      await card.locator('img.snapshot-img').waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await shot(page, 'police-inbox-phone');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('environment officer: the overview, then last month’s export downloads as an XLSX', async () => {
    const context = await newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await signIn(page, 'mt-tan-minh');
      expect(await page.locator('#tabs a').allInnerTexts()).toEqual(['Tổng quan', 'Hộp thư cảnh báo', 'Báo cáo']);
      // Indicators against targets, the map of the commune's sites, live readings.
      const solar = page.locator('[data-indicator="solar"]');
      await solar.locator('.stat-value').first().waitFor();
      expect(await solar.locator('.target').innerText()).toMatch(/Chỉ tiêu|Không có chỉ tiêu/);
      // Tân Minh's plan: installations active against its target, with owner and source.
      expect(await solar.locator('.target').innerText()).toContain('UBND xã Tân Minh');
      // The incident of the month in the commune, and the police's outcome of it (acknowledged, not closed).
      const dumping = page.locator('[data-indicator="dumping"]');
      expect(await dumping.locator('.stat-value').first().innerText()).toBe('1');
      expect(await page.locator('svg.map .map-marker').count()).toBe(3);
      await page.locator('.readings tr[data-device-id="pv-e2e-01"]').first().waitFor();
      await shot(page, 'officer-overview-desktop');
      // Their inbox holds no dumping alerts (those are the police's).
      await page.click('#tabs a[data-view="inbox"]');
      await page.locator('#view-inbox .empty, #view-inbox article.alert').first().waitFor();
      expect(await page.locator('#view-inbox article.alert[data-alert-id^="dumping:"]').count()).toBe(0);

      await page.click('#tabs a[data-view="exports"]');
      const lastMonth = localMonth(1);
      expect(await page.inputValue('#export-month')).toBe(lastMonth);
      expect(await page.inputValue('#export-format')).toBe('xlsx');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-download')]);
      const name = download.suggestedFilename();
      expect(name).toMatch(/\.xlsx$/);
      expect(name).toContain(lastMonth);
      expect(name).toMatch(/T[âa]n Minh|tan-minh/);
      const saved = join(dir, name);
      await download.saveAs(saved);
      const bytes = readFileSync(saved);
      expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
      expect(bytes.length).toBeGreaterThan(1_000);
      // A closed month made on demand is kept, and listed.
      await page.locator(`.exports-list tr[data-period="${lastMonth}"][data-format="xlsx"]`).waitFor();
      await shot(page, 'officer-exports-desktop');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a viewer gets the overview and exports, no inbox', async () => {
    const context = await newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await signIn(page, 'xem');
      expect(
        await page
          .locator('#tabs a')
          .evaluateAll((els: { dataset: { view?: string } }[]) => els.map((a) => a.dataset.view)),
      ).toEqual(['overview', 'exports']);
      // A city user picks the locality.
      expect(await page.locator('#locality-box').isVisible()).toBe(true);
      await page.selectOption('#locality', 'tan-minh');
      await page.locator('h2', { hasText: 'Xã Tân Minh' }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the English switch changes the labels and is remembered; every string has both languages', async () => {
    const context = await newContext(PHONE);
    try {
      const page = await context.newPage();
      await signIn(page, 'mt-tan-minh');
      expect(await page.locator('#tabs a').allInnerTexts()).toEqual(['Tổng quan', 'Hộp thư cảnh báo', 'Báo cáo']);
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      await page.click('#lang');
      await expect.poll(() => page.locator('#tabs a').allInnerTexts()).toEqual(['Overview', 'Alert inbox', 'Reports']);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('#lang').innerText()).toBe('Tiếng Việt');
      await page.locator('h2', { hasText: 'Overview — Tan Minh Commune' }).waitFor();
      await page.locator('[data-indicator="solar"] h3', { hasText: 'Rooftop solar' }).waitFor();
      await page.locator('.readings tr[data-device-id="pv-e2e-01"]').first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await shot(page, 'officer-overview-en-phone');

      // Remembered across a reload (localStorage), the session still on.
      await page.reload();
      await page.locator('#tabs a').first().waitFor();
      expect(await page.locator('#tabs a').allInnerTexts()).toEqual(['Overview', 'Alert inbox', 'Reports']);
      await page.click('#tabs a[data-view="exports"]');
      await page.locator('h2', { hasText: 'Reports — Tan Minh Commune' }).waitFor();
      expect(await page.inputValue('#export-lang')).toBe('en');

      // Signing out shows the sign-in page in the chosen language.
      await page.click('#logout');
      await page.locator('#login-form').waitFor();
      expect(await page.locator('#login-submit').innerText()).toBe('Sign in');

      // Both dictionaries have the same keys.
      const missing = await page.evaluate(`import('/app/i18n.js').then((m) => {
        const vi = Object.keys(m.STRINGS.vi);
        const en = Object.keys(m.STRINGS.en);
        return [...vi.filter((k) => !en.includes(k)), ...en.filter((k) => !vi.includes(k))];
      })`);
      expect(missing).toEqual([]);

      await page.click('#lang');
      expect(await page.locator('#login-submit').innerText()).toBe('Đăng nhập');
    } finally {
      await context.close();
    }
  }, 60_000);
});
