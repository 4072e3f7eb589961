import { afterEach, describe, expect, it } from 'vitest';
import { type Channel, type Reach, smsChannel, telegramChannel, zaloChannel } from '../src/index.ts';
import { ManualClock, T0 } from './helpers/fixtures.ts';
import { deliveryHarness, withPoliceReach } from './helpers/harness.ts';
import { type SeenRequest, StandIn } from './helpers/stand-in.ts';

const BOT_TOKEN = '123456:AAE-test-token';

describe('HTTP channels against stand-ins', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function standIn(handler: ConstructorParameters<typeof StandIn>[0]) {
    const s = await new StandIn(handler).start();
    cleanups.push(() => s.stop());
    return s;
  }

  function harness(reach: Reach, channel: Channel) {
    const h = deliveryHarness({ clock: new ManualClock(T0), edit: withPoliceReach(reach), channels: [channel] });
    cleanups.push(h.close);
    return h;
  }

  describe('Telegram Bot API', () => {
    /** Answers by chat: "-100123" ok, "-100429" throttled, anything else "chat not found". */
    const botApi = (req: SeenRequest) => {
      if (req.path !== `/bot${BOT_TOKEN}/sendMessage`) return { status: 404, body: '{"ok":false,"error_code":404}' };
      const { chat_id } = JSON.parse(req.body) as { chat_id: string };
      if (chat_id === '-100123') return { status: 200, body: '{"ok":true,"result":{"message_id":7}}' };
      if (chat_id === '-100429') {
        return {
          status: 429,
          body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 42","parameters":{"retry_after":42}}',
        };
      }
      return { status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' };
    };

    it('sends the full message as plain text to the chat', async () => {
      const api = await standIn(botApi);
      const h = harness({ telegram: { chatId: '-100123' } }, telegramChannel({ token: BOT_TOKEN, baseUrl: api.url }));
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
      const sent = JSON.parse(api.requests[0]?.body ?? '{}') as { chat_id: string; text: string; parse_mode?: string };
      expect(sent.chat_id).toBe('-100123');
      expect(sent.text).toBe(h.deliveries()[0]?.message.text);
      expect(sent.text).toContain('Phát hiện đổ rác thải trái phép');
      expect(sent.parse_mode).toBeUndefined();
    });

    it("waits as long as Telegram's retry_after says, and never writes the token into the error", async () => {
      const api = await standIn(botApi);
      const h = harness({ telegram: { chatId: '-100429' } }, telegramChannel({ token: BOT_TOKEN, baseUrl: api.url }));
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
      const d = h.deliveries()[0];
      expect(d?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 42_000);
      expect(d?.lastError).toMatch(/telegram: 429 Too Many Requests/);
      expect(d?.lastError).not.toContain(BOT_TOKEN);
    });

    it('gives up on a chat that does not exist', async () => {
      const api = await standIn(botApi);
      const h = harness({ telegram: { chatId: '-100999' } }, telegramChannel({ token: BOT_TOKEN, baseUrl: api.url }));
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
      expect(h.deliveries()[0]?.lastError).toBe('telegram: 400 Bad Request: chat not found');
    });

    it('keeps the token out of a network error too', async () => {
      const api = await standIn(botApi);
      await api.stop();
      const h = harness({ telegram: { chatId: '-100123' } }, telegramChannel({ token: BOT_TOKEN, baseUrl: api.url }));
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
      expect(h.deliveries()[0]?.lastError).toMatch(/^telegram: request failed/);
      expect(h.deliveries()[0]?.lastError).not.toContain(BOT_TOKEN);
    });
  });

  describe('SMS gateway template', () => {
    const template = (base: string) => ({
      url: `${base}/api/sms/send?to={{to|url}}&ref={{idempotencyKey|url}}`,
      headers: { authorization: 'Bearer {{secret.smsKey}}', 'content-type': 'application/json; charset=utf-8' },
      body: '{"phone": {{to|json}}, "content": {{short|json}}, "brandname": "HPG"}',
      okWhen: { path: 'CodeResult', equals: '100' },
    });
    const gateway = (req: SeenRequest) => {
      if (req.headers.authorization !== 'Bearer sms-api-key-1') return { status: 401, body: '{"CodeResult":"101"}' };
      const body = JSON.parse(req.body) as { phone: string };
      if (body.phone === '+84900000099')
        return { status: 200, body: '{"CodeResult":"99","ErrorMessage":"Phone not valid"}' };
      return { status: 200, body: '{"CodeResult":"100","SMSID":"a1"}' };
    };

    it('fills the URL, headers and body from the delivery and a secret', async () => {
      const gw = await standIn(gateway);
      const h = harness(
        { sms: { phone: '+84900000001' } },
        smsChannel({ template: template(gw.url), secrets: { smsKey: 'sms-api-key-1' } }),
      );
      const [id] = h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
      const req = gw.requests[0];
      const url = new URL(req?.path ?? '', gw.url);
      expect(req?.path).toContain('to=%2B84900000001');
      expect(url.searchParams.get('to')).toBe('+84900000001');
      expect(url.searchParams.get('ref')).toBe(`${id}/opened/sms/police-duty`);
      const body = JSON.parse(req?.body ?? '{}') as { phone: string; content: string };
      expect(body.phone).toBe('+84900000001');
      expect(body.content).toBe(h.deliveries()[0]?.message.short);
      expect(body.content).toMatch(
        /^\[HPG\] Cảnh báo: Phát hiện đổ rác thải trái phép - Bãi ven sông Thái Bình, Xã Vĩnh Am, 22:00 22\/11\./,
      );
    });

    it('retries when the gateway answers 200 with an error code (the default for a mismatch)', async () => {
      const gw = await standIn(gateway);
      const h = harness(
        { sms: { phone: '+84900000099' } },
        smsChannel({ template: template(gw.url), secrets: { smsKey: 'sms-api-key-1' } }),
      );
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
      expect(h.deliveries()[0]?.lastError).toMatch(/sms: the gateway refused: CodeResult = "99"/);
    });

    it('refuses a template with unknown placeholders, filters or secrets when it is built', () => {
      expect(() =>
        smsChannel({
          template: { url: 'http://gw/send?to={{phone}}', body: '{{to|base64}} {{secret.missing}}' },
          secrets: {},
        }),
      ).toThrow(/unknown placeholder "phone"[\s\S]*unknown filter "base64"[\s\S]*secret "missing" is not configured/);
    });
  });

  describe('Zalo OA template', () => {
    const template = (base: string) => ({
      url: `${base}/v3.0/oa/message/cs`,
      headers: { access_token: '{{secret.zaloToken}}', 'content-type': 'application/json' },
      body: '{"recipient":{"user_id":{{to|json}}},"message":{"text":{{text|json}}}}',
      okWhen: { path: 'error', equals: 0 },
      onMismatch: 'fail' as const,
    });
    const oa = (req: SeenRequest) =>
      req.headers.access_token === 'zalo-oa-token'
        ? { status: 200, body: '{"error":0,"message":"Success","data":{"message_id":"m1"}}' }
        : { status: 200, body: '{"error":-216,"message":"Access token is invalid"}' };

    it('posts the message to the follower and takes error 0 as success', async () => {
      const api = await standIn(oa);
      const h = harness(
        { zalo: { userId: '2512000000000000011' } },
        zaloChannel({ template: template(api.url), secrets: { zaloToken: 'zalo-oa-token' } }),
      );
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
      const body = JSON.parse(api.requests[0]?.body ?? '{}') as {
        recipient: { user_id: string };
        message: { text: string };
      };
      expect(body.recipient.user_id).toBe('2512000000000000011');
      expect(body.message.text).toBe(h.deliveries()[0]?.message.text);
    });

    it('fails when Zalo answers with an error code and the template says not to retry', async () => {
      const api = await standIn(oa);
      const h = harness(
        { zalo: { userId: '2512000000000000011' } },
        zaloChannel({ template: template(api.url), secrets: { zaloToken: 'expired' } }),
      );
      h.openIncidents(1);
      expect(await h.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
      expect(h.deliveries()[0]?.lastError).toMatch(/zalo: the gateway refused: error = -216/);
    });
  });
});
