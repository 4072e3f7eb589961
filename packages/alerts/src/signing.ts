/**
 * HMAC-SHA256 signatures: expiring action links (acknowledge from a message) and webhook bodies.
 * Verification compares digests in constant time (crypto.timingSafeEqual), so a forger learns
 * nothing from how long a wrong guess took. Several secrets may verify (the first signs), so a
 * key can be rotated without breaking links already sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const ACTIONS = ['acknowledge', 'resolve', 'false_alarm'] as const;
export type Action = (typeof ACTIONS)[number];

export interface ActionClaims {
  readonly alertId: string;
  readonly action: Action;
  /** Who the link was sent to: the contact id recorded as the actor. */
  readonly actor: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

const ClaimsSchema = z.strictObject({
  a: z.string().min(1),
  act: z.enum(ACTIONS),
  by: z.string().min(1),
  exp: z.number().int(),
});

/** Domain separation: an action token's MAC can never pass as a webhook signature, or the reverse. */
const ACTION_CONTEXT = 'hpg-action.v1.';
const TOKEN_VERSION = 'v1';

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data, 'utf8').digest();

function firstSecret(secrets: string | readonly string[]): string {
  const s = typeof secrets === 'string' ? secrets : secrets[0];
  if (s === undefined || s.length < 16) throw new Error('signing secret: at least 16 characters are required');
  return s;
}

/** A URL-safe token: `v1.<claims, base64url JSON>.<HMAC, base64url>`. */
export function signAction(claims: ActionClaims, secret: string | readonly string[]): string {
  const payload = Buffer.from(
    JSON.stringify({ a: claims.alertId, act: claims.action, by: claims.actor, exp: claims.expiresAt }),
    'utf8',
  ).toString('base64url');
  const sig = mac(firstSecret(secret), ACTION_CONTEXT + payload).toString('base64url');
  return `${TOKEN_VERSION}.${payload}.${sig}`;
}

export type VerifyFailure = 'malformed' | 'bad_signature' | 'expired';
export type VerifyResult =
  | { readonly ok: true; readonly claims: ActionClaims }
  | { readonly ok: false; readonly reason: VerifyFailure };

/** Checks the signature first (nothing unauthenticated is parsed), then the expiry against `now`. */
export function verifyAction(token: string, secrets: string | readonly string[], now: number): VerifyResult {
  const parts = token.split('.');
  const [version, payload, sig] = parts;
  if (parts.length !== 3 || version !== TOKEN_VERSION || !payload || !sig) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const signedBy = keys.some((k) => {
    const expected = mac(k, ACTION_CONTEXT + payload);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!signedBy) return { ok: false, reason: 'bad_signature' };
  let parsed: z.infer<typeof ClaimsSchema>;
  try {
    parsed = ClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (now >= parsed.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { alertId: parsed.a, action: parsed.act, actor: parsed.by, expiresAt: parsed.exp } };
}

/** The link a recipient follows: `<base>/<token>` (the HTTP API confirms before acting: mail scanners prefetch links). */
export function actionUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${token}`;
}

/**
 * Webhook signature, Stripe-style: HMAC-SHA256 over `<timestamp>.<body>` with the timestamp in
 * unix seconds, as `sha256=<hex>`. The timestamp is signed so a captured request cannot be
 * replayed later than the receiver's tolerance.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${mac(secret, `${timestamp}.${body}`).toString('hex')}`;
}

export interface WebhookCheck {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly body: string;
  readonly signature: string | undefined;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly toleranceSeconds?: number;
}

/** What a receiver does: checks the signature in constant time and that the timestamp is fresh. */
export function verifyWebhook(c: WebhookCheck): boolean {
  if (c.timestamp === undefined || c.signature === undefined || !/^\d{1,12}$/.test(c.timestamp)) return false;
  const ts = Number(c.timestamp);
  if (Math.abs(c.now / 1000 - ts) > (c.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(c.secret, ts, c.body), 'utf8');
  const given = Buffer.from(c.signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
