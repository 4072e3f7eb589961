/**
 * Our own documented device JSON API, version 1: one schema per MQTT message kind.
 *
 * Every message carries the envelope `v` (schema version), `deviceId` and `ts` (ISO 8601; UTC
 * with `Z` or an offset, or local time of the device's site when it has no offset). Values are
 * never coerced: a string where a number belongs is a refusal. Unknown extra keys are accepted
 * and ignored so devices can add fields without breaking; unknown metric names are refused
 * because a metric that cannot be stored would otherwise be lost in silence.
 */
import { z } from 'zod';
import { evMeterMetrics, meterMetrics, solarMetrics, wastewaterMetrics } from './metrics.ts';

/** Device, site and locality ids: safe as MQTT topic levels, Kafka keys and InfluxDB tags. */
export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_", "-"; at most 64');

/** ISO 8601 date-time; parsed and bounded by the ingest normaliser (see time.ts). */
export const TimestampSchema = z.string().min(10).max(40);

const envelope = {
  v: z.literal(1),
  deviceId: IdSchema,
  ts: TimestampSchema,
};

export const MetricValueSchema = z.object({
  value: z.number(),
  unit: z.string().max(16),
});

/** Device status of a station value, as the data logger reports it (Circular 10/2021: 00/01/02). */
export const StationStatusSchema = z.enum(['measuring', 'calibrating', 'error']);
export type StationStatus = z.infer<typeof StationStatusSchema>;

export const StationValueSchema = MetricValueSchema.extend({ status: StationStatusSchema });

function metricsOf<K extends string, S extends z.ZodType>(keys: readonly [K, ...K[]], value: S) {
  return z.partialRecord(z.enum(keys), value).refine((m) => Object.keys(m).length > 0, 'at least one metric');
}

const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** Topic .../sample — a wastewater station's measurement set. */
export const WastewaterSampleSchema = z.object({
  ...envelope,
  metrics: metricsOf(keysOf(wastewaterMetrics), StationValueSchema),
});

/** SunSpec inverter operating states (model 101/103 `St`), lower-cased. */
export const InverterStateSchema = z.enum([
  'off',
  'sleeping',
  'starting',
  'mppt',
  'throttled',
  'shutting_down',
  'fault',
  'standby',
]);

/** Topic .../telemetry — rooftop-solar inverter. */
export const SolarTelemetrySchema = z.object({
  ...envelope,
  metrics: metricsOf(keysOf(solarMetrics), MetricValueSchema),
  state: InverterStateSchema.optional(),
});

/** Topic .../meter — a site energy meter. */
export const MeterReadingSchema = z.object({
  ...envelope,
  metrics: metricsOf(keysOf(meterMetrics), MetricValueSchema),
});

/** OCPP 1.6 ChargePointStatus, plus 2.0.1's `Occupied`. */
export const ConnectorStatusSchema = z.enum([
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEVSE',
  'SuspendedEV',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
  'Occupied',
]);
export type ConnectorStatus = z.infer<typeof ConnectorStatusSchema>;

const connectorId = z.number().int().min(0).max(64);
const sessionId = z.string().min(1).max(64);

/** Topic .../connector-status — EV charger connector status change. */
export const EvConnectorStatusSchema = z.object({
  ...envelope,
  connectorId,
  status: ConnectorStatusSchema,
  errorCode: z.string().max(64).optional(),
});

/** Topic .../meter-values — EV charger meter values of one connector. */
export const EvMeterValuesSchema = z.object({
  ...envelope,
  connectorId,
  sessionId: sessionId.optional(),
  metrics: metricsOf(keysOf(evMeterMetrics), MetricValueSchema),
});

/** Topic .../session — a charging session starts or stops (meter register at that moment). */
export const EvSessionSchema = z.object({
  ...envelope,
  connectorId,
  sessionId,
  event: z.enum(['start', 'stop']),
  meter: MetricValueSchema,
  reason: z.string().max(64).optional(),
});

/** Box in pixels [x1, y1, x2, y2] as Frigate reports it. */
export const BoxSchema = z.tuple([z.number().min(0), z.number().min(0), z.number().min(0), z.number().min(0)]);

/** Topic .../detection — a camera's dumping detection (one tracked object, by event id). */
export const DetectionEventSchema = z.object({
  ...envelope,
  eventId: z.string().min(1).max(128),
  phase: z.enum(['start', 'update', 'end']),
  label: z.string().min(1).max(64),
  score: z.number().min(0).max(1),
  zone: z.string().min(1).max(64).nullable().optional(),
  box: BoxSchema.nullable().optional(),
  snapshot: z
    .object({
      url: z.string().max(2048).optional(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    })
    .nullable()
    .optional(),
  startedAt: TimestampSchema,
  endedAt: TimestampSchema.nullable().optional(),
});

export type WastewaterSample = z.infer<typeof WastewaterSampleSchema>;
export type SolarTelemetry = z.infer<typeof SolarTelemetrySchema>;
export type MeterReading = z.infer<typeof MeterReadingSchema>;
export type EvConnectorStatus = z.infer<typeof EvConnectorStatusSchema>;
export type EvMeterValues = z.infer<typeof EvMeterValuesSchema>;
export type EvSession = z.infer<typeof EvSessionSchema>;
export type DetectionEvent = z.infer<typeof DetectionEventSchema>;
