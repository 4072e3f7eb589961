/**
 * Bus records and the typed bus topic map. Producers and consumers are typed from this map, so
 * they cannot disagree; every consumer validates what it receives with the same schema.
 *
 * On Kafka each record is JSON, keyed by device id (per-device ordering); the in-process bus
 * passes the validated objects.
 */
import { z } from 'zod';
import { AlertNoticeSchema } from './alerts.ts';
import { IdSchema, StationStatusSchema } from './device-api.ts';
import { MEASUREMENTS } from './device-kinds.ts';
import { IndicatorPointSchema } from './indicators.ts';
import { REFUSAL_REASON_CODES } from './refusals.ts';

const epochMs = z.number().int().min(0);

/**
 * A normalised reading: one point in time of one device (and channel), values in the canonical
 * units of the metric catalogue (metrics.ts), time in UTC epoch milliseconds.
 * Identity: (measurement, deviceId, channel, ts); writing it twice leaves one point.
 */
export const ReadingSchema = z.object({
  v: z.literal(1),
  measurement: z.enum(MEASUREMENTS),
  deviceId: IdSchema,
  siteId: IdSchema,
  localityId: IdSchema,
  /** Sub-series of the device: the connector of a charger, '' when the device has one series. */
  channel: z.string().max(32),
  ts: epochMs,
  receivedAt: epochMs,
  /** Numeric values by metric name, canonical units. */
  values: z.record(z.string(), z.number()),
  /** Enumerated states and identifiers (inverter state, connector status, session id…). */
  states: z.record(z.string(), z.string()),
  /** Device status per value, for station values: measuring / calibrating / error. */
  quality: z.record(z.string(), StationStatusSchema),
  /** Which decoder produced it, e.g. `hpg-json/v1`. */
  source: z.string().max(64),
});
export type Reading = z.infer<typeof ReadingSchema>;

/**
 * A camera detection (one tracked object), latest state. Identity: (deviceId, eventId); an update
 * of the same event replaces the previous state.
 */
export const DetectionSchema = z.object({
  v: z.literal(1),
  deviceId: IdSchema,
  siteId: IdSchema,
  localityId: IdSchema,
  eventId: z.string().min(1).max(128),
  phase: z.enum(['start', 'update', 'end']),
  ts: epochMs,
  receivedAt: epochMs,
  label: z.string(),
  score: z.number().min(0).max(1),
  zone: z.string().nullable(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  snapshotUrl: z.string().nullable(),
  snapshotSha256: z.string().nullable(),
  startedAt: epochMs,
  endedAt: epochMs.nullable(),
  source: z.string().max(64),
});
export type Detection = z.infer<typeof DetectionSchema>;

/** Refused input with its reason and the raw bytes (base64), never dropped in silence. */
export const RefusalSchema = z.object({
  v: z.literal(1),
  /** Unique id given at refusal; replaying the record does not duplicate it. */
  id: z.string().min(1).max(64),
  receivedAt: epochMs,
  reason: z.enum(REFUSAL_REASON_CODES),
  /** Human-readable detail: the field path and what was wrong. */
  detail: z.string().max(2048),
  /** Where it arrived: an MQTT topic, or another channel's name. */
  topic: z.string().max(1024),
  /** Device named by the topic or payload, when one could be read. */
  deviceId: z.string().max(128).nullable(),
  /** Authenticated publisher (MQTT username), when known. */
  publisher: z.string().max(128).nullable(),
  raw: z.string(),
  /** Size of the payload as received; `raw` keeps at most the payload limit (then truncated). */
  rawSize: z.number().int().min(0),
  truncated: z.boolean(),
});
export type Refusal = z.infer<typeof RefusalSchema>;

interface BusTopicSpec {
  readonly name: string;
  readonly schema: z.ZodType;
}

/**
 * The bus topics. Key = device id for device data (refusals without a device use their topic);
 * indicator points are keyed by indicator and scope.
 */
export const busTopics = {
  /** Producer: ingest (and later protocol gateways). Consumers: writer, alerts, indicators. */
  readings: { name: 'hpg.readings.v1', schema: ReadingSchema },
  /** Producer: ingest. Consumers: writer, alerts. */
  detections: { name: 'hpg.detections.v1', schema: DetectionSchema },
  /** Producer: ingest. Consumer: writer (kept for the API), operators. */
  refusals: { name: 'hpg.refusals.v1', schema: RefusalSchema },
  /** Producer: the indicator service (key: indicator and scope). Consumers: alerts, exports, dashboards' feeds. */
  indicators: { name: 'hpg.indicators.v1', schema: IndicatorPointSchema },
  /** Producer: the alert service (key: alert id). Consumers: dashboards' feeds, partner systems. */
  alerts: { name: 'hpg.alerts.v1', schema: AlertNoticeSchema },
} as const satisfies Record<string, BusTopicSpec>;

export type BusTopicKey = keyof typeof busTopics;
export type BusRecordOf<K extends BusTopicKey> = z.infer<(typeof busTopics)[K]['schema']>;
