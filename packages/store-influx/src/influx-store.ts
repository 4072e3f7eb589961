/**
 * The Store port on InfluxDB, through the v1 HTTP API (see influx-http.ts for the API, retries
 * and why not the official client). Millisecond precision except where noted.
 *
 * Schema (one database; names in schema.ts):
 *
 * Readings: one measurement per reading measurement (wastewater, solar, meter, ev_status,
 *   ev_meter, ev_session), time = ts (ms).
 *   tags    device, channel (left out when '')
 *   fields  <metric>        float, one per value (canonical units)
 *           <metric>_q      string, one per station quality (measuring / calibrating / error)
 *           s_<key>         string, one per state
 *           site, locality  string: the placement the point was written with
 *           received_at     integer, epoch ms: every point has at least this field
 *           source          string
 *           field_keys      string, JSON list of the value / quality / state field keys written
 *   The tags are exactly the reading's identity (measurement, device, channel, ts): InfluxDB
 *   identifies a point by series (measurement + tags) and time, so a rewrite with the same
 *   identity lands on the same point. Site and locality are fields, not tags, because a tag is
 *   part of the series: a reading rewritten under another placement (a device moved, a replay
 *   after a registry fix) would become a second point instead of replacing the first, which the
 *   Store contract forbids. Filtering by them is a field filter (a scan of the time range, not
 *   an index lookup); a caller that needs speed at scale resolves site → devices first.
 *   A rewrite of a point merges fields (InfluxDB keeps the union, the newer value winning), so a
 *   metric the newer write left out would reappear from the older one: `field_keys` lists what
 *   belongs to the record and the rest is ignored on reading. Value and quality keys must not
 *   start with `s_` or end with `_q` (nor be a fixed field's name), so every field key reads
 *   back unambiguously; the metric catalogue has none such, and a record with one is rejected.
 *
 * Detections: measurement `detections`, time = startedAt (ms).
 *   tags    device, event_id (identity: device, event)
 *   fields  site, locality, phase, label, source, zone, snapshot_url, snapshot_sha256 (strings),
 *           box (JSON text), score (float), ts, received_at, ended_at (integers, ms),
 *           null_fields (string: the nullable fields that are null, comma-separated; a null is
 *           an absent field, and this list lets a rewrite clear a value an older write set).
 *
 * Refusals: measurement `refusals`, tag reason; fields id, detail, topic, device, publisher, raw
 *   (base64), raw_size (integer), truncated (boolean), null_fields. Time = receivedAt plus a
 *   sub-millisecond offset derived from the id, written at nanosecond precision (see
 *   refusal-time.ts): refusals of the same millisecond stay apart, a replay overwrites itself.
 *
 * Indicator points: measurement `indicators`, time = the window's start (ms).
 *   tags    indicator, period, scope (identity: indicator, scope, period, window start)
 *   fields  window_to, computed_at (integers, ms), scope_kind, locality, label, unit (strings),
 *           value (float), target (JSON text), null_fields (value and target when null).
 *
 * Reads are InfluxQL `SELECT *` with `ORDER BY time` and `LIMIT` on the server; InfluxDB orders
 * only by time, so the ties the port orders further (device, channel…) are sorted here, after
 * fetching every row of the millisecond where the server's LIMIT cut (see #selectTop).
 */
import type { Detection, IndicatorPoint, Reading, Refusal, RefusalReason } from '@hpg/contracts';
import type {
  DetectionQuery,
  HealthReport,
  IndicatorQuery,
  ReadingQuery,
  RefusalQuery,
  RegisterDays,
  RegisterDaysQuery,
  Store,
} from '@hpg/ports';
import { DAY_MS, PortError } from '@hpg/ports';
import { createHttpTransport, type HttpTransport } from './http-request.ts';
import { closedError, type HttpDeps, type InfluxAuth, InfluxHttp } from './influx-http.ts';
import { checkRange, equals, equalsAny, fromTarget, quoteIdent, selectAll, whereClause } from './influxql.ts';
import type { Series, StatementResult } from './query-result.ts';
import { detectionLine, FieldKeyCache, indicatorLine, readingLine, refusalLine } from './record-lines.ts';
import { Rows, toDetection, toIndicatorPoint, toReading, toRefusal } from './record-rows.ts';
import { DEFAULT_RETRY, type RetryPolicy, sleep } from './retry-policy.ts';
import {
  DETECTION_FIELD,
  DETECTIONS,
  INDICATORS,
  READING_FIELD,
  READING_MEASUREMENTS,
  REFUSAL_FIELD,
  REFUSALS,
  TAG,
} from './schema.ts';

export interface InfluxStoreOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086` (a path prefix, for a proxy, is kept). */
  readonly url: string;
  /** The database (2.x: the `db` of a DBRP mapping to the bucket; 3.x: the database). */
  readonly database: string;
  /** Writes and reads go to this retention policy instead of the database's default. */
  readonly retentionPolicy?: string;
  /** 2.x/3.x: an API token; 1.x with auth enabled: a user (sent as HTTP basic auth). */
  readonly auth?: InfluxAuth;
  /** Lines per write request (default 5,000). */
  readonly batchSize?: number;
  /** Per HTTP request (default 10 s). */
  readonly timeoutMs?: number;
  /** Retries of one request on network errors, timeouts, 408/429/5xx (default 5 attempts, 100 ms … 5 s). */
  readonly retry?: Partial<RetryPolicy>;
  /** Runs `CREATE DATABASE` at open (1.x only; 2.x needs a bucket and DBRP mapping, 3.x creates on write). */
  readonly createDatabase?: boolean;
}

export type InfluxStoreDeps = Partial<HttpDeps>;

const DEFAULT_BATCH_SIZE = 5_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Characters per write request, besides the line count: 1.x refuses bodies over its
 * max-body-size (25 MB by default) and a UTF-16 character is at most 3 bytes of UTF-8. Only
 * refusals come near it (their raw payload can be ~87 k characters of base64).
 */
const MAX_BODY_CHARS = 8_000_000;

function openError(message: string, cause?: unknown): PortError {
  return new PortError('store_open_failed', `influx store: ${message}`, { canRetry: false, cause });
}

export async function openInfluxStore(options: InfluxStoreOptions, deps: InfluxStoreDeps = {}): Promise<InfluxStore> {
  try {
    new URL(options.url);
  } catch (err) {
    throw openError(`not a URL: ${JSON.stringify(options.url)}`, err);
  }
  if (options.database === '') throw openError('the database name is empty');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw openError(`batchSize must be a positive integer`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw openError('timeoutMs must be positive');
  const store = new InfluxStore(
    {
      url: options.url,
      database: options.database,
      ...(options.retentionPolicy !== undefined && { retentionPolicy: options.retentionPolicy }),
      ...(options.auth !== undefined && { auth: options.auth }),
      timeoutMs,
      retry: { ...DEFAULT_RETRY, ...options.retry },
    },
    batchSize,
    { random: deps.random ?? Math.random, sleep: deps.sleep ?? sleep, ...(deps.request && { request: deps.request }) },
  );
  if (options.createDatabase === true) {
    try {
      await store.createDatabase();
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

type Order = 'asc' | 'desc';
type Cmp<T> = (a: T, b: T) => number;
const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const readingOrder: Cmp<Reading> = (a, b) =>
  a.ts - b.ts ||
  cmpText(a.deviceId, b.deviceId) ||
  cmpText(a.channel, b.channel) ||
  cmpText(a.measurement, b.measurement);
const detectionOrder: Cmp<Detection> = (a, b) =>
  b.startedAt - a.startedAt || cmpText(b.deviceId, a.deviceId) || cmpText(b.eventId, a.eventId);
const refusalOrder: Cmp<Refusal> = (a, b) => b.receivedAt - a.receivedAt || cmpText(b.id, a.id);
const indicatorOrder: Cmp<IndicatorPoint> = (a, b) =>
  a.from - b.from || cmpText(a.indicator, b.indicator) || cmpText(a.scopeId, b.scopeId) || cmpText(a.period, b.period);

export class InfluxStore implements Store {
  readonly database: string;
  readonly #http: InfluxHttp;
  readonly #rp: string | undefined;
  readonly #batchSize: number;
  readonly #closing = new AbortController();
  readonly #keys = new FieldKeyCache();
  /** The store's own connections (none when the caller gave a request function). */
  readonly #transport: HttpTransport | undefined;

  constructor(
    options: ConstructorParameters<typeof InfluxHttp>[0],
    batchSize: number,
    deps: Omit<HttpDeps, 'request'> & Partial<Pick<HttpDeps, 'request'>>,
  ) {
    this.database = options.database;
    this.#rp = options.retentionPolicy;
    this.#batchSize = batchSize;
    this.#transport = deps.request === undefined ? createHttpTransport() : undefined;
    const request = deps.request ?? (this.#transport as HttpTransport).request;
    this.#http = new InfluxHttp(options, { ...deps, request }, this.#closing.signal);
  }

  /** `CREATE DATABASE` (idempotent in 1.x). */
  async createDatabase(): Promise<void> {
    const results = await this.#http.query(`CREATE DATABASE ${quoteIdent(this.database)}`, 'create the database', {
      database: false,
    });
    const error = results.find((r) => r.error !== undefined)?.error;
    if (error !== undefined) throw openError(`CREATE DATABASE ${this.database}: ${error}`);
  }

  async writeReadings(readings: readonly Reading[]): Promise<void> {
    const keys = this.#keys;
    await this.#write('write readings', readings, (r) => readingLine(r, keys), 'ms');
  }

  async writeDetections(detections: readonly Detection[]): Promise<void> {
    await this.#write('write detections', detections, detectionLine, 'ms');
  }

  async writeRefusals(refusals: readonly Refusal[]): Promise<void> {
    await this.#write('write refusals', refusals, refusalLine, 'ns');
  }

  async writeIndicators(points: readonly IndicatorPoint[]): Promise<void> {
    await this.#write('write indicators', points, indicatorLine, 'ms');
  }

  /**
   * Computed in the database, so a month of a device is a few small answers instead of every
   * reading: non_negative_difference in a subquery summed per day with `GROUP BY time(1d,
   * <offset of from>)` (a difference is stamped with its later reading's time, so it falls in
   * that reading's day); decreases counted with difference() < 0; activity as the daily max and
   * the last positive value's time. InfluxDB narrows a subquery to the outer query's time range,
   * so the step from the last value before `from` to the first after it is read separately.
   */
  async registerDays(q: RegisterDaysQuery): Promise<RegisterDays> {
    const what = 'register days';
    this.#ensureOpen(what);
    const to = q.from + q.days * DAY_MS;
    checkRange(what, q.from - q.lookbackMs, to);
    const from = fromTarget(q.measurement, this.#rp);
    const device = equals(TAG.device, q.deviceId);
    const reg = quoteIdent(q.register);
    const range = whereClause(q.from, to, [device]);
    const inner = (fn: string) => `SELECT ${fn}(${reg}) AS d FROM ${from} WHERE ${range}`;
    const byDay = `GROUP BY time(1d, ${((q.from % DAY_MS) + DAY_MS) % DAY_MS}ms) fill(0)`;
    const statements = [
      `SELECT sum(d) FROM (${inner('non_negative_difference')}) WHERE ${whereClause(q.from, to, [])} ${byDay}`,
      `SELECT count(d) FROM (${inner('difference')}) WHERE ${whereClause(q.from, to, ['d < 0'])} ${byDay}`,
      `SELECT last(${reg}) FROM ${from} WHERE ${whereClause(q.from - q.lookbackMs, q.from, [device])}`,
      `SELECT first(${reg}) FROM ${from} WHERE ${range}`,
    ];
    if (q.activity !== undefined) {
      const act = quoteIdent(q.activity);
      statements.push(
        `SELECT max(${act}) FROM ${from} WHERE ${range} ${byDay}`,
        `SELECT last(${act}) FROM ${from} WHERE ${whereClause(q.from, to, [device, `${act} > 0`])}`,
      );
    }
    const results = this.#checked(what, await this.#http.query(statements.join('; '), what));
    const perDay = (i: number) => {
      const out = new Array<number>(q.days).fill(0);
      const s = results[i]?.series?.[0];
      if (s === undefined) return out;
      const rows = new Rows(s);
      for (const row of s.values) {
        const day = Math.round((rows.time(row) - q.from) / DAY_MS);
        const v = row[1];
        if (day >= 0 && day < q.days && typeof v === 'number') out[day] = v;
      }
      return out;
    };
    /** [time, value] of a selector's single row. */
    const single = (i: number) => {
      const row = results[i]?.series?.[0]?.values[0];
      return row === undefined || typeof row[1] !== 'number' ? undefined : { ts: row[0] as number, v: row[1] };
    };
    const increase = perDay(0);
    const resets = perDay(1);
    const before = single(2);
    const first = single(3);
    if (before !== undefined && first !== undefined) {
      const day = Math.floor((first.ts - q.from) / DAY_MS);
      const d = first.v - before.v;
      if (d >= 0) increase[day] = (increase[day] as number) + d;
      else resets[day] = (resets[day] as number) + 1;
    }
    return {
      increase,
      resets,
      active: q.activity === undefined ? new Array<boolean>(q.days).fill(false) : perDay(4).map((v) => v > 0),
      lastActiveAt: single(5)?.ts ?? null,
    };
  }

  async queryIndicators(q: IndicatorQuery): Promise<IndicatorPoint[]> {
    const what = 'query indicators';
    this.#ensureOpen(what);
    checkRange(what, q.from, q.to, q.limit);
    if (q.limit === 0 || q.scopeIds?.length === 0 || q.indicators?.length === 0) return [];
    const conditions: string[] = [];
    if (q.period !== undefined) conditions.push(equals(TAG.period, q.period));
    if (q.indicators !== undefined) conditions.push(equalsAny(TAG.indicator, q.indicators));
    if (q.scopeIds !== undefined) conditions.push(equalsAny(TAG.scope, q.scopeIds));
    const series = await this.#selectTop(what, [INDICATORS], conditions, q.from, q.to, 'asc', q.limit);
    return collect(series, toIndicatorPoint).sort(indicatorOrder).slice(0, q.limit);
  }

  async queryReadings(q: ReadingQuery): Promise<Reading[]> {
    const what = 'query readings';
    this.#ensureOpen(what);
    checkRange(what, q.from, q.to, q.limit);
    if (q.limit === 0 || q.localityIds?.length === 0) return [];
    const conditions: string[] = [];
    if (q.deviceId !== undefined) conditions.push(equals(TAG.device, q.deviceId));
    if (q.siteId !== undefined) conditions.push(equals(READING_FIELD.site, q.siteId));
    if (q.localityIds !== undefined) conditions.push(equalsAny(READING_FIELD.locality, q.localityIds));
    const measurements = q.measurement === undefined ? READING_MEASUREMENTS : [q.measurement];
    const order = q.order ?? 'asc';
    const series = await this.#selectTop(what, measurements, conditions, q.from, q.to, order, q.limit);
    const cmp: Cmp<Reading> = order === 'asc' ? readingOrder : (a, b) => readingOrder(b, a);
    return collect(series, toReading).sort(cmp).slice(0, q.limit);
  }

  async queryDetections(q: DetectionQuery): Promise<Detection[]> {
    const what = 'query detections';
    this.#ensureOpen(what);
    checkRange(what, q.from, q.to, q.limit);
    if (q.limit === 0 || q.localityIds?.length === 0) return [];
    const conditions: string[] = [];
    if (q.deviceId !== undefined) conditions.push(equals(TAG.device, q.deviceId));
    if (q.localityIds !== undefined) conditions.push(equalsAny(DETECTION_FIELD.locality, q.localityIds));
    const series = await this.#selectTop(what, [DETECTIONS], conditions, q.from, q.to, 'desc', q.limit);
    return collect(series, toDetection).sort(detectionOrder).slice(0, q.limit);
  }

  async queryRefusals(q: RefusalQuery): Promise<Refusal[]> {
    const what = 'query refusals';
    this.#ensureOpen(what);
    checkRange(what, q.from, q.to, q.limit);
    if (q.limit === 0) return [];
    const conditions: string[] = [];
    if (q.reason !== undefined) conditions.push(equals(TAG.reason, q.reason));
    if (q.deviceId !== undefined) conditions.push(equals(REFUSAL_FIELD.device, q.deviceId));
    const series = await this.#selectTop(what, [REFUSALS], conditions, q.from, q.to, 'desc', q.limit);
    return collect(series, toRefusal).sort(refusalOrder).slice(0, q.limit);
  }

  async countRefusals(from: number, to: number): Promise<Partial<Record<RefusalReason, number>>> {
    const what = 'count refusals';
    this.#ensureOpen(what);
    checkRange(what, from, to);
    // Every refusal point has an `id`, and a refusal is one point however often it was written.
    const q = `SELECT count(${quoteIdent(REFUSAL_FIELD.id)}) FROM ${fromTarget(REFUSALS, this.#rp)} WHERE ${whereClause(from, to, [])} GROUP BY ${quoteIdent(TAG.reason)}`;
    const [result] = this.#checked(what, await this.#http.query(q, what));
    const counts: Partial<Record<RefusalReason, number>> = {};
    for (const s of result?.series ?? []) {
      const reason = s.tags?.[TAG.reason];
      const n = new Rows(s).number(s.values[0] ?? [], 'count');
      if (reason !== undefined && reason !== '' && n > 0) counts[reason as RefusalReason] = n;
    }
    return counts;
  }

  async health(): Promise<HealthReport> {
    if (this.#closing.signal.aborted) return { ok: false, detail: `influx store ${this.#http.url}: closed` };
    try {
      const version = await this.#http.ping();
      const [result] = await this.#http.query('SHOW DATABASES', 'health', { database: false, attempts: 1 });
      if (result?.error !== undefined) throw new Error(result.error);
      const names = (result?.series ?? []).flatMap((s) => s.values.map((row) => row[0]));
      if (!names.includes(this.database)) {
        return { ok: false, detail: `InfluxDB ${version} at ${this.#http.url}: no database ${this.database}` };
      }
      return { ok: true, detail: `InfluxDB ${version} at ${this.#http.url}, database ${this.database}` };
    } catch (err) {
      return {
        ok: false,
        detail: `influx store ${this.#http.url}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  /** Idempotent; requests in flight (and their retries) stop and reject with `store_closed`. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#transport?.close();
  }

  #ensureOpen(what: string): void {
    if (this.#closing.signal.aborted) throw closedError(what);
  }

  /**
   * Every line is built (and so every record checked) before the first request, so a record the
   * schema cannot take rejects the call with nothing written. Then the lines go out in requests
   * of at most `batchSize` lines, one after the other (a later duplicate in the call must land
   * after an earlier one: last write wins), and the call resolves when all were acknowledged.
   */
  async #write<T>(what: string, records: readonly T[], toLine: (r: T) => string, precision: 'ms' | 'ns') {
    this.#ensureOpen(what);
    if (records.length === 0) return;
    const lines: string[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      try {
        lines[i] = toLine(records[i] as T);
      } catch (err) {
        if (err instanceof PortError) {
          throw new PortError(err.code, `${err.message} (${what}: record ${i} of ${records.length})`, {
            canRetry: err.canRetry,
            cause: err,
          });
        }
        throw new PortError('store_rejected', `influx store: ${what}: record ${i}: ${String(err)}`, {
          canRetry: false,
          cause: err,
        });
      }
    }
    let start = 0;
    while (start < lines.length) {
      let end = start;
      let chars = 0;
      while (end < lines.length && end - start < this.#batchSize) {
        const size = (lines[end] as string).length + 1;
        if (end > start && chars + size > MAX_BODY_CHARS) break;
        chars += size;
        end++;
      }
      const body = end - start === lines.length ? lines.join('\n') : lines.slice(start, end).join('\n');
      await this.#http.write(body, precision, what);
      start = end;
    }
  }

  /**
   * The first `limit` rows by time from each measurement, made complete at the edge: the server
   * orders only by time, so where its LIMIT cut inside a millisecond the rows it kept are an
   * arbitrary part of that millisecond. Every row of that millisecond is fetched again, so the
   * caller's sort (time, then the port's other keys) and cut see all candidates.
   */
  async #selectTop(
    what: string,
    measurements: readonly string[],
    conditions: readonly string[],
    from: number,
    to: number,
    order: Order,
    limit: number,
  ): Promise<Series[]> {
    const targets = measurements.map((m) => fromTarget(m, this.#rp));
    const where = whereClause(from, to, conditions);
    const [first] = this.#checked(
      what,
      await this.#http.query(selectAll({ from: targets, where, order, limit }), what),
    );
    const complete: Series[] = [];
    const edges: { series: Series; edge: number }[] = [];
    for (const s of first?.series ?? []) {
      const last = s.values.at(-1);
      if (s.values.length < limit || last === undefined) complete.push(s);
      else edges.push({ series: s, edge: new Rows(s).time(last) });
    }
    if (edges.length === 0) return complete;
    const statements = edges.map(({ series, edge }) =>
      selectAll({
        from: [fromTarget(series.name, this.#rp)],
        where: whereClause(Math.max(from, edge), Math.min(to, edge + 1), conditions),
        order,
      }),
    );
    const results = this.#checked(what, await this.#http.query(statements.join('; '), what));
    edges.forEach(({ series, edge }, i) => {
      const rows = new Rows(series);
      complete.push({ ...series, values: series.values.filter((row) => rows.time(row) !== edge) });
      complete.push(...(results[i]?.series ?? []));
    });
    return complete;
  }

  /** Statement errors as PortErrors; a missing database is the store's state, not the query's fault. */
  #checked(what: string, results: StatementResult[]): StatementResult[] {
    for (const r of results) {
      if (r.error === undefined) continue;
      const missing = r.error.startsWith('database not found');
      throw new PortError(missing ? 'store_unavailable' : 'store_query_failed', `influx store: ${what}: ${r.error}`, {
        canRetry: missing,
      });
    }
    return results;
  }
}

function collect<T>(series: readonly Series[], toRecord: (rows: Rows, row: readonly unknown[]) => T): T[] {
  const out: T[] = [];
  for (const s of series) {
    const rows = new Rows(s);
    for (const row of s.values) out.push(toRecord(rows, row));
  }
  return out;
}
