/**
 * Names of the InfluxDB schema (described in full at the top of influx-store.ts), shared by the
 * code that writes points and the code that reads them back.
 */
import { MEASUREMENTS, type Measurement } from '@hpg/contracts';

export const READING_MEASUREMENTS: readonly Measurement[] = MEASUREMENTS;
export const DETECTIONS = 'detections';
export const REFUSALS = 'refusals';
export const INDICATORS = 'indicators';

/** Tags. Only identity goes into tags: a tag is part of the series key. */
export const TAG = {
  device: 'device',
  channel: 'channel',
  eventId: 'event_id',
  reason: 'reason',
  indicator: 'indicator',
  scope: 'scope',
  period: 'period',
} as const;

/**
 * The string field of a reading that lists the field keys written with it. InfluxDB merges a
 * rewrite of a point into the old one (the union of both field sets), so a metric the newer
 * write left out would otherwise come back from the older one.
 */
export const FIELD_KEYS = 'field_keys';

/**
 * The string field of a detection or refusal naming its null fields, comma-separated: a null is
 * a missing field, and without this list a rewrite could not clear a field an older write set.
 */
export const NULL_FIELDS = 'null_fields';

/** Fields every reading has, besides its values, qualities and states. */
export const READING_FIELD = {
  site: 'site',
  locality: 'locality',
  receivedAt: 'received_at',
  source: 'source',
} as const;

/** Keys a value or quality may not take: they name a tag or a fixed field in the same point. */
export const RESERVED_READING_KEYS: ReadonlySet<string> = new Set([
  'time',
  TAG.device,
  TAG.channel,
  FIELD_KEYS,
  ...Object.values(READING_FIELD),
]);

export const STATE_PREFIX = 's_';
export const QUALITY_SUFFIX = '_q';

/**
 * Whether a metric name can be a field key of its own: one starting with `s_` or ending in `_q`
 * would be read back as a state or a quality, so it is refused rather than mixed up.
 */
export function isValueKeyAllowed(key: string): boolean {
  return (
    key !== '' && !key.startsWith(STATE_PREFIX) && !key.endsWith(QUALITY_SUFFIX) && !RESERVED_READING_KEYS.has(key)
  );
}

export type FieldKind = 'value' | 'state' | 'quality';

/** Which part of a reading a field key belongs to, and the key within it. */
export function readingFieldOf(fieldKey: string): { kind: FieldKind; key: string } {
  if (fieldKey.startsWith(STATE_PREFIX)) return { kind: 'state', key: fieldKey.slice(STATE_PREFIX.length) };
  if (fieldKey.endsWith(QUALITY_SUFFIX)) return { kind: 'quality', key: fieldKey.slice(0, -QUALITY_SUFFIX.length) };
  return { kind: 'value', key: fieldKey };
}

export const DETECTION_FIELD = {
  site: 'site',
  locality: 'locality',
  phase: 'phase',
  ts: 'ts',
  receivedAt: 'received_at',
  label: 'label',
  score: 'score',
  zone: 'zone',
  box: 'box',
  snapshotUrl: 'snapshot_url',
  snapshotSha256: 'snapshot_sha256',
  endedAt: 'ended_at',
  source: 'source',
} as const;

export const REFUSAL_FIELD = {
  id: 'id',
  detail: 'detail',
  topic: 'topic',
  device: 'device',
  publisher: 'publisher',
  raw: 'raw',
  rawSize: 'raw_size',
  truncated: 'truncated',
} as const;

export const INDICATOR_FIELD = {
  to: 'window_to',
  scopeKind: 'scope_kind',
  locality: 'locality',
  label: 'label',
  value: 'value',
  unit: 'unit',
  target: 'target',
  computedAt: 'computed_at',
} as const;
