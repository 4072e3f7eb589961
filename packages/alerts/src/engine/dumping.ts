/**
 * Dumping: a detection of a waste label, scored at least the threshold, in a watched zone opens
 * an incident. Frigate re-detects a stationary pile as new events (../shared/domain/device-formats.md),
 * so a detection by the same camera in the same zone within the dedupe window of the incident's
 * last detection joins it instead of opening another; after a quiet window the incident closes
 * (reason `quiet`) and the next detection there is a new incident. Later states of an event
 * already in an incident always join it, whatever their score or zone.
 */
import type { Detection } from '@hpg/contracts';
import type { AlertEvent, AlertOf } from '../model.ts';
import type { AlertRules } from '../rules.ts';
import { closed, type Evaluator, MINUTE, opened, updated } from './evaluator.ts';

const MAX_EVENT_IDS = 50;

interface Incident {
  alert: AlertOf<'dumping'>;
  windowMs: number;
  events: Set<string>;
}

export class DumpingEvaluator implements Evaluator {
  readonly name = 'dumping';
  readonly #rules: AlertRules;
  /** Camera and zone → its open incident. */
  readonly #open = new Map<string, Incident>();
  /** Camera and event id → the incident key it joined. */
  readonly #eventKey = new Map<string, string>();

  constructor(rules: AlertRules) {
    this.#rules = rules;
  }

  detection(d: Detection, out: AlertEvent[]): void {
    const rule = this.#rules.dumping(d.localityId);
    if (rule === undefined) return;
    const eventRef = `${d.deviceId}\u0000${d.eventId}`;
    const joined = this.#eventKey.get(eventRef);
    let key = joined ?? `${d.deviceId}\u0000${d.zone ?? ''}`;
    let inc = this.#open.get(key);
    if (inc !== undefined && d.ts - inc.alert.lastSeenAt > inc.windowMs) {
      this.#close(key, inc, out);
      inc = undefined;
      key = `${d.deviceId}\u0000${d.zone ?? ''}`;
    }
    const known = inc?.events.has(d.eventId) === true;
    if (!known) {
      if (!rule.labels.includes(d.label) || d.score < rule.minScore || !this.#watched(d)) return;
      inc ??= this.#open.get(key);
    }
    if (inc === undefined) {
      const alert: AlertOf<'dumping'> = {
        v: 1,
        id: `dumping:${d.deviceId}:${d.zone ?? '-'}:${d.eventId}`,
        kind: 'dumping',
        severity: rule.severity,
        localityId: d.localityId,
        siteId: d.siteId,
        deviceId: d.deviceId,
        openedAt: d.ts,
        lastSeenAt: d.ts,
        details: {
          label: d.label,
          zone: d.zone,
          maxScore: d.score,
          eventIds: [d.eventId],
          detections: 1,
          snapshotUrl: d.snapshotUrl,
          snapshotSha256: d.snapshotSha256,
        },
      };
      this.#open.set(key, { alert, windowMs: rule.dedupeWindowMinutes * MINUTE, events: new Set([d.eventId]) });
      this.#eventKey.set(eventRef, key);
      out.push(opened(d.ts, alert));
      return;
    }
    this.#join(inc, key, eventRef, d, known, out);
  }

  #join(inc: Incident, key: string, eventRef: string, d: Detection, known: boolean, out: AlertEvent[]): void {
    const before = inc.alert;
    const better = d.score > before.details.maxScore;
    // A later state of the best event may bring the snapshot it lacked (evidence fetched afterwards).
    const evidence =
      (better || (known && d.snapshotSha256 !== null && before.details.snapshotSha256 === null)) &&
      (d.snapshotUrl !== null || d.snapshotSha256 !== null);
    const eventIds =
      known || before.details.eventIds.length >= MAX_EVENT_IDS
        ? before.details.eventIds
        : [...before.details.eventIds, d.eventId];
    inc.alert = {
      ...before,
      lastSeenAt: Math.max(before.lastSeenAt, d.ts),
      details: {
        ...before.details,
        maxScore: Math.max(before.details.maxScore, d.score),
        eventIds,
        detections: before.details.detections + (known ? 0 : 1),
        snapshotUrl: evidence ? d.snapshotUrl : before.details.snapshotUrl,
        snapshotSha256: evidence ? d.snapshotSha256 : before.details.snapshotSha256,
      },
    };
    inc.events.add(d.eventId);
    this.#eventKey.set(eventRef, key);
    // Every new event or better evidence is worth recording; an event's own updates only move lastSeenAt.
    if (!known || better || evidence) out.push(updated(d.ts, inc.alert));
  }

  tick(now: number, out: AlertEvent[]): void {
    for (const [key, inc] of this.#open) {
      if (now - inc.alert.lastSeenAt > inc.windowMs) this.#close(key, inc, out);
    }
  }

  open(): AlertOf<'dumping'>[] {
    return [...this.#open.values()].map((i) => i.alert);
  }

  /** Closes as of the end of its quiet window, so the close time does not depend on when ticks came. */
  #close(key: string, inc: Incident, out: AlertEvent[]): void {
    this.#open.delete(key);
    for (const e of inc.events) this.#eventKey.delete(`${inc.alert.deviceId}\u0000${e}`);
    out.push(closed(inc.alert.lastSeenAt + inc.windowMs, 'quiet', inc.alert));
  }

  /** A spot's watched zones: the rule's for it, else the registry's. None listed: the whole frame is watched. */
  #watched(d: Detection): boolean {
    const rule = this.#rules.dumping(d.localityId);
    const site = this.#rules.registry.site(d.siteId);
    const zones = rule?.zones?.[d.siteId] ?? (site?.kind === 'camera_spot' ? site.zones : []);
    return zones.length === 0 || (d.zone !== null && zones.includes(d.zone));
  }
}
