import {
  type Detection,
  type Measurement,
  type MetricSpec,
  type Reading,
  type Refusal,
  type RefusalReason,
  toCanonical,
} from '@hpg/contracts';
import type { DevicePlacement, Registry } from '@hpg/registry';

/** A message as it arrived, before anything is trusted. */
export interface RawMessage {
  readonly topic: string;
  readonly payload: Buffer;
  /** Epoch ms when the platform received it. */
  readonly receivedAt: number;
  /** Authenticated publisher (MQTT username) when the transport knows it; `null` otherwise. */
  readonly publisher: string | null;
}

export type Outcome =
  | { readonly kind: 'reading'; readonly record: Reading }
  | { readonly kind: 'detection'; readonly record: Detection }
  | { readonly kind: 'refusal'; readonly record: Refusal };

export interface DecodeLimits {
  /** Payloads above this are refused (default 64 KiB). */
  readonly maxPayloadBytes: number;
  /** Timestamps further ahead of the receive time than this are refused (default 5 min). */
  readonly maxFutureSkewMs: number;
  /** Timestamps older than this are refused (late data inside it is accepted). */
  readonly maxAgeMs: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxPayloadBytes: 64 * 1024,
  maxFutureSkewMs: 5 * 60_000,
  maxAgeMs: 400 * 86_400_000,
};

export interface DecodeContext {
  readonly registry: Registry;
  readonly limits: DecodeLimits;
  /** Id for a refusal record (random in production, counted in tests). */
  readonly newId: () => string;
}

/** Builds a refusal that keeps the raw bytes (up to the payload limit) and the reason. */
export function refuse(
  msg: RawMessage,
  ctx: DecodeContext,
  reason: RefusalReason,
  detail: string,
  deviceId: string | null,
): Outcome {
  const size = msg.payload.length;
  const truncated = size > ctx.limits.maxPayloadBytes;
  const kept = truncated ? msg.payload.subarray(0, ctx.limits.maxPayloadBytes) : msg.payload;
  return {
    kind: 'refusal',
    record: {
      v: 1,
      id: ctx.newId(),
      receivedAt: msg.receivedAt,
      reason,
      detail: detail.length > 2048 ? `${detail.slice(0, 2045)}...` : detail,
      topic: msg.topic.length > 1024 ? msg.topic.slice(0, 1024) : msg.topic,
      deviceId: deviceId !== null && deviceId.length > 128 ? deviceId.slice(0, 128) : deviceId,
      publisher: msg.publisher,
      raw: kept.toString('base64'),
      rawSize: size,
      truncated,
    },
  };
}

/** An empty reading of a device at its placement; decoders fill values, states and quality. */
export function emptyReading(
  measurement: Measurement,
  p: DevicePlacement,
  channel: string,
  ts: number,
  receivedAt: number,
  source: string,
): Reading {
  return {
    v: 1,
    measurement,
    deviceId: p.device.id,
    siteId: p.site.id,
    localityId: p.locality.id,
    channel,
    ts,
    receivedAt,
    values: {},
    states: {},
    quality: {},
    source,
  };
}

/**
 * A value in a stated unit converted to the metric's canonical unit; `undefined` when the metric
 * does not accept the unit. Only the catalogue's own units count: a "unit" named like an
 * Object.prototype member (`constructor`, `__proto__`, `toString`) would otherwise find an
 * inherited function and convert the value to NaN.
 */
export function convertUnit(spec: MetricSpec, value: number, unit: string): number | undefined {
  return Object.hasOwn(spec.accepts, unit) ? toCanonical(spec, value, unit) : undefined;
}

/** An untrusted JSON value for a refusal detail: short, and without serialising a deep structure. */
export function preview(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
