/**
 * Wall-clock fields of a site's local time. Sites state their IANA zone (Hai Phong:
 * Asia/Ho_Chi_Minh, UTC+7 without daylight saving); the offset is looked up through the contracts'
 * Intl-based helper but cached per hour, since Intl formatting is far too slow to run for every
 * message at benchmark rates.
 */
import { zoneOffsetMs } from '@hpg/contracts';

export interface LocalTime {
  /** Local calendar date, `YYYY-MM-DD`: the key of "today" (energy_today, weather, calibration). */
  readonly date: string;
  readonly month: number;
  /** Local hour of day as a fraction, 0 ≤ hour < 24. */
  readonly hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Day of year, 1–366. */
  readonly dayOfYear: number;
}

export type LocalClock = (ms: number) => LocalTime;

const HOUR = 3_600_000;

export function createLocalClock(timeZone: string): LocalClock {
  let cachedHour = Number.NaN;
  let cachedOffset = 0;
  return (ms) => {
    const bucket = Math.floor(ms / HOUR);
    if (bucket !== cachedHour) {
      cachedHour = bucket;
      cachedOffset = zoneOffsetMs(timeZone, ms);
    }
    const local = new Date(ms + cachedOffset);
    const y = local.getUTCFullYear();
    const month = local.getUTCMonth() + 1;
    const day = local.getUTCDate();
    const startOfYear = Date.UTC(y, 0, 1);
    const midnight = Date.UTC(y, month - 1, day);
    return {
      date: `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      month,
      hour: (ms + cachedOffset - midnight) / HOUR,
      weekday: local.getUTCDay(),
      dayOfYear: Math.round((midnight - startOfYear) / 86_400_000) + 1,
    };
  };
}

/** Linear interpolation in a 24-entry hourly profile (entry h = value at h:00), wrapping at midnight. */
export function hourlyProfile(profile: readonly number[], hour: number): number {
  const h0 = Math.floor(hour) % 24;
  const h1 = (h0 + 1) % 24;
  const f = hour - Math.floor(hour);
  return (profile[h0] ?? 0) * (1 - f) + (profile[h1] ?? 0) * f;
}
