/**
 * Daily roll-up of a cumulative register (energy counters), as the Store port defines it. Adapters
 * may compute it in the database (InfluxDB does, with non_negative_difference); this is the
 * reference the SQLite adapter runs and the contract suite checks every adapter against.
 */

export interface RegisterDaysQuery {
  readonly deviceId: string;
  readonly measurement: string;
  /** The cumulative register's metric, e.g. `energy_lifetime`, `energy_import`. */
  readonly register: string;
  /** A metric whose positive values mean activity (e.g. `ac_power`), if any. */
  readonly activity?: string;
  /** Start of the first day, epoch ms; `days` consecutive 24-hour windows follow (no DST in Vietnam). */
  readonly from: number;
  readonly days: number;
  /** How far before `from` the register's previous value is looked for. */
  readonly lookbackMs: number;
}

export interface RegisterDays {
  /** Per day: the sum of the register's increases between consecutive readings, each counted in the day of the later reading. */
  readonly increase: number[];
  /** Per day: decreases (a reset or a replaced meter); they add nothing. */
  readonly resets: number[];
  /** Per day: whether the activity metric was positive at least once. */
  readonly active: boolean[];
  /** The last time in the days the activity metric was positive. */
  readonly lastActiveAt: number | null;
}

export const DAY_MS = 86_400_000;

/** The reference computation over readings sorted by time (the lookback included). */
export function registerDaysOf(
  points: readonly { readonly ts: number; readonly register?: number; readonly activity?: number }[],
  q: Pick<RegisterDaysQuery, 'from' | 'days'>,
): RegisterDays {
  const increase = new Array<number>(q.days).fill(0);
  const resets = new Array<number>(q.days).fill(0);
  const active = new Array<boolean>(q.days).fill(false);
  let lastActiveAt: number | null = null;
  const to = q.from + q.days * DAY_MS;
  let previous: number | undefined;
  for (const p of points) {
    const inside = p.ts >= q.from && p.ts < to;
    const day = Math.floor((p.ts - q.from) / DAY_MS);
    if (p.register !== undefined) {
      if (previous !== undefined && inside) {
        const d = p.register - previous;
        if (d >= 0) increase[day] = (increase[day] as number) + d;
        else resets[day] = (resets[day] as number) + 1;
      }
      previous = p.register;
    }
    if (inside && p.activity !== undefined && p.activity > 0) {
      active[day] = true;
      lastActiveAt = p.ts;
    }
  }
  return { increase, resets, active, lastActiveAt };
}
