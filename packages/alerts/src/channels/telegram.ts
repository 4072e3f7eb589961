/**
 * Telegram bot: `POST <baseUrl>/bot<token>/sendMessage` with `chat_id` and plain `text` (no parse
 * mode, so nothing in a site name needs escaping). The Bot API answers `{ok, result}` or
 * `{ok: false, error_code, description, parameters: {retry_after}}`
 * (https://core.telegram.org/bots/api#making-requests). Telegram has no idempotency key: a retry
 * after a lost answer may show the message twice.
 */
import { type Channel, ChannelError, request, retryableStatus } from './channel.ts';

export interface TelegramChannelOptions {
  readonly token: string;
  /** Default https://api.telegram.org; a local Bot API server or a test stand-in otherwise. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096;

export function telegramChannel(o: TelegramChannelOptions): Channel {
  const base = (o.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const fetchFn = o.fetch ?? fetch;
  return {
    name: 'telegram',
    async send(d, signal) {
      if (d.address.channel !== 'telegram') {
        throw new ChannelError('wrong_channel', 'telegram: not a Telegram address', { canRetry: false });
      }
      const text = d.message.text.length > MAX_TEXT ? `${d.message.text.slice(0, MAX_TEXT - 1)}…` : d.message.text;
      const res = await request(
        fetchFn,
        'telegram',
        `${base}/bot${o.token}/sendMessage`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ chat_id: d.address.chatId, text, link_preview_options: { is_disabled: true } }),
        },
        signal,
      );
      let answer: { ok?: boolean; error_code?: number; description?: string; parameters?: { retry_after?: number } } =
        {};
      try {
        answer = JSON.parse(res.text);
      } catch {
        // A proxy's HTML error page: judged by the status alone.
      }
      if (res.status >= 200 && res.status < 300 && answer.ok === true) return;
      const code = answer.error_code ?? res.status;
      const retryAfter = answer.parameters?.retry_after;
      throw new ChannelError(`telegram_${code}`, `telegram: ${code} ${answer.description ?? ''}`.trim(), {
        canRetry: retryableStatus(code) || (res.status >= 200 && res.status < 300),
        ...(retryAfter !== undefined && { retryAfterMs: retryAfter * 1000 }),
      });
    },
  };
}
