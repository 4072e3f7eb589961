/**
 * The lifecycle people drive: open → acknowledged → resolved | false_alarm, each step with who,
 * when and a note. Resolving or dismissing needs an owner first, so an alert never ends without
 * someone having taken it. The engine's own closing (condition cleared, incident quiet) is not a
 * lifecycle step: it is recorded beside the status (`active`) and stops escalation, but a wastewater
 * exceedance that ended at night still waits for the officer.
 */
import type { Action } from './signing.ts';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_alarm'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const STEPS: Readonly<Record<Action, { readonly from: AlertStatus; readonly to: AlertStatus }>> = {
  acknowledge: { from: 'open', to: 'acknowledged' },
  resolve: { from: 'acknowledged', to: 'resolved' },
  false_alarm: { from: 'acknowledged', to: 'false_alarm' },
};

export const LIFECYCLE_ERROR_CODES = ['not_found', 'invalid_transition', 'invalid_link', 'link_expired'] as const;
export type LifecycleErrorCode = (typeof LIFECYCLE_ERROR_CODES)[number];

export class LifecycleError extends Error {
  readonly code: LifecycleErrorCode;
  constructor(code: LifecycleErrorCode, message: string) {
    super(message);
    this.name = 'LifecycleError';
    this.code = code;
  }
}

export type StepResult =
  | { readonly ok: true; readonly to: AlertStatus }
  | { readonly ok: false; readonly reason: string };

const VERB: Record<Action, string> = {
  acknowledge: 'acknowledge',
  resolve: 'resolve',
  false_alarm: 'dismiss as a false alarm',
};

/** Where `action` takes an alert in `status`, or why it cannot. */
export function nextStatus(status: AlertStatus, action: Action): StepResult {
  const step = STEPS[action];
  if (status === step.from) return { ok: true, to: step.to };
  const hint =
    status === 'open'
      ? 'acknowledge it first'
      : status === 'acknowledged'
        ? 'it is already acknowledged'
        : 'it is already closed';
  return { ok: false, reason: `cannot ${VERB[action]} an alert that is ${status.replace('_', ' ')}: ${hint}` };
}

export function isClosedStatus(status: AlertStatus): boolean {
  return status === 'resolved' || status === 'false_alarm';
}
