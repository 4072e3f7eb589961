/**
 * Frigate evidence: the snapshot (and optionally the clip) of each camera detection, fetched from
 * Frigate's HTTP API and kept content-addressed under `<dir>/<sha256[0..2]>/<sha256>.<ext>`.
 *
 * Frigate publishes an event before its snapshot is on disk, so a 404 is retried like a 5xx or a
 * network error, with exponential backoff, up to `maxAttempts`; other 4xx are final. Once stored,
 * the detection is published again with `snapshotSha256` set: same identity (deviceId, eventId),
 * so the store replaces the record. A detection that already carries `snapshotSha256` is skipped,
 * so the republished record does not loop. A snapshot that never comes is logged and counted in
 * `hpg_evidence_failures_total{kind}`; the detection is still committed, and a batch's detections
 * are fetched concurrently (bounded), so one slow camera holds the others for its own retries only.
 *
 * Limitation: the store replaces a detection with whatever comes last (no compare on `ts`). When a
 * newer state of the same event (its `end`) reaches the bus while an earlier state's snapshot is
 * still being retried, the republished earlier state lands after it. Within the batches this
 * consumer sees, only the newest state of an event is fetched and a state older than one already
 * seen is not republished; the remaining window is closed only by a store-side `ts` guard.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detection } from '@hpg/contracts';
import { FRIGATE_SOURCE } from '@hpg/decoders';
import type { Logger, Registry as MetricsRegistry } from '@hpg/platform';
import { Counter } from '@hpg/platform';
import { type Bus, backoffDelay, type Subscription } from '@hpg/ports';

export interface EvidenceDeps {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Root of the content-addressed evidence store. */
  readonly dir: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Waits between attempts (tests may shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface EvidenceConfig {
  /** Attempts per file, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** Per request. */
  readonly timeoutMs: number;
  /** Largest snapshot accepted. */
  readonly maxBytes: number;
  /** Also fetch the clip, once the event has ended. */
  readonly fetchClip: boolean;
  /** Largest clip accepted (default 64 MiB). */
  readonly maxClipBytes?: number;
  /** Detections of a batch fetched at once (default 4). */
  readonly concurrency?: number;
  /** Consumer group (default `evidence`). */
  readonly group?: string;
}

export interface EvidenceFetcher {
  start(): Promise<void>;
  /** Stops consuming; the batch in hand finishes (its retries cut short). Idempotent. */
  stop(): Promise<void>;
  /** Handles one batch of detections (what the subscription calls); exposed for tests. */
  handle(batch: readonly Detection[]): Promise<void>;
}

export type EvidenceKind = 'snapshot' | 'clip';

export interface StoredEvidence {
  readonly sha256: string;
  readonly path: string;
  readonly bytes: number;
  /** False when a file with that hash was already there. */
  readonly written: boolean;
}

/** Why one attempt failed, and whether another attempt can help. */
export class EvidenceError extends Error {
  readonly retry: boolean;
  readonly status: number | null;
  constructor(message: string, retry: boolean, status: number | null = null, cause?: unknown) {
    super(message, { cause });
    this.name = 'EvidenceError';
    this.retry = retry;
    this.status = status;
  }
}

/** `<dir>/<sha256[0..2]>/<sha256>.<ext>`. */
export function evidencePath(dir: string, sha256: string, ext: string): string {
  return join(dir, sha256.slice(0, 2), `${sha256}.${ext}`);
}

/** Stores bytes under their hash: temp file then rename; an existing file is not rewritten. */
export async function storeContentAddressed(dir: string, bytes: Uint8Array, ext: string): Promise<StoredEvidence> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = evidencePath(dir, sha256, ext);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile() === true && existing.size === bytes.length) {
    return { sha256, path, bytes: bytes.length, written: false };
  }
  await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return { sha256, path, bytes: bytes.length, written: true };
}

/** The clip URL of the event whose snapshot URL this is (`…/api/events/<id>/clip.mp4`). */
export function clipUrlOf(snapshotUrl: string): string | null {
  const m = /^(.*\/api\/events\/[^/?#]+)\/snapshot\.jpg(?:[?#].*)?$/.exec(snapshotUrl);
  return m === null ? null : `${m[1]}/clip.mp4`;
}

const retryableStatus = (s: number) => s === 404 || s === 408 || s === 425 || s === 429 || s >= 500;

async function getBytes(
  doFetch: typeof fetch,
  url: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new EvidenceError(`GET ${url}: ${(err as Error).message}`, true, null, err);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new EvidenceError(`GET ${url}: HTTP ${res.status}`, retryableStatus(res.status), res.status);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new EvidenceError(`GET ${url}: ${declared} bytes is above the limit of ${maxBytes}`, false, res.status);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (res.body !== null) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new EvidenceError(`GET ${url}: body above the limit of ${maxBytes} bytes`, false, res.status);
        }
        chunks.push(chunk);
      }
    }
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`GET ${url}: ${(err as Error).message}`, true, res.status, err);
  }
  if (size === 0) throw new EvidenceError(`GET ${url}: empty body`, true, res.status);
  const out = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Runs `fn` over items with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const identity = (d: Detection) => `${d.deviceId}\u0000${d.eventId}`;
const PHASE_ORDER = { start: 0, update: 1, end: 2 } as const;
/** True when `a` is a later state of the same event than `b`. */
const newer = (a: Detection, b: Detection) =>
  a.ts > b.ts || (a.ts === b.ts && PHASE_ORDER[a.phase] > PHASE_ORDER[b.phase]);

export function createEvidenceFetcher(deps: EvidenceDeps, config: EvidenceConfig): EvidenceFetcher {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const concurrency = config.concurrency ?? 4;
  const maxClipBytes = config.maxClipBytes ?? 64 * 1024 * 1024;
  let running = false;
  let subscription: Subscription | undefined;
  /** Wakes the backoff waits when stopping. */
  const stopWaiters = new Set<() => void>();
  const sleep =
    deps.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          stopWaiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, ms);
        stopWaiters.add(done);
      }));
  /** Newest state seen per (deviceId, eventId), bounded. */
  const latest = new Map<string, Detection>();
  const remember = (d: Detection) => {
    const k = identity(d);
    const prev = latest.get(k);
    if (prev !== undefined && !newer(d, prev)) return;
    latest.delete(k);
    latest.set(k, d);
    if (latest.size > 10_000) {
      const oldest = latest.keys().next().value;
      if (oldest !== undefined) latest.delete(oldest);
    }
  };

  const failures = new Counter({
    name: 'hpg_evidence_failures_total',
    help: 'Evidence files (Frigate snapshots, clips) that could not be fetched or stored, by kind',
    labelNames: ['kind'],
    registers: [deps.metrics],
  });
  const stored = new Counter({
    name: 'hpg_evidence_stored_total',
    help: 'Evidence files fetched, by kind and whether a new file was written (new) or already held (existing)',
    labelNames: ['kind', 'result'],
    registers: [deps.metrics],
  });

  /** Fetches with retry and stores; undefined when it never came (logged and counted). */
  async function fetchAndStore(
    kind: EvidenceKind,
    url: string,
    d: Detection,
    maxBytes: number,
  ): Promise<StoredEvidence | undefined> {
    const started = now();
    let last: unknown;
    for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
      try {
        const bytes = await getBytes(doFetch, url, config.timeoutMs, maxBytes);
        const s = await storeContentAddressed(deps.dir, bytes, kind === 'snapshot' ? 'jpg' : 'mp4');
        stored.labels(kind, s.written ? 'new' : 'existing').inc();
        return s;
      } catch (err) {
        last = err;
        const retry = err instanceof EvidenceError ? err.retry : false;
        if (!retry || attempt >= config.maxAttempts || !running) break;
        deps.logger.debug({ kind, url, attempt, err: (err as Error).message }, 'evidence not there yet, retrying');
        await sleep(backoffDelay(attempt, config, random) || 1);
        if (!running) break;
      }
    }
    failures.labels(kind).inc();
    deps.logger.warn(
      {
        kind,
        url,
        deviceId: d.deviceId,
        eventId: d.eventId,
        elapsedMs: now() - started,
        err: last instanceof Error ? last.message : String(last),
      },
      'evidence could not be fetched',
    );
    return undefined;
  }

  async function one(d: Detection): Promise<void> {
    const url = d.snapshotUrl;
    if (url === null) return;
    const snap = await fetchAndStore('snapshot', url, d, config.maxBytes);
    if (config.fetchClip && d.phase === 'end') {
      const clipUrl = clipUrlOf(url);
      if (clipUrl !== null) {
        const clip = await fetchAndStore('clip', clipUrl, d, maxClipBytes);
        if (clip !== undefined) {
          deps.logger.info({ deviceId: d.deviceId, eventId: d.eventId, sha256: clip.sha256 }, 'clip stored');
        }
      }
    }
    if (snap === undefined) return;
    // A later state of the event arrived meanwhile: that one carries the evidence, not this one.
    const seen = latest.get(identity(d));
    if (seen !== undefined && newer(seen, d)) return;
    await deps.bus.publish('detections', [{ key: d.deviceId, value: { ...d, snapshotSha256: snap.sha256 } }]);
  }

  async function handle(batch: readonly Detection[]): Promise<void> {
    for (const d of batch) remember(d);
    // Only the newest state of each event in the batch, and only those without their snapshot hash.
    const todo = new Map<string, Detection>();
    for (const d of batch) {
      // Evidence is Frigate's: other cameras' snapshot links are kept as they were sent.
      if (d.source !== FRIGATE_SOURCE || d.snapshotUrl === null || d.snapshotSha256 !== null) continue;
      const prev = todo.get(identity(d));
      if (prev === undefined || !newer(prev, d)) todo.set(identity(d), d);
    }
    await eachLimited([...todo.values()], concurrency, one);
  }

  return {
    async start() {
      if (subscription !== undefined) return;
      running = true;
      subscription = await deps.bus.subscribe(
        'detections',
        { group: config.group ?? 'evidence', maxBatch: 64, maxWaitMs: 50 },
        handle,
      );
    },
    async stop() {
      running = false;
      for (const wake of [...stopWaiters]) wake();
      const s = subscription;
      subscription = undefined;
      await s?.stop();
    },
    handle: async (batch) => {
      if (subscription === undefined) running = true;
      await handle(batch);
    },
  };
}
