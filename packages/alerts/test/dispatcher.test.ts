import { afterEach, describe, expect, it } from 'vitest';
import {
  AlertStore,
  backoffDelay,
  Dispatcher,
  systemClock,
  TokenBucket,
  telegramChannel,
  webhookChannel,
} from '../src/index.ts';
import { ManualClock, MIN, T0, tempDir } from './helpers/fixtures.ts';
import { deliveryHarness, withPoliceReach } from './helpers/harness.ts';
import { StandIn, WebhookReceiver } from './helpers/stand-in.ts';

const SECRET = 'police-webhook-secret-for-tests';

describe('pacing', () => {
  it('a token bucket starts full, refills at its rate and never holds more than its burst', () => {
    const b = new TokenBucket({ perMinute: 6, burst: 2 }, T0);
    expect([b.take(T0), b.take(T0), b.take(T0)]).toEqual([true, true, false]);
    expect(b.nextTokenAt(T0)).toBe(T0 + 10_000);
    expect(b.take(T0 + 9_999)).toBe(false);
    expect(b.take(T0 + 10_000)).toBe(true);
    expect(b.available(T0 + 10 * MIN)).toBe(2);
  });

  it('backs off exponentially under a cap, with full jitter', () => {
    const p = { baseMs: 1_000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 10].map((a) => backoffDelay(a, p, () => 0.999_999))).toEqual([
      999, 1_999, 3_999, 7_999, 59_999,
    ]);
    expect(backoffDelay(5, p, () => 0)).toBe(0);
  });
});

describe('dispatcher', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function receiverOn(clock: ManualClock) {
    const receiver = new WebhookReceiver(SECRET, clock.now);
    await receiver.standIn.start();
    cleanups.push(() => receiver.standIn.stop());
    return receiver;
  }

  it('keeps each channel within its rate limit', async () => {
    const clock = new ManualClock(T0);
    const receiver = await receiverOn(clock);
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: receiver.url, secretRef: 'p' } }),
      channels: [webhookChannel({ secrets: { p: SECRET }, now: clock.now })],
      dispatcher: { rateLimits: { webhook: { perMinute: 6, burst: 2 } } },
    });
    cleanups.push(h.close);
    h.openIncidents(5);
    await h.dispatcher.runOnce();
    expect(receiver.accepted.size).toBe(2);
    await h.runUntil(() => receiver.accepted.size === 5, 1_000, 5 * MIN);
    const times = receiver.acceptedAt;
    expect(times).toHaveLength(5);
    // At most burst + rate × span in any span: 2 at once, then one per 10 s.
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const span = (times[j] ?? 0) - (times[i] ?? 0);
        expect(j - i + 1).toBeLessThanOrEqual(2 + Math.floor(span / 10_000));
      }
    }
    expect((times.at(-1) ?? 0) - T0).toBe(30_000);
  });

  it('does not let a dead channel hold up another one', async () => {
    const clock = new ManualClock(T0);
    const receiver = await receiverOn(clock);
    await receiver.standIn.stop();
    const telegram = await new StandIn(() => ({ status: 200, body: '{"ok":true,"result":{"message_id":1}}' })).start();
    cleanups.push(() => telegram.stop());
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: receiver.url, secretRef: 'p' }, telegram: { chatId: '-100777' } }),
      channels: [
        webhookChannel({ secrets: { p: SECRET }, now: clock.now }),
        telegramChannel({ token: '123:abc', baseUrl: telegram.url }),
      ],
    });
    cleanups.push(h.close);
    h.openIncidents(2);
    expect(await h.dispatcher.runOnce()).toEqual({ delivered: 2, retried: 2, failed: 0 });
    expect(
      h
        .deliveries()
        .map((d) => `${d.channel}:${d.status}`)
        .sort(),
    ).toEqual(['telegram:delivered', 'telegram:delivered', 'webhook:pending', 'webhook:pending']);
  });

  it('gives a retryable delivery up after its maximum age, keeping it visible with the reason', async () => {
    const clock = new ManualClock(T0);
    const receiver = await receiverOn(clock);
    receiver.mode = () => 'unavailable';
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: receiver.url, secretRef: 'p' } }),
      channels: [webhookChannel({ secrets: { p: SECRET }, now: clock.now })],
      dispatcher: { retry: { baseMs: 1_000, maxMs: 60_000, giveUpAfterMs: 30 * MIN } },
    });
    cleanups.push(h.close);
    const [id] = h.openIncidents(1);
    await h.runUntil(() => h.deliveries()[0]?.status !== 'pending', 10_000, 60 * MIN);
    const rec = h.store.withDeliveries(id ?? '');
    expect(rec?.deliveries[0]).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^gave up after 3\d min: webhook: HTTP 503/),
    });
    expect(rec?.deliveries[0]?.lastAttemptAt).toBeGreaterThanOrEqual(T0 + 30 * MIN);
    // Requeued once the cause is fixed, it goes out.
    receiver.mode = () => 'accept';
    expect(h.store.outbox.requeue(rec?.deliveries[0]?.id ?? 0, clock.now())).toBe(true);
    await h.dispatcher.runOnce();
    expect(h.store.outbox.forAlert(id ?? '')[0]?.status).toBe('delivered');
  });

  it('keeps queued deliveries across a crash, and sends a leased one again after its lease (at least once)', async () => {
    const clock = new ManualClock(T0);
    const receiver = await receiverOn(clock);
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const edit = withPoliceReach({ webhook: { url: receiver.url, secretRef: 'p' } });
    const channel = webhookChannel({ secrets: { p: SECRET }, now: clock.now });
    const first = deliveryHarness({ clock, edit, channels: [channel], path: tmp.path });
    first.openIncidents(2);
    // Lease one as a dispatcher would, then die before sending it.
    expect(first.store.outbox.claim('webhook', clock.now(), 1, 60_000)).toHaveLength(1);
    first.store.close();

    const second = deliveryHarness({ clock, edit, channels: [channel], path: tmp.path });
    cleanups.push(second.close);
    expect(await second.dispatcher.runOnce()).toMatchObject({ delivered: 1 });
    clock.advance(59_999);
    expect(await second.dispatcher.runOnce()).toMatchObject({ delivered: 0 });
    clock.advance(1);
    expect(await second.dispatcher.runOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.accepted.size).toBe(2);
    expect(second.deliveries().every((d) => d.status === 'delivered')).toBe(true);
  });

  it('keeps a delivery for a channel that is not configured yet, and sends it once the channel is there', async () => {
    const clock = new ManualClock(T0);
    const receiver = await receiverOn(clock);
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: receiver.url, secretRef: 'p' } }),
      channels: [],
      path: tmp.path,
    });
    cleanups.push(h.close);
    h.openIncidents(1);
    expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    const later = new Dispatcher({
      outbox: h.store.outbox,
      channels: [webhookChannel({ secrets: { p: SECRET }, now: clock.now })],
      clock,
    });
    expect(await later.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
  });

  it('keeps a few sends of a channel in flight at once, never more, and delivers every one', async () => {
    const clock = new ManualClock(T0);
    let inFlight = 0;
    let most = 0;
    const sent: string[] = [];
    // A slow receiver: each send waits until the test lets the sends in flight finish together.
    const release: (() => void)[] = [];
    const slow = {
      name: 'webhook' as const,
      async send(d: { id: number }) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise<void>((r) => release.push(r));
        sent.push(String(d.id));
        inFlight--;
      },
    };
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: 'http://127.0.0.1:9/unused', secretRef: 'p' } }),
      channels: [slow],
      dispatcher: { concurrency: 3 },
    });
    cleanups.push(h.close);
    // Five incidents (the harness's spots), five deliveries.
    expect(h.openIncidents(5)).toHaveLength(5);
    const round = h.dispatcher.runOnce();
    for (let i = 0; sent.length < 5 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 5));
      for (const r of release.splice(0)) r();
    }
    expect(await round).toEqual({ delivered: 5, retried: 0, failed: 0 });
    expect(most).toBe(3);
    expect(new Set(sent).size).toBe(5);
  });

  it('runs on its own with the system clock, woken when something is queued', async () => {
    const receiver = new WebhookReceiver(SECRET, Date.now);
    await receiver.standIn.start();
    cleanups.push(() => receiver.standIn.stop());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const store = AlertStore.open({ path: tmp.path });
    cleanups.push(() => store.close());
    const dispatcher = new Dispatcher({
      outbox: store.outbox,
      channels: [webhookChannel({ secrets: { p: SECRET } })],
      clock: systemClock,
      pollMs: 60_000,
    });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    const now = Date.now();
    store.outbox.enqueue(
      {
        idempotencyKey: 'a/opened/webhook/c',
        alertId: 'a',
        notice: 'opened',
        contactId: 'c',
        address: { channel: 'webhook', url: receiver.url, secretRef: 'p' },
        message: {
          lang: 'vi',
          subject: 'Kiểm tra',
          text: 'Kiểm tra',
          short: 'Kiểm tra',
          notice: 'opened',
          alert: {
            v: 1,
            id: 'a',
            kind: 'inverter_fault',
            severity: 'low',
            localityId: 'xa-a',
            siteId: 'bldg-b',
            deviceId: 'pv-b',
            openedAt: now,
            lastSeenAt: now,
            details: { afterMinutes: 0 },
          },
          links: { map: 'm', evidence: null, acknowledge: null, acknowledgeExpiresAt: null },
        },
      },
      now,
    );
    // Let the loop reach its 60-second poll, then wake it: delivery must not wait for the poll.
    await new Promise((r) => setTimeout(r, 50));
    dispatcher.wake();
    const until = Date.now() + 5_000;
    while (receiver.accepted.size === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.accepted.size).toBe(1);
    await dispatcher.stop();
    await dispatcher.stop();
  });
});
