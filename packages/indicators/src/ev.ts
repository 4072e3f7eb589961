/**
 * EV charging: sessions and the energy they delivered, and connector availability — the share of
 * time a connector was not Faulted or Unavailable (OCPP 1.6 ChargePointStatus).
 */
import type { ConnectorStatus } from '@hpg/contracts';

export interface SessionEvent {
  readonly ts: number;
  readonly sessionId: string;
  readonly event: 'start' | 'stop';
  /** Meter register at that moment, Wh. */
  readonly registerWh: number;
}

export interface Sessions {
  readonly completed: number;
  /** Started but not stopped within the window (still charging, or the stop was lost). */
  readonly open: number;
  readonly energyWh: number;
}

/** Pairs start and stop by session id; energy = stop register − start register. */
export function sessions(events: readonly SessionEvent[], from: number, to: number): Sessions {
  const starts = new Map<string, SessionEvent>();
  let completed = 0;
  let energyWh = 0;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.event === 'start') starts.set(e.sessionId, e);
    else {
      const s = starts.get(e.sessionId);
      if (s !== undefined && e.ts >= from && e.ts < to) {
        completed++;
        energyWh += Math.max(0, e.registerWh - s.registerWh);
      }
      starts.delete(e.sessionId);
    }
  }
  const open = [...starts.values()].filter((s) => s.ts >= from && s.ts < to).length;
  return { completed, open, energyWh };
}

const DOWN: ReadonlySet<ConnectorStatus> = new Set<ConnectorStatus>(['Faulted', 'Unavailable']);

/**
 * Availability of one connector over [from, to): status changes as a step function; the status
 * before the first change inside the window is the last one before it (unknown time is not
 * counted either way). Returns null when the status is never known.
 */
export function availability(
  changes: readonly { readonly ts: number; readonly status: ConnectorStatus }[],
  from: number,
  to: number,
): number | null {
  const sorted = [...changes].sort((a, b) => a.ts - b.ts);
  let current: ConnectorStatus | undefined;
  for (const c of sorted) if (c.ts <= from) current = c.status;
  let known = 0;
  let up = 0;
  let t = from;
  for (const c of sorted.filter((c) => c.ts > from && c.ts < to)) {
    if (current !== undefined) {
      known += c.ts - t;
      if (!DOWN.has(current)) up += c.ts - t;
    }
    current = c.status;
    t = c.ts;
  }
  if (current !== undefined) {
    known += to - t;
    if (!DOWN.has(current)) up += to - t;
  }
  return known === 0 ? null : up / known;
}
