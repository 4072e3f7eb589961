/**
 * Frigate reconciliation. Frigate publishes `frigate/events` at QoS 0, not retained: events sent
 * while ingest was disconnected are lost on MQTT. Frigate's HTTP API still has them
 * (`GET /api/events?after=<unix>&camera=<name>`), so after a (re)connection, and periodically,
 * the events since the newest start time seen are fetched and run through the same decoder as the
 * MQTT path (a synthetic `<prefix>/events` message, `end` when the event has ended, else
 * `update`), with the binding's publisher. Detections are idempotent by (deviceId, eventId), so
 * replaying events already received is harmless.
 *
 * The HTTP API's event objects are not the MQTT `after` objects: they carry `zones` (not
 * `entered_zones`), score and box under `data` (the box relative, 0..1, as [x, y, w, h]) and no
 * `frame_time`. Both shapes are accepted: MQTT-shaped fields are used as they are, otherwise
 * `zones` → `entered_zones`, `data.top_score` / `data.score` → `top_score` / `score`, `frame_time`
 * = `end_time` ?? `start_time`; a relative box is dropped (detections keep pixel boxes).
 *
 * Refusals are not published: a replayed refusal would get a new id each run (duplicates); they
 * are logged and counted (`hpg_frigate_reconcile_total{outcome}`).
 */
import type { Detection } from '@hpg/contracts';
import {
  createDecoderState,
  type DecodeLimits,
  decodeMessage,
  type FormatsConfig,
  type RouterContext,
} from '@hpg/decoders';
import type { Logger, Registry as MetricsRegistry } from '@hpg/platform';
import { Counter } from '@hpg/platform';
import type { Bus } from '@hpg/ports';
import type { Registry } from '@hpg/registry';

export interface ReconcileDeps {
  readonly bus: Bus;
  /** The current registry (a function, so a reloaded registry takes effect). */
  readonly registry: () => Registry;
  readonly formats: FormatsConfig;
  readonly limits: DecodeLimits;
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly timeoutMs?: number;
}

export interface ReconcileRequest {
  /** Frigate's HTTP base URL, e.g. http://nvr.local:5000. */
  readonly baseUrl: string;
  /** Frigate camera names (the `external.frigate.camera` of bound devices). */
  readonly cameras: readonly string[];
  /** Unix seconds: events that started after this. */
  readonly after: number;
  /** Events asked per camera (default 1000). */
  readonly limit?: number;
}

export interface ReconcileResult {
  readonly detections: readonly Detection[];
  /** Newest `start_time` among the events returned (unix seconds), null when none. */
  readonly newestStart: number | null;
  readonly refused: number;
  readonly ignored: number;
  /** Cameras whose request failed, with the error. */
  readonly failed: readonly { readonly camera: string; readonly error: string }[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Turns an event of Frigate's HTTP API (or an MQTT-shaped one) into an MQTT `after` object. */
export function toEventObject(ev: Record<string, unknown>): Record<string, unknown> {
  const data = isRecord(ev.data) ? ev.data : {};
  const start = num(ev.start_time);
  const end = ev.end_time === null ? null : num(ev.end_time);
  const zones = Array.isArray(ev.entered_zones) ? ev.entered_zones : Array.isArray(ev.zones) ? ev.zones : undefined;
  const box = Array.isArray(ev.box) ? ev.box : undefined;
  const obj: Record<string, unknown> = {
    id: ev.id,
    camera: ev.camera,
    label: ev.label,
    frame_time: num(ev.frame_time) ?? end ?? start,
    start_time: ev.start_time,
    end_time: end ?? null,
    top_score: num(ev.top_score) ?? num(data.top_score) ?? null,
    score: num(ev.score) ?? num(data.score) ?? null,
    false_positive: ev.false_positive,
    box: box ?? null,
    entered_zones: zones,
    has_snapshot: ev.has_snapshot,
    has_clip: ev.has_clip,
  };
  if (ev.sub_label !== undefined) obj.sub_label = ev.sub_label;
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

export function createReconcileCounter(metrics: MetricsRegistry | undefined): Counter<'outcome'> {
  return new Counter({
    name: 'hpg_frigate_reconcile_total',
    help: 'Frigate events read back over the HTTP API, by outcome (detection, refusal, ignored, request_failed)',
    labelNames: ['outcome'],
    registers: metrics === undefined ? [] : [metrics],
  });
}

let fallbackCounter: Counter<'outcome'> | undefined;

export async function reconcileFrigate(
  deps: ReconcileDeps,
  req: ReconcileRequest,
  counter?: Counter<'outcome'>,
): Promise<ReconcileResult> {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  let n = 0;
  const newId = deps.newId ?? (() => `frigate-reconcile-${now()}-${++n}`);
  fallbackCounter ??= createReconcileCounter(undefined);
  const count = counter ?? fallbackCounter;
  const registry = deps.registry();
  const ctx: RouterContext = {
    registry,
    limits: deps.limits,
    newId,
    formats: deps.formats,
    state: createDecoderState(),
  };
  const base = req.baseUrl.replace(/\/+$/, '');
  const detections: Detection[] = [];
  const failed: { camera: string; error: string }[] = [];
  let newestStart: number | null = null;
  let refused = 0;
  let ignored = 0;
  if (!deps.formats.frigate.enabled) return { detections, newestStart, refused, ignored, failed };

  for (const camera of req.cameras) {
    const bound = registry.byExternal('frigate', camera);
    if (bound === undefined) {
      deps.logger.warn({ camera }, 'Frigate camera not bound to an enabled device: not reconciled');
      continue;
    }
    const publisher = bound.binding.publishedBy ?? bound.placement.device.id;
    const q = new URLSearchParams({
      after: String(req.after),
      camera,
      limit: String(req.limit ?? 1000),
      include_thumbnails: '0',
    });
    const url = `${base}/api/events?${q.toString()}`;
    let events: unknown;
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000) });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`HTTP ${res.status}`);
      }
      events = await res.json();
      if (!Array.isArray(events)) throw new Error('expected a JSON array of events');
    } catch (err) {
      count.labels('request_failed').inc();
      failed.push({ camera, error: (err as Error).message });
      deps.logger.warn({ camera, url, err: (err as Error).message }, 'Frigate events could not be read');
      continue;
    }
    const receivedAt = now();
    for (const ev of events as unknown[]) {
      if (!isRecord(ev)) continue;
      const after = toEventObject(ev);
      const start = num(after.start_time);
      if (start !== undefined && (newestStart === null || start > newestStart)) newestStart = start;
      const payload = { type: after.end_time === null ? 'update' : 'end', before: after, after };
      const out = decodeMessage(
        {
          topic: `${deps.formats.frigate.prefix}/events`,
          payload: Buffer.from(JSON.stringify(payload)),
          receivedAt,
          publisher,
        },
        ctx,
      );
      for (const o of out) {
        if (o.kind === 'detection') {
          detections.push(o.record);
          count.labels('detection').inc();
        } else if (o.kind === 'refusal') {
          refused++;
          count.labels('refusal').inc();
          deps.logger.warn(
            { camera, eventId: ev.id, reason: o.record.reason, detail: o.record.detail },
            'reconciled Frigate event refused',
          );
        } else if (o.kind === 'ignored') {
          ignored++;
          count.labels('ignored').inc();
        }
      }
    }
  }
  if (detections.length > 0) {
    await deps.bus.publish(
      'detections',
      detections.map((d) => ({ key: d.deviceId, value: d })),
    );
  }
  return { detections, newestStart, refused, ignored, failed };
}

export interface FrigateServer {
  readonly baseUrl: string;
  readonly cameras: readonly string[];
}

export interface FrigateReconcilerOptions extends ReconcileDeps {
  /** The Frigate servers and their cameras (a function, so a reloaded registry takes effect). */
  readonly servers: () => readonly FrigateServer[];
  /** Between periodic runs; 0 = only after reconnections and `runNow()`. */
  readonly intervalMs: number;
  /** How far back the first run looks (default 1 hour). */
  readonly initialLookbackMs?: number;
  /** Overlap subtracted from the newest start seen (seconds, default 0). */
  readonly overlapSeconds?: number;
}

export interface FrigateReconciler {
  start(): void;
  /** Call when the MQTT connection is (re)established: runs a reconciliation now. */
  onReconnect(): Promise<void>;
  /** One reconciliation of every server (runs are serialised). */
  runNow(): Promise<void>;
  /** Newest start time seen per server (unix seconds). */
  cursor(baseUrl: string): number | undefined;
  stop(): Promise<void>;
}

/**
 * Remembers the newest `start_time` seen per Frigate server and reconciles from it after each
 * reconnection and every `intervalMs`. Events still in progress at the last run started before
 * the cursor, so they are not asked again: their end arrives on MQTT (a missed end stays
 * `update`; `overlapSeconds` widens the window to catch short events).
 */
export function createFrigateReconciler(opts: FrigateReconcilerOptions): FrigateReconciler {
  const now = opts.now ?? Date.now;
  const counter = createReconcileCounter(opts.metrics);
  const cursors = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function runAll(): Promise<void> {
    for (const server of opts.servers()) {
      const key = server.baseUrl.replace(/\/+$/, '');
      const after = cursors.get(key) ?? Math.floor((now() - (opts.initialLookbackMs ?? 3_600_000)) / 1000);
      const from = Math.max(0, after - (opts.overlapSeconds ?? 0));
      try {
        const r = await reconcileFrigate(opts, { baseUrl: key, cameras: server.cameras, after: from }, counter);
        if (r.newestStart !== null && r.newestStart > (cursors.get(key) ?? Number.NEGATIVE_INFINITY)) {
          cursors.set(key, r.newestStart);
        } else if (!cursors.has(key) && r.failed.length === 0) {
          cursors.set(key, after);
        }
      } catch (err) {
        opts.logger.error({ err, baseUrl: key }, 'Frigate reconciliation failed');
      }
    }
  }

  function runNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (inFlight !== undefined) {
      // A run is going: one more after it (a reconnection may have happened mid-run).
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          await runAll();
        } while (again && !stopped);
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    start() {
      if (timer !== undefined || opts.intervalMs <= 0) return;
      stopped = false;
      timer = setInterval(() => {
        void runNow();
      }, opts.intervalMs);
      timer.unref();
    },
    onReconnect: runNow,
    runNow,
    cursor: (baseUrl) => cursors.get(baseUrl.replace(/\/+$/, '')),
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
