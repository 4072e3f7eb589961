/**
 * Alert notices on the bus: one record per change of an alert — the engine opened, updated or
 * cleared it, it was escalated, or a person acknowledged, resolved or dismissed it as a false
 * alarm. Consumers (dashboards' feeds, other cities' systems, the dumping indicators) get the
 * alert's state after the change, keyed by alert id so a given alert's notices stay in order.
 */
import { z } from 'zod';
import { IdSchema } from './device-api.ts';

export const ALERT_NOTICE_TYPES = [
  'opened',
  'updated',
  'cleared',
  'escalated',
  'acknowledged',
  'resolved',
  'false_alarm',
] as const;

export const AlertNoticeSchema = z.object({
  v: z.literal(1),
  alertId: z.string().min(1).max(256),
  type: z.enum(ALERT_NOTICE_TYPES),
  /** When the change happened (processing time), epoch ms. */
  at: z.number().int().min(0),
  kind: z.string().min(1).max(64),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  status: z.enum(['open', 'acknowledged', 'resolved', 'false_alarm']),
  /** Whether the engine still sees the condition. */
  active: z.boolean(),
  localityId: IdSchema,
  siteId: IdSchema,
  deviceId: IdSchema,
  /** Data time the condition started. */
  openedAt: z.number().int().min(0),
  /** Who made the change: a contact, an inbox user, or `system`. */
  actor: z.string().max(128),
  note: z.string().max(2000).nullable(),
});
export type AlertNotice = z.infer<typeof AlertNoticeSchema>;
