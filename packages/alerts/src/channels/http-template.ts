/**
 * SMS and Zalo OA through an HTTP template: each provider's API differs (eSMS, SpeedSMS, a
 * carrier's brandname gateway; Zalo's `POST /v3.0/oa/message/cs` with an `access_token` header),
 * so the request is data — URL, method, headers and body with placeholders — and so is the check
 * that it worked (several gateways answer HTTP 200 with an error code in the body; Zalo answers
 * `{"error": 0}` on success).
 *
 * Placeholders: `{{name}}` inserts as is, `{{name|url}}` URL-encodes, `{{name|json}}` inserts a
 * JSON string literal (quotes included). Names: `to` (phone or Zalo user id), `short` (the SMS
 * text), `text` (the full message), `subject`, `alertId`, `idempotencyKey`, `ackUrl`, `lang`, and
 * `secret.<name>` from the secrets the service supplies. Unknown names, filters and secrets are
 * refused when the channel is built, not when an alert is due.
 */
import { z } from 'zod';
import type { Delivery } from '../store/outbox.ts';
import { type Channel, ChannelError, request, statusError } from './channel.ts';

export const HttpTemplateSchema = z.strictObject({
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Success needs this value at this dot path of the JSON answer (besides a 2xx status). */
  okWhen: z
    .strictObject({ path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]) })
    .optional(),
  /** When the answer does not match `okWhen`: try again later (default) or give up. */
  onMismatch: z.enum(['retry', 'fail']).default('retry'),
});
export type HttpTemplate = z.infer<typeof HttpTemplateSchema>;

export interface HttpTemplateOptions {
  readonly template: z.input<typeof HttpTemplateSchema>;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

const VARIABLES = ['to', 'short', 'text', 'subject', 'alertId', 'idempotencyKey', 'ackUrl', 'lang'] as const;
const FILTERS = ['url', 'json'] as const;
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*(?:\|\s*(\w+)\s*)?\}\}/g;

function problemsOf(t: HttpTemplate, secrets: Readonly<Record<string, string>>): string[] {
  const parts = [t.url, t.body ?? '', ...Object.values(t.headers)];
  const problems: string[] = [];
  for (const part of parts) {
    for (const [, name = '', filter] of part.matchAll(PLACEHOLDER)) {
      const secret = name.startsWith('secret.') ? name.slice('secret.'.length) : undefined;
      if (secret !== undefined && secrets[secret] === undefined) problems.push(`secret "${secret}" is not configured`);
      if (secret === undefined && !(VARIABLES as readonly string[]).includes(name))
        problems.push(`unknown placeholder "${name}"`);
      if (filter !== undefined && !(FILTERS as readonly string[]).includes(filter))
        problems.push(`unknown filter "${filter}"`);
    }
  }
  return problems;
}

export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
): string {
  return template.replace(PLACEHOLDER, (_, name: string, filter: string | undefined) => {
    const v = name.startsWith('secret.') ? (secrets[name.slice('secret.'.length)] ?? '') : (values[name] ?? '');
    if (filter === 'url') return encodeURIComponent(v);
    if (filter === 'json') return JSON.stringify(v);
    return v;
  });
}

function at(json: unknown, path: string): unknown {
  let cur = json;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function valuesOf(d: Delivery): Record<string, string> {
  const a = d.address;
  const to = a.channel === 'sms' ? a.phone : a.channel === 'zalo' ? a.userId : '';
  const m = d.message;
  return {
    to,
    short: m.short,
    text: m.text,
    subject: m.subject,
    alertId: d.alertId,
    idempotencyKey: d.idempotencyKey,
    ackUrl: m.links.acknowledge ?? '',
    lang: m.lang,
  };
}

function httpTemplateChannel(name: 'sms' | 'zalo', o: HttpTemplateOptions): Channel {
  const t = HttpTemplateSchema.parse(o.template);
  const secrets = o.secrets ?? {};
  const problems = problemsOf(t, secrets);
  if (problems.length > 0) throw new Error(`${name} template is invalid:\n- ${[...new Set(problems)].join('\n- ')}`);
  const fetchFn = o.fetch ?? fetch;
  const now = o.now ?? Date.now;
  return {
    name,
    async send(d, signal) {
      if (d.address.channel !== name) {
        throw new ChannelError('wrong_channel', `${name}: not a ${name} address`, { canRetry: false });
      }
      const values = valuesOf(d);
      const fill = (s: string) => fillTemplate(s, values, secrets);
      const headers = Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k, fill(v)]));
      const res = await request(
        fetchFn,
        name,
        fill(t.url),
        { method: t.method, headers, ...(t.body !== undefined && t.method !== 'GET' && { body: fill(t.body) }) },
        signal,
      );
      if (res.status < 200 || res.status >= 300) throw statusError(name, res.status, res.text, res.headers, now());
      if (t.okWhen === undefined) return;
      let answer: unknown;
      try {
        answer = JSON.parse(res.text);
      } catch {
        answer = undefined;
      }
      const got = at(answer, t.okWhen.path);
      if (got === t.okWhen.equals) return;
      throw new ChannelError(
        'refused',
        `${name}: the gateway refused: ${t.okWhen.path} = ${JSON.stringify(got) ?? 'missing'} ${res.text.slice(0, 200)}`,
        { canRetry: t.onMismatch === 'retry' },
      );
    },
  };
}

/** SMS through an HTTP gateway. */
export function smsChannel(o: HttpTemplateOptions): Channel {
  return httpTemplateChannel('sms', o);
}

/** Zalo Official Account messages through the same template mechanism. */
export function zaloChannel(o: HttpTemplateOptions): Channel {
  return httpTemplateChannel('zalo', o);
}
