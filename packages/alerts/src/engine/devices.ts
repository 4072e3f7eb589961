/**
 * Devices: offline beyond their expected interval, an EV charger connector `Faulted` for too long,
 * a solar inverter in `fault`.
 *
 * Offline runs on arrival time (`receivedAt`, compared with the ticks' clock): a device with a
 * wrong clock that still reports is not offline. A device not heard from since the engine started
 * is counted from the start. The states run on measurement time for their start and on the ticks'
 * clock for their duration, so a charger that faults and then goes quiet still alerts.
 */
import type { Detection, Reading } from '@hpg/contracts';
import type { StateRule } from '../config-schema.ts';
import type { AlertEvent, AlertOf } from '../model.ts';
import type { AlertRules } from '../rules.ts';
import { closed, type Evaluator, MINUTE, opened } from './evaluator.ts';

export class OfflineEvaluator implements Evaluator {
  readonly name = 'device_offline';
  readonly #rules: AlertRules;
  readonly #startAt: number;
  readonly #lastSeen = new Map<string, number>();
  readonly #offline = new Map<string, AlertOf<'device_offline'>>();

  constructor(rules: AlertRules, startAt: number) {
    this.#rules = rules;
    this.#startAt = startAt;
  }

  detection(d: Detection, out: AlertEvent[]): void {
    this.#seen(d.deviceId, d.receivedAt, out);
  }

  reading(r: Reading, out: AlertEvent[]): void {
    this.#seen(r.deviceId, r.receivedAt, out);
  }

  #seen(deviceId: string, at: number, out: AlertEvent[]): void {
    this.#lastSeen.set(deviceId, Math.max(this.#lastSeen.get(deviceId) ?? 0, at));
    const alert = this.#offline.get(deviceId);
    if (alert === undefined) return;
    this.#offline.delete(deviceId);
    out.push(closed(at, 'cleared', { ...alert, lastSeenAt: at }));
  }

  tick(now: number, out: AlertEvent[]): void {
    const registry = this.#rules.registry;
    for (const device of registry.data.devices) {
      if (this.#offline.has(device.id)) continue;
      const placement = registry.placement(device.id);
      const rule = placement && this.#rules.devices(placement.locality.id)?.offline;
      if (placement === undefined || rule === undefined || !rule.deviceKinds.includes(device.kind)) continue;
      const afterMs = Math.max(rule.missedIntervals * device.intervalSeconds * 1000, rule.minMinutes * MINUTE);
      const lastSeenAt = this.#lastSeen.get(device.id);
      const since = lastSeenAt ?? this.#startAt;
      if (now - since <= afterMs) continue;
      const alert: AlertOf<'device_offline'> = {
        v: 1,
        id: `device_offline:${device.id}:${since}`,
        kind: 'device_offline',
        severity: rule.severity,
        localityId: placement.locality.id,
        siteId: placement.site.id,
        deviceId: device.id,
        openedAt: since,
        lastSeenAt: now,
        details: {
          deviceKind: device.kind,
          lastSeenAt: lastSeenAt ?? null,
          intervalSeconds: device.intervalSeconds,
          offlineAfterMinutes: afterMs / MINUTE,
        },
      };
      this.#offline.set(device.id, alert);
      out.push(opened(now, alert));
    }
  }

  open(): AlertOf<'device_offline'>[] {
    return [...this.#offline.values()];
  }
}

type StateKind = 'charger_faulted' | 'inverter_fault';

interface StateSpec<K extends StateKind> {
  readonly kind: K;
  /** True in the state, false out of it, undefined when the reading does not say. */
  readonly inState: (r: Reading) => boolean | undefined;
  readonly rule: (rules: AlertRules, localityId: string) => StateRule | undefined;
  readonly build: (r: Reading, since: number, rule: StateRule) => Omit<AlertOf<K>, 'lastSeenAt'>;
}

interface Watch<K extends StateKind> {
  since: number | undefined;
  last: Reading;
  alert: AlertOf<K> | undefined;
}

/** A device (or connector) staying in a bad state for at least `afterMinutes`. */
export class StateEvaluator<K extends StateKind> implements Evaluator {
  readonly name: string;
  readonly #rules: AlertRules;
  readonly #spec: StateSpec<K>;
  readonly #watches = new Map<string, Watch<K>>();

  constructor(rules: AlertRules, spec: StateSpec<K>) {
    this.name = spec.kind;
    this.#rules = rules;
    this.#spec = spec;
  }

  reading(r: Reading, out: AlertEvent[]): void {
    const inState = this.#spec.inState(r);
    if (inState === undefined) return;
    const key = `${r.deviceId}\u0000${r.channel}`;
    let w = this.#watches.get(key);
    if (w === undefined) {
      w = { since: undefined, last: r, alert: undefined };
      this.#watches.set(key, w);
    }
    if (r.ts < w.last.ts) return;
    w.last = r;
    if (inState) {
      w.since ??= r.ts;
      this.#check(w, r.ts, out);
      return;
    }
    w.since = undefined;
    if (w.alert !== undefined) {
      out.push(closed(r.ts, 'cleared', { ...w.alert, lastSeenAt: r.ts }));
      w.alert = undefined;
    }
  }

  tick(now: number, out: AlertEvent[]): void {
    for (const w of this.#watches.values()) this.#check(w, now, out);
  }

  #check(w: Watch<K>, now: number, out: AlertEvent[]): void {
    if (w.since === undefined || w.alert !== undefined) return;
    const rule = this.#spec.rule(this.#rules, w.last.localityId);
    if (rule === undefined || now - w.since < rule.afterMinutes * MINUTE) return;
    const alert = { ...this.#spec.build(w.last, w.since, rule), lastSeenAt: now } as AlertOf<K>;
    w.alert = alert;
    out.push(opened(now, alert));
  }

  open(): AlertOf<K>[] {
    return [...this.#watches.values()].flatMap((w) => (w.alert === undefined ? [] : [w.alert]));
  }
}

const place = (r: Reading) => ({ v: 1 as const, localityId: r.localityId, siteId: r.siteId, deviceId: r.deviceId });

/** OCPP ChargePointStatus `Faulted` on a connector (channel = connector id; 0 is the whole charger). */
export const chargerFaulted: StateSpec<'charger_faulted'> = {
  kind: 'charger_faulted',
  inState: (r) =>
    r.measurement === 'ev_status' && r.states.status !== undefined ? r.states.status === 'Faulted' : undefined,
  rule: (rules, localityId) => rules.devices(localityId)?.chargerFaulted,
  build: (r, since, rule) => ({
    ...place(r),
    id: `charger_faulted:${r.deviceId}:${r.channel}:${since}`,
    kind: 'charger_faulted',
    severity: rule.severity,
    openedAt: since,
    details: { connector: r.channel, errorCode: r.states.errorCode ?? null, afterMinutes: rule.afterMinutes },
  }),
};

/** SunSpec operating state `fault`; a telemetry without a state says nothing either way. */
export const inverterFault: StateSpec<'inverter_fault'> = {
  kind: 'inverter_fault',
  inState: (r) => (r.measurement === 'solar' && r.states.state !== undefined ? r.states.state === 'fault' : undefined),
  rule: (rules, localityId) => rules.devices(localityId)?.inverterFault,
  build: (r, since, rule) => ({
    ...place(r),
    id: `inverter_fault:${r.deviceId}:${since}`,
    kind: 'inverter_fault',
    severity: rule.severity,
    openedAt: since,
    details: { afterMinutes: rule.afterMinutes },
  }),
};
