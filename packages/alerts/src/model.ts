/**
 * What the alert engine produces: plain, serialisable alert snapshots and events. One schema per
 * shape, the types derived from it, so a bus topic of alert events (not wired yet) can validate
 * them on consume exactly as the engine produced them.
 */
import { IdSchema } from '@hpg/contracts';
import { z } from 'zod';

export const ALERT_KINDS = [
  'dumping',
  'wastewater_exceedance',
  'wastewater_silence',
  'device_offline',
  'charger_faulted',
  'inverter_fault',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Ordered from least to most urgent; `severityRank` compares them. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = z.enum(SEVERITIES);

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Who acts on an alert (issue #6 routing): commune police, environment officer, device operator. */
export const ROLES = ['police', 'environment', 'operator'] as const;
export type Role = (typeof ROLES)[number];

const epochMs = z.number().int().min(0);

/** A limit in the parameter's canonical unit: a maximum, a minimum (pH), or both. */
export const LimitSchema = z.object({
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string(),
});
export type Limit = z.infer<typeof LimitSchema>;

const common = {
  v: z.literal(1),
  /** Deterministic: the same inputs replayed give the same id, so a replay cannot open it twice. */
  id: z.string().min(1).max(256),
  severity: SeveritySchema,
  localityId: IdSchema,
  siteId: IdSchema,
  deviceId: IdSchema,
  /** Data time the condition started (detection or reading time, or when the silence began). */
  openedAt: epochMs,
  /** Data time the condition was last seen. */
  lastSeenAt: epochMs,
};

export const AlertSnapshotSchema = z.discriminatedUnion('kind', [
  z.object({
    ...common,
    kind: z.literal('dumping'),
    details: z.object({
      label: z.string(),
      zone: z.string().nullable(),
      maxScore: z.number().min(0).max(1),
      /** Events of the camera merged into this incident, first first (kept to the first 50). */
      eventIds: z.array(z.string()).max(50),
      detections: z.number().int().min(1),
      /** Evidence of the best-scored detection. */
      snapshotUrl: z.string().nullable(),
      snapshotSha256: z.string().nullable(),
    }),
  }),
  z.object({
    ...common,
    kind: z.literal('wastewater_exceedance'),
    details: z.object({
      parameter: z.string(),
      /** Rolling average of valid values over `averageMinutes`, at the latest reading. */
      average: z.number(),
      limit: LimitSchema,
      /** Largest ratio to the limit during the exceedance (> 1 means outside). */
      maxRatio: z.number(),
      averageMinutes: z.number(),
    }),
  }),
  z.object({
    ...common,
    kind: z.literal('wastewater_silence'),
    details: z.object({ lastValidAt: epochMs.nullable(), silenceMinutes: z.number() }),
  }),
  z.object({
    ...common,
    kind: z.literal('device_offline'),
    details: z.object({
      deviceKind: z.string(),
      lastSeenAt: epochMs.nullable(),
      intervalSeconds: z.number(),
      offlineAfterMinutes: z.number(),
    }),
  }),
  z.object({
    ...common,
    kind: z.literal('charger_faulted'),
    details: z.object({ connector: z.string(), errorCode: z.string().nullable(), afterMinutes: z.number() }),
  }),
  z.object({
    ...common,
    kind: z.literal('inverter_fault'),
    details: z.object({ afterMinutes: z.number() }),
  }),
]);
export type AlertSnapshot = z.infer<typeof AlertSnapshotSchema>;
export type AlertOf<K extends AlertKind> = Extract<AlertSnapshot, { kind: K }>;

/**
 * Why the engine closed an alert: the condition cleared (values back within limits, device back),
 * or — for dumping — no re-detection within the dedupe window, so the next one is a new incident.
 */
export const CLOSE_REASONS = ['cleared', 'quiet'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * An engine output. Every event carries the whole snapshot, so a consumer needs no earlier event
 * to act on it. `at` is data time: the detection's or reading's time, or the tick's.
 */
export const AlertEventSchema = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('opened'), at: epochMs, alert: AlertSnapshotSchema }),
  z.object({ v: z.literal(1), type: z.literal('updated'), at: epochMs, alert: AlertSnapshotSchema }),
  z.object({
    v: z.literal(1),
    type: z.literal('closed'),
    at: epochMs,
    reason: z.enum(CLOSE_REASONS),
    alert: AlertSnapshotSchema,
  }),
]);
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** Delivery channels (issue #6): signed webhook, email, Telegram bot, SMS and Zalo OA through HTTP templates. */
export const CHANNEL_NAMES = ['webhook', 'email', 'telegram', 'sms', 'zalo'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Where one delivery goes: a contact's address on one channel. */
export const AddressSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('webhook'), url: z.string(), secretRef: z.string() }),
  z.object({ channel: z.literal('email'), email: z.string() }),
  z.object({ channel: z.literal('telegram'), chatId: z.string() }),
  z.object({ channel: z.literal('sms'), phone: z.string() }),
  z.object({ channel: z.literal('zalo'), userId: z.string() }),
]);
export type Address = z.infer<typeof AddressSchema>;
