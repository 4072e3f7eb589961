/**
 * The notifier turns the engine's events into stored alerts and queued messages: it records the
 * alert, routes it (role → the locality's chain), renders each contact's message in their
 * language with a signed acknowledgement link, and queues one delivery per contact and channel —
 * all in one transaction per event. It escalates what nobody acknowledged, and applies people's
 * lifecycle steps (from a signed link or the inbox).
 *
 * Everything here is replay-safe: a stored alert is not stored again, and each delivery's
 * idempotency key exists once, so feeding the same events twice sends nothing twice.
 */
import type { Contact } from './config-schema.ts';
import { isClosedStatus, LifecycleError } from './lifecycle.ts';
import { type AlertEvent, type AlertOf, type AlertSnapshot, severityRank } from './model.ts';
import type { Notice } from './phrases.ts';
import { mapUrl, placeOf, renderMessage } from './render.ts';
import { addressesOf, contactsUpTo, routeAlert } from './routing.ts';
import type { AlertRules } from './rules.ts';
import { type Action, actionUrl, evidenceUrl, signAction, signEvidence, verifyAction } from './signing.ts';
import type { AlertRecord, AlertStore } from './store/alert-store.ts';
import { idempotencyKey } from './store/outbox.ts';

export interface NotifierDeps {
  readonly store: AlertStore;
  readonly rules: AlertRules;
  readonly links: {
    /** Where action links point, e.g. https://hpg.example/api/v1/alerts/actions */
    readonly baseUrl: string;
    /** The first signs; all verify (rotation). */
    readonly secret: string | readonly string[];
    /** How long an acknowledgement link stays valid. */
    readonly ttlMs: number;
  };
  /** Processing clock: escalation timing, history, delivery times. */
  readonly now: () => number;
  readonly mapUrlTemplate?: string;
  /**
   * Public base of the evidence routes: each message then carries a signed link, expiring with the
   * action link, `<base>/<sha256>?token=…` — or `<base>/alerts/<alertId>?token=…` while a Frigate
   * camera's snapshot is still being fetched. Without it, the detection's snapshot URL.
   */
  readonly evidenceBaseUrl?: string;
  /** Called after deliveries were queued (wake the dispatcher). */
  readonly onQueued?: () => void;
}

const SYSTEM = 'system';

export class Notifier {
  readonly #d: NotifierDeps;

  constructor(deps: NotifierDeps) {
    this.#d = deps;
  }

  /** Records each event and queues its messages; one transaction per event. */
  apply(events: readonly AlertEvent[]): void {
    let queued = 0;
    for (const e of events) {
      queued += this.#d.store.transaction(() => {
        if (e.type === 'closed') return this.#closed(e.alert, e.at, e.reason);
        if (this.#d.store.get(e.alert.id) === undefined) return this.#opened(e.alert);
        return this.#updated(e.alert);
      });
    }
    if (queued > 0) this.#d.onQueued?.();
  }

  /** Tells the next contact about every open alert nobody acknowledged in time; returns how many escalated. */
  escalate(): number {
    const now = this.#d.now();
    let escalated = 0;
    let queued = 0;
    for (const rec of this.#d.store.dueEscalations(now)) {
      queued += this.#d.store.transaction(() => {
        const level = rec.escalationLevel + 1;
        const route = routeAlert(this.#d.rules, rec.alert, level);
        if (route === undefined) {
          // The chain got shorter since (a config change): nobody left to tell.
          this.#d.store.setEscalation(rec.alert.id, rec.escalationLevel, null, now);
          return 0;
        }
        escalated++;
        const next = route.escalateAfterMs === null ? null : now + route.escalateAfterMs;
        this.#d.store.setEscalation(rec.alert.id, level, next, now);
        this.#d.store.addHistory(rec.alert.id, { at: now, action: 'escalated', actor: SYSTEM, note: route.contact.id });
        const waitedMinutes = Math.round((now - rec.createdAt) / 60_000);
        return this.#notify(rec.alert, 'escalated', `escalated-${level}`, [route.contact], { waitedMinutes });
      });
    }
    if (queued > 0) this.#d.onQueued?.();
    return escalated;
  }

  /** Acts on a signed link. Refused with a LifecycleError: `invalid_link`, `link_expired`, or the transition's own. */
  act(token: string, note?: string | null): AlertRecord {
    const now = this.#d.now();
    const v = verifyAction(token, this.#d.links.secret, now);
    if (!v.ok) {
      throw v.reason === 'expired'
        ? new LifecycleError('link_expired', 'this link has expired; open the alert in the inbox instead')
        : new LifecycleError('invalid_link', 'this link is not valid');
    }
    return this.#d.store.transition(v.claims.alertId, v.claims.action, { actor: v.claims.actor, note, at: now });
  }

  /** A lifecycle step from the inbox, by a signed-in user. */
  transition(alertId: string, action: Action, by: { actor: string; note?: string | null }): AlertRecord {
    return this.#d.store.transition(alertId, action, { ...by, at: this.#d.now() });
  }

  #opened(alert: AlertSnapshot): number {
    const { store, rules } = this.#d;
    const now = this.#d.now();
    const route = routeAlert(rules, alert, 0);
    const next = route?.escalateAfterMs == null ? null : now + route.escalateAfterMs;
    if (!store.insert(alert, { role: rules.roleOf(alert.kind), at: now, nextEscalationAt: next })) return 0;
    store.addHistory(alert.id, { at: now, action: 'opened', actor: SYSTEM, note: null });
    if (route === undefined) {
      const note = `no "${rules.roleOf(alert.kind)}" contact for locality "${alert.localityId}" or its parents`;
      store.addHistory(alert.id, { at: now, action: 'unrouted', actor: SYSTEM, note });
      return 0;
    }
    return this.#notify(alert, 'opened', 'opened', [route.contact], {});
  }

  /** A raised severity is news for everyone told so far; anything else only refreshes the record. */
  #updated(alert: AlertSnapshot): number {
    const { store } = this.#d;
    const now = this.#d.now();
    const rec = store.get(alert.id);
    if (rec === undefined) return 0;
    store.saveSnapshot(alert, now);
    if (severityRank(alert.severity) <= severityRank(rec.alert.severity) || isClosedStatus(rec.status)) return 0;
    store.addHistory(alert.id, {
      at: now,
      action: 'updated',
      actor: SYSTEM,
      note: `severity ${rec.alert.severity} → ${alert.severity}`,
    });
    const told = contactsUpTo(this.#d.rules, alert, rec.escalationLevel);
    return this.#notify(alert, 'updated', `updated-${alert.severity}`, told, {});
  }

  /**
   * The condition ended. A cleared condition stops escalation and sends the all-clear to everyone
   * told; a quiet dumping incident only stops merging re-detections — the pile is likely still
   * there, so escalation carries on until someone acknowledges.
   */
  #closed(alert: AlertSnapshot, at: number, reason: 'cleared' | 'quiet'): number {
    const { store } = this.#d;
    const now = this.#d.now();
    const rec = store.get(alert.id);
    if (rec === undefined || !rec.active) return 0;
    store.saveSnapshot(severityRank(alert.severity) >= severityRank(rec.alert.severity) ? alert : rec.alert, now);
    store.markCleared(alert.id, at, now, reason === 'cleared');
    const note = reason === 'cleared' ? 'condition cleared' : 'no re-detection within the dedupe window';
    store.addHistory(alert.id, { at: now, action: 'cleared', actor: SYSTEM, note });
    if (reason !== 'cleared' || isClosedStatus(rec.status)) return 0;
    const told = contactsUpTo(this.#d.rules, alert, rec.escalationLevel);
    return this.#notify(alert, 'cleared', 'cleared', told, { endedAt: at });
  }

  #notify(
    alert: AlertSnapshot,
    notice: Notice,
    noticeKey: string,
    contacts: readonly Contact[],
    extra: { waitedMinutes?: number; endedAt?: number },
  ): number {
    const store = this.#d.store;
    const registry = this.#d.rules.registry;
    const now = this.#d.now();
    const status = store.get(alert.id)?.status ?? 'open';
    let queued = 0;
    for (const contact of contacts) {
      const lang = contact.lang;
      const place = placeOf(registry, alert, lang);
      const map = mapUrl(place.lat, place.lon, this.#d.mapUrlTemplate);
      const expiresAt = now + this.#d.links.ttlMs;
      const evidence = alert.kind === 'dumping' ? this.#evidence(alert, contact.id, expiresAt) : null;
      // Only an open alert can be acknowledged; the all-clear asks nothing of anyone.
      const acknowledge =
        status === 'open' && notice !== 'cleared'
          ? {
              url: actionUrl(
                this.#d.links.baseUrl,
                signAction(
                  { alertId: alert.id, action: 'acknowledge', actor: contact.id, expiresAt },
                  this.#d.links.secret,
                ),
              ),
              expiresAt,
            }
          : null;
      const rendered = renderMessage({
        alert,
        notice,
        lang,
        place,
        links: { map, evidence, acknowledge },
        ...extra,
      });
      for (const address of addressesOf(contact)) {
        const fresh = store.outbox.enqueue(
          {
            idempotencyKey: idempotencyKey(alert.id, noticeKey, address.channel, contact.id),
            alertId: alert.id,
            notice,
            contactId: contact.id,
            address,
            message: {
              ...rendered,
              notice,
              alert,
              links: {
                map,
                evidence,
                acknowledge: acknowledge?.url ?? null,
                acknowledgeExpiresAt: acknowledge?.expiresAt ?? null,
              },
            },
          },
          now,
        );
        if (fresh) queued++;
      }
    }
    return queued;
  }

  #evidence(alert: AlertOf<'dumping'>, actor: string, expiresAt: number): string | null {
    const base = this.#d.evidenceBaseUrl;
    const sha = alert.details.snapshotSha256;
    const secret = this.#d.links.secret;
    if (base === undefined) return alert.details.snapshotUrl;
    if (sha !== null) {
      const token = signEvidence({ sha256: sha, alertId: alert.id, actor, expiresAt }, secret);
      return evidenceUrl(base, token, { sha256: sha });
    }
    // Ingest fetches Frigate's snapshots after the event: link to the alert's evidence, stored by then.
    const frigate = this.#d.rules.registry.placement(alert.deviceId)?.device.external?.frigate;
    if (alert.details.snapshotUrl !== null && frigate !== undefined) {
      const token = signEvidence({ sha256: null, alertId: alert.id, actor, expiresAt }, secret);
      return evidenceUrl(base, token, { alertId: alert.id });
    }
    return alert.details.snapshotUrl;
  }
}
