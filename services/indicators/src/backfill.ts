/**
 * Backfill: recomputes every indicator of a range of months (and their years) from the store, with
 * a progress bar, and writes the points (publishing them too when a bus is given). Idempotent:
 * running it twice leaves the same points.
 *
 *   pnpm indicators:backfill --from 2026-01 --to 2026-10            # the embedded store
 *   HPG_INFLUX_URL=http://127.0.0.1:8086 HPG_INFLUX_DATABASE=hpg pnpm indicators:backfill --from 2026-01
 */
import { type IndicatorPoint, indicatorKey } from '@hpg/contracts';
import { localYear } from '@hpg/indicators';
import { type Progress, progressBar } from '@hpg/platform';
import type { Bus, Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { type Regulatory, recomputeMonth, yearPoints } from '@hpg/reports';

export interface BackfillDeps {
  readonly store: Store;
  readonly registry: Registry;
  readonly regulatory: Regulatory;
  readonly bus?: Bus;
  readonly now?: () => number;
}

export interface BackfillOptions {
  /** First and last month, `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly averaging?: 'hour' | 'day';
  readonly concurrency?: number;
  readonly progress?: (total: number) => Progress;
}

export interface BackfillResult {
  readonly months: number;
  readonly points: number;
  readonly readingsRead: number;
  readonly seconds: number;
}

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The months from `from` to `to` inclusive, in order. */
export function monthRange(from: string, to: string): { year: number; month: number }[] {
  const a = MONTH.exec(from);
  const b = MONTH.exec(to);
  if (a === null || b === null) throw new RangeError(`months must be YYYY-MM, got "${from}" and "${to}"`);
  const out: { year: number; month: number }[] = [];
  let y = Number(a[1]);
  let m = Number(a[2]);
  const endY = Number(b[1]);
  const endM = Number(b[2]);
  if (y * 12 + m > endY * 12 + endM) throw new RangeError(`--from ${from} is after --to ${to}`);
  while (y * 12 + m <= endY * 12 + endM) {
    out.push({ year: y, month: m });
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

async function emit(deps: BackfillDeps, points: readonly IndicatorPoint[]): Promise<void> {
  for (let i = 0; i < points.length; i += 5_000) {
    const batch = points.slice(i, i + 5_000);
    await deps.store.writeIndicators(batch);
    await deps.bus?.publish(
      'indicators',
      batch.map((p) => ({ key: indicatorKey(p), value: p })),
    );
  }
}

export async function backfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const now = (deps.now ?? Date.now)();
  const months = monthRange(options.from, options.to).filter((m) => localYear(m.year).from <= now);
  const devices = deps.registry.data.devices.filter((d) => d.enabled && d.kind !== 'camera').length;
  const bar = options.progress?.(months.length * devices);
  let points = 0;
  let readingsRead = 0;
  for (const [i, { year, month }] of months.entries()) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    const r = await recomputeMonth({ ...deps, now }, year, month, {
      ...(options.averaging === undefined ? {} : { averaging: options.averaging }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      onDevice: (done) => bar?.update(i * devices + done, label),
    });
    await emit(deps, r.points);
    points += r.points.length;
    readingsRead += r.readingsRead;
  }
  for (const year of [...new Set(months.map((m) => m.year))]) {
    const y = localYear(year);
    const stored = await deps.store.queryIndicators({ period: 'month', from: y.from, to: y.to, limit: 1_000_000 });
    const yearly = yearPoints(stored, year, now);
    await emit(deps, yearly);
    points += yearly.length;
  }
  const seconds = (performance.now() - started) / 1000;
  bar?.finish(`${points} points, ${readingsRead} readings`);
  return { months: months.length, points, readingsRead, seconds };
}

export { progressBar };
