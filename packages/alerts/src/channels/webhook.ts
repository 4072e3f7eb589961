/**
 * Signed webhook, for systems of their own (the police's): a JSON POST signed with HMAC-SHA256
 * over `<timestamp>.<body>` (signing.ts), with headers
 *
 *   X-HPG-Timestamp: <unix seconds>     X-HPG-Signature: sha256=<hex>
 *   Idempotency-Key: <alert/notice/channel/contact>     X-HPG-Attempt: <n>
 *
 * The body is the same on every attempt; only the timestamp and signature change. A receiver
 * verifies the signature, rejects stale timestamps, and dedupes by the idempotency key: delivery
 * is at least once.
 */

import { signWebhook } from '../signing.ts';
import type { Delivery } from '../store/outbox.ts';
import { type Channel, ChannelError, request, statusError } from './channel.ts';

export interface WebhookChannelOptions {
  /** Signing secrets by the name recipients give as `secretRef`. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** The JSON a webhook receives. */
export function webhookBody(d: Delivery): string {
  const m = d.message;
  return JSON.stringify({
    v: 1,
    idempotencyKey: d.idempotencyKey,
    notice: m.notice,
    alert: m.alert,
    message: { lang: m.lang, subject: m.subject, text: m.text },
    links: m.links,
  });
}

export function webhookChannel(o: WebhookChannelOptions): Channel {
  const now = o.now ?? Date.now;
  const fetchFn = o.fetch ?? fetch;
  return {
    name: 'webhook',
    async send(d, signal) {
      if (d.address.channel !== 'webhook')
        throw new ChannelError('wrong_channel', 'webhook: not a webhook address', { canRetry: false });
      const secret = o.secrets[d.address.secretRef];
      // Kept pending (retryable): once the secret is configured the delivery goes out.
      if (secret === undefined) {
        throw new ChannelError('missing_secret', `webhook: no secret "${d.address.secretRef}" configured`, {
          canRetry: true,
        });
      }
      const body = webhookBody(d);
      const ts = Math.floor(now() / 1000);
      const res = await request(
        fetchFn,
        'webhook',
        d.address.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'hpg-alerts/1',
            'x-hpg-timestamp': String(ts),
            'x-hpg-signature': signWebhook(secret, ts, body),
            'idempotency-key': d.idempotencyKey,
            'x-hpg-attempt': String(d.attempts + 1),
          },
          body,
        },
        signal,
      );
      if (res.status < 200 || res.status >= 300) throw statusError('webhook', res.status, res.text, res.headers, now());
    },
  };
}
