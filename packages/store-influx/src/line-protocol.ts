/**
 * InfluxDB line protocol, the pieces: escaping of names and values, and number formatting.
 * `measurement,tag=v,tag=v field=v,field=v timestamp`
 *
 * What the 1.x parser (shared by 2.x) does, checked against 1.6.7:
 * - measurement: a comma or space must be escaped with a backslash;
 * - tag keys, tag values and field keys: comma, space and equals sign are escaped with a
 *   backslash, and unescaping is a plain replacement of `\,` `\ ` `\=`. Any other backslash is
 *   kept as it is (`a\b` stays `a\b`, `\\` stays two backslashes). So a backslash right before
 *   a comma, space or equals sign, or at the very end, cannot be written at all (the scanner
 *   takes it as an escape), and neither can a line break (it ends the line). Those are refused
 *   instead of being stored as something else;
 * - string field values: in double quotes, where `\"` and `\\` are the only escapes; a line break
 *   inside the quotes is part of the value.
 */
import { PortError } from '@hpg/ports';

/** Refusal of a record the store cannot take as it is: no retry will help. */
export function rejected(message: string, cause?: unknown): PortError {
  return new PortError('store_rejected', `influx store: ${message}`, { canRetry: false, cause });
}

function show(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

const MEASUREMENT_SPECIAL = /[, \\\n\r]/;
const MEASUREMENT_ESCAPE = /[, ]/g;

export function escapeMeasurement(name: string): string {
  if (name === '') throw rejected('a measurement name cannot be empty');
  if (!MEASUREMENT_SPECIAL.test(name)) return name;
  checkKeyLike('measurement', name);
  return name.replace(MEASUREMENT_ESCAPE, '\\$&');
}

const KEY_SPECIAL = /[,= \\\n\r]/;
const KEY_ESCAPE = /[,= ]/g;
const LINE_BREAK = /[\n\r]/;
/** A backslash the parser would read as the start of an escape. */
const DANGLING_BACKSLASH = /\\(?:[,= ]|$)/;

function checkKeyLike(what: string, s: string): void {
  if (LINE_BREAK.test(s)) throw rejected(`line protocol cannot carry a line break in a ${what}: ${show(s)}`);
  if (DANGLING_BACKSLASH.test(s)) {
    throw rejected(
      `line protocol cannot carry a backslash before a comma, space or "=" or at the end of a ${what}: ${show(s)}`,
    );
  }
}

/** Escapes a tag key, tag value or field key. `what` names it in the error for unwritable text. */
export function escapeKey(s: string, what: string): string {
  if (s === '') throw rejected(`a ${what} cannot be empty`);
  if (!KEY_SPECIAL.test(s)) return s;
  checkKeyLike(what, s);
  return s.replace(KEY_ESCAPE, '\\$&');
}

const STRING_ESCAPE = /["\\]/g;

/** A string field value, quoted. */
export function quoteString(s: string): string {
  if (s.indexOf('"') === -1 && s.indexOf('\\') === -1) return `"${s}"`;
  return `"${s.replace(STRING_ESCAPE, '\\$&')}"`;
}

/**
 * A float field value. `String(n)` is the shortest text that reads back as the same double, and
 * the parser takes its exponent form (`1e+21`, `5e-7`); -0 is kept as `-0`.
 */
export function formatFloat(n: number, what: string): string {
  if (!Number.isFinite(n)) throw rejected(`${what} is ${String(n)}: line protocol has only finite floats`);
  return n === 0 && 1 / n < 0 ? '-0' : String(n);
}

/** An integer field value (the `i` suffix makes it an integer field, not a float). */
export function formatInteger(n: number, what: string): string {
  if (!Number.isSafeInteger(n)) throw rejected(`${what} must be an integer, got ${String(n)}`);
  return `${n}i`;
}

/** A timestamp in the write's precision. */
export function formatTimestamp(n: number, what: string): string {
  if (!Number.isSafeInteger(n)) throw rejected(`${what} must be an integer epoch, got ${String(n)}`);
  return String(n);
}
