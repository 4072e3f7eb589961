/**
 * The alert service: the alert engine fed from the bus, the notifier that stores alerts and
 * queues their messages, the dispatcher that delivers the outbox, and alert notices on the bus.
 *
 * Detections are handled the moment they are consumed (the police are waiting: detection →
 * webhook is a benchmark target), readings likewise; time-based rules (silence, offline, a
 * charger Faulted for N minutes) and escalation run on a tick. Both consumers use the service's
 * own consumer group, so the writer and the indicators are not held up by a slow channel: the
 * outbox decouples delivery from consumption entirely.
 *
 * Restart: alerts, deliveries and lifecycle are in the SQLite file; the engine's in-memory state
 * (exceedance timers, last-seen times) starts empty, and alert ids are deterministic, so data
 * replayed after a crash re-derives the same alerts without opening them twice.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type Action,
  AlertEngine,
  type AlertEvent,
  type AlertRecord,
  AlertRules,
  AlertStore,
  type Channel,
  Dispatcher,
  emailChannel,
  Notifier,
  smsChannel,
  telegramChannel,
  webhookChannel,
  zaloChannel,
} from '@hpg/alerts';
import type { AlertNotice } from '@hpg/contracts';
import { limitFor } from '@hpg/indicators';
import { Counter, Gauge, type Logger, type Registry as MetricsRegistry } from '@hpg/platform';
import type { Bus, Subscription } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import type { Regulatory } from '@hpg/reports';
import type { AlertServiceConfig } from './config.ts';
import type { AlertSecrets } from './secrets.ts';

export interface AlertServiceDeps {
  readonly bus: Bus;
  readonly registry: () => Registry;
  readonly regulatory: Regulatory;
  readonly secrets: AlertSecrets;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly now?: () => number;
}

const NOTICE_OF: Record<AlertEvent['type'], AlertNotice['type']> = {
  opened: 'opened',
  updated: 'updated',
  closed: 'cleared',
};

export class AlertService {
  readonly #d: AlertServiceDeps;
  readonly #c: AlertServiceConfig;
  readonly #now: () => number;
  readonly #subscriptions: Subscription[] = [];
  #store: AlertStore | undefined;
  #engine: AlertEngine | undefined;
  #notifier: Notifier | undefined;
  #dispatcher: Dispatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #events: Counter;
  readonly #deliveries: Counter;
  readonly #ruleErrors: Counter;

  constructor(deps: AlertServiceDeps, config: AlertServiceConfig) {
    this.#d = deps;
    this.#c = config;
    this.#now = deps.now ?? Date.now;
    this.#events = new Counter({
      name: 'hpg_alert_events_total',
      help: 'Alert changes, by kind and type',
      labelNames: ['kind', 'type'],
      registers: [deps.metrics],
    });
    this.#deliveries = new Counter({
      name: 'hpg_alert_deliveries_total',
      help: 'Delivery attempts by channel and outcome (delivered, retry, failed)',
      labelNames: ['channel', 'outcome'],
      registers: [deps.metrics],
    });
    this.#ruleErrors = new Counter({
      name: 'hpg_alert_rule_errors_total',
      help: 'Rule evaluations that threw (the input is skipped for that rule)',
      registers: [deps.metrics],
    });
    const service = this;
    new Gauge({
      name: 'hpg_alert_outbox',
      help: 'Deliveries in the outbox by channel and status',
      labelNames: ['channel', 'status'],
      registers: [deps.metrics],
      collect() {
        const counts = service.#store?.outbox.counts();
        if (counts === undefined) return;
        this.reset();
        for (const c of counts) this.inc({ channel: c.channel, status: c.status }, c.count);
      },
    });
  }

  /** The store, for the HTTP routes (inbox, delivery status). */
  get store(): AlertStore {
    if (this.#store === undefined) throw new Error('alert service not started');
    return this.#store;
  }

  /** Dumping alerts opened in [from, to) and what the police did, for the dumping indicators. */
  async dumpingOutcomes(q: { localityIds: readonly string[]; from: number; to: number }) {
    return this.#store?.outcomes({ kind: 'dumping', ...q }) ?? [];
  }

  async start(): Promise<void> {
    const registry = this.#d.registry();
    const rules = AlertRules.from(JSON.parse(readFileSync(resolve(this.#c.rulesFile), 'utf8')), registry);
    const path = resolve(this.#c.storePath);
    mkdirSync(dirname(path), { recursive: true });
    const store = AlertStore.open({ path });
    this.#store = store;
    const standards = this.#d.regulatory.standards;
    this.#engine = new AlertEngine({
      rules,
      startAt: this.#now(),
      // Limits from each plant's own standard, column and factors, as the compliance indicator judges.
      limitOf: (siteId, parameter) => {
        const site = registry.site(siteId);
        if (site?.kind !== 'wastewater_plant') return undefined;
        const standard = standards.get(site.wastewater.standard);
        if (standard === undefined) return undefined;
        const l = limitFor(standard, site.wastewater.column, parameter, site.wastewater);
        return l === undefined
          ? undefined
          : { ...(l.min !== undefined && { min: l.min }), ...(l.max !== undefined && { max: l.max }), unit: l.unit };
      },
      onRuleError: (rule: string, err: unknown) => {
        this.#ruleErrors.inc();
        this.#d.logger.error({ err, rule }, 'alert rule failed');
      },
    });
    const dispatcher = new Dispatcher({
      outbox: store.outbox,
      channels: this.#channels(),
      onEvent: (e) => {
        if (e.type === 'round_failed') {
          this.#d.logger.error({ err: e.error }, 'delivery round failed');
          return;
        }
        this.#deliveries.inc({ channel: e.delivery.channel, outcome: e.type });
        const log = { alertId: e.delivery.alertId, channel: e.delivery.channel, contact: e.delivery.contactId };
        if (e.type === 'delivered') this.#d.logger.info(log, 'alert delivered');
        else
          this.#d.logger.warn(
            { ...log, error: e.error },
            e.type === 'retry' ? 'delivery will be retried' : 'delivery failed',
          );
      },
    });
    this.#dispatcher = dispatcher;
    this.#notifier = new Notifier({
      store,
      rules,
      links: {
        baseUrl: this.#c.links.baseUrl,
        secret: this.#d.secrets.linkSecrets,
        ttlMs: this.#c.links.ttlHours * 3_600_000,
      },
      now: this.#now,
      ...(this.#c.mapUrlTemplate === undefined ? {} : { mapUrlTemplate: this.#c.mapUrlTemplate }),
      ...(this.#c.evidenceBaseUrl === undefined ? {} : { evidenceBaseUrl: this.#c.evidenceBaseUrl }),
      onQueued: () => dispatcher.wake(),
    });
    dispatcher.start();

    const engine = this.#engine;
    // No batching wait: a detection is turned into a message at once.
    const options = { group: this.#c.group, maxBatch: 1_000, maxWaitMs: 0 };
    this.#subscriptions.push(
      await this.#d.bus.subscribe('detections', options, async (batch) => {
        await this.#apply(batch.flatMap((d) => engine.detection(d)));
      }),
      await this.#d.bus.subscribe('readings', options, async (batch) => {
        await this.#apply(batch.flatMap((r) => engine.reading(r)));
      }),
    );
    this.#schedule();
  }

  /** Time-based rules and escalation; run by the timer, callable from tests. */
  async tick(): Promise<void> {
    while (this.#ticking !== undefined) await this.#ticking;
    const run = (async () => {
      const engine = this.#engine;
      const notifier = this.#notifier;
      const store = this.#store;
      if (engine === undefined || notifier === undefined || store === undefined) return;
      await this.#apply(engine.tick(this.#now()));
      const due = store.dueEscalations(this.#now()).map((r) => [r.alert.id, r.escalationLevel] as const);
      if (due.length === 0) return;
      notifier.escalate();
      const notices: AlertNotice[] = [];
      for (const [id, level] of due) {
        const rec = store.get(id);
        if (rec !== undefined && rec.escalationLevel > level)
          notices.push(this.#notice(rec, 'escalated', 'system', null));
      }
      await this.#publish(notices);
    })();
    this.#ticking = run;
    try {
      await run;
    } finally {
      this.#ticking = undefined;
    }
  }

  /** A lifecycle step from the inbox; refused with a LifecycleError. */
  async transition(alertId: string, action: Action, by: { actor: string; note?: string | null }): Promise<AlertRecord> {
    const rec = this.#requireNotifier().transition(alertId, action, by);
    await this.#publishStep(rec, by.actor, by.note ?? null);
    return rec;
  }

  /** A lifecycle step from a signed link in a message. */
  async act(token: string, note?: string | null): Promise<AlertRecord> {
    const rec = this.#requireNotifier().act(token, note);
    const last = rec.history.at(-1);
    await this.#publishStep(rec, last?.actor ?? 'link', note ?? null);
    return rec;
  }

  async #publishStep(rec: AlertRecord, actor: string, note: string | null): Promise<void> {
    const type = rec.status === 'open' ? 'updated' : rec.status;
    this.#events.inc({ kind: rec.alert.kind, type });
    await this.#publish([this.#notice(rec, type, actor, note)]);
  }

  #requireNotifier(): Notifier {
    if (this.#notifier === undefined) throw new Error('alert service not started');
    return this.#notifier;
  }

  async #apply(events: readonly AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.#requireNotifier().apply(events);
    const notices: AlertNotice[] = [];
    for (const e of events) {
      this.#events.inc({ kind: e.alert.kind, type: NOTICE_OF[e.type] });
      const rec = this.#store?.get(e.alert.id);
      if (rec !== undefined) notices.push(this.#notice(rec, NOTICE_OF[e.type], 'system', null));
    }
    await this.#publish(notices);
  }

  #notice(rec: AlertRecord, type: AlertNotice['type'], actor: string, note: string | null): AlertNotice {
    return {
      v: 1,
      alertId: rec.alert.id,
      type,
      at: this.#now(),
      kind: rec.alert.kind,
      severity: rec.alert.severity,
      status: rec.status,
      active: rec.active,
      localityId: rec.alert.localityId,
      siteId: rec.alert.siteId,
      deviceId: rec.alert.deviceId,
      openedAt: rec.alert.openedAt,
      actor,
      note,
    };
  }

  async #publish(notices: readonly AlertNotice[]): Promise<void> {
    if (notices.length === 0) return;
    await this.#d.bus.publish(
      'alerts',
      notices.map((n) => ({ key: n.alertId, value: n })),
    );
  }

  #channels(): Channel[] {
    const c = this.#c.channels;
    const s = this.#d.secrets;
    const out: Channel[] = [];
    if (c.webhook.enabled) out.push(webhookChannel({ secrets: s.named }));
    if (c.email.host !== undefined) {
      out.push(
        emailChannel({
          transport: {
            host: c.email.host,
            port: c.email.port,
            secure: c.email.secure,
            ...(c.email.user === undefined ? {} : { auth: { user: c.email.user, pass: s.smtpPassword ?? '' } }),
          },
          from: c.email.from,
        }),
      );
    }
    if (s.telegramToken !== undefined)
      out.push(telegramChannel({ token: s.telegramToken, baseUrl: c.telegram.baseUrl }));
    if (c.sms !== undefined) out.push(smsChannel({ template: c.sms, secrets: s.named }));
    if (c.zalo !== undefined) out.push(zaloChannel({ template: c.zalo, secrets: s.named }));
    return out;
  }

  #schedule(): void {
    if (this.#stopping !== undefined) return;
    this.#timer = setTimeout(() => {
      this.tick()
        .catch((err: unknown) => this.#d.logger.error({ err }, 'alert tick failed'))
        .finally(() => this.#schedule());
    }, this.#c.tickMs);
  }

  /** Stops consuming and ticking, lets the delivery round in hand finish, closes the store. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#timer);
      await Promise.all(this.#subscriptions.map((s) => s.stop()));
      await this.#ticking;
      await this.#dispatcher?.stop();
      this.#store?.close();
    })();
    return this.#stopping;
  }
}
