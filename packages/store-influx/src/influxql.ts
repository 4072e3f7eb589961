/**
 * InfluxQL text: quoting and the statements the store runs. InfluxQL is the query language all
 * three InfluxDB generations serve on `/query` (2.x and 3.x as their v1 compatibility API).
 *
 * Quoting, as the InfluxQL scanner reads it: identifiers in double quotes and string literals in
 * single quotes, where the escapes are `\\`, `\"`, `\'` and `\n` (a raw line break inside quotes
 * is a parse error).
 */
import { PortError } from '@hpg/ports';

const QUOTED_SPECIAL = /[\\"'\n]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', "'": "\\'", '\n': '\\n' };
const escapeQuoted = (s: string) => s.replace(QUOTED_SPECIAL, (c) => ESCAPES[c] ?? c);

export function quoteIdent(name: string): string {
  return `"${escapeQuoted(name)}"`;
}

export function quoteLiteral(value: string): string {
  return `'${escapeQuoted(value)}'`;
}

/** InfluxDB's time range, in whole milliseconds (its nanosecond int64 bounds, rounded inwards). */
const MIN_MS = -9_223_372_036_854;
const MAX_MS = 9_223_372_036_854;

function timeLiteral(ms: number): string {
  return `${Math.min(MAX_MS, Math.max(MIN_MS, ms))}ms`;
}

export function invalidQuery(message: string): PortError {
  return new PortError('store_invalid_query', `influx store: ${message}`, { canRetry: false });
}

/** Checks what the port's callers pass before it reaches InfluxQL (where LIMIT 0 means "no limit"). */
export function checkRange(what: string, from: number, to: number, limit?: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw invalidQuery(`${what}: from and to must be integer epoch ms`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw invalidQuery(`${what}: limit must be a non-negative integer`);
  }
}

/** A conjunction of conditions, the first being the half-open time range [from, to). */
export function whereClause(from: number, to: number, conditions: readonly string[]): string {
  return [`time >= ${timeLiteral(from)}`, `time < ${timeLiteral(to)}`, ...conditions].join(' AND ');
}

export const equals = (key: string, value: string) => `${quoteIdent(key)} = ${quoteLiteral(value)}`;

/** `key` equals one of `values` (callers handle the empty set: it matches nothing). */
export function equalsAny(key: string, values: readonly string[]): string {
  const terms = values.map((v) => equals(key, v));
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
}

/** A measurement, qualified with the retention policy when one is configured. */
export function fromTarget(measurement: string, retentionPolicy: string | undefined): string {
  return retentionPolicy === undefined
    ? quoteIdent(measurement)
    : `${quoteIdent(retentionPolicy)}.${quoteIdent(measurement)}`;
}

export interface SelectSpec {
  readonly from: readonly string[];
  readonly where: string;
  readonly order: 'asc' | 'desc';
  readonly limit?: number;
}

/**
 * `SELECT *`: tags and fields come back as columns. With several measurements, InfluxDB answers
 * one series per measurement, each ordered by time and cut at LIMIT on its own.
 */
export function selectAll(s: SelectSpec): string {
  let q = `SELECT * FROM ${s.from.join(',')} WHERE ${s.where} ORDER BY time ${s.order === 'desc' ? 'DESC' : 'ASC'}`;
  if (s.limit !== undefined) q += ` LIMIT ${s.limit}`;
  return q;
}
