/**
 * Access control for a Fastify server, default-deny:
 * - every route under /api/ declares its policy in its route config:
 *   `{ config: { auth: { permission: 'readings:read' } } }` or `{ auth: { public: true } }`;
 *   an /api/ route without one answers 403 (a forgotten policy never leaks);
 * - the caller is a session cookie (`hpg_session`, HttpOnly, SameSite=Strict) or
 *   `Authorization: Bearer <token>` (the same signed token, for other systems; an OIDC provider's
 *   tokens can be accepted by adding a verifier here — see README);
 * - state changes with a cookie need the session's CSRF token in `x-csrf-token`;
 * - rate limits per client address (a token bucket; sign-in much stricter);
 * - security headers on every answer.
 * Locality scope is the routes' part: they read the principal with `principalOf(req)`.
 */
import type { Registry } from '@hpg/registry';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can, type Permission, type Principal } from './policy.ts';
import { issueSession, sameSecret, verifySession } from './tokens.ts';
import type { Users } from './users.ts';

export interface RoutePolicy {
  /** Anyone may call it (health, sign-in, signed action links). */
  readonly public?: boolean;
  readonly permission?: Permission;
  /** Open to the loopback interface without a session (Prometheus on the same host); else `permission`. */
  readonly loopbackOpen?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RoutePolicy;
  }
}

export const AuthConfigSchema = z.object({
  enabled: z.boolean().default(true),
  sessionTtlHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Set the cookie's Secure flag (behind HTTPS; required in production). */
  cookieSecure: z.boolean().default(false),
  /** Requests per minute per client address, and sign-in attempts per minute per address. */
  requestsPerMinute: z.number().int().min(10).max(1_000_000).default(1_200),
  loginsPerMinute: z.number().int().min(1).max(1_000).default(10),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** A main's `auth` section with the users file (the demo users by default; production refuses them). */
export const MainAuthConfigSchema = AuthConfigSchema.extend({
  usersFile: z.string().min(1).default('config/users.demo.json'),
});

/** Environment bindings of a main's `auth` section (the platform's config loader reads them). */
export const AUTH_ENV = {
  HPG_AUTH_ENABLED: { path: 'auth.enabled', type: 'bool', description: 'sign-in required (never off in production)' },
  HPG_USERS_FILE: { path: 'auth.usersFile', type: 'string', description: 'users, roles, localities, password hashes' },
  HPG_AUTH_COOKIE_SECURE: { path: 'auth.cookieSecure', type: 'bool', description: 'Secure session cookie (HTTPS)' },
  HPG_SESSION_TTL_HOURS: { path: 'auth.sessionTtlHours', type: 'number', description: 'session lifetime, hours' },
} as const;

export interface AuthDeps {
  readonly users: () => Users;
  /** For the scope of the development principal when auth is off (every locality). */
  readonly registry: () => Registry;
  /** Session signing secrets; the first signs. */
  readonly secrets: readonly string[];
  readonly now?: () => number;
  /** Sign-ins and refusals, for the audit trail (no passwords, no tokens). */
  readonly onEvent?: (e: {
    type: 'login' | 'login_failed' | 'logout' | 'denied';
    actor: string;
    ip: string;
    detail: string;
  }) => void;
}

const COOKIE = 'hpg_session';
const principals = new WeakMap<FastifyRequest, Principal>();

/** The signed-in user of a request (routes with a permission always have one). */
export function principalOf(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** A token bucket per key; stale keys are dropped as they are met. */
class Buckets {
  readonly #perMinute: number;
  readonly #b = new Map<string, { tokens: number; at: number }>();
  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }
  take(key: string, now: number): boolean {
    const rate = this.#perMinute / 60_000;
    const b = this.#b.get(key) ?? { tokens: this.#perMinute, at: now };
    b.tokens = Math.min(this.#perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (this.#b.size > 50_000) this.#b.clear();
    this.#b.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(self)',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

export const LoginSchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function deny(reply: FastifyReply, status: 401 | 403 | 429, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * Installs the hooks and the sign-in routes. With `config.enabled` false (development and tests
 * only: production refuses it), every request runs as an administrator of the whole city.
 */
export function installAuth(app: FastifyInstance, deps: AuthDeps, config: AuthConfig): void {
  const now = deps.now ?? Date.now;
  const requests = new Buckets(config.requestsPerMinute);
  const logins = new Buckets(config.loginsPerMinute);
  const ttlMs = config.sessionTtlHours * 3_600_000;

  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (config.cookieSecure) reply.header('strict-transport-security', 'max-age=31536000');
    if (!requests.take(req.ip, now())) {
      reply.header('retry-after', '60');
      return deny(reply, 429, 'rate_limited', 'too many requests; try again in a minute');
    }
    const policy = req.routeOptions.config?.auth;
    const url = req.routeOptions.url;
    // Not a route (404) or a route outside the API without a policy (static files): nothing to guard.
    if (url === undefined || (policy === undefined && !url.startsWith('/api/'))) return;
    if (policy?.public === true) return;
    if (policy?.loopbackOpen === true && isLoopback(req.ip)) return;
    if (!config.enabled) {
      principals.set(req, {
        id: 'dev',
        name: 'development (auth off)',
        role: 'admin',
        localityId: '*',
        scope: new Set(deps.registry().data.localities.map((l) => l.id)),
        via: 'bearer',
      });
      return;
    }
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = cookieValue(req.headers.cookie, COOKIE);
    const token = bearer ?? cookie;
    const claims = token === undefined ? undefined : verifySession(token, deps.secrets, now());
    const user = claims === undefined ? undefined : deps.users().get(claims.sub);
    if (claims === undefined || user === undefined || user.disabled) {
      return deny(reply, 401, 'unauthenticated', 'sign in first (đăng nhập trước)');
    }
    const via = bearer !== undefined ? 'bearer' : 'cookie';
    if (via === 'cookie' && UNSAFE.has(req.method)) {
      const csrf = req.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !sameSecret(csrf, claims.csrf)) {
        deps.onEvent?.({ type: 'denied', actor: user.id, ip: req.ip, detail: `csrf ${req.method} ${url}` });
        return deny(reply, 403, 'csrf', 'missing or wrong x-csrf-token');
      }
    }
    const principal = deps.users().principal(user, via);
    if (policy?.permission === undefined || !can(principal.role, policy.permission)) {
      deps.onEvent?.({ type: 'denied', actor: user.id, ip: req.ip, detail: `${req.method} ${url}` });
      return deny(reply, 403, 'forbidden', 'your role may not do this (không có quyền)');
    }
    principals.set(req, principal);
  });

  app.post('/api/v1/auth/login', { config: { auth: { public: true } } }, async (req, reply) => {
    if (!logins.take(req.ip, now())) {
      reply.header('retry-after', '60');
      return deny(reply, 429, 'rate_limited', 'too many sign-in attempts; wait a minute');
    }
    const body = LoginSchema.safeParse(req.body);
    if (!body.success)
      return reply.code(400).send({ error: { code: 'invalid_body', message: 'username and password' } });
    const user = await deps.users().authenticate(body.data.username, body.data.password);
    if (user === undefined) {
      deps.onEvent?.({ type: 'login_failed', actor: body.data.username, ip: req.ip, detail: '' });
      return deny(reply, 401, 'bad_credentials', 'wrong username or password (sai tên đăng nhập hoặc mật khẩu)');
    }
    const { token, claims } = issueSession(user.id, deps.secrets, now(), ttlMs);
    deps.onEvent?.({ type: 'login', actor: user.id, ip: req.ip, detail: '' });
    const secure = config.cookieSecure ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(ttlMs / 1000)}${secure}`,
    );
    const p = deps.users().principal(user, 'cookie');
    return {
      user: { id: p.id, name: p.name, role: p.role, localityId: p.localityId, lang: user.lang },
      csrfToken: claims.csrf,
      // For other systems: send as `Authorization: Bearer <token>` (no CSRF needed then).
      token,
      expiresAt: claims.exp,
    };
  });

  app.post('/api/v1/auth/logout', { config: { auth: { permission: 'registry:read' } } }, async (req, reply) => {
    const p = principalOf(req);
    if (p !== undefined) deps.onEvent?.({ type: 'logout', actor: p.id, ip: req.ip, detail: '' });
    reply.header('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });

  app.get('/api/v1/auth/session', { config: { auth: { permission: 'registry:read' } } }, async (req) => {
    const p = principalOf(req) as Principal;
    const token = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? cookieValue(req.headers.cookie, COOKIE);
    const claims = token === undefined ? undefined : verifySession(token, deps.secrets, now());
    return {
      user: { id: p.id, name: p.name, role: p.role, localityId: p.localityId, scope: [...p.scope].sort() },
      csrfToken: claims?.csrf ?? null,
      expiresAt: claims?.exp ?? null,
    };
  });
}

/** A main's sign-in as `startAuth` gives it: undefined means off (every caller an administrator). */
export interface SignIn {
  readonly deps: Omit<AuthDeps, 'registry'>;
  readonly config: AuthConfig;
}

/** `installAuth` from a main's `SignIn`, or with sign-in off when there is none (development). */
export function installSignIn(app: FastifyInstance, registry: () => Registry, signIn: SignIn | undefined): void {
  if (signIn !== undefined) {
    installAuth(app, { ...signIn.deps, registry }, signIn.config);
    return;
  }
  const off = () => {
    throw new Error('sign-in is off');
  };
  installAuth(app, { registry, users: off, secrets: ['unused'] }, AuthConfigSchema.parse({ enabled: false }));
}
