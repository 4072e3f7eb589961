/**
 * Rows of a `SELECT *` answer (times in epoch ms) → contract records. `SELECT *` returns the
 * union of the columns of every point in the answer, so a row has nulls where its point has no
 * field; the manifests written with each point (`field_keys`, `null_fields`) say which of its
 * fields belong to the record, and anything else (left behind by an older write of the same
 * point) is ignored.
 */
import type {
  Detection,
  IndicatorPoint,
  Measurement,
  Reading,
  Refusal,
  RefusalReason,
  StationStatus,
} from '@hpg/contracts';
import { PortError } from '@hpg/ports';
import type { Series } from './query-result.ts';
import {
  DETECTION_FIELD as D,
  FIELD_KEYS,
  INDICATOR_FIELD as I,
  NULL_FIELDS,
  REFUSAL_FIELD as R,
  READING_FIELD,
  readingFieldOf,
  TAG,
} from './schema.ts';

function unexpected(message: string): PortError {
  return new PortError('store_query_failed', `influx store: unexpected data: ${message}`, { canRetry: false });
}

/** Typed access to the columns of one series' rows. */
export class Rows {
  readonly series: Series;
  readonly #index: Map<string, number>;

  constructor(series: Series) {
    this.series = series;
    this.#index = new Map(series.columns.map((c, i) => [c, i]));
  }

  raw(row: readonly unknown[], column: string): unknown {
    const i = this.#index.get(column);
    return i === undefined ? null : (row[i] ?? null);
  }

  string(row: readonly unknown[], column: string): string {
    const v = this.raw(row, column);
    if (typeof v !== 'string') throw unexpected(`${this.series.name}.${column} is ${JSON.stringify(v)}, not a string`);
    return v;
  }

  number(row: readonly unknown[], column: string): number {
    const v = this.raw(row, column);
    if (typeof v !== 'number') throw unexpected(`${this.series.name}.${column} is ${JSON.stringify(v)}, not a number`);
    return v;
  }

  boolean(row: readonly unknown[], column: string): boolean {
    const v = this.raw(row, column);
    if (typeof v !== 'boolean')
      throw unexpected(`${this.series.name}.${column} is ${JSON.stringify(v)}, not a boolean`);
    return v;
  }

  time(row: readonly unknown[]): number {
    return this.number(row, 'time');
  }
}

function nullFields(rows: Rows, row: readonly unknown[]): ReadonlySet<string> {
  const text = rows.string(row, NULL_FIELDS);
  return new Set(text === '' ? [] : text.split(','));
}

export function toReading(rows: Rows, row: readonly unknown[]): Reading {
  const manifest = JSON.parse(rows.string(row, FIELD_KEYS)) as unknown;
  if (!Array.isArray(manifest)) throw unexpected(`${FIELD_KEYS} is not a list`);
  const values: Record<string, number> = {};
  const states: Record<string, string> = {};
  const quality: Record<string, StationStatus> = {};
  for (const fieldKey of manifest as string[]) {
    const { kind, key } = readingFieldOf(fieldKey);
    if (kind === 'value') values[key] = rows.number(row, fieldKey);
    else if (kind === 'state') states[key] = rows.string(row, fieldKey);
    else quality[key] = rows.string(row, fieldKey) as StationStatus;
  }
  const channel = rows.raw(row, TAG.channel);
  return {
    v: 1,
    measurement: rows.series.name as Measurement,
    deviceId: rows.string(row, TAG.device),
    siteId: rows.string(row, READING_FIELD.site),
    localityId: rows.string(row, READING_FIELD.locality),
    // An empty tag value is not written at all, so the one-series device's channel '' reads as null.
    channel: channel === null ? '' : rows.string(row, TAG.channel),
    ts: rows.time(row),
    receivedAt: rows.number(row, READING_FIELD.receivedAt),
    values,
    states,
    quality,
    source: rows.string(row, READING_FIELD.source),
  };
}

export function toDetection(rows: Rows, row: readonly unknown[]): Detection {
  const nulls = nullFields(rows, row);
  const str = (column: string) => (nulls.has(column) ? null : rows.string(row, column));
  const box = str(D.box);
  const endedAt = nulls.has(D.endedAt) ? null : rows.number(row, D.endedAt);
  return {
    v: 1,
    deviceId: rows.string(row, TAG.device),
    siteId: rows.string(row, D.site),
    localityId: rows.string(row, D.locality),
    eventId: rows.string(row, TAG.eventId),
    phase: rows.string(row, D.phase) as Detection['phase'],
    ts: rows.number(row, D.ts),
    receivedAt: rows.number(row, D.receivedAt),
    label: rows.string(row, D.label),
    score: rows.number(row, D.score),
    zone: str(D.zone),
    box: box === null ? null : (JSON.parse(box) as [number, number, number, number]),
    snapshotUrl: str(D.snapshotUrl),
    snapshotSha256: str(D.snapshotSha256),
    startedAt: rows.time(row),
    endedAt,
    source: rows.string(row, D.source),
  };
}

export function toRefusal(rows: Rows, row: readonly unknown[]): Refusal {
  const nulls = nullFields(rows, row);
  const str = (column: string) => (nulls.has(column) ? null : rows.string(row, column));
  return {
    v: 1,
    id: rows.string(row, R.id),
    // The point's time is receivedAt plus a sub-millisecond offset; epoch=ms truncates it away.
    receivedAt: rows.time(row),
    reason: rows.string(row, TAG.reason) as RefusalReason,
    detail: rows.string(row, R.detail),
    topic: rows.string(row, R.topic),
    deviceId: str(R.device),
    publisher: str(R.publisher),
    raw: rows.string(row, R.raw),
    rawSize: rows.number(row, R.rawSize),
    truncated: rows.boolean(row, R.truncated),
  };
}

export function toIndicatorPoint(rows: Rows, row: readonly unknown[]): IndicatorPoint {
  const nulls = nullFields(rows, row);
  const target = nulls.has(I.target) ? null : (JSON.parse(rows.string(row, I.target)) as IndicatorPoint['target']);
  return {
    v: 1,
    indicator: rows.string(row, TAG.indicator),
    scopeKind: rows.string(row, I.scopeKind) as IndicatorPoint['scopeKind'],
    scopeId: rows.string(row, TAG.scope),
    localityId: rows.string(row, I.locality),
    period: rows.string(row, TAG.period) as IndicatorPoint['period'],
    label: rows.string(row, I.label),
    from: rows.time(row),
    to: rows.number(row, I.to),
    value: nulls.has(I.value) ? null : rows.number(row, I.value),
    unit: rows.string(row, I.unit),
    target,
    computedAt: rows.number(row, I.computedAt),
  };
}
