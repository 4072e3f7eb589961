import { z } from 'zod';

const roles = (defaults: string[]) => z.array(z.string().min(1).max(64)).default(defaults);

/**
 * Evidence access, audit and retention. `dir` and `auditPath` have no default here: the all-in-one
 * takes the directory ingest writes to (HPG_EVIDENCE_DIR) and puts the audit file beside its
 * store; the alert service's own process gives them defaults of its own.
 */
export const EvidenceConfigSchema = z.object({
  /** The content-addressed evidence directory (ingest's `frigate.evidence.dir`). */
  dir: z.string().min(1).optional(),
  /** The audit log and holds (SQLite). */
  auditPath: z.string().min(1).optional(),
  retention: z
    .object({
      enabled: z.boolean().default(true),
      /** Files older than this are deleted unless kept as evidence. */
      days: z.number().int().min(1).max(36_500).default(90),
      /** The job runs this often (daily), the first time `firstRunDelayMs` after start. */
      intervalHours: z
        .number()
        .positive()
        .max(24 * 7)
        .default(24),
      firstRunDelayMs: z.number().int().min(0).default(60_000),
    })
    .prefault({}),
  access: z
    .object({
      /**
       * The placeholder from before sign-in (issue #9): trust the `x-hpg-user` and `x-hpg-role`
       * headers where no signed-in user is on the request — only behind a proxy that sets them (and
       * strips them from outside requests). Off unless turned on; signed links work either way.
       */
      userHeader: z.boolean().default(false),
      /** How long a link issued to a signed-in user (POST …/link) stays valid. */
      linkMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(10),
      /**
       * Roles that may open evidence (signed links are the police's, by construction). The names
       * are sign-in's (issue #9): images of people and vehicles are for the police and the
       * administrator only.
       */
      viewerRoles: roles(['police', 'admin']),
      /** Roles that may read the audit log. */
      auditorRoles: roles(['admin']),
    })
    .prefault({}),
});
export type EvidenceConfig = z.infer<typeof EvidenceConfigSchema>;

export const EVIDENCE_ENV = {
  HPG_EVIDENCE_AUDIT_PATH: { path: 'evidence.auditPath', type: 'string', description: 'evidence audit log (SQLite)' },
  HPG_EVIDENCE_RETENTION_ENABLED: {
    path: 'evidence.retention.enabled',
    type: 'bool',
    description: 'run the daily evidence retention job',
  },
  HPG_EVIDENCE_RETENTION_DAYS: {
    path: 'evidence.retention.days',
    type: 'int',
    description: 'delete evidence older than this unless kept',
  },
  HPG_EVIDENCE_RETENTION_INTERVAL_HOURS: {
    path: 'evidence.retention.intervalHours',
    type: 'number',
    description: 'evidence retention period, hours',
  },
  HPG_EVIDENCE_USER_HEADER: {
    path: 'evidence.access.userHeader',
    type: 'bool',
    description: 'trust x-hpg-user/x-hpg-role (placeholder from before sign-in)',
  },
  HPG_EVIDENCE_VIEWER_ROLES: {
    path: 'evidence.access.viewerRoles',
    type: 'list',
    description: 'roles that may open evidence',
  },
  HPG_EVIDENCE_AUDITOR_ROLES: {
    path: 'evidence.access.auditorRoles',
    type: 'list',
    description: 'roles that may read the audit log',
  },
} as const;

/**
 * Where evidence links point when none is configured: the evidence routes beside the action
 * links (the same public API), `…/api/v1/alerts/actions` → `…/api/v1/evidence`.
 */
export function defaultEvidenceBaseUrl(actionLinksBaseUrl: string): string {
  const base = actionLinksBaseUrl.replace(/\/+$/, '');
  const suffix = '/api/v1/alerts/actions';
  return base.endsWith(suffix)
    ? `${base.slice(0, -suffix.length)}/api/v1/evidence`
    : new URL('/api/v1/evidence', base).href;
}
