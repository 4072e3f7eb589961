/**
 * The session secret and the users file, with the production rules (issue #9): in production
 * (HPG_ENV=production or NODE_ENV=production) the API refuses to start with auth off, without a
 * session secret of at least 32 characters, or with the demo users file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Registry } from '@hpg/registry';
import type { AuthConfig, SignIn } from './fastify.ts';
import { Users } from './users.ts';

export const DEVELOPMENT_SESSION_SECRET = 'hpg-development-only-session-secret-not-for-production';

export class AuthStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthStartError';
  }
}

export function isProductionEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.HPG_ENV === 'production' || env.NODE_ENV === 'production';
}

export function loadAuth(
  o: { usersFile: string; enabled: boolean },
  registry: () => Registry,
  env: Readonly<Record<string, string | undefined>>,
): { users: Users; secrets: string[]; development: boolean } {
  const production = isProductionEnv(env);
  const secrets = (env.HPG_SESSION_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const users = Users.from(JSON.parse(readFileSync(resolve(o.usersFile), 'utf8')), registry);
  if (production) {
    const problems: string[] = [];
    if (!o.enabled) problems.push('auth cannot be off in production (HPG_AUTH_ENABLED)');
    if (secrets.length === 0 || secrets.some((s) => s.length < 32 || s === DEVELOPMENT_SESSION_SECRET)) {
      problems.push('HPG_SESSION_SECRET must be set: at least 32 random characters, not the development one');
    }
    if (users.demo) problems.push(`${o.usersFile} is the demo users file (known passwords): give HPG_USERS_FILE`);
    if (problems.length > 0) throw new AuthStartError(`refusing to start in production: ${problems.join('; ')}`);
  }
  return {
    users,
    secrets: secrets.length > 0 ? secrets : [DEVELOPMENT_SESSION_SECRET],
    development: secrets.length === 0,
  };
}

/** What a main needs of a logger here (pino's shape). */
interface StartLogger {
  warn(msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/**
 * A main's sign-in at start: the production refusals, the development warnings, and the deps and
 * config for `installAuth` (the API's `auth` option). Undefined when sign-in is off (development).
 */
export function startAuth(
  config: AuthConfig & { usersFile: string },
  registry: () => Registry,
  env: Readonly<Record<string, string | undefined>>,
  logger: StartLogger,
): SignIn | undefined {
  if (!config.enabled && isProductionEnv(env)) {
    throw new AuthStartError('refusing to start in production with sign-in off (HPG_AUTH_ENABLED=false)');
  }
  if (!config.enabled) {
    logger.warn('sign-in is OFF: every request is an administrator (development only)');
    return undefined;
  }
  const auth = loadAuth(config, registry, env);
  if (auth.development) logger.warn('sign-in: development session secret in use (HPG_SESSION_SECRET)');
  if (auth.users.demo) logger.warn('sign-in: demo users (password hpg-demo); set HPG_USERS_FILE for real use');
  return {
    deps: {
      users: () => auth.users,
      secrets: auth.secrets,
      onEvent: (e) => logger.info({ event: e.type, actor: e.actor, ip: e.ip, detail: e.detail }, 'auth'),
    },
    config,
  };
}
