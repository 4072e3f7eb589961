/**
 * Alert rules and contacts as data (config/alerts/*.json), per locality. A locality without its
 * own section of a kind takes its nearest ancestor's (the city's entry is the default), so the
 * city sets the baseline and a commune overrides only what differs.
 *
 * Secrets (webhook signing keys, bot tokens, gateway keys) are never in this file: a recipient
 * names a secret by reference and the service supplies the values from its environment.
 */
import { DEVICE_KINDS, IdSchema } from '@hpg/contracts';
import { z } from 'zod';
import { ALERT_KINDS, LimitSchema, ROLES, SeveritySchema } from './model.ts';

/** Minutes, up to a week. */
const minutes = z
  .number()
  .min(0)
  .max(7 * 24 * 60);
/** Why a threshold is what it is; kept with the number so the rationale travels with it. */
const note = z.string().min(1).optional();

export const DumpingRuleSchema = z.strictObject({
  /** Detector labels that mean waste (Frigate's custom `waste` model, ONVIF `abandoned_object`). */
  labels: z.array(z.string().min(1)).min(1),
  /** Lowest detector score that opens an incident. */
  minScore: z.number().min(0).max(1),
  /** Re-detections of the same camera and zone within this long of the last one join the incident. */
  dedupeWindowMinutes: minutes.positive(),
  /** Watched zones per camera spot; a spot not listed watches the zones the registry gives it. */
  zones: z.record(IdSchema, z.array(z.string().min(1))).optional(),
  severity: SeveritySchema.default('high'),
  note,
});

const SeverityStepSchema = z.strictObject({ fromRatio: z.number().positive(), severity: SeveritySchema });

export const WastewaterRuleSchema = z.strictObject({
  /** Parameters watched for exceedance (metric names of the catalogue). */
  parameters: z.array(z.string().min(1)).min(1),
  /** Rolling-average window of valid (`measuring`) values. */
  averageMinutes: minutes.positive(),
  /** How long the average must stay outside its limit before an alert opens (0: at once). */
  exceedMinutes: minutes,
  /** How long it must stay back within the limit before the alert closes (against flapping). */
  clearMinutes: minutes.default(0),
  /** Severity by ratio to the limit: the highest step reached applies; below the first, the first. */
  severityByRatio: z.array(SeverityStepSchema).min(1),
  /** Per plant, limits that replace the standard's (a discharge permit stricter than the standard). */
  limits: z.record(IdSchema, z.record(z.string(), LimitSchema)).optional(),
  /** A station with no valid value for this long raises a silence alert. */
  silenceMinutes: minutes.positive(),
  silenceSeverity: SeveritySchema.default('medium'),
  note,
});

export const OfflineRuleSchema = z.strictObject({
  /** Device kinds watched (cameras that publish only on events have nothing to be late with). */
  deviceKinds: z.array(z.enum(DEVICE_KINDS)).min(1),
  /** Offline after this many expected intervals (registry `intervalSeconds`) without any message. */
  missedIntervals: z.number().positive(),
  /** …but never sooner than this. */
  minMinutes: minutes.default(0),
  severity: SeveritySchema.default('medium'),
  note,
});

export const StateRuleSchema = z.strictObject({
  /** How long the state must last before an alert opens (0: at the first reading in it). */
  afterMinutes: minutes,
  severity: SeveritySchema.default('medium'),
  note,
});

export const DeviceRulesSchema = z.strictObject({
  offline: OfflineRuleSchema.optional(),
  /** OCPP connector status `Faulted`. */
  chargerFaulted: StateRuleSchema.optional(),
  /** SunSpec inverter state `fault`. */
  inverterFault: StateRuleSchema.optional(),
  note,
});

/** Where a contact is reached; one address per channel, so (alert, channel, contact) is one delivery. */
export const ReachSchema = z
  .strictObject({
    /** The receiving system's URL and the name of the secret it verifies signatures with. */
    webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }), secretRef: z.string().min(1) }).optional(),
    email: z.email().optional(),
    telegram: z.strictObject({ chatId: z.string().regex(/^-?\d+$|^@\w+$/) }).optional(),
    /** E.164, e.g. +84912345678. */
    sms: z.strictObject({ phone: z.string().regex(/^\+\d{8,15}$/) }).optional(),
    /** A follower of the Zalo Official Account. */
    zalo: z.strictObject({ userId: z.string().min(1).max(64) }).optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'at least one channel');

export const ContactSchema = z.strictObject({
  /** Stable id: it names the recipient in idempotency keys and in who acknowledged. */
  id: IdSchema,
  name: z.string().min(1),
  lang: z.enum(['vi', 'en']).default('vi'),
  reach: ReachSchema,
  note,
});

/** A role's escalation chain: the first contact at once, the next after `escalateAfterMinutes` unacknowledged. */
export const ChainSchema = z.strictObject({
  escalateAfterMinutes: minutes.positive(),
  chain: z.array(ContactSchema).min(1),
  note,
});

export const LocalityRulesSchema = z.strictObject({
  localityId: IdSchema,
  note,
  dumping: DumpingRuleSchema.optional(),
  wastewater: WastewaterRuleSchema.optional(),
  devices: DeviceRulesSchema.optional(),
  contacts: z.partialRecord(z.enum(ROLES), ChainSchema).optional(),
});

export const AlertRulesDataSchema = z.strictObject({
  version: z.literal(1),
  note,
  /** Which role receives each kind; kinds not listed keep the default (see DEFAULT_ROLES). */
  roles: z.partialRecord(z.enum(ALERT_KINDS), z.enum(ROLES)).optional(),
  localities: z.array(LocalityRulesSchema).min(1),
});

export type DumpingRule = z.infer<typeof DumpingRuleSchema>;
export type WastewaterRule = z.infer<typeof WastewaterRuleSchema>;
export type OfflineRule = z.infer<typeof OfflineRuleSchema>;
export type StateRule = z.infer<typeof StateRuleSchema>;
export type DeviceRules = z.infer<typeof DeviceRulesSchema>;
export type Reach = z.infer<typeof ReachSchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type Chain = z.infer<typeof ChainSchema>;
export type LocalityRules = z.infer<typeof LocalityRulesSchema>;
export type AlertRulesData = z.infer<typeof AlertRulesDataSchema>;
