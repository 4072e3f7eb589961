import { HttpTemplateSchema } from '@hpg/alerts';
import { z } from 'zod';

export const AlertServiceConfigSchema = z.object({
  /** Rules and contacts per locality (config/alerts). */
  rulesFile: z.string().min(1).default('config/alerts/rules.demo.json'),
  /** The alert store and its outbox (SQLite, WAL). */
  storePath: z.string().min(1).default('var/alerts.sqlite'),
  /** Time-based rules (silence, offline, Faulted duration) and escalation are checked this often. */
  tickMs: z.number().int().min(100).max(600_000).default(5_000),
  group: z.string().min(1).default('alerts'),
  links: z
    .object({
      /** Public base of action links: `<baseUrl>/<token>` (the API's /api/v1/alerts/actions). */
      baseUrl: z.url().default('http://127.0.0.1:8080/api/v1/alerts/actions'),
      /** Signing secret(s), the first signs; empty means a development secret (refused in production). */
      secrets: z.array(z.string().min(16)).default([]),
      ttlHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(72),
    })
    .prefault({}),
  /** Public base of evidence by content hash: `<base>/<sha256>`. */
  evidenceBaseUrl: z.url().optional(),
  /** Map link for places, `{lat}` and `{lon}` replaced (OpenStreetMap by default). */
  mapUrlTemplate: z.string().optional(),
  channels: z
    .object({
      webhook: z.object({ enabled: z.boolean().default(true) }).prefault({}),
      email: z
        .object({
          host: z.string().min(1).optional(),
          port: z.number().int().min(1).max(65_535).default(587),
          secure: z.boolean().default(false),
          user: z.string().optional(),
          password: z.string().optional(),
          from: z.string().default('"Cảnh báo môi trường Hải Phòng" <canhbao@localhost>'),
        })
        .prefault({}),
      telegram: z
        .object({ token: z.string().min(1).optional(), baseUrl: z.url().default('https://api.telegram.org') })
        .prefault({}),
      /** HTTP gateway templates (see @hpg/alerts http-template). */
      sms: HttpTemplateSchema.optional(),
      zalo: HttpTemplateSchema.optional(),
    })
    .prefault({}),
  /**
   * Named secrets the channels use (webhook signing keys by `secretRef`, gateway API keys): a JSON
   * file of name → secret, plus HPG_ALERT_SECRET_<NAME> variables (NAME upper-cased, - as _).
   */
  secretsFile: z.string().optional(),
});
export type AlertServiceConfig = z.infer<typeof AlertServiceConfigSchema>;

export const ALERTS_ENV = {
  HPG_ALERT_RULES: { path: 'alerts.rulesFile', type: 'string', description: 'alert rules and contacts file' },
  HPG_ALERT_STORE_PATH: { path: 'alerts.storePath', type: 'string', description: 'alert store (SQLite)' },
  HPG_ALERT_TICK_MS: { path: 'alerts.tickMs', type: 'int', description: 'time-based rules and escalation period' },
  HPG_ALERT_LINK_BASE_URL: { path: 'alerts.links.baseUrl', type: 'string', description: 'action links base URL' },
  HPG_ALERT_LINK_TTL_HOURS: { path: 'alerts.links.ttlHours', type: 'int', description: 'action link validity, hours' },
  HPG_ALERT_EVIDENCE_BASE_URL: { path: 'alerts.evidenceBaseUrl', type: 'string', description: 'evidence links base' },
  HPG_ALERT_WEBHOOK_ENABLED: { path: 'alerts.channels.webhook.enabled', type: 'bool', description: 'signed webhooks' },
  HPG_ALERT_SMTP_HOST: { path: 'alerts.channels.email.host', type: 'string', description: 'SMTP server (email on)' },
  HPG_ALERT_SMTP_PORT: { path: 'alerts.channels.email.port', type: 'int', description: 'SMTP port' },
  HPG_ALERT_SMTP_SECURE: { path: 'alerts.channels.email.secure', type: 'bool', description: 'SMTP over TLS' },
  HPG_ALERT_SMTP_USER: { path: 'alerts.channels.email.user', type: 'string', description: 'SMTP user' },
  HPG_ALERT_SMTP_FROM: { path: 'alerts.channels.email.from', type: 'string', description: 'sender address' },
  HPG_ALERT_TELEGRAM_BASE_URL: { path: 'alerts.channels.telegram.baseUrl', type: 'string', description: 'Bot API' },
  HPG_ALERT_SECRETS_FILE: { path: 'alerts.secretsFile', type: 'string', description: 'named secrets (JSON file)' },
} as const;
