/**
 * The scheduler on an injected clock: on the 1st it produces the previous month for every
 * locality and the city, once; in early December the year so far; in January the full year,
 * replacing the December report.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@hpg/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duePeriods, Exporter, ExportScheduler } from '../src/index.ts';
import { filledStore, local, registry, regulatory } from './fixture.ts';

describe('export scheduler', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-exports-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows what is due, in local time', () => {
    const labels = (ms: number) => duePeriods(ms).map((p) => p.label);
    // 31 October 23:59 in Hai Phong (16:59 UTC): October is still running.
    expect(labels(local(2026, 10, 31, 23, 59))).toEqual(['2026-09']);
    // 1 November 00:00 in Hai Phong is 31 October 17:00 UTC.
    expect(labels(Date.UTC(2026, 9, 31, 17))).toEqual(['2026-10']);
    expect(labels(local(2026, 12, 1, 8))).toEqual(['2026-11', '2026']);
    expect(labels(local(2026, 12, 4, 23))).toEqual(['2026-11', '2026']);
    expect(labels(local(2026, 12, 5))).toEqual(['2026-11']);
    expect(labels(local(2027, 1, 1, 0, 30))).toEqual(['2026-12', '2026']);
  });

  it('produces the previous month on the 1st for every locality, and not twice', async () => {
    const store = await filledStore();
    let now = local(2026, 11, 1, 0, 30);
    const exporter = new Exporter({ store, registry: () => registry, regulatory, now: () => now }, { dir });
    const scheduler = new ExportScheduler(
      { exporter, logger: createLogger({ name: 'test', level: 'silent' }), now: () => now },
      { formats: ['xlsx', 'csv', 'json'], lang: 'vi', checkEveryMs: 3_600_000, firstCheckAfterMs: 0 },
    );
    const first = await scheduler.check();
    expect(first.map((p) => p.path).sort()).toEqual(
      ['hai-phong', 'tan-minh', 'vinh-am'].flatMap((l) =>
        ['csv', 'json', 'xlsx'].map((f) => `2026-10/${l}_2026-10.${f}`),
      ),
    );
    expect(first.every((p) => p.outcome === 'written')).toBe(true);
    const mtime = statSync(join(dir, '2026-10/tan-minh_2026-10.xlsx')).mtimeMs;
    expect(Math.round(mtime)).toBe(now);

    // Later the same day and the next day: nothing to do.
    now += 3_600_000;
    expect(await scheduler.check()).toEqual([]);
    now += 86_400_000;
    expect(await scheduler.check()).toEqual([]);
    expect(statSync(join(dir, '2026-10/tan-minh_2026-10.xlsx')).mtimeMs).toBe(mtime);
    expect(scheduler.produced()).toHaveLength(9);

    // The files are the ones the exporter makes on demand.
    const list = await exporter.list();
    expect(list).toHaveLength(9);
    const d = await exporter.download(
      'tan-minh',
      { kind: 'month', year: 2026, month: 10, label: '2026-10' },
      'xlsx',
      'vi',
    );
    expect(d.stored).toBe(true);
    expect(list.find((f) => f.path === '2026-10/tan-minh_2026-10.xlsx')?.sha256).toBe(d.sha256);
    await scheduler.stop();
  });

  it('produces the year so far before 5 December, and the full year in January', async () => {
    const store = await filledStore();
    let now = local(2026, 12, 1, 1);
    const exporter = new Exporter({ store, registry: () => registry, regulatory, now: () => now }, { dir });
    const scheduler = new ExportScheduler(
      { exporter, logger: createLogger({ name: 'test', level: 'silent' }), now: () => now },
      { formats: ['json'], lang: 'vi', checkEveryMs: 3_600_000, firstCheckAfterMs: 0 },
    );
    const december = await scheduler.check();
    expect(december.map((p) => p.path).sort()).toEqual([
      '2026-11/hai-phong_2026-11.json',
      '2026-11/tan-minh_2026-11.json',
      '2026-11/vinh-am_2026-11.json',
      '2026/hai-phong_2026.json',
      '2026/tan-minh_2026.json',
      '2026/vinh-am_2026.json',
    ]);
    now = local(2026, 12, 3, 9);
    expect(await scheduler.check()).toEqual([]);

    now = local(2027, 1, 1, 0, 5);
    const january = await scheduler.check();
    // December, and the year again over twelve months (replacing the January–November report).
    expect(january.map((p) => p.path).sort()).toEqual([
      '2026-12/hai-phong_2026-12.json',
      '2026-12/tan-minh_2026-12.json',
      '2026-12/vinh-am_2026-12.json',
      '2026/hai-phong_2026.json',
      '2026/tan-minh_2026.json',
      '2026/vinh-am_2026.json',
    ]);
    now = local(2027, 1, 2);
    expect(await scheduler.check()).toEqual([]);
    await scheduler.stop();
  });

  it('runs on its own timer and stops', async () => {
    const store = await filledStore();
    const now = local(2026, 11, 1, 0, 30);
    const exporter = new Exporter({ store, registry: () => registry, regulatory, now: () => now }, { dir });
    const scheduler = new ExportScheduler(
      { exporter, logger: createLogger({ name: 'test', level: 'silent' }), now: () => now },
      { formats: ['csv'], lang: 'en', checkEveryMs: 60_000, firstCheckAfterMs: 0 },
    );
    scheduler.start();
    const deadline = Date.now() + 5_000;
    while (scheduler.produced().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    expect(
      scheduler
        .produced()
        .map((p) => p.path)
        .sort(),
    ).toEqual([
      '2026-10/hai-phong_2026-10.en.csv',
      '2026-10/tan-minh_2026-10.en.csv',
      '2026-10/vinh-am_2026-10.en.csv',
    ]);
  });
});
