/**
 * Wastewater: exceedance and silence of continuous monitoring stations.
 *
 * Exceedance follows the compliance indicator's rule (@hpg/indicators compliance.ts): only values
 * whose device status is `measuring` count. The alert watches a rolling average over
 * `averageMinutes` (the continuous counterpart of the indicator's hourly average): once the
 * average stays outside the limit for `exceedMinutes` an alert opens, dated from when the average
 * first went outside; its severity follows the largest ratio to the limit reached (raised while
 * open, never lowered); it closes after the average stays back within for `clearMinutes`.
 * Exceedance runs on measurement time (`ts`); a reading older than the series' latest is late
 * data for the indicators, not news for an alert, and is skipped here.
 *
 * Silence: no valid value from a station for `silenceMinutes` of arrival time (`receivedAt`,
 * compared with the ticks' clock). A station not heard from since the engine started is counted
 * from the start, so a restart does not page everyone at once.
 */
import type { Reading } from '@hpg/contracts';
import type { WastewaterRule } from '../config-schema.ts';
import { type AlertEvent, type AlertOf, type Limit, type Severity, severityRank } from '../model.ts';
import type { AlertRules } from '../rules.ts';
import { closed, type Evaluator, type LimitResolver, MINUTE, opened, updated } from './evaluator.ts';

interface Series {
  samples: { ts: number; v: number }[];
  lastTs: number;
  overSince: number | null;
  underSince: number | null;
  maxRatio: number;
  alert: AlertOf<'wastewater_exceedance'> | undefined;
}

/** How far a value is outside its limit: > 1 outside. Above a maximum value / max; below a minimum (pH) min / value. */
export function ratioToLimit(value: number, limit: Limit): number {
  const over = limit.max !== undefined && limit.max > 0 ? value / limit.max : 0;
  const under = limit.min === undefined ? 0 : value > 0 ? limit.min / value : Number.POSITIVE_INFINITY;
  return Math.max(over, under);
}

export function withinLimit(value: number, limit: Limit): boolean {
  return (limit.max === undefined || value <= limit.max) && (limit.min === undefined || value >= limit.min);
}

/** The highest step whose ratio is reached; below the first step, the first step's severity. */
export function severityForRatio(ratio: number, steps: WastewaterRule['severityByRatio']): Severity {
  let s = steps[0]?.severity ?? 'medium';
  for (const step of steps) if (ratio >= step.fromRatio) s = step.severity;
  return s;
}

export class WastewaterEvaluator implements Evaluator {
  readonly name = 'wastewater';
  readonly #rules: AlertRules;
  readonly #limitOf: LimitResolver | undefined;
  readonly #startAt: number;
  readonly #series = new Map<string, Series>();
  /** Station → arrival time of its latest valid value. */
  readonly #lastValid = new Map<string, number>();
  readonly #silent = new Map<string, AlertOf<'wastewater_silence'>>();

  constructor(rules: AlertRules, limitOf: LimitResolver | undefined, startAt: number) {
    this.#rules = rules;
    this.#limitOf = limitOf;
    this.#startAt = startAt;
  }

  reading(r: Reading, out: AlertEvent[]): void {
    if (r.measurement !== 'wastewater') return;
    const rule = this.#rules.wastewater(r.localityId);
    if (rule === undefined) return;
    const valid = (metric: string) =>
      r.values[metric] !== undefined && (r.quality[metric] ?? 'measuring') === 'measuring';
    if (Object.keys(r.values).some(valid)) {
      this.#lastValid.set(r.deviceId, Math.max(this.#lastValid.get(r.deviceId) ?? 0, r.receivedAt));
      const silent = this.#silent.get(r.deviceId);
      if (silent !== undefined) {
        this.#silent.delete(r.deviceId);
        out.push(closed(r.receivedAt, 'cleared', { ...silent, lastSeenAt: r.receivedAt }));
      }
    }
    for (const parameter of rule.parameters) {
      const v = r.values[parameter];
      if (v === undefined || !valid(parameter)) continue;
      const limit = rule.limits?.[r.siteId]?.[parameter] ?? this.#limitOf?.(r.siteId, parameter);
      if (limit !== undefined) this.#judge(r, parameter, v, limit, rule, out);
    }
  }

  #judge(r: Reading, parameter: string, v: number, limit: Limit, rule: WastewaterRule, out: AlertEvent[]): void {
    const key = `${r.deviceId}\u0000${parameter}`;
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { samples: [], lastTs: -1, overSince: null, underSince: null, maxRatio: 0, alert: undefined };
      this.#series.set(key, s);
    }
    if (r.ts <= s.lastTs) return;
    s.lastTs = r.ts;
    s.samples.push({ ts: r.ts, v });
    const from = r.ts - rule.averageMinutes * MINUTE;
    while ((s.samples[0]?.ts ?? r.ts) <= from) s.samples.shift();
    const average = s.samples.reduce((sum, x) => sum + x.v, 0) / s.samples.length;
    if (!withinLimit(average, limit)) {
      s.underSince = null;
      s.overSince ??= r.ts;
      s.maxRatio = Math.max(s.maxRatio, ratioToLimit(average, limit));
      const severity = severityForRatio(s.maxRatio, rule.severityByRatio);
      const details = { parameter, average, limit, maxRatio: s.maxRatio, averageMinutes: rule.averageMinutes };
      if (s.alert === undefined) {
        if (r.ts - s.overSince < rule.exceedMinutes * MINUTE) return;
        s.alert = {
          v: 1,
          id: `wastewater_exceedance:${r.deviceId}:${parameter}:${s.overSince}`,
          kind: 'wastewater_exceedance',
          severity,
          localityId: r.localityId,
          siteId: r.siteId,
          deviceId: r.deviceId,
          openedAt: s.overSince,
          lastSeenAt: r.ts,
          details,
        };
        out.push(opened(r.ts, s.alert));
        return;
      }
      const raised = severityRank(severity) > severityRank(s.alert.severity);
      s.alert = { ...s.alert, severity: raised ? severity : s.alert.severity, lastSeenAt: r.ts, details };
      if (raised) out.push(updated(r.ts, s.alert));
      return;
    }
    s.overSince = null;
    if (s.alert === undefined) {
      s.maxRatio = 0;
      return;
    }
    s.underSince ??= r.ts;
    s.alert = { ...s.alert, details: { ...s.alert.details, average } };
    if (r.ts - s.underSince >= rule.clearMinutes * MINUTE) {
      out.push(closed(r.ts, 'cleared', s.alert));
      s.alert = undefined;
      s.underSince = null;
      s.maxRatio = 0;
    }
  }

  tick(now: number, out: AlertEvent[]): void {
    const registry = this.#rules.registry;
    for (const device of registry.data.devices) {
      if (device.kind !== 'wastewater_station' || this.#silent.has(device.id)) continue;
      const placement = registry.placement(device.id);
      const rule = placement && this.#rules.wastewater(placement.locality.id);
      if (placement === undefined || rule === undefined) continue;
      const lastValidAt = this.#lastValid.get(device.id);
      const since = lastValidAt ?? this.#startAt;
      if (now - since < rule.silenceMinutes * MINUTE) continue;
      const alert: AlertOf<'wastewater_silence'> = {
        v: 1,
        id: `wastewater_silence:${device.id}:${since}`,
        kind: 'wastewater_silence',
        severity: rule.silenceSeverity,
        localityId: placement.locality.id,
        siteId: placement.site.id,
        deviceId: device.id,
        openedAt: since,
        lastSeenAt: now,
        details: { lastValidAt: lastValidAt ?? null, silenceMinutes: rule.silenceMinutes },
      };
      this.#silent.set(device.id, alert);
      out.push(opened(now, alert));
    }
  }

  open(): (AlertOf<'wastewater_exceedance'> | AlertOf<'wastewater_silence'>)[] {
    const exceeding = [...this.#series.values()].flatMap((s) => (s.alert === undefined ? [] : [s.alert]));
    return [...exceeding, ...this.#silent.values()];
  }
}
