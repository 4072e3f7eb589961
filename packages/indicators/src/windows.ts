/**
 * Reporting windows cut in Asia/Ho_Chi_Minh (architecture invariant 4): a day runs from local
 * midnight to local midnight, a month from the 1st at 00:00 local time.
 */
import { localParts, localToUtc, REPORTING_TIME_ZONE } from '@hpg/contracts';

export interface Window {
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  /** Local label: 2026-10-31, 2026-10, 2026. */
  readonly label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localDay(y: number, m: number, d: number, tz = REPORTING_TIME_ZONE): Window {
  const from = localToUtc(tz, y, m, d);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return {
    from,
    to: localToUtc(tz, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()),
    label: `${y}-${pad(m)}-${pad(d)}`,
  };
}

export function localMonth(y: number, m: number, tz = REPORTING_TIME_ZONE): Window {
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return { from: localToUtc(tz, y, m, 1), to: localToUtc(tz, ny, nm, 1), label: `${y}-${pad(m)}` };
}

/** The local days of a month, in order. */
export function daysOfMonth(y: number, m: number, tz = REPORTING_TIME_ZONE): Window[] {
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => localDay(y, m, i + 1, tz));
}

/** The local day that contains instant `ms`. */
export function dayOf(ms: number, tz = REPORTING_TIME_ZONE): Window {
  const p = localParts(tz, ms);
  return localDay(p.year, p.month, p.day, tz);
}

export function localYear(y: number, tz = REPORTING_TIME_ZONE): Window {
  return { from: localToUtc(tz, y, 1, 1), to: localToUtc(tz, y + 1, 1, 1), label: String(y) };
}

/** The local month (year, month) that contains instant `ms`. */
export function monthOf(ms: number, tz = REPORTING_TIME_ZONE): { year: number; month: number } {
  const p = localParts(tz, ms);
  return { year: p.year, month: p.month };
}
