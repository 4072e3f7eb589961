import { afterEach, describe, expect, it } from 'vitest';
import {
  AlertEngine,
  type AlertEvent,
  type AlertOf,
  AlertStore,
  LifecycleError,
  Notifier,
  verifyAction,
} from '../src/index.ts';
import {
  detection,
  ManualClock,
  MIN,
  miniLimits,
  miniRules,
  reading,
  sample,
  T0,
  tempDir,
} from './helpers/fixtures.ts';

const SECRET = 'notifier-test-secret-0001';

describe('notifier: record, route, queue, escalate', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  function setup() {
    const tmp = tempDir();
    const store = AlertStore.open({ path: tmp.path });
    cleanups.push(tmp.cleanup, () => store.close());
    const clock = new ManualClock(T0 + 30_000);
    const rules = miniRules();
    let woken = 0;
    const notifier = new Notifier({
      store,
      rules,
      now: clock.now,
      links: { baseUrl: 'https://hpg.example.org/a/', secret: SECRET, ttlMs: 24 * 60 * MIN },
      evidenceBaseUrl: 'https://hpg.example.org/evidence',
      onQueued: () => woken++,
    });
    const engine = new AlertEngine({ rules, limitOf: miniLimits, startAt: T0 });
    return { store, clock, notifier, engine, woken: () => woken };
  }

  const dumpingEvents = (e: AlertEngine) => e.detection(detection({ eventId: 'x1', score: 0.87 }));

  it('stores a new alert and queues one delivery per channel of the first contact, with a signed link', () => {
    const { store, notifier, engine, clock, woken } = setup();
    const events = dumpingEvents(engine);
    notifier.apply(events);
    const id = 'dumping:cam-a1:bank:x1';
    const rec = store.get(id);
    expect(rec).toMatchObject({ status: 'open', active: true, role: 'police', escalationLevel: 0 });
    expect(rec?.nextEscalationAt).toBe(clock.now() + 15 * MIN);
    const deliveries = store.outbox.forAlert(id);
    expect(deliveries.map((d) => [d.channel, d.contactId, d.idempotencyKey, d.status])).toEqual([
      ['webhook', 'police-duty', `${id}/opened/webhook/police-duty`, 'pending'],
      ['telegram', 'police-duty', `${id}/opened/telegram/police-duty`, 'pending'],
    ]);
    const m = deliveries[0]?.message;
    expect(m?.subject).toBe('[HPG] Cảnh báo: Phát hiện đổ rác thải trái phép – Bãi ven sông Thái Bình');
    const token = m?.links.acknowledge?.replace('https://hpg.example.org/a/', '') ?? '';
    expect(verifyAction(token, SECRET, clock.now())).toEqual({
      ok: true,
      claims: { alertId: id, action: 'acknowledge', actor: 'police-duty', expiresAt: clock.now() + 24 * 60 * MIN },
    });
    expect(m?.text).toContain(m?.links.acknowledge ?? '?');
    expect(woken()).toBe(1);
  });

  it('queues nothing more when the same events are applied again (a replay)', () => {
    const { store, notifier, engine, clock } = setup();
    const events = dumpingEvents(engine);
    notifier.apply(events);
    clock.advance(MIN);
    notifier.apply(events);
    notifier.apply(events.map((e) => ({ ...e, type: 'updated' }) as AlertEvent));
    expect(store.outbox.forAlert('dumping:cam-a1:bank:x1')).toHaveLength(2);
    expect(store.get('dumping:cam-a1:bank:x1')?.history.map((h) => h.action)).toEqual(['opened']);
  });

  it('escalates along the chain after each wait without acknowledgement, and stops at its end', () => {
    const { store, notifier, engine, clock } = setup();
    notifier.apply(dumpingEvents(engine));
    const id = 'dumping:cam-a1:bank:x1';
    const opened = clock.now();
    clock.t = opened + 15 * MIN - 1;
    expect(notifier.escalate()).toBe(0);
    clock.t = opened + 15 * MIN;
    expect(notifier.escalate()).toBe(1);
    expect(notifier.escalate()).toBe(0); // not twice
    clock.t = opened + 30 * MIN;
    expect(notifier.escalate()).toBe(1);
    clock.t = opened + 200 * MIN;
    expect(notifier.escalate()).toBe(0);
    const rec = store.get(id);
    expect(rec).toMatchObject({ escalationLevel: 2, nextEscalationAt: null, status: 'open' });
    expect(rec?.history.filter((h) => h.action === 'escalated').map((h) => [h.note, h.at])).toEqual([
      ['police-chief', opened + 15 * MIN],
      ['police-city', opened + 30 * MIN],
    ]);
    const escalated = store.outbox.forAlert(id).filter((d) => d.notice === 'escalated');
    expect(escalated.map((d) => [d.channel, d.contactId, d.message.lang])).toEqual([
      ['sms', 'police-chief', 'vi'],
      ['email', 'police-city', 'en'],
    ]);
    expect(escalated[0]?.message.text).toContain('Chưa có ai xác nhận sau 15 phút');
    expect(escalated[1]?.message.text).toContain('Nobody acknowledged within 30 minutes');
  });

  it('does not escalate an alert acknowledged through its link', () => {
    const { store, notifier, engine, clock } = setup();
    notifier.apply(dumpingEvents(engine));
    const id = 'dumping:cam-a1:bank:x1';
    const link = store.outbox.forAlert(id)[1]?.message.links.acknowledge ?? '';
    clock.advance(5 * MIN);
    const rec = notifier.act(link.split('/').at(-1) ?? '', 'Đã cử tổ tuần tra');
    expect(rec.status).toBe('acknowledged');
    expect(rec.history.at(-1)).toMatchObject({
      action: 'acknowledged',
      actor: 'police-duty',
      note: 'Đã cử tổ tuần tra',
    });
    clock.advance(60 * MIN);
    expect(notifier.escalate()).toBe(0);
    expect(store.outbox.forAlert(id).filter((d) => d.notice === 'escalated')).toEqual([]);
  });

  it('refuses an expired or tampered link', () => {
    const { store, notifier, engine, clock } = setup();
    notifier.apply(dumpingEvents(engine));
    const token =
      store.outbox.forAlert('dumping:cam-a1:bank:x1')[0]?.message.links.acknowledge?.split('/').at(-1) ?? '';
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof LifecycleError ? err.code : String(err);
      }
      return 'no error';
    };
    expect(code(() => notifier.act(`${token.slice(0, -3)}xyz`))).toBe('invalid_link');
    clock.advance(24 * 60 * MIN);
    expect(code(() => notifier.act(token))).toBe('link_expired');
    expect(store.get('dumping:cam-a1:bank:x1')?.status).toBe('open');
  });

  it('sends the all-clear to everyone told when a condition clears, and stops escalating', () => {
    const { store, notifier, engine, clock } = setup();
    const pv = (ts: number, state: string) =>
      reading({
        measurement: 'solar',
        deviceId: 'pv-b',
        siteId: 'bldg-b',
        localityId: 'phuong-b',
        ts,
        states: { state },
      });
    engine.reading(pv(T0, 'fault'));
    notifier.apply(engine.reading(pv(T0 + 5 * MIN, 'fault')));
    const id = `inverter_fault:pv-b:${T0}`;
    expect(store.get(id)?.role).toBe('operator');
    clock.advance(10 * MIN);
    notifier.apply(engine.reading(pv(T0 + 12 * MIN, 'mppt')));
    const rec = store.get(id);
    expect(rec).toMatchObject({ status: 'open', active: false, clearedAt: T0 + 12 * MIN, nextEscalationAt: null });
    const cleared = store.outbox.forAlert(id).filter((d) => d.notice === 'cleared');
    expect(cleared.map((d) => [d.channel, d.contactId])).toEqual([['telegram', 'operator']]);
    expect(cleared[0]?.message.text).toMatch(/^The condition ended at /);
    expect(cleared[0]?.message.links.acknowledge).toBeNull();
  });

  it('keeps escalating a dumping incident that went quiet, without an all-clear', () => {
    const { store, notifier, engine, clock } = setup();
    notifier.apply(dumpingEvents(engine));
    notifier.apply(engine.tick(T0 + 61 * MIN).filter((e) => e.alert.kind === 'dumping'));
    const id = 'dumping:cam-a1:bank:x1';
    expect(store.get(id)).toMatchObject({ active: false, status: 'open' });
    expect(store.outbox.forAlert(id).map((d) => d.notice)).toEqual(['opened', 'opened']);
    clock.advance(15 * MIN);
    expect(notifier.escalate()).toBe(1);
  });

  it('tells everyone told so far when the severity rises', () => {
    const { store, notifier, engine } = setup();
    const feed = (from: number, xs: number[]) =>
      xs.flatMap((v, i) => engine.reading(sample(from + i * 5 * MIN, { cod: v })));
    notifier.apply(feed(T0, [162, 162, 162, 162, 162, 162, 162]));
    const id = `wastewater_exceedance:ww-a:cod:${T0}`;
    expect(store.get(id)?.alert.severity).toBe('medium');
    notifier.apply(feed(T0 + 35 * MIN, [600, 600, 600]));
    expect(store.get(id)?.alert.severity).toBe('critical');
    const notices = store.outbox.forAlert(id).map((d) => [d.notice, d.idempotencyKey.split('/')[1], d.contactId]);
    expect(notices).toEqual([
      ['opened', 'opened', 'env-officer'],
      ['updated', 'updated-high', 'env-officer'],
      ['updated', 'updated-critical', 'env-officer'],
    ]);
    expect(store.get(id)?.history.map((h) => h.note)).toEqual([
      null,
      'severity medium → high',
      'severity high → critical',
    ]);
  });

  it('records an alert nobody can be routed to, rather than dropping it', () => {
    const { store, notifier } = setup();
    const stray: AlertOf<'device_offline'> = {
      v: 1,
      id: 'device_offline:ghost:1',
      kind: 'device_offline',
      severity: 'medium',
      localityId: 'not-in-registry',
      siteId: 'x',
      deviceId: 'ghost',
      openedAt: T0,
      lastSeenAt: T0,
      details: { deviceKind: 'energy_meter', lastSeenAt: null, intervalSeconds: 300, offlineAfterMinutes: 15 },
    };
    notifier.apply([{ v: 1, type: 'opened', at: T0, alert: stray }]);
    expect(store.get(stray.id)?.history.map((h) => h.action)).toEqual(['opened', 'unrouted']);
    expect(store.outbox.forAlert(stray.id)).toEqual([]);
  });
});
