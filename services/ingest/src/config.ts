import { FormatsConfigSchema } from '@hpg/decoders';
import { z } from 'zod';

/** Ingest's settings; the limits are what a device may send (defaults per the foundation issue). */
export const IngestConfigSchema = z.object({
  maxPayloadBytes: z
    .number()
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  maxFutureSkewSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Late data is accepted up to this age (stations keep 60 days of logs: Circular 10/2021). */
  maxAgeDays: z.number().int().min(1).max(3650).default(400),
  /** Foreign device formats: on/off, topic prefixes, Frigate's filters (README "Supported device formats"). */
  formats: FormatsConfigSchema.prefault({}),
});
export type IngestConfig = z.infer<typeof IngestConfigSchema>;

export const INGEST_ENV = {
  HPG_MAX_PAYLOAD_BYTES: {
    path: 'ingest.maxPayloadBytes',
    type: 'int',
    description: 'largest accepted payload, bytes',
  },
  HPG_MAX_FUTURE_SKEW_SECONDS: {
    path: 'ingest.maxFutureSkewSeconds',
    type: 'int',
    description: 'how far ahead of now a timestamp may be',
  },
  HPG_MAX_AGE_DAYS: { path: 'ingest.maxAgeDays', type: 'int', description: 'oldest accepted timestamp, days' },
  HPG_FRIGATE_ENABLED: {
    path: 'ingest.formats.frigate.enabled',
    type: 'bool',
    description: 'decode Frigate NVR events',
  },
  HPG_FRIGATE_PREFIX: {
    path: 'ingest.formats.frigate.prefix',
    type: 'string',
    description: "Frigate's MQTT topic_prefix",
  },
  HPG_FRIGATE_BASE_URL: {
    path: 'ingest.formats.frigate.baseUrl',
    type: 'string',
    description: 'Frigate HTTP base URL for snapshot links',
  },
  HPG_FRIGATE_LABELS: {
    path: 'ingest.formats.frigate.labels',
    type: 'list',
    description: 'Frigate labels kept (comma-separated; empty: all)',
  },
  HPG_FRIGATE_MIN_SCORE: {
    path: 'ingest.formats.frigate.minScore',
    type: 'number',
    description: 'lowest Frigate score kept, 0..1',
  },
  HPG_ONVIF_ENABLED: {
    path: 'ingest.formats.onvif.enabled',
    type: 'bool',
    description: 'decode ONVIF onvif-ej events',
  },
  HPG_ONVIF_PREFIX: { path: 'ingest.formats.onvif.prefix', type: 'string', description: 'ONVIF TopicPrefix root' },
  HPG_OPENDTU_ENABLED: { path: 'ingest.formats.opendtu.enabled', type: 'bool', description: 'decode OpenDTU topics' },
  HPG_OPENDTU_PREFIX: { path: 'ingest.formats.opendtu.prefix', type: 'string', description: 'OpenDTU base topic' },
  HPG_TASMOTA_ENABLED: { path: 'ingest.formats.tasmota.enabled', type: 'bool', description: 'decode Tasmota energy' },
  HPG_TASMOTA_PREFIX: {
    path: 'ingest.formats.tasmota.prefix',
    type: 'string',
    description: 'Tasmota telemetry prefix',
  },
  HPG_SUNSPEC_ENABLED: { path: 'ingest.formats.sunspec.enabled', type: 'bool', description: 'decode SunSpec JSON' },
  HPG_SUNSPEC_PREFIX: { path: 'ingest.formats.sunspec.prefix', type: 'string', description: 'SunSpec bridge prefix' },
} as const;
