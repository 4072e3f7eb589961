import type { Detection, Reading } from '@hpg/contracts';
import type { AlertEvent, AlertSnapshot, CloseReason, Limit } from '../model.ts';

/**
 * One family of rules as a state machine: fed detections, readings and time ticks, it appends
 * the alert events they cause to `out`. Each keeps only its own state, so one failing rule cannot
 * corrupt another's.
 */
export interface Evaluator {
  readonly name: string;
  detection?(d: Detection, out: AlertEvent[]): void;
  reading?(r: Reading, out: AlertEvent[]): void;
  tick(now: number, out: AlertEvent[]): void;
  /** Alerts whose condition currently holds. */
  open(): AlertSnapshot[];
}

/**
 * A plant's limit for a parameter in its canonical unit, or undefined when none applies. The
 * service passes the standards' computation (@hpg/indicators `limitFor` with the plant's standard,
 * column, Kq and Kf); a rule's own `limits` take precedence.
 */
export type LimitResolver = (siteId: string, parameter: string) => Limit | undefined;

export const opened = (at: number, alert: AlertSnapshot): AlertEvent => ({ v: 1, type: 'opened', at, alert });
export const updated = (at: number, alert: AlertSnapshot): AlertEvent => ({ v: 1, type: 'updated', at, alert });
export const closed = (at: number, reason: CloseReason, alert: AlertSnapshot): AlertEvent => ({
  v: 1,
  type: 'closed',
  at,
  reason,
  alert,
});

export const MINUTE = 60_000;
