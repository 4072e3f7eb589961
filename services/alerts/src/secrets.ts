/**
 * The alert service's secrets, from the environment or a file, never from the repository:
 *   HPG_ALERT_LINK_SECRET      action-link signing secret(s), comma-separated (the first signs; all verify)
 *   HPG_ALERT_SMTP_PASSWORD    SMTP password
 *   HPG_ALERT_TELEGRAM_TOKEN   Telegram bot token
 *   HPG_ALERT_SECRET_<NAME>    a named secret (webhook signing keys by `secretRef`, gateway keys);
 *                              NAME is the ref upper-cased with - as _
 *   secretsFile (HPG_ALERT_SECRETS_FILE)  JSON { "<name>": "<secret>" }, the variables win
 * In production (HPG_ENV=production) the service refuses to start without a link secret of at
 * least 32 characters; elsewhere a fixed development secret is used and said so in the log.
 */
import { readFileSync } from 'node:fs';
import { isProductionEnv } from '@hpg/auth';
import type { AlertServiceConfig } from './config.ts';

export interface AlertSecrets {
  readonly linkSecrets: readonly string[];
  readonly smtpPassword?: string;
  readonly telegramToken?: string;
  readonly named: Readonly<Record<string, string>>;
  /** True when the development link secret is in use. */
  readonly development: boolean;
}

export const DEVELOPMENT_LINK_SECRET = 'hpg-development-only-link-secret-not-for-production';

export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}

export function loadAlertSecrets(
  config: Pick<AlertServiceConfig, 'secretsFile' | 'links'>,
  env: Readonly<Record<string, string | undefined>>,
): AlertSecrets {
  const named: Record<string, string> = {};
  if (config.secretsFile !== undefined) {
    const parsed = JSON.parse(readFileSync(config.secretsFile, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SecretsError(`${config.secretsFile}: expected a JSON object of name → secret`);
    }
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string' || v === '')
        throw new SecretsError(`${config.secretsFile}: "${k}" must be a non-empty string`);
      named[k] = v;
    }
  }
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('HPG_ALERT_SECRET_') || v === undefined || v === '') continue;
    named[k.slice('HPG_ALERT_SECRET_'.length).toLowerCase().replaceAll('_', '-')] = v;
  }
  const fromEnv = (env.HPG_ALERT_LINK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const links = fromEnv.length > 0 ? fromEnv : [...config.links.secrets];
  const production = isProductionEnv(env);
  if (production && (links.length === 0 || links.some((s) => s.length < 32 || s === DEVELOPMENT_LINK_SECRET))) {
    throw new SecretsError(
      'production needs HPG_ALERT_LINK_SECRET: at least 32 random characters, not the development one',
    );
  }
  return {
    linkSecrets: links.length > 0 ? links : [DEVELOPMENT_LINK_SECRET],
    ...(env.HPG_ALERT_SMTP_PASSWORD ? { smtpPassword: env.HPG_ALERT_SMTP_PASSWORD } : {}),
    ...(env.HPG_ALERT_TELEGRAM_TOKEN ? { telegramToken: env.HPG_ALERT_TELEGRAM_TOKEN } : {}),
    named,
    development: links.length === 0,
  };
}
