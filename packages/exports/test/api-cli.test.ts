/**
 * The routes on the real API server (through its `routes` hook, as the all-in-one composes them)
 * and the CLI: a download is the builder's bytes, the CLI writes the same bytes, the listing names
 * what was produced with its size and SHA-256, and the headers say what the file is.
 *
 * The API server is imported by path: @hpg/api is not a dependency of this package (the routes are
 * typed by the little of Fastify they use).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createMetrics } from '@hpg/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Api, startApi } from '../../../services/api/src/server.ts';
import {
  buildMonth,
  buildYear,
  Exporter,
  registerExportRoutes,
  renderCsv,
  renderJson,
  renderXlsx,
  runExportCli,
  sha256,
} from '../src/index.ts';
import { filledStore, local, type MemoryStore, NOV1, registry, regulatory } from './fixture.ts';

describe('export routes and CLI', () => {
  let dir: string;
  let store: MemoryStore;
  let api: Api;
  let now = NOV1;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-exports-api-'));
    store = await filledStore();
    now = NOV1;
    const exporter = new Exporter({ store, registry: () => registry, regulatory, now: () => now }, { dir });
    api = await startApi(
      {
        store,
        registry: () => registry,
        metrics: createMetrics(),
        logger: createLogger({ name: 'test', level: 'silent' }),
        health: [],
        regulatory,
        now: () => now,
        routes: (app) =>
          registerExportRoutes(app, {
            exporter: () => exporter,
            // Stands in for the signed-in user's scope (@hpg/auth's principal in the all-in-one).
            scopeOf: (req) => {
              const h = req.headers['x-test-scope'];
              return typeof h === 'string' ? new Set(h.split(',')) : undefined;
            },
          }),
      },
      { host: '127.0.0.1', port: 0, maxLimit: 1_000 },
    );
  });
  afterEach(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });
  const bytesOf = async (r: Response) => new Uint8Array(await r.arrayBuffer());

  it('downloads the builder’s bytes with the right headers, lists them, and the CLI writes the same', async () => {
    const data = await buildMonth({ store, registry, regulatory, now }, 'tan-minh', 2026, 10);
    const expected = { xlsx: await renderXlsx(data, 'vi'), csv: renderCsv(data, 'vi'), json: renderJson(data, 'vi') };

    const res = await get('/api/v1/exports/tan-minh/2026-10.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toContain('attachment; filename="tan-minh_2026-10.xlsx"');
    expect(disposition).toContain(
      `filename*=UTF-8''${encodeURIComponent('Báo cáo chuyển đổi xanh - Xã Tân Minh - 2026-10.xlsx')}`,
    );
    const xlsx = await bytesOf(res);
    expect(Buffer.from(xlsx).equals(Buffer.from(expected.xlsx))).toBe(true);
    expect(res.headers.get('etag')).toBe(`"${sha256(xlsx)}"`);

    const csv = await get('/api/v1/exports/tan-minh/2026-10.csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(Buffer.from(await bytesOf(csv)).equals(Buffer.from(expected.csv))).toBe(true);
    const json = await get('/api/v1/exports/tan-minh/2026-10.json');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Buffer.from(await bytesOf(json)).equals(Buffer.from(expected.json))).toBe(true);

    // A closed month made on demand is kept, listed, and served again from the file.
    const list = (await (await get('/api/v1/exports')).json()) as { count: number; exports: Record<string, unknown>[] };
    expect(list.count).toBe(3);
    expect(list.exports[0]).toEqual({
      locality: 'tan-minh',
      period: '2026-10',
      kind: 'month',
      format: 'xlsx',
      lang: 'vi',
      path: '2026-10/tan-minh_2026-10.xlsx',
      size: expected.xlsx.length,
      sha256: sha256(expected.xlsx),
      createdAt: '2026-11-01T00:30:00+07:00',
      url: '/api/v1/exports/tan-minh/2026-10.xlsx',
    });
    expect(((await (await get('/api/v1/exports?format=csv')).json()) as { count: number }).count).toBe(1);
    now += 3_600_000;
    const again = await get('/api/v1/exports/tan-minh/2026-10.xlsx');
    expect(Buffer.from(await bytesOf(again)).equals(Buffer.from(expected.xlsx))).toBe(true);
    const cached = await get('/api/v1/exports/tan-minh/2026-10.xlsx', { 'if-none-match': `"${sha256(xlsx)}"` });
    expect(cached.status).toBe(304);

    // The CLI, into another directory: the same bytes, the same names.
    const out = mkdtempSync(join(tmpdir(), 'hpg-exports-cli-'));
    try {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const code = await runExportCli(
        ['--month', '2026-10', '--locality', 'tan-minh', '--out', out],
        { stdout: { write: (s: string) => stdout.push(s) }, stderr: { write: (s: string) => stderr.push(s) }, env: {} },
        { openStore: async () => store, registry, regulatory, now: () => now },
      );
      expect(code).toBe(0);
      for (const format of ['xlsx', 'csv', 'json'] as const)
        expect(
          readFileSync(join(out, '2026-10', `tan-minh_2026-10.${format}`)).equals(Buffer.from(expected[format])),
        ).toBe(true);
      expect(stdout.filter((l) => l.startsWith('written'))).toHaveLength(3);
      // The progress bar (not a terminal: a line per tenth, then the final line): Tân Minh has 2 devices, read for October and September.
      expect(stderr.join('')).toMatch(/export 2026-10 \[#+\] 100% 4\/4 .* 3 files\n$/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('serves English, years, and running months (made fresh, not kept)', async () => {
    const en = await get('/api/v1/exports/tan-minh/2026-10.xlsx?lang=en');
    expect(en.status).toBe(200);
    expect(en.headers.get('content-disposition')).toContain('filename="tan-minh_2026-10.en.xlsx"');
    expect(en.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Green transition - Tan Minh Commune - 2026-10.xlsx')}`,
    );

    now = local(2026, 12, 2, 9);
    const year = await get('/api/v1/exports/hai-phong/2026.json');
    expect(year.status).toBe(200);
    const expected = renderJson(await buildYear({ store, registry, regulatory, now }, 'hai-phong', 2026), 'vi');
    expect(Buffer.from(await bytesOf(year)).equals(Buffer.from(expected))).toBe(true);

    now = local(2026, 12, 15, 12);
    const running = (await (await get('/api/v1/exports/tan-minh/2026-12.json')).json()) as { complete: boolean };
    expect(running.complete).toBe(false);
    const listed = (await (await get('/api/v1/exports?localityId=tan-minh')).json()) as {
      exports: { period: string }[];
    };
    expect(listed.exports.map((f) => f.period)).not.toContain('2026-12');
  });

  it('refuses what it cannot export', async () => {
    const status = async (path: string) => {
      const r = await get(path);
      return [r.status, ((await r.json()) as { error: { code: string } }).error.code];
    };
    expect(await status('/api/v1/exports/nowhere/2026-10.xlsx')).toEqual([404, 'unknown_locality']);
    expect(await status('/api/v1/exports/tan-minh/2026-13.xlsx')).toEqual([400, 'invalid_period']);
    expect(await status('/api/v1/exports/tan-minh/october.xlsx')).toEqual([400, 'invalid_period']);
    expect(await status('/api/v1/exports/tan-minh/2026-10.pdf')).toEqual([404, 'unknown_format']);
    expect(await status('/api/v1/exports/tan-minh/2026-10.xlsx?lang=fr')).toEqual([400, 'invalid_query']);
    expect(await status('/api/v1/exports/tan-minh/2027-01.xlsx')).toEqual([404, 'period_not_started']);
    expect(await status('/api/v1/exports?format=pdf')).toEqual([400, 'invalid_query']);
  });

  it('keeps to the caller’s scope and declares the exports:read permission', async () => {
    const tanMinh = { 'x-test-scope': 'tan-minh' };
    expect((await get('/api/v1/exports/tan-minh/2026-10.json', tanMinh)).status).toBe(200);
    expect((await get('/api/v1/exports/vinh-am/2026-10.json')).status).toBe(200);
    const denied = await get('/api/v1/exports/vinh-am/2026-10.json', tanMinh);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('out_of_scope');
    const listed = (await (await get('/api/v1/exports', tanMinh)).json()) as { exports: { locality: string }[] };
    expect(listed.exports.map((f) => f.locality)).toEqual(['tan-minh']);

    const registered: [string, unknown][] = [];
    const exporter = new Exporter({ store, registry: () => registry, regulatory }, { dir });
    registerExportRoutes(
      { get: (path: string, options: unknown) => registered.push([path, options]) },
      { exporter: () => exporter },
    );
    expect(registered).toEqual([
      ['/api/v1/exports', { config: { auth: { permission: 'exports:read' } } }],
      ['/api/v1/exports/:locality/:file', { config: { auth: { permission: 'exports:read' } } }],
    ]);
  });

  it('CLI: checks its arguments', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env: {} };
    const deps = { openStore: async () => store, registry, regulatory, now: () => now };
    expect(await runExportCli(['--locality', 'tan-minh'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2026-10', '--year', '2026'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2026/10'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2026-10', '--format', 'pdf'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2026-10', '--lang', 'fr'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2026-10', '--locality', 'nowhere'], io, deps)).toBe(2);
    expect(await runExportCli(['--month', '2027-03', '--out', dir], io, deps)).toBe(2);
    expect(err.join('')).toContain('usage: pnpm export');
    expect(err.join('')).toContain('unknown locality: nowhere');
    expect(err.join('')).toContain('2027-03 has not started yet');
  });
});
