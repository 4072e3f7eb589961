import { afterEach, describe, expect, it } from 'vitest';
import {
  type Action,
  type AlertOf,
  type AlertStatus,
  AlertStore,
  LifecycleError,
  nextStatus,
  signAction,
  verifyAction,
} from '../src/index.ts';
import { MIN, T0, tempDir } from './helpers/fixtures.ts';

const SECRET = 'a-secret-of-at-least-16-chars';

const alert: AlertOf<'inverter_fault'> = {
  v: 1,
  id: 'inverter_fault:pv-b:1',
  kind: 'inverter_fault',
  severity: 'high',
  localityId: 'phuong-b',
  siteId: 'bldg-b',
  deviceId: 'pv-b',
  openedAt: T0,
  lastSeenAt: T0,
  details: { afterMinutes: 5 },
};

describe('lifecycle steps', () => {
  const cases: [AlertStatus, Action, AlertStatus | RegExp][] = [
    ['open', 'acknowledge', 'acknowledged'],
    ['acknowledged', 'resolve', 'resolved'],
    ['acknowledged', 'false_alarm', 'false_alarm'],
    ['open', 'resolve', /cannot resolve an alert that is open: acknowledge it first/],
    ['open', 'false_alarm', /cannot dismiss as a false alarm an alert that is open: acknowledge it first/],
    ['resolved', 'acknowledge', /cannot acknowledge an alert that is resolved: it is already closed/],
    ['false_alarm', 'resolve', /cannot resolve an alert that is false alarm: it is already closed/],
    ['resolved', 'false_alarm', /already closed/],
  ];
  it.each(cases)('%s + %s → %s', (from, action, to) => {
    const r = nextStatus(from, action);
    if (typeof to === 'string') expect(r).toEqual({ ok: true, to });
    else expect(!r.ok && r.reason).toMatch(to);
  });
});

describe('alert store lifecycle', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  function open() {
    const tmp = tempDir();
    const store = AlertStore.open({ path: tmp.path });
    cleanups.push(tmp.cleanup, () => store.close());
    return { store, path: tmp.path };
  }

  it('persists each step with who, when and the note, across a reopen of the file', () => {
    const { store, path } = open();
    expect(store.insert(alert, { role: 'operator', at: T0, nextEscalationAt: T0 + 30 * MIN })).toBe(true);
    expect(store.insert(alert, { role: 'operator', at: T0 + 1, nextEscalationAt: null })).toBe(false);
    const acked = store.transition(alert.id, 'acknowledge', {
      actor: 'lan',
      note: 'Đang cử kỹ thuật viên',
      at: T0 + MIN,
    });
    expect(acked).toMatchObject({ status: 'acknowledged', nextEscalationAt: null });
    store.transition(alert.id, 'resolve', { actor: 'lan', note: 'Đã thay cầu chì DC', at: T0 + 90 * MIN });
    store.close();

    const again = AlertStore.open({ path });
    cleanups.push(() => again.close());
    const rec = again.get(alert.id);
    expect(rec?.status).toBe('resolved');
    expect(rec?.alert).toEqual(alert);
    expect(rec?.history.map((h) => [h.action, h.actor, h.at, h.note])).toEqual([
      ['acknowledged', 'lan', T0 + MIN, 'Đang cử kỹ thuật viên'],
      ['resolved', 'lan', T0 + 90 * MIN, 'Đã thay cầu chì DC'],
    ]);
  });

  it('refuses invalid steps with a clear error and changes nothing', () => {
    const { store } = open();
    store.insert(alert, { role: 'operator', at: T0, nextEscalationAt: null });
    const attempt = () => store.transition(alert.id, 'resolve', { actor: 'lan', at: T0 + MIN });
    expect(attempt).toThrow(LifecycleError);
    expect(attempt).toThrow(
      /alert "inverter_fault:pv-b:1": cannot resolve an alert that is open: acknowledge it first/,
    );
    try {
      attempt();
    } catch (err) {
      expect((err as LifecycleError).code).toBe('invalid_transition');
    }
    expect(store.get(alert.id)?.status).toBe('open');
    expect(store.get(alert.id)?.history).toEqual([]);
    expect(() => store.transition('nope', 'acknowledge', { actor: 'lan', at: T0 })).toThrow(/does not exist/);
  });

  it('treats a second acknowledgement by the same person as done, and by someone else as refused', () => {
    const { store } = open();
    store.insert(alert, { role: 'operator', at: T0, nextEscalationAt: null });
    store.transition(alert.id, 'acknowledge', { actor: 'lan', at: T0 + MIN });
    const same = store.transition(alert.id, 'acknowledge', { actor: 'lan', at: T0 + 2 * MIN });
    expect(same.history).toHaveLength(1);
    expect(() => store.transition(alert.id, 'acknowledge', { actor: 'minh', at: T0 + 3 * MIN })).toThrow(
      /already acknowledged by lan/,
    );
  });
});

describe('signed action links', () => {
  const claims = {
    alertId: 'dumping:cam-a1:bank:x1',
    action: 'acknowledge' as const,
    actor: 'police-duty',
    expiresAt: T0 + 60 * MIN,
  };

  it('round-trips its claims before expiry', () => {
    const token = signAction(claims, SECRET);
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(verifyAction(token, SECRET, T0)).toEqual({ ok: true, claims });
    expect(verifyAction(token, SECRET, claims.expiresAt - 1).ok).toBe(true);
  });

  it('refuses it from its expiry on', () => {
    const token = signAction(claims, SECRET);
    expect(verifyAction(token, SECRET, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tampered claims, a tampered or foreign signature, and garbage', () => {
    const token = signAction(claims, SECRET);
    const [v, payload, sig] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), act: 'false_alarm' }),
    ).toString('base64url');
    expect(verifyAction(`${v}.${forged}.${sig}`, SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    const later = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp: T0 + 1e9 }),
    ).toString('base64url');
    expect(verifyAction(`${v}.${later}.${sig}`, SECRET, claims.expiresAt)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const flipped = sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA');
    expect(verifyAction(`${v}.${payload}.${flipped}`, SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAction(`${v}.${payload}.${sig.slice(0, 10)}`, SECRET, T0)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyAction(token, 'another-secret-of-16+', T0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAction('v1.abc', SECRET, T0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyAction(`v2.${payload}.${sig}`, SECRET, T0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('verifies with any of several secrets, so a key can rotate', () => {
    const old = signAction(claims, 'the-previous-secret-0001');
    expect(verifyAction(old, ['the-current-secret-00002', 'the-previous-secret-0001'], T0).ok).toBe(true);
    expect(verifyAction(old, ['the-current-secret-00002'], T0).ok).toBe(false);
  });

  it('refuses to sign with a short secret', () => {
    expect(() => signAction(claims, 'short')).toThrow(/at least 16/);
  });
});
