import { afterEach, describe, expect, it } from 'vitest';
import { webhookChannel } from '../src/index.ts';
import { ManualClock, MIN, T0 } from './helpers/fixtures.ts';
import { deliveryHarness, withPoliceReach } from './helpers/harness.ts';
import { WebhookReceiver } from './helpers/stand-in.ts';

const POLICE_SECRET = 'police-webhook-secret-vinh-am';

describe('signed webhook delivery', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(secretUsed = POLICE_SECRET) {
    const clock = new ManualClock(T0);
    const receiver = new WebhookReceiver(POLICE_SECRET, clock.now);
    await receiver.standIn.start();
    cleanups.push(() => receiver.standIn.stop());
    const h = deliveryHarness({
      clock,
      edit: withPoliceReach({ webhook: { url: receiver.url, secretRef: 'police-xa-a' } }),
      channels: [webhookChannel({ secrets: { 'police-xa-a': secretUsed }, now: clock.now })],
    });
    cleanups.push(h.close);
    return { ...h, receiver };
  }

  it('posts the alert signed over timestamp and body, with its idempotency key, and records the delivery', async () => {
    const { receiver, openIncidents, dispatcher, deliveries, clock } = await setup();
    const [id] = openIncidents(1);
    clock.advance(1_500);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.rejected).toEqual([]);
    const req = receiver.standIn.requests[0];
    expect(req?.headers['x-hpg-timestamp']).toBe(String(Math.floor((T0 + 1_500) / 1000)));
    expect(req?.headers['idempotency-key']).toBe(`${id}/opened/webhook/police-duty`);
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = receiver.accepted.get(`${id}/opened/webhook/police-duty`) as {
      alert: { id: string; details: { maxScore: number } };
      message: { lang: string; text: string };
      links: { acknowledge: string };
    };
    expect(body.alert.id).toBe(id);
    expect(body.alert.details.maxScore).toBe(0.87);
    expect(body.message.lang).toBe('vi');
    expect(body.message.text).toContain('Phát hiện đổ rác thải trái phép');
    expect(body.links.acknowledge).toMatch(/^https:\/\/hpg\.example\.org\/api\/v1\/alerts\/actions\/v1\./);
    const [d] = deliveries();
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: T0 + 1_500, lastError: null });
  });

  it('fails for good, visibly, when the receiver rejects the signature', async () => {
    const { receiver, openIncidents, dispatcher, deliveries } = await setup('not-the-police-secret!!');
    openIncidents(1);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(receiver.rejected).toHaveLength(1);
    expect(receiver.rejected[0]).toMatch(/^bad signature /);
    expect(deliveries()[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/HTTP 401/),
    });
  });

  it('fails at once when the receiver refuses the message itself (4xx)', async () => {
    const { receiver, openIncidents, dispatcher, deliveries } = await setup();
    receiver.mode = () => 'bad-request';
    openIncidents(1);
    await dispatcher.runOnce();
    expect(deliveries()[0]).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/HTTP 422 .*unknown commune/),
    });
  });

  it('loses nothing while the receiver is down and catches up when it returns', async () => {
    const { receiver, openIncidents, runUntil, deliveries, dispatcher } = await setup();
    await receiver.standIn.stop();
    const ids = openIncidents(5);
    await runUntil(() => false, 10_000, 3 * MIN);
    expect(deliveries().map((d) => d.status)).toEqual(Array(5).fill('pending'));
    for (const d of deliveries()) {
      expect(d.attempts).toBeGreaterThanOrEqual(1);
      expect(d.lastError).toMatch(/webhook: request failed/);
    }
    await receiver.standIn.start();
    await runUntil(() => deliveries().every((d) => d.status === 'delivered'), 10_000, 10 * MIN);
    expect(deliveries().map((d) => d.status)).toEqual(Array(5).fill('delivered'));
    expect(new Set(receiver.accepted.keys())).toEqual(new Set(ids.map((id) => `${id}/opened/webhook/police-duty`)));
    expect(receiver.duplicates).toBe(0);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
  });

  it('sends again when the answer is lost after the receiver took it, and the receiver dedupes by key', async () => {
    const { receiver, openIncidents, runUntil, deliveries } = await setup();
    const firstSight = new Set<string>();
    receiver.mode = (key) => {
      if (firstSight.has(key)) return 'accept';
      firstSight.add(key);
      return 'drop-after-accept';
    };
    openIncidents(3);
    await runUntil(() => deliveries().every((d) => d.status === 'delivered'), 5_000, 10 * MIN);
    expect(receiver.accepted.size).toBe(3);
    expect(receiver.duplicates).toBe(3);
    expect(deliveries().map((d) => d.attempts)).toEqual([2, 2, 2]);
  });

  it('rides out an hour of outage on the injected clock: nothing lost or given up, retries bounded, caught up within the backoff cap', async () => {
    const { receiver, openIncidents, runUntil, deliveries, clock } = await setup();
    const back = T0 + 60 * MIN;
    receiver.mode = () => (clock.now() < back ? 'unavailable' : 'accept');
    openIncidents(5);
    await runUntil(() => false, 10_000, 60 * MIN);
    const during = receiver.standIn.requests.length;
    expect(deliveries().every((d) => d.status === 'pending')).toBe(true);
    expect(receiver.accepted.size).toBe(0);
    const done = await runUntil(() => deliveries().every((d) => d.status === 'delivered'), 10_000, 30 * MIN);
    // The longest wait between attempts is 5 minutes (maxMs), plus one 10-second step of this loop.
    expect(done - back).toBeLessThanOrEqual(5 * MIN + 10_000);
    expect(receiver.accepted.size).toBe(5);
    expect(receiver.duplicates).toBe(0);
    const attempts = deliveries().map((d) => d.attempts);
    // Exponential backoff: a handful of quick retries, then about one every 2.5 minutes (full jitter under 5).
    for (const a of attempts) {
      expect(a).toBeGreaterThanOrEqual(8);
      expect(a).toBeLessThanOrEqual(45);
    }
    // Every attempt counted is one request the receiver saw: 503s during the hour, one success each after.
    expect(attempts.reduce((s, a) => s + a, 0)).toBe(receiver.standIn.requests.length);
    expect(receiver.standIn.requests.length - during).toBe(5);
  });
});
