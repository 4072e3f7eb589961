/**
 * Time rules (architecture invariant 4): devices send UTC, or local time of their site which is
 * converted here; days, months and reports are cut in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
 */

export const REPORTING_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The offset as Intl computes it: exact, and slow (~2 µs): every reading's day and time pass here. */
function computeOffsetMs(timeZone: string, ms: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Offsets by zone and 15-minute bucket. A bucket is cached only when the offset is the same at
 * its first and last second, so an instant in a bucket that holds a transition is computed
 * exactly; two transitions within 15 minutes do not occur in the tz database.
 */
const OFFSET_BUCKET_MS = 900_000;
const OFFSET_CACHE_LIMIT = 200_000;
const offsetCache = new Map<string, Map<number, number>>();

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (UTC+7 gives +25,200,000). */
export function zoneOffsetMs(timeZone: string, ms: number): number {
  const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
  let zone = offsetCache.get(timeZone);
  const hit = zone?.get(bucket);
  if (hit !== undefined) return hit;
  const start = bucket * OFFSET_BUCKET_MS;
  const first = computeOffsetMs(timeZone, start);
  const last = computeOffsetMs(timeZone, start + OFFSET_BUCKET_MS - 1000);
  if (first !== last) return computeOffsetMs(timeZone, ms);
  if (zone === undefined) {
    zone = new Map();
    offsetCache.set(timeZone, zone);
  }
  if (zone.size >= OFFSET_CACHE_LIMIT) zone.clear();
  zone.set(bucket, first);
  return first;
}

/** Converts wall-clock fields in `timeZone` to a UTC instant. */
export function localToUtc(
  timeZone: string,
  y: number,
  mo: number,
  d: number,
  h = 0,
  mi = 0,
  s = 0,
  milli = 0,
): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, milli);
  const first = asUtc - zoneOffsetMs(timeZone, asUtc);
  // A second pass settles instants near an offset change (irrelevant for UTC+7, right elsewhere).
  return asUtc - zoneOffsetMs(timeZone, first);
}

/**
 * Parses an ISO 8601 date-time. With `Z` or an offset it is absolute; without, it is wall-clock
 * time in `timeZone`. Returns epoch milliseconds, or `undefined` when it is not a real instant
 * (e.g. 2026-02-30).
 */
export function parseDeviceTime(s: string, timeZone: string): number | undefined {
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const sec = ss === undefined ? 0 : Number(ss);
  const milli = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  if (zone === undefined) return localToUtc(timeZone, y, mo, d, h, mi, sec, milli);
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec, milli);
  if (zone === 'Z' || zone === 'z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (oh > 14 || om > 59) return undefined;
  return wall - sign * (oh * 60 + om) * 60_000;
}

/** Calendar fields of instant `ms` in `timeZone`. */
export function localParts(timeZone: string, ms: number) {
  const local = new Date(ms + zoneOffsetMs(timeZone, ms));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  };
}

/** ISO 8601 with the zone's offset, e.g. 2026-11-22T10:00:00+07:00, for people and exports. */
export function formatLocal(timeZone: string, ms: number): string {
  const off = zoneOffsetMs(timeZone, ms);
  const local = new Date(ms + off).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
