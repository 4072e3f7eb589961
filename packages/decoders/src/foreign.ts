/**
 * What the foreign-format decoders share: finding our device by its foreign id and checking that
 * the MQTT login may publish for it, reading a JSON payload without trusting it, bounding
 * timestamps, and converting values to the catalogue's canonical units.
 *
 * Failures are returned as `Fault` values, never thrown, so every path of a decoder ends in a
 * record, a refusal or an ignored message.
 */
import { isUtf8 } from 'node:buffer';
import type { MetricSpec, RefusalReason } from '@hpg/contracts';
import type { DevicePlacement, ExternalDevice, ExternalKind } from '@hpg/registry';
import type { z } from 'zod';
import { convertUnit, type DecodeContext, type RawMessage, refuse } from './outcome.ts';
import type { Routed } from './routed.ts';
import { reasonFromIssues } from './zod-reason.ts';

/** A reason to refuse the message, with the detail an operator needs. */
export class Fault {
  readonly reason: RefusalReason;
  readonly detail: string;
  /** Our device, when the fault names one (e.g. the device a login may not publish for). */
  readonly deviceId: string | null;
  constructor(reason: RefusalReason, detail: string, deviceId: string | null = null) {
    this.reason = reason;
    this.detail = detail;
    this.deviceId = deviceId;
  }
}

/** The one-element answer refusing `msg` for `f`. */
export function refused(msg: RawMessage, ctx: DecodeContext, f: Fault, deviceId: string | null = null): Routed[] {
  return [refuse(msg, ctx, f.reason, f.detail, deviceId ?? f.deviceId)];
}

export function tooLarge(msg: RawMessage, ctx: DecodeContext): Fault | undefined {
  return msg.payload.length > ctx.limits.maxPayloadBytes
    ? new Fault('payload_too_large', `${msg.payload.length} bytes, limit ${ctx.limits.maxPayloadBytes}`)
    : undefined;
}

/** The payload as text: within the size limit and valid UTF-8. */
export function payloadText(msg: RawMessage, ctx: DecodeContext): string | Fault {
  const big = tooLarge(msg, ctx);
  if (big !== undefined) return big;
  if (!isUtf8(msg.payload)) return new Fault('invalid_encoding', 'payload is not valid UTF-8');
  return msg.payload.toString('utf8');
}

/** The payload as a JSON object (`__proto__` stays an own data key: JSON.parse never sets a prototype). */
export function jsonObject(msg: RawMessage, ctx: DecodeContext): Record<string, unknown> | Fault {
  const text = payloadText(msg, ctx);
  if (text instanceof Fault) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return new Fault('malformed_json', (err as Error).message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return new Fault('invalid_type', '(payload): expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Validates with a schema; the first issue decides the reason, as for our own API. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, path = ''): z.infer<S> | Fault {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { reason, detail } = reasonFromIssues(input, r.error);
  return new Fault(reason, path === '' ? detail : `${path}.${detail}`);
}

/**
 * The enabled devices bound to a foreign id, each of which the publisher may publish for: the
 * device itself, or the gateway device its binding names in `publishedBy`. A transport that does
 * not know the publisher (`null`: an external broker enforces its own ACL) is not checked here.
 */
export function boundDevices<K extends ExternalKind>(
  kind: K,
  id: string,
  msg: RawMessage,
  ctx: DecodeContext,
): readonly ExternalDevice<K>[] | Fault {
  const found = ctx.registry.allByExternal(kind, id);
  if (found.length === 0) {
    return new Fault('unknown_device', `no enabled device is bound to ${kind} "${id.slice(0, 128)}"`);
  }
  if (msg.publisher !== null) {
    for (const d of found) {
      const device = d.placement.device.id;
      if (msg.publisher !== device && msg.publisher !== d.binding.publishedBy) {
        return new Fault(
          'not_authorised',
          `publisher "${msg.publisher}" may not publish for ${kind} "${id}" (device "${device}"${d.binding.publishedBy === undefined ? '' : `, published by "${d.binding.publishedBy}"`})`,
          device,
        );
      }
    }
  }
  return found;
}

/** Bounds an instant (epoch ms) by the clock skew and the accepted age. */
export function checkInstant(ms: number, field: string, msg: RawMessage, ctx: DecodeContext): number | Fault {
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return new Fault('timestamp_invalid', `${field}: not a time`);
  if (ms - msg.receivedAt > ctx.limits.maxFutureSkewMs) {
    return new Fault(
      'timestamp_in_future',
      `${field}: ${new Date(ms).toISOString()} is ${Math.round((ms - msg.receivedAt) / 1000)} s ahead of the receive time`,
    );
  }
  if (msg.receivedAt - ms > ctx.limits.maxAgeMs) {
    return new Fault('timestamp_too_old', `${field}: ${new Date(ms).toISOString()} is older than the accepted age`);
  }
  return ms;
}

/** Unix seconds (possibly fractional, as Frigate and OpenDTU send) to epoch ms. */
export const unixSecondsToMs = (s: number): number => Math.round(s * 1000);

/** A value in a stated unit to the metric's canonical unit, within its physical bounds. */
export function canonical(
  catalogue: Readonly<Record<string, MetricSpec>>,
  metric: string,
  value: number,
  unit: string,
  field: string,
): number | Fault {
  const spec = catalogue[metric];
  if (spec === undefined) return new Fault('unknown_metric', `${field}: no metric "${metric}"`);
  if (!Number.isFinite(value)) return new Fault('non_finite_number', `${field}: ${value} is not a finite number`);
  const v = convertUnit(spec, value, unit);
  if (v === undefined) return new Fault('invalid_unit', `${field}: unit "${unit}" is not accepted for ${metric}`);
  if (v < spec.min || v > spec.max) {
    return new Fault('out_of_range', `${field}: ${value} ${unit} is outside ${spec.min}..${spec.max} ${spec.unit}`);
  }
  return v;
}

/** The zones that count for a camera: its binding's, else its camera spot's. */
export function cameraZones(p: DevicePlacement, bindingZones: readonly string[] | undefined): readonly string[] {
  if (bindingZones !== undefined) return bindingZones;
  return p.site.kind === 'camera_spot' ? p.site.zones : [];
}

/** Splits the topic below `prefix/` into levels; `undefined` when the topic is not under it. */
export function levelsUnder(topic: string, prefix: string): string[] | undefined {
  return topic.startsWith(`${prefix}/`) ? topic.slice(prefix.length + 1).split('/') : undefined;
}
