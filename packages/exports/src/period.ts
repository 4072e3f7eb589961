/**
 * Export periods: a local month (`2026-10`) or a local year (`2026`), cut in Asia/Ho_Chi_Minh like
 * every indicator window, and what part of a period an export covers at a given instant.
 */
import { formatLocal, localParts, REPORTING_TIME_ZONE, zoneOffsetMs } from '@hpg/contracts';
import { localMonth, localYear, type Window } from '@hpg/indicators';

export type Period =
  | { readonly kind: 'month'; readonly year: number; readonly month: number; readonly label: string }
  | { readonly kind: 'year'; readonly year: number; readonly label: string };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR = /^(\d{4})$/;
const pad = (n: number) => String(n).padStart(2, '0');

export function monthPeriod(year: number, month: number): Period {
  return { kind: 'month', year, month, label: `${year}-${pad(month)}` };
}

export function yearPeriod(year: number): Period {
  return { kind: 'year', year, label: String(year) };
}

/** `2026-10` → a month, `2026` → a year; undefined for anything else (years 2000–2099). */
export function parsePeriod(s: string): Period | undefined {
  const m = MONTH.exec(s);
  if (m !== null)
    return Number(m[1]) >= 2000 && Number(m[1]) < 2100 ? monthPeriod(Number(m[1]), Number(m[2])) : undefined;
  const y = YEAR.exec(s);
  if (y !== null) return Number(y[1]) >= 2000 && Number(y[1]) < 2100 ? yearPeriod(Number(y[1])) : undefined;
  return undefined;
}

export function periodWindow(p: Period): Window {
  return p.kind === 'month' ? localMonth(p.year, p.month) : localYear(p.year);
}

export function previousMonth(year: number, month: number): { year: number; month: number } {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** The months of a year that have ended by `now` (all twelve once the year is over). */
export function closedMonths(year: number, now: number): { year: number; month: number }[] {
  const out: { year: number; month: number }[] = [];
  for (let month = 1; month <= 12; month++) if (localMonth(year, month).to <= now) out.push({ year, month });
  return out;
}

/**
 * Until when an export of `p` made at `now` has data: a month up to its end (or now, while it
 * runs); a year up to the end of its last closed month, so a year in progress covers the months
 * so far and the same months always give the same file.
 */
export function coverageEnd(p: Period, now: number): number {
  const w = periodWindow(p);
  if (p.kind === 'month') return Math.min(w.to, Math.max(w.from, now));
  const months = closedMonths(p.year, now);
  const last = months.at(-1);
  return last === undefined ? w.from : localMonth(last.year, last.month).to;
}

/** Local date and time parts of an instant in the reporting zone. */
export function localDate(ms: number): { year: number; month: number; day: number; hour: number; minute: number } {
  const p = localParts(REPORTING_TIME_ZONE, ms);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

/** ISO 8601 in local time with its offset: `2026-11-01T00:00:00+07:00`. */
export function localIso(ms: number): string {
  return formatLocal(REPORTING_TIME_ZONE, ms);
}

/** The wall-clock fields of an instant in the reporting zone as a UTC date (for spreadsheet cells and zip entries). */
export function wallClock(ms: number): Date {
  return new Date(ms + zoneOffsetMs(REPORTING_TIME_ZONE, ms));
}
