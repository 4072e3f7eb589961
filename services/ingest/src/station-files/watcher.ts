/**
 * The drop-directory watcher: wastewater stations upload their transfer files by FTP into one
 * directory; each complete file is decoded (decoders' station-file.ts), its readings and refusals
 * published on the bus, and only once the bus accepted all of them is the file moved to
 * `processed/<local date>/` (or `failed/<local date>/` when nothing in it could be read). Files
 * are never deleted nor overwritten: a name taken already gets a `~n` suffix.
 *
 * Complete = unchanged (size and modification time) for `stableMs`, measured from the first
 * look or from the modification time, whichever is earlier; a file left from before a restart
 * is therefore taken at once. Only `*.txt` names are considered, so an uploader that writes
 * `x.txt.part` (or `.x.txt`) and renames it is never read half-written, even after a stall.
 *
 * Idempotent: a crash after publishing and before the move processes the file again at start,
 * with the same records (receive time = the file's modification time); a file delivered twice
 * gets the first receive time back from the content ledger. Readings are identified by device
 * and time, refusals by an id derived from the content and line: nothing is stored twice.
 */
import { randomUUID } from 'node:crypto';
import { type Dirent, type FSWatcher, type Stats, watch } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { localParts, REPORTING_TIME_ZONE, type Refusal } from '@hpg/contracts';
import {
  type DecodeLimits,
  decodeStationFileNamed,
  parseStationFileName,
  type StationFileContext,
  type StationFileResult,
  stationFileKey,
  stationRefusalId,
} from '@hpg/decoders';
import { Counter, Gauge, type Logger, type Registry as MetricsRegistry } from '@hpg/platform';
import type { Bus } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import type { StationFilesConfig } from './config.ts';
import { ContentLedger } from './ledger.ts';

export interface StationFileWatcherDeps {
  readonly bus: Bus;
  /** The current registry (a function, so a reloaded registry takes effect without a restart). */
  readonly registry: () => Registry;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Ingest's time limits (future skew, age); the size limit is the config's `maxFileBytes`. */
  readonly limits: DecodeLimits;
  readonly now?: () => number;
}

export interface StationFileWatcher {
  /** Makes the directories, opens the ledger, starts watching; files already there are taken. */
  start(): Promise<void>;
  /** Stops watching and waits for the file in hand (published and moved, or left). Idempotent. */
  stop(): Promise<void>;
  /** Looks at the drop directory now and takes every complete file; resolves when done. */
  scan(): Promise<void>;
}

interface Seen {
  size: number;
  mtimeMs: number;
  /** When this size and modification time were first seen. */
  since: number;
  /** Not before (after a failed publish or move). */
  retryAt: number;
}

const RETRY_MS = 30_000;

async function readPrefix(path: string, max: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    while (n < max) {
      const { bytesRead } = await fh.read(buf, n, max - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** `dir/name`, or `dir/stem~n.ext` when taken: nothing already there is overwritten. */
async function freePath(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = join(dir, name);
  for (let n = 1; await exists(candidate); n++) candidate = join(dir, `${stem}~${n}${ext}`);
  return candidate;
}

function localDate(ms: number): string {
  const p = localParts(REPORTING_TIME_ZONE, ms);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function createStationFileWatcher(deps: StationFileWatcherDeps, config: StationFilesConfig): StationFileWatcher {
  const clock = deps.now ?? Date.now;
  const dropDir = resolve(config.dropDir);
  const processedDir = join(dropDir, 'processed');
  const failedDir = join(dropDir, 'failed');
  const ledgerFile = join(dropDir, '.ledger.jsonl');
  const limits: DecodeLimits = { ...deps.limits, maxPayloadBytes: config.maxFileBytes };

  const files = new Counter({
    name: 'hpg_station_files_total',
    help: 'Station transfer files taken from the drop directory, by outcome (processed, failed)',
    labelNames: ['outcome'],
    registers: [deps.metrics],
  });
  const lines = new Counter({
    name: 'hpg_station_file_lines_total',
    help: 'Data lines of station transfer files, by outcome (accepted, refused)',
    labelNames: ['outcome'],
    registers: [deps.metrics],
  });
  const refusalsByReason = new Counter({
    name: 'hpg_station_file_refusals_total',
    help: 'Refusals from station transfer files (per line, or per file), by reason code',
    labelNames: ['reason'],
    registers: [deps.metrics],
  });
  const duplicates = new Counter({
    name: 'hpg_station_file_duplicates_total',
    help: 'Station transfer files whose content was taken before (stored once)',
    registers: [deps.metrics],
  });
  const errors = new Counter({
    name: 'hpg_station_file_errors_total',
    help: 'Failures handling the drop directory, by stage (scan, read, publish, move); the file is retried',
    labelNames: ['stage'],
    registers: [deps.metrics],
  });
  const seen = new Map<string, Seen>();
  new Gauge({
    name: 'hpg_station_files_pending',
    help: 'Transfer files in the drop directory not yet taken (being written, or waiting for a retry)',
    registers: [deps.metrics],
    collect() {
      this.set(seen.size);
    },
  });

  let ledger: ContentLedger | undefined;
  let watcher: FSWatcher | undefined;
  let interval: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;
  let stopped = false;

  const decode = (name: string, payload: Buffer, size: number, receivedAt: number): StationFileResult => {
    const ctx: StationFileContext = {
      registry: deps.registry(),
      limits,
      newId: randomUUID,
      stationDevices: config.stations,
    };
    try {
      return decodeStationFileNamed({ fileName: name, payload, size, receivedAt }, ctx);
    } catch (err) {
      // A decoder bug must not stop the directory nor lose the file: it goes to failed/, kept.
      deps.logger.error({ err, file: name }, 'station file decoder failed');
      const key = stationFileKey(parseStationFileName(name)?.station ?? name, payload);
      const record: Refusal = {
        v: 1,
        id: stationRefusalId(key, 0),
        receivedAt,
        reason: 'decode_failed',
        detail: String(err).slice(0, 2048),
        topic: `station-file:${name}`.slice(0, 1024),
        deviceId: null,
        publisher: null,
        raw: payload.subarray(0, limits.maxPayloadBytes).toString('base64'),
        rawSize: size,
        truncated: size > limits.maxPayloadBytes,
      };
      return { key, deviceId: null, readings: [], refusals: [record], linesAccepted: 0, linesRefused: 0 };
    }
  };

  /** Decodes, publishes, records and moves one complete file; leaves it for a retry on failure. */
  const take = async (name: string, path: string, s: Seen): Promise<void> => {
    let payload: Buffer;
    try {
      payload = await readPrefix(path, config.maxFileBytes + 1);
      const after = await stat(path);
      if (after.size !== s.size || after.mtimeMs !== s.mtimeMs) return; // written again: not complete
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // moved away meanwhile
      errors.labels('read').inc();
      s.retryAt = clock() + RETRY_MS;
      deps.logger.warn({ err, file: name }, 'cannot read a station file; retrying later');
      return;
    }
    const now = clock();
    // Received when the upload finished; a file delivered again keeps its first receive time.
    const uploaded = Math.min(Math.floor(s.mtimeMs), now);
    let result = decode(name, payload, s.size, uploaded);
    const first = ledger?.receivedAt(result.key);
    if (first !== undefined) duplicates.inc();
    if (first !== undefined && first !== uploaded) result = decode(name, payload, s.size, first);
    const receivedAt = first ?? uploaded;
    try {
      if (result.readings.length > 0) {
        await deps.bus.publish(
          'readings',
          result.readings.map((r) => ({ key: r.deviceId, value: r })),
        );
      }
      if (result.refusals.length > 0) {
        await deps.bus.publish(
          'refusals',
          result.refusals.map((r) => ({ key: r.deviceId ?? r.topic, value: r })),
        );
      }
    } catch (err) {
      errors.labels('publish').inc();
      s.retryAt = clock() + RETRY_MS;
      deps.logger.warn({ err, file: name }, 'bus did not accept a station file; it stays and is retried');
      return;
    }
    const outcome = result.readings.length > 0 ? 'processed' : 'failed';
    try {
      await ledger?.record({ key: result.key, receivedAt, file: name, outcome, at: now });
      const dest = await freePath(join(outcome === 'processed' ? processedDir : failedDir, localDate(now)), name);
      await rename(path, dest);
      seen.delete(name);
      // Counted once moved, so a retried move does not count a file twice.
      files.labels(outcome).inc();
      lines.labels('accepted').inc(result.linesAccepted);
      lines.labels('refused').inc(result.linesRefused);
      for (const r of result.refusals) refusalsByReason.labels(r.reason).inc();
      const log = { file: name, to: dest, deviceId: result.deviceId, readings: result.readings.length };
      if (outcome === 'processed') {
        deps.logger.debug({ ...log, refusedLines: result.linesRefused }, 'station file processed');
      } else {
        deps.logger.warn({ ...log, reasons: result.refusals.map((r) => r.reason) }, 'station file failed');
      }
    } catch (err) {
      // Its records are on the bus; taking it again later publishes the same records again.
      errors.labels('move').inc();
      s.retryAt = clock() + RETRY_MS;
      deps.logger.error({ err, file: name }, 'cannot move a station file out of the drop directory');
    }
  };

  const scanOnce = async (): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dropDir, { withFileTypes: true });
    } catch (err) {
      errors.labels('scan').inc();
      deps.logger.warn({ err, dropDir }, 'cannot list the station drop directory');
      return;
    }
    const present = new Set<string>();
    for (const e of entries) {
      if (stopped) return;
      if (!e.isFile() || e.name.startsWith('.') || !/\.txt$/i.test(e.name)) continue;
      present.add(e.name);
      const path = join(dropDir, e.name);
      let st: Stats;
      try {
        st = await stat(path);
      } catch {
        continue; // gone between the listing and now
      }
      const now = clock();
      let s = seen.get(e.name);
      if (s === undefined || s.size !== st.size || s.mtimeMs !== st.mtimeMs) {
        s = { size: st.size, mtimeMs: st.mtimeMs, since: now, retryAt: 0 };
        seen.set(e.name, s);
      }
      const wait = st.size === 0 ? config.emptyStableMs : config.stableMs;
      const quiet = now - s.since >= wait || now - st.mtimeMs >= wait;
      if (quiet && now >= s.retryAt) await take(e.name, path, s);
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
  };

  const scan = (): Promise<void> => {
    if (stopped || !started) return Promise.resolve();
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await scanOnce();
        } while (again && !stopped);
      } catch (err) {
        errors.labels('scan').inc();
        deps.logger.error({ err }, 'station drop directory scan failed');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const onChange = () => {
    void scan();
    // Look again once a file that just changed can be complete.
    if (wake === undefined && !stopped) {
      wake = setTimeout(() => {
        wake = undefined;
        void scan();
      }, config.stableMs + 25);
      wake.unref();
    }
  };

  return {
    scan,
    async start() {
      if (started) return;
      await mkdir(processedDir, { recursive: true });
      await mkdir(failedDir, { recursive: true });
      ledger = await ContentLedger.open(ledgerFile, config.ledgerDays * 86_400_000, clock());
      started = true;
      try {
        watcher = watch(dropDir, { persistent: false }, onChange);
        watcher.on('error', (err) => {
          deps.logger.warn({ err }, 'drop directory watch failed; scanning only');
          watcher?.close();
          watcher = undefined;
        });
      } catch (err) {
        deps.logger.warn({ err, dropDir }, 'cannot watch the drop directory; scanning only');
      }
      interval = setInterval(() => void scan(), config.scanIntervalMs);
      interval.unref();
      deps.logger.info({ dropDir, stableMs: config.stableMs }, 'taking station transfer files');
      void scan(); // files left from before the restart
    },
    async stop() {
      stopped = true;
      clearInterval(interval);
      clearTimeout(wake);
      watcher?.close();
      watcher = undefined;
      await running;
    },
  };
}
