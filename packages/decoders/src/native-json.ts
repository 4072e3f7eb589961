/**
 * Decoder of our own device JSON API v1 (topics `hpg/v1/devices/{deviceId}/{message}`).
 *
 * The checks run cheapest first, and the first failure decides the reason code, so a message has
 * exactly one reason. Nothing here throws on input: every path ends in a record or a refusal.
 */
import { isUtf8 } from 'node:buffer';
import {
  type DetectionEvent,
  type DeviceMessageKind,
  deviceMessages,
  type EvConnectorStatus,
  type EvMeterValues,
  type EvSession,
  evMeterMetrics,
  isDeviceMessageKind,
  type Measurement,
  type MeterReading,
  type MetricSpec,
  meterMetrics,
  parseDeviceTime,
  parseDeviceTopic,
  type Reading,
  type SolarTelemetry,
  type StationStatus,
  solarMetrics,
  type WastewaterSample,
  wastewaterMetrics,
} from '@hpg/contracts';
import type { DevicePlacement } from '@hpg/registry';
import {
  convertUnit,
  type DecodeContext,
  emptyReading,
  type Outcome,
  preview,
  type RawMessage,
  refuse,
} from './outcome.ts';
import { reasonFromIssues } from './zod-reason.ts';

export const NATIVE_SOURCE = 'hpg-json/v1';

class Refused {
  readonly reason: Parameters<typeof refuse>[2];
  readonly detail: string;
  constructor(reason: Parameters<typeof refuse>[2], detail: string) {
    this.reason = reason;
    this.detail = detail;
  }
}

interface MetricInput {
  readonly value: number;
  readonly unit: string;
  readonly status?: StationStatus;
}

/** Converts stated units to canonical ones and checks physical bounds. */
function convertMetrics(
  catalogue: Readonly<Record<string, MetricSpec>>,
  metrics: Readonly<Partial<Record<string, MetricInput>>>,
  values: Record<string, number>,
  quality?: Record<string, StationStatus>,
): Refused | undefined {
  for (const name in metrics) {
    const m = metrics[name];
    const spec = catalogue[name];
    if (m === undefined || spec === undefined) continue;
    const v = convertUnit(spec, m.value, m.unit);
    if (v === undefined) {
      return new Refused(
        'invalid_unit',
        `metrics.${name}.unit: "${m.unit}" is not accepted (use one of: ${Object.keys(spec.accepts).filter(Boolean).join(', ')})`,
      );
    }
    if (v < spec.min || v > spec.max) {
      return new Refused(
        'out_of_range',
        `metrics.${name}.value: ${m.value} ${m.unit} is outside ${spec.min}..${spec.max} ${spec.unit}`,
      );
    }
    values[name] = v;
    if (quality !== undefined && m.status !== undefined) quality[name] = m.status;
  }
  return undefined;
}

function checkTime(s: string, field: string, msg: RawMessage, ctx: DecodeContext, tz: string): number | Refused {
  const ms = parseDeviceTime(s, tz);
  if (ms === undefined) return new Refused('timestamp_invalid', `${field}: "${s}" is not an ISO 8601 date-time`);
  if (ms - msg.receivedAt > ctx.limits.maxFutureSkewMs) {
    return new Refused(
      'timestamp_in_future',
      `${field}: ${new Date(ms).toISOString()} is ${Math.round((ms - msg.receivedAt) / 1000)} s ahead of the receive time`,
    );
  }
  if (msg.receivedAt - ms > ctx.limits.maxAgeMs) {
    return new Refused('timestamp_too_old', `${field}: ${new Date(ms).toISOString()} is older than the accepted age`);
  }
  return ms;
}

/** An empty reading of this decoder, placed at the device's site and locality. */
function baseReading(
  measurement: Measurement,
  p: DevicePlacement,
  channel: string,
  ts: number,
  receivedAt: number,
): Reading {
  return emptyReading(measurement, p, channel, ts, receivedAt, NATIVE_SOURCE);
}

function build(
  kind: DeviceMessageKind,
  payload: unknown,
  ts: number,
  msg: RawMessage,
  ctx: DecodeContext,
  p: DevicePlacement,
): Outcome | Refused {
  switch (kind) {
    case 'sample': {
      const m = payload as WastewaterSample;
      const r = baseReading('wastewater', p, '', ts, msg.receivedAt);
      return convertMetrics(wastewaterMetrics, m.metrics, r.values, r.quality) ?? { kind: 'reading', record: r };
    }
    case 'telemetry': {
      const m = payload as SolarTelemetry;
      const r = baseReading('solar', p, '', ts, msg.receivedAt);
      if (m.state !== undefined) r.states.state = m.state;
      return convertMetrics(solarMetrics, m.metrics, r.values) ?? { kind: 'reading', record: r };
    }
    case 'meter': {
      const m = payload as MeterReading;
      const r = baseReading('meter', p, '', ts, msg.receivedAt);
      return convertMetrics(meterMetrics, m.metrics, r.values) ?? { kind: 'reading', record: r };
    }
    case 'connector-status': {
      const m = payload as EvConnectorStatus;
      const r = baseReading('ev_status', p, String(m.connectorId), ts, msg.receivedAt);
      r.states.status = m.status;
      if (m.errorCode !== undefined) r.states.errorCode = m.errorCode;
      return { kind: 'reading', record: r };
    }
    case 'meter-values': {
      const m = payload as EvMeterValues;
      const r = baseReading('ev_meter', p, String(m.connectorId), ts, msg.receivedAt);
      if (m.sessionId !== undefined) r.states.sessionId = m.sessionId;
      return convertMetrics(evMeterMetrics, m.metrics, r.values) ?? { kind: 'reading', record: r };
    }
    case 'session': {
      const m = payload as EvSession;
      const r = baseReading('ev_session', p, String(m.connectorId), ts, msg.receivedAt);
      r.states.event = m.event;
      r.states.sessionId = m.sessionId;
      if (m.reason !== undefined) r.states.reason = m.reason;
      const bad = convertMetrics(
        { energy_register: evMeterMetrics.energy_register },
        { energy_register: m.meter },
        r.values,
      );
      return bad ?? { kind: 'reading', record: r };
    }
    case 'detection': {
      const m = payload as DetectionEvent;
      const startedAt = checkTime(m.startedAt, 'startedAt', msg, ctx, p.site.timeZone);
      if (startedAt instanceof Refused) return startedAt;
      let endedAt: number | null = null;
      if (m.endedAt !== undefined && m.endedAt !== null) {
        const e = checkTime(m.endedAt, 'endedAt', msg, ctx, p.site.timeZone);
        if (e instanceof Refused) return e;
        endedAt = e;
      }
      return {
        kind: 'detection',
        record: {
          v: 1,
          deviceId: p.device.id,
          siteId: p.site.id,
          localityId: p.locality.id,
          eventId: m.eventId,
          phase: m.phase,
          ts,
          receivedAt: msg.receivedAt,
          label: m.label,
          score: m.score,
          zone: m.zone ?? null,
          box: m.box ?? null,
          snapshotUrl: m.snapshot?.url ?? null,
          snapshotSha256: m.snapshot?.sha256 ?? null,
          startedAt,
          endedAt,
          source: NATIVE_SOURCE,
        },
      };
    }
  }
}

/** Decodes one message of our JSON device API into exactly one outcome. */
export function decodeNativeJson(msg: RawMessage, ctx: DecodeContext): Outcome {
  const topic = parseDeviceTopic(msg.topic);
  const topicDevice = topic?.deviceId ?? null;
  if (msg.payload.length > ctx.limits.maxPayloadBytes) {
    return refuse(
      msg,
      ctx,
      'payload_too_large',
      `${msg.payload.length} bytes, limit ${ctx.limits.maxPayloadBytes}`,
      topicDevice,
    );
  }
  if (topic === undefined || !isDeviceMessageKind(topic.message)) {
    return refuse(msg, ctx, 'unknown_topic', `"${msg.topic}" is not hpg/v1/devices/{deviceId}/{message}`, topicDevice);
  }
  const kind = topic.message;
  const placement = ctx.registry.placement(topic.deviceId);
  if (placement === undefined) {
    return refuse(
      msg,
      ctx,
      'unknown_device',
      `device "${topic.deviceId}" is not registered or is disabled`,
      topicDevice,
    );
  }
  if (msg.publisher !== null && msg.publisher !== topic.deviceId) {
    return refuse(
      msg,
      ctx,
      'not_authorised',
      `publisher "${msg.publisher}" may not publish for "${topic.deviceId}"`,
      topicDevice,
    );
  }
  const spec = deviceMessages[kind];
  if (spec.deviceKind !== placement.device.kind) {
    return refuse(
      msg,
      ctx,
      'message_not_allowed',
      `"${kind}" is a ${spec.deviceKind} message; device "${topic.deviceId}" is a ${placement.device.kind}`,
      topicDevice,
    );
  }
  if (!isUtf8(msg.payload)) return refuse(msg, ctx, 'invalid_encoding', 'payload is not valid UTF-8', topicDevice);
  let payload: unknown;
  try {
    payload = JSON.parse(msg.payload.toString('utf8'));
  } catch (err) {
    return refuse(msg, ctx, 'malformed_json', (err as Error).message, topicDevice);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return refuse(msg, ctx, 'invalid_type', '(payload): expected a JSON object', topicDevice);
  }
  const obj = payload as Record<string, unknown>;
  if (obj.v !== 1) {
    return obj.v === undefined
      ? refuse(msg, ctx, 'missing_field', 'v: the schema version is required (1)', topicDevice)
      : refuse(msg, ctx, 'unsupported_version', `v: ${preview(obj.v)} is not a supported version (1)`, topicDevice);
  }
  if (typeof obj.deviceId === 'string' && obj.deviceId !== topic.deviceId) {
    return refuse(
      msg,
      ctx,
      'device_mismatch',
      `payload deviceId "${obj.deviceId.slice(0, 128)}" differs from the topic's "${topic.deviceId}"`,
      topicDevice,
    );
  }
  const parsed = spec.schema.safeParse(payload);
  if (!parsed.success) {
    const { reason, detail } = reasonFromIssues(payload, parsed.error);
    return refuse(msg, ctx, reason, detail, topicDevice);
  }
  const data = parsed.data as { ts: string };
  const ts = checkTime(data.ts, 'ts', msg, ctx, placement.site.timeZone);
  if (ts instanceof Refused) return refuse(msg, ctx, ts.reason, ts.detail, topicDevice);
  const out = build(kind, parsed.data, ts, msg, ctx, placement);
  return out instanceof Refused ? refuse(msg, ctx, out.reason, out.detail, topicDevice) : out;
}
