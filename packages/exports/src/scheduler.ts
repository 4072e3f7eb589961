/**
 * The export scheduler: keeps the periodic exports on disk, for every locality and the city.
 *
 * What is due at an instant (local time, Asia/Ho_Chi_Minh):
 * - from the 1st of each month: the previous month;
 * - from 1 to 4 December: the year so far (January–November), the annual report the plans want
 *   before 5 December (plan 004 §VI.3);
 * - in January: the previous year again, now over its twelve months.
 * Every check produces what is due and not yet current (exporter.ts), so it is idempotent: a
 * second check the same day writes nothing, and a process that was down on the 1st catches up at
 * its first check. The first check runs shortly after start, then every `checkEveryMs`.
 *
 * It needs only the Store port, so the all-in-one runs it and a production process (the indicator
 * service's host, on InfluxDB) can run it the same way.
 */
import type { Logger } from '@hpg/platform';
import type { Exporter, Produced } from './exporter.ts';
import type { Format, Lang } from './model.ts';
import { localDate, monthPeriod, type Period, previousMonth, yearPeriod } from './period.ts';

export interface ExportSchedulerConfig {
  readonly formats: readonly Format[];
  readonly lang: Lang;
  readonly checkEveryMs: number;
  /** Delay of the first check after start (the pipeline settles first). */
  readonly firstCheckAfterMs: number;
}

export interface ExportSchedulerDeps {
  readonly exporter: Exporter;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** The periods due at `now`. */
export function duePeriods(now: number): Period[] {
  const today = localDate(now);
  const prev = previousMonth(today.year, today.month);
  const due: Period[] = [monthPeriod(prev.year, prev.month)];
  if (today.month === 12 && today.day < 5) due.push(yearPeriod(today.year));
  if (today.month === 1) due.push(yearPeriod(today.year - 1));
  return due;
}

export class ExportScheduler {
  readonly #deps: ExportSchedulerDeps;
  readonly #config: ExportSchedulerConfig;
  readonly #now: () => number;
  readonly #produced: Produced[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<Produced[]> | undefined;
  #stopped = false;

  constructor(deps: ExportSchedulerDeps, config: ExportSchedulerConfig) {
    this.#deps = deps;
    this.#config = config;
    this.#now = deps.now ?? Date.now;
  }

  start(): void {
    this.#schedule(this.#config.firstCheckAfterMs);
  }

  /** Produces what is due now and not yet current; returns what it wrote (skipped files are not listed). */
  async check(): Promise<Produced[]> {
    while (this.#running !== undefined) await this.#running.catch(() => undefined);
    const run = this.#check();
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = undefined;
    }
  }

  async #check(): Promise<Produced[]> {
    const now = this.#now();
    const localityIds = this.#deps.exporter
      .registry()
      .data.localities.map((l) => l.id)
      .sort();
    const written: Produced[] = [];
    for (const period of duePeriods(now)) {
      if (this.#stopped) break;
      const started = performance.now();
      const results = await this.#deps.exporter.produce({
        localityIds,
        period,
        formats: this.#config.formats,
        lang: this.#config.lang,
      });
      const fresh = results.filter((r) => r.outcome !== 'skipped');
      if (fresh.length > 0)
        this.#deps.logger.info(
          { period: period.label, files: fresh.length, seconds: (performance.now() - started) / 1000 },
          'scheduled exports produced',
        );
      written.push(...fresh);
    }
    this.#produced.push(...written);
    return written;
  }

  /** Every file this scheduler has written since it started, oldest first. */
  produced(): readonly Produced[] {
    return this.#produced;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.check()
        .catch((err: unknown) =>
          this.#deps.logger.error({ err }, 'scheduled exports failed; trying again at the next check'),
        )
        .finally(() => this.#schedule(this.#config.checkEveryMs));
    }, delay);
    this.#timer.unref?.();
  }

  /** Stops checking; a check in progress finishes its current period first. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
