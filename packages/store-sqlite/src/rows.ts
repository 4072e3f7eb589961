/**
 * Rows back into contract records. The tables are STRICT, so each column holds the type it was
 * declared with and the casts below restate the schema rather than guess.
 */
import type { SQLOutputValue } from 'node:sqlite';
import type {
  Detection,
  IndicatorPoint,
  Measurement,
  Reading,
  Refusal,
  RefusalReason,
  StationStatus,
} from '@hpg/contracts';

type Row = Record<string, SQLOutputValue>;

/** Empty maps are stored as NULL (most readings have no states or quality). */
export function mapToText(map: Readonly<Record<string, unknown>>): string | null {
  for (const _ in map) return JSON.stringify(map);
  return null;
}

function textToMap<V>(text: SQLOutputValue): Record<string, V> {
  return text === null ? {} : (JSON.parse(text as string) as Record<string, V>);
}

export function toReading(row: Row): Reading {
  return {
    v: 1,
    measurement: row.measurement as Measurement,
    deviceId: row.device_id as string,
    siteId: row.site_id as string,
    localityId: row.locality_id as string,
    channel: row.channel as string,
    ts: row.ts as number,
    receivedAt: row.received_at as number,
    values: textToMap<number>(row.vals ?? null),
    states: textToMap<string>(row.states ?? null),
    quality: textToMap<StationStatus>(row.quality ?? null),
    source: row.source as string,
  };
}

export function toDetection(row: Row): Detection {
  return {
    v: 1,
    deviceId: row.device_id as string,
    siteId: row.site_id as string,
    localityId: row.locality_id as string,
    eventId: row.event_id as string,
    phase: row.phase as Detection['phase'],
    ts: row.ts as number,
    receivedAt: row.received_at as number,
    label: row.label as string,
    score: row.score as number,
    zone: row.zone as string | null,
    box: row.box === null ? null : (JSON.parse(row.box as string) as [number, number, number, number]),
    snapshotUrl: row.snapshot_url as string | null,
    snapshotSha256: row.snapshot_sha256 as string | null,
    startedAt: row.started_at as number,
    endedAt: row.ended_at as number | null,
    source: row.source as string,
  };
}

export function toRefusal(row: Row): Refusal {
  return {
    v: 1,
    id: row.id as string,
    receivedAt: row.received_at as number,
    reason: row.reason as RefusalReason,
    detail: row.detail as string,
    topic: row.topic as string,
    deviceId: row.device_id as string | null,
    publisher: row.publisher as string | null,
    raw: row.raw as string,
    rawSize: row.raw_size as number,
    truncated: row.truncated === 1,
  };
}

export function toIndicatorPoint(row: Row): IndicatorPoint {
  return {
    v: 1,
    indicator: row.indicator as string,
    scopeKind: row.scope_kind as IndicatorPoint['scopeKind'],
    scopeId: row.scope_id as string,
    localityId: row.locality_id as string,
    period: row.period as IndicatorPoint['period'],
    label: row.label as string,
    from: row.window_from as number,
    to: row.window_to as number,
    value: row.value as number | null,
    unit: row.unit as string,
    target: row.target === null ? null : (JSON.parse(row.target as string) as IndicatorPoint['target']),
    computedAt: row.computed_at as number,
  };
}
