/**
 * The exporter: builds, renders and stores exports; what the CLI, the scheduler and the API share,
 * so each of them gives the same bytes for the same data.
 *
 * A stored file is current when it was produced after the last instant it covers had passed
 * (period.ts `coverageEnd`): a closed month after its end, a year after the end of its last
 * closed month. A file made earlier (a month exported while it ran, the December report of a year
 * once the year is over) is replaced the next time it is asked for or scheduled. A running month
 * is never stored by the API: its figures change with every reading.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { devicesInScope, type Regulatory, type ReportDeps } from '@hpg/reports';
import { buildExport, ExportError, type FactsSource, factsSource, monthsToLoad } from './build.ts';
import {
  type ExportFile,
  exportFileName,
  exportRelativePath,
  listExportFiles,
  producedAt,
  sha256,
  writeExportFile,
} from './files.ts';
import type { ExportData, Format, Lang } from './model.ts';
import { coverageEnd, type Period, periodWindow } from './period.ts';
import { render } from './render.ts';

export interface ExporterDeps {
  readonly store: Store;
  readonly registry: () => Registry;
  readonly regulatory: Regulatory;
  readonly now?: () => number;
  /** The police's outcomes of dumping alerts, where the alert store is reachable. */
  readonly dumpingOutcomes?: ReportDeps['dumpingOutcomes'];
  readonly logger?: Logger;
}

export interface ExporterOptions {
  /** Where exports are stored. */
  readonly dir: string;
  /** Wastewater averaging period: the indicator service's, so exports agree with the stored points. */
  readonly averaging?: 'hour' | 'day';
  /** Devices read from the store at once. */
  readonly concurrency?: number;
}

export interface ProduceRequest {
  readonly localityIds: readonly string[];
  readonly period: Period;
  readonly formats: readonly Format[];
  readonly lang: Lang;
  /** Write even when a current file exists (the CLI always does; the scheduler does not). */
  readonly force?: boolean;
  /** Progress of the facts loaded (devices read so far, of the total). */
  readonly onDevice?: (done: number, total: number) => void;
}

export interface Produced {
  readonly locality: string;
  readonly period: string;
  readonly format: Format;
  readonly lang: Lang;
  /** Relative to the exports directory. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** written: new or changed content; unchanged: the same bytes again; skipped: a current file was left alone. */
  readonly outcome: 'written' | 'unchanged' | 'skipped';
}

export interface Download {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** Whether it came from (or was written to) the exports directory. */
  readonly stored: boolean;
  readonly fileName: string;
}

/** Tolerance for file systems that keep modification times to the second. */
const MTIME_SLACK_MS = 1_000;

export class Exporter {
  readonly #deps: ExporterDeps;
  readonly #options: ExporterOptions;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<Download>>();

  constructor(deps: ExporterDeps, options: ExporterOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#now = deps.now ?? Date.now;
  }

  get dir(): string {
    return this.#options.dir;
  }

  registry(): Registry {
    return this.#deps.registry();
  }

  #reportDeps(now: number): ReportDeps {
    return {
      store: this.#deps.store,
      registry: this.#deps.registry(),
      regulatory: this.#deps.regulatory,
      now,
      ...(this.#deps.dumpingOutcomes === undefined ? {} : { dumpingOutcomes: this.#deps.dumpingOutcomes }),
    };
  }

  #facts(deps: ReportDeps, localityId: string | undefined, onDevice?: (done: number, total: number) => void) {
    return factsSource(deps, {
      ...(localityId === undefined ? {} : { localityId }),
      ...(this.#options.averaging === undefined ? {} : { averaging: this.#options.averaging }),
      ...(this.#options.concurrency === undefined ? {} : { concurrency: this.#options.concurrency }),
      ...(onDevice === undefined ? {} : { onDevice }),
    });
  }

  /** Devices whose facts an export of these localities reads, for progress bars. */
  devicesToRead(localityIds: readonly string[], period: Period, now = this.#now()): number {
    const registry = this.#deps.registry();
    const scope = localityIds.length === 1 ? localityIds[0] : undefined;
    const devices = devicesInScope(registry, scope).filter((d) => d.kind !== 'camera').length;
    return devices * monthsToLoad(period, now).length;
  }

  /** The export model of one locality and period (facts loaded for that locality only, unless given). */
  build(localityId: string, period: Period, facts?: FactsSource, now = this.#now()): Promise<ExportData> {
    const deps = this.#reportDeps(now);
    return buildExport(deps, localityId, period, facts ?? this.#facts(deps, localityId));
  }

  pathOf(localityId: string, period: string, format: Format, lang: Lang): string {
    return join(this.#options.dir, exportRelativePath(localityId, period, format, lang));
  }

  async #isCurrent(path: string, period: Period, now: number): Promise<boolean> {
    const at = await producedAt(path);
    return at !== undefined && at + MTIME_SLACK_MS >= coverageEnd(period, now) && at <= now + MTIME_SLACK_MS;
  }

  /**
   * Produces the exports of several localities for one period. With more than one locality the
   * month's facts are loaded once for all of them (city-wide), which gives the same figures as
   * loading each locality's own.
   */
  async produce(req: ProduceRequest): Promise<Produced[]> {
    const now = this.#now();
    const deps = this.#reportDeps(now);
    const registry = deps.registry;
    for (const id of req.localityIds)
      if (registry.locality(id) === undefined) throw new ExportError('unknown_locality', `no locality "${id}"`);
    if (periodWindow(req.period).from > now)
      throw new ExportError('period_not_started', `${req.period.label} has not started yet (Asia/Ho_Chi_Minh)`);
    let done = 0;
    const total = this.devicesToRead(req.localityIds, req.period, now);
    const onDevice = req.onDevice === undefined ? undefined : () => req.onDevice?.(++done, total);
    const facts = this.#facts(deps, req.localityIds.length === 1 ? req.localityIds[0] : undefined, onDevice);
    const out: Produced[] = [];
    for (const localityId of req.localityIds) {
      const wanted: Format[] = [];
      for (const format of req.formats) {
        const path = this.pathOf(localityId, req.period.label, format, req.lang);
        if (req.force !== true && (await this.#isCurrent(path, req.period, now))) {
          const bytes = await readFile(path);
          out.push({
            locality: localityId,
            period: req.period.label,
            format,
            lang: req.lang,
            path: exportRelativePath(localityId, req.period.label, format, req.lang),
            size: bytes.length,
            sha256: sha256(bytes),
            outcome: 'skipped',
          });
        } else wanted.push(format);
      }
      if (wanted.length === 0) continue;
      const data = await buildExport(deps, localityId, req.period, facts);
      for (const format of wanted) {
        const bytes = await render(data, format, req.lang);
        const outcome = await writeExportFile(this.pathOf(localityId, req.period.label, format, req.lang), bytes, now);
        const produced: Produced = {
          locality: localityId,
          period: req.period.label,
          format,
          lang: req.lang,
          path: exportRelativePath(localityId, req.period.label, format, req.lang),
          size: bytes.length,
          sha256: sha256(bytes),
          outcome,
        };
        this.#deps.logger?.info(produced, 'export produced');
        out.push(produced);
      }
    }
    return out;
  }

  /**
   * One export for download: the stored file when current, else made now (and stored, unless it
   * is a running month). Concurrent requests for the same file share one build.
   */
  download(localityId: string, period: Period, format: Format, lang: Lang): Promise<Download> {
    const key = `${localityId}|${period.label}|${format}|${lang}`;
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#download(localityId, period, format, lang).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #download(localityId: string, period: Period, format: Format, lang: Lang): Promise<Download> {
    const now = this.#now();
    const registry = this.#deps.registry();
    if (registry.locality(localityId) === undefined)
      throw new ExportError('unknown_locality', `no locality "${localityId}"`);
    const window = periodWindow(period);
    if (window.from > now)
      throw new ExportError('period_not_started', `${period.label} has not started yet (Asia/Ho_Chi_Minh)`);
    const path = this.pathOf(localityId, period.label, format, lang);
    const fileName = exportFileName(localityId, period.label, format, lang);
    if (await this.#isCurrent(path, period, now)) {
      try {
        const bytes = new Uint8Array(await readFile(path));
        return { bytes, sha256: sha256(bytes), stored: true, fileName };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    const data = await this.build(localityId, period, undefined, now);
    const bytes = await render(data, format, lang);
    const store = period.kind === 'year' || now >= window.to;
    if (store) await writeExportFile(path, bytes, now);
    return { bytes, sha256: sha256(bytes), stored: store, fileName };
  }

  list(): Promise<ExportFile[]> {
    return listExportFiles(this.#options.dir);
  }
}
