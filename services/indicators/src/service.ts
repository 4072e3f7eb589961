/**
 * The indicator service: keeps the stored indicator points true as data arrives.
 *
 * It consumes readings and detections from the bus in its own consumer group (it needs only
 * their time: each marks the local day and month it falls in as dirty), and on every tick
 * recomputes the dirty months that have settled — their dirty days, the month and the year —
 * from the store, writes the points (idempotent: a window's points replace the earlier ones) and
 * publishes them on the bus. A late reading therefore recomputes exactly the windows it touches.
 *
 * The running month is touched by every live reading, so it is recomputed at most every
 * `liveEveryMs`; a closed month as soon as it settles. Dirty marks live in memory: at start the
 * running month and `startupMonths` before it are recomputed, which covers data that arrived
 * while the service was down; older late data needs the backfill command.
 */
import { type IndicatorPoint, indicatorKey } from '@hpg/contracts';
import { localMonth, localYear, monthOf } from '@hpg/indicators';
import { Counter, Gauge, Histogram, type Logger, type Registry as MetricsRegistry } from '@hpg/platform';
import type { Bus, Store, Subscription } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { type Regulatory, type ReportDeps, recomputeMonth, yearPoints } from '@hpg/reports';
import type { IndicatorServiceConfig } from './config.ts';

export interface IndicatorServiceDeps {
  readonly bus: Bus;
  readonly store: Store;
  readonly registry: () => Registry;
  readonly regulatory: Regulatory;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly now?: () => number;
  /** The police's outcomes of dumping alerts, where the alert store is reachable. */
  readonly dumpingOutcomes?: ReportDeps['dumpingOutcomes'];
}

interface DirtyMonth {
  readonly year: number;
  readonly month: number;
  /** Day indexes touched; `all` after a start or a backfill request. */
  days: Set<number> | 'all';
  lastTouch: number;
}

export interface RecomputeResult {
  readonly label: string;
  readonly points: number;
  readonly readingsRead: number;
  readonly seconds: number;
}

const WRITE_BATCH = 5_000;
const monthKey = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;

export class IndicatorService {
  readonly #deps: IndicatorServiceDeps;
  readonly #config: IndicatorServiceConfig;
  readonly #now: () => number;
  readonly #dirty = new Map<string, DirtyMonth>();
  readonly #lastComputed = new Map<string, number>();
  readonly #subscriptions: Subscription[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #pointsTotal: Counter;
  readonly #seconds: Histogram;
  readonly #failures: Counter;

  constructor(deps: IndicatorServiceDeps, config: IndicatorServiceConfig) {
    this.#deps = deps;
    this.#config = config;
    this.#now = deps.now ?? Date.now;
    this.#pointsTotal = new Counter({
      name: 'hpg_indicator_points_total',
      help: 'Indicator points written and published',
      registers: [deps.metrics],
    });
    this.#failures = new Counter({
      name: 'hpg_indicator_failures_total',
      help: 'Month recomputations that failed (retried at the next tick)',
      registers: [deps.metrics],
    });
    this.#seconds = new Histogram({
      name: 'hpg_indicator_recompute_seconds',
      help: 'Time to recompute one month (facts, roll-ups, write, publish)',
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120],
      registers: [deps.metrics],
    });
    const dirty = this.#dirty;
    new Gauge({
      name: 'hpg_indicator_dirty_months',
      help: 'Months waiting for a recomputation',
      registers: [deps.metrics],
      collect() {
        this.set(dirty.size);
      },
    });
  }

  async start(): Promise<void> {
    const options = { group: this.#config.group, maxBatch: 5_000, maxWaitMs: 50 };
    this.#subscriptions.push(
      await this.#deps.bus.subscribe('readings', options, async (batch) => {
        for (const r of batch) this.touch(r.ts);
      }),
      await this.#deps.bus.subscribe('detections', options, async (batch) => {
        for (const d of batch) this.touch(d.startedAt);
      }),
    );
    // A police outcome changes the dumping indicators of the window the alert opened in.
    if (this.#deps.dumpingOutcomes !== undefined) {
      this.#subscriptions.push(
        await this.#deps.bus.subscribe('alerts', options, async (batch) => {
          for (const n of batch) if (n.kind === 'dumping') this.touch(n.openedAt);
        }),
      );
    }
    const now = this.#now();
    let { year, month } = monthOf(now);
    for (let i = 0; i <= this.#config.startupMonths; i++) {
      this.request(year, month);
      month -= 1;
      if (month === 0) {
        month = 12;
        year -= 1;
      }
    }
    this.#schedule();
  }

  /** Marks the day and month that contain `ts` as needing a recomputation. */
  touch(ts: number): void {
    const { year, month } = monthOf(ts);
    const key = monthKey(year, month);
    const dayIndex = Math.floor((ts - localMonth(year, month).from) / 86_400_000);
    const entry = this.#dirty.get(key);
    const now = this.#now();
    if (entry === undefined) this.#dirty.set(key, { year, month, days: new Set([dayIndex]), lastTouch: now });
    else {
      if (entry.days !== 'all') entry.days.add(dayIndex);
      entry.lastTouch = now;
    }
  }

  /** Asks for a whole month (every day) at the next tick, without waiting to settle. */
  request(year: number, month: number): void {
    this.#dirty.set(monthKey(year, month), { year, month, days: 'all', lastTouch: Number.NEGATIVE_INFINITY });
  }

  /** Recomputes every settled dirty month now (one at a time; a running tick is awaited). */
  async tick(): Promise<RecomputeResult[]> {
    while (this.#running !== undefined) await this.#running;
    const results: RecomputeResult[] = [];
    const run = (async () => {
      const now = this.#now();
      for (const [key, entry] of [...this.#dirty].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (this.#stopping !== undefined) break;
        if (now - entry.lastTouch < this.#config.settleMs) continue;
        const window = localMonth(entry.year, entry.month);
        const isRunning = now >= window.from && now < window.to;
        const last = this.#lastComputed.get(key);
        if (isRunning && last !== undefined && now - last < this.#config.liveEveryMs) continue;
        this.#dirty.delete(key);
        try {
          results.push(
            await this.recompute(entry.year, entry.month, entry.days === 'all' ? undefined : [...entry.days]),
          );
          this.#lastComputed.set(key, now);
        } catch (err) {
          this.#failures.inc();
          this.#deps.logger.error({ err, month: key }, 'indicator recomputation failed; retrying at the next tick');
          // Back into the dirty set, merged with what arrived meanwhile.
          const again = this.#dirty.get(key);
          if (again === undefined) this.#dirty.set(key, entry);
          else
            again.days = entry.days === 'all' || again.days === 'all' ? 'all' : new Set([...again.days, ...entry.days]);
        }
      }
    })();
    this.#running = run;
    try {
      await run;
    } finally {
      this.#running = undefined;
    }
    return results;
  }

  /**
   * Recomputes a month (all its begun days, or only `days`), then its year from the stored
   * months; writes the points and publishes them.
   */
  async recompute(year: number, month: number, days?: readonly number[]): Promise<RecomputeResult> {
    const started = performance.now();
    const deps = { ...this.#deps, registry: this.#deps.registry(), now: this.#now() };
    const result = await recomputeMonth(deps, year, month, {
      averaging: this.#config.averaging,
      concurrency: this.#config.concurrency,
      ...(days === undefined ? {} : { days }),
    });
    await this.#emit(result.points);
    const y = localYear(year);
    const months = await this.#deps.store.queryIndicators({
      period: 'month',
      from: y.from,
      to: y.to,
      limit: 1_000_000,
    });
    const yearly = yearPoints(months, year, deps.now);
    await this.#emit(yearly);
    const seconds = (performance.now() - started) / 1000;
    this.#seconds.observe(seconds);
    const label = monthKey(year, month);
    this.#deps.logger.info(
      {
        month: label,
        days: days?.length ?? 'all',
        points: result.points.length + yearly.length,
        readings: result.readingsRead,
        seconds,
      },
      'indicators recomputed',
    );
    return { label, points: result.points.length + yearly.length, readingsRead: result.readingsRead, seconds };
  }

  async #emit(points: readonly IndicatorPoint[]): Promise<void> {
    for (let i = 0; i < points.length; i += WRITE_BATCH) {
      const batch = points.slice(i, i + WRITE_BATCH);
      await this.#deps.store.writeIndicators(batch);
      await this.#deps.bus.publish(
        'indicators',
        batch.map((p) => ({ key: indicatorKey(p), value: p })),
      );
      this.#pointsTotal.inc(batch.length);
    }
  }

  #schedule(): void {
    if (this.#stopping !== undefined) return;
    this.#timer = setTimeout(() => {
      this.tick()
        .catch((err: unknown) => this.#deps.logger.error({ err }, 'indicator tick failed'))
        .finally(() => this.#schedule());
    }, this.#config.tickMs);
  }

  /** Stops consuming and ticking; a recomputation in progress finishes first. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#timer);
      await Promise.all(this.#subscriptions.map((s) => s.stop()));
      await this.#running;
    })();
    return this.#stopping;
  }

  /** Months waiting, for tests and operators. */
  dirtyMonths(): string[] {
    return [...this.#dirty.keys()].sort();
  }
}
