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

/**
 * The signature as sent against the expected one, compared as canonical base64url text: decoding
 * first would accept other spellings of the same bytes (the last character of 32 bytes in base64
 * carries two unused bits), so one link would have several valid forms.
 */
function sameSignature(given: string, expected: Buffer): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected.toString('base64url'), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
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
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const signedBy = keys.some((k) => sameSignature(sig, mac(k, ACTION_CONTEXT + payload)));
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

/**
 * Evidence links: what a message carries so the police's own system can open the snapshot without
 * a login. A token names either one evidence file (`sha256`) or an alert (`alertId` without
 * `sha256`: the alert's evidence as it is when the link is opened — a Frigate snapshot is stored a
 * few seconds after the first message left), the contact it was sent to and its expiry.
 * Same HMAC and rotation as action links, with its own context and prefix, so neither token can
 * pass as the other.
 */
export interface EvidenceClaims {
  readonly sha256: string | null;
  readonly alertId: string | null;
  /** Who the link was sent to: the contact id recorded in the access log. */
  readonly actor: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const EvidenceClaimsSchema = z
  .strictObject({
    s: z.string().regex(SHA256_HEX).optional(),
    a: z.string().min(1).optional(),
    by: z.string().min(1),
    exp: z.number().int(),
  })
  .refine((c) => c.s !== undefined || c.a !== undefined, 'names neither evidence nor an alert');

const EVIDENCE_CONTEXT = 'hpg-evidence.v1.';
const EVIDENCE_TOKEN_VERSION = 'e1';

/** A URL-safe token: `e1.<claims, base64url JSON>.<HMAC, base64url>`. */
export function signEvidence(claims: EvidenceClaims, secret: string | readonly string[]): string {
  if (claims.sha256 === null && claims.alertId === null) throw new Error('an evidence link names evidence or an alert');
  if (claims.sha256 !== null && !SHA256_HEX.test(claims.sha256)) throw new Error('not a SHA-256 hex digest');
  const payload = Buffer.from(
    JSON.stringify({
      ...(claims.sha256 === null ? {} : { s: claims.sha256 }),
      ...(claims.alertId === null ? {} : { a: claims.alertId }),
      by: claims.actor,
      exp: claims.expiresAt,
    }),
    'utf8',
  ).toString('base64url');
  const sig = mac(firstSecret(secret), EVIDENCE_CONTEXT + payload).toString('base64url');
  return `${EVIDENCE_TOKEN_VERSION}.${payload}.${sig}`;
}

/** An expired token still says whose it was (for the access log); a forged one says nothing. */
export type EvidenceVerifyResult =
  | { readonly ok: true; readonly claims: EvidenceClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' }
  | { readonly ok: false; readonly reason: 'expired'; readonly claims: EvidenceClaims };

/** Signature first (nothing unauthenticated is parsed), then the claims, then the expiry. */
export function verifyEvidence(token: string, secrets: string | readonly string[], now: number): EvidenceVerifyResult {
  const parts = token.split('.');
  const [version, payload, sig] = parts;
  if (parts.length !== 3 || version !== EVIDENCE_TOKEN_VERSION || !payload || !sig) {
    return { ok: false, reason: 'malformed' };
  }
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const signedBy = keys.some((k) => sameSignature(sig, mac(k, EVIDENCE_CONTEXT + payload)));
  if (!signedBy) return { ok: false, reason: 'bad_signature' };
  let parsed: z.infer<typeof EvidenceClaimsSchema>;
  try {
    parsed = EvidenceClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims: EvidenceClaims = {
    sha256: parsed.s ?? null,
    alertId: parsed.a ?? null,
    actor: parsed.by,
    expiresAt: parsed.exp,
  };
  if (now >= parsed.exp) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/**
 * The evidence link in a message: `<base>/<sha256>?token=…` for a stored file, or
 * `<base>/alerts/<alertId>?token=…` for an alert whose snapshot is not stored yet.
 */
export function evidenceUrl(baseUrl: string, token: string, target: { sha256: string } | { alertId: string }): string {
  const base = baseUrl.replace(/\/+$/, '');
  const path = 'sha256' in target ? target.sha256 : `alerts/${encodeURIComponent(target.alertId)}`;
  return `${base}/${path}?token=${encodeURIComponent(token)}`;
}
