/**
 * Session tokens: `s1.<payload>.<mac>`, base64url JSON payload {sub, csrf, iat, exp, ver} and an
 * HMAC-SHA256 over `s1.<payload>`, verified in constant time against every configured secret (the
 * first signs: rotation). Stateless, so the API and the alert service verify the same tokens. The
 * role and scope are NOT in the token: they are read from the users file on every request, so a
 * changed role or a disabled account takes effect at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  readonly sub: string;
  /** The CSRF token of this session (cookie sessions send it back in `x-csrf-token`). */
  readonly csrf: string;
  readonly iat: number;
  readonly exp: number;
}

const PREFIX = 's1';

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');

export function issueSession(
  sub: string,
  secrets: readonly string[],
  now: number,
  ttlMs: number,
): {
  token: string;
  claims: SessionClaims;
} {
  const secret = secrets[0];
  if (secret === undefined) throw new Error('no session secret');
  const claims: SessionClaims = { sub, csrf: randomBytes(18).toString('base64url'), iat: now, exp: now + ttlMs };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${PREFIX}.${payload}.${mac(secret, `${PREFIX}.${payload}`)}`, claims };
}

export function verifySession(token: string, secrets: readonly string[], now: number): SessionClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 2048) return undefined;
  const [, payload = '', sig = ''] = parts;
  const given = Buffer.from(sig, 'utf8');
  const valid = secrets.some((s) => {
    const expected = Buffer.from(mac(s, `${PREFIX}.${payload}`), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return undefined;
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
  } catch {
    return undefined;
  }
  if (typeof claims.sub !== 'string' || typeof claims.csrf !== 'string' || typeof claims.exp !== 'number') {
    return undefined;
  }
  return claims.exp > now ? claims : undefined;
}

/** Constant-time string comparison (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
