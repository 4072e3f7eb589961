/**
 * Decoder of the provincial transfer files of continuous wastewater stations (Circular 10/2021
 * practice, ../shared/domain/wastewater.md "Continuous monitoring stations"):
 *
 *   name TAB value TAB unit TAB YYYYMMDDhhmmss TAB status        (CRLF or LF line ends)
 *
 * one line per parameter, status `00` measuring, `01` calibrating, `02` device error, the time
 * in local time of the station's site. A station is named by the file name
 * `<station>_<YYYYMMDDhhmmss>.txt` (FTP) or by the MQTT topic `hpg/v1/stations/<station>/file`
 * carrying the same text.
 *
 * One file gives many records: the lines of one timestamp become one `wastewater` reading (values
 * in canonical units, the status of each value in `quality`), and each bad line its own refusal
 * with its line number, while the other lines are kept. Refusal ids derive from the station, the
 * file's bytes and the line number, so processing the same file again writes the same refusals
 * (the store upserts them by id) and the same readings (identity: device and time).
 *
 * Pure: no clock, no randomness, nothing thrown on input.
 */

import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  parseDeviceTime,
  type Reading,
  type Refusal,
  type RefusalReason,
  type StationStatus,
  type WastewaterMetric,
  wastewaterMetrics,
} from '@hpg/contracts';
import type { DevicePlacement } from '@hpg/registry';
import { convertUnit, type DecodeContext, type Outcome, type RawMessage } from './outcome.ts';

export const STATION_FILE_SOURCE = 'tt10-2021/file';

/** MQTT topics carrying a station's transfer file: `hpg/v1/stations/<station>/file`. */
export const STATION_TOPIC_PREFIX = 'hpg/v1/stations/';
export const STATION_FILE_TOPIC_FILTER = `${STATION_TOPIC_PREFIX}+/file`;

/**
 * Parameter symbols of Annex 15 (Table 34) of Circular 10/2021 and the spellings loggers use,
 * matched case-insensitively, to our wastewater metrics. A plain `Flow` is the discharge: the
 * station stands at the outlet and the outflow is the flow the permit judges; inflow must be
 * named (`Flow_in`). Symbols without a metric in the catalogue (TOC, Cl, DO, …) are refused per
 * line (`unknown_metric`): add the metric to contracts/metrics.ts first, then its symbol here.
 */
export const STATION_PARAMETERS: Readonly<Record<string, WastewaterMetric>> = {
  flow: 'flow_out',
  flow_out: 'flow_out',
  flowout: 'flow_out',
  'flow-out': 'flow_out',
  outflow: 'flow_out',
  flow_in: 'flow_in',
  flowin: 'flow_in',
  'flow-in': 'flow_in',
  inflow: 'flow_in',
  temp: 'temperature',
  temperature: 'temperature',
  color: 'color',
  colour: 'color',
  ph: 'ph',
  tss: 'tss',
  cod: 'cod',
  bod: 'bod5',
  bod5: 'bod5',
  nh4: 'nh4',
  'nh4+': 'nh4',
  'n-nh4': 'nh4',
  'nh4-n': 'nh4',
  tn: 'tn',
  tp: 'tp',
};

const STATUS: Readonly<Record<string, StationStatus>> = { '00': 'measuring', '01': 'calibrating', '02': 'error' };

/** `<station>_<YYYYMMDDhhmmss>.txt`; the station code may itself hold underscores. */
const FILE_NAME = /^(.+)_(\d{14})\.txt$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** What the decoder needs beyond the ingest context: how station codes name our devices. */
export interface StationFileContext extends DecodeContext {
  /**
   * Station code → device id, for stations whose code is not their device id. Without an entry
   * the device id is the station code in lower case (`HP_KCN1_NT` → `hp_kcn1_nt`).
   */
  readonly stationDevices?: Readonly<Record<string, string>>;
  /** Bad lines refused one by one per file (default 100); the rest are summed up in one more refusal. */
  readonly maxRefusedLines?: number;
}

export const DEFAULT_MAX_REFUSED_LINES = 100;

export interface StationFileInput {
  /** Station code, from the file name or the topic. */
  readonly station: string;
  /** The file's bytes (at most the payload limit plus one byte when `size` says more). */
  readonly payload: Buffer;
  /** Real size when `payload` is only the beginning of a larger file. */
  readonly size?: number;
  /** Epoch ms the platform received the file. */
  readonly receivedAt: number;
  /** Where it arrived: the MQTT topic, or `station-file:<name>`. */
  readonly origin: string;
  /** Authenticated publisher (MQTT username); `null` for files. */
  readonly publisher: string | null;
}

export interface StationFileResult {
  /** Content key (station + bytes): same file, same key. The base of every refusal id. */
  readonly key: string;
  /** Our device, when the station could be mapped to a registered one. */
  readonly deviceId: string | null;
  /** One per timestamp, oldest first. */
  readonly readings: Reading[];
  /** Per bad line (line order), or one for the whole file. */
  readonly refusals: Refusal[];
  /** Data lines that went into readings. */
  readonly linesAccepted: number;
  /** Data lines refused, listed or summed up (whole-file refusals are not counted here). */
  readonly linesRefused: number;
}

/** The station code and file time of a transfer file name; `undefined` when it is not one. */
export function parseStationFileName(name: string): { station: string; fileTime: string } | undefined {
  const m = FILE_NAME.exec(name);
  if (m === null) return undefined;
  return { station: m[1] as string, fileTime: m[2] as string };
}

/** Station code of a `hpg/v1/stations/<station>/file` topic; `undefined` for other topics. */
export function parseStationTopic(topic: string): string | undefined {
  if (!topic.startsWith(STATION_TOPIC_PREFIX) || !topic.endsWith('/file')) return undefined;
  const station = topic.slice(STATION_TOPIC_PREFIX.length, -'/file'.length);
  return station.length > 0 && !station.includes('/') ? station : undefined;
}

export function isStationFileTopic(topic: string): boolean {
  return parseStationTopic(topic) !== undefined;
}

/** The device id a station code names (mapping table first, else the code in lower case). */
export function stationDeviceId(station: string, stationDevices?: Readonly<Record<string, string>>): string {
  if (stationDevices !== undefined && Object.hasOwn(stationDevices, station)) {
    return stationDevices[station] as string;
  }
  return station.toLowerCase();
}

/** Content key of a transfer file: SHA-256 over the station code and the bytes (hex, 40 chars). */
export function stationFileKey(station: string, payload: Buffer): string {
  return createHash('sha256').update(station).update('\n').update(payload).digest('hex').slice(0, 40);
}

/** Deterministic refusal id: `sf-<key>-<line>`, line 0 for the whole file. */
export function stationRefusalId(key: string, line: number): string {
  return `sf-${key}-${line}`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

interface Builder {
  readonly input: StationFileInput;
  readonly ctx: StationFileContext;
  readonly key: string;
  readonly deviceId: string | null;
}

function refusal(b: Builder, line: number, reason: RefusalReason, detail: string, raw: Buffer, size: number): Refusal {
  const limit = b.ctx.limits.maxPayloadBytes;
  const truncated = size > limit || raw.length > limit;
  const kept = raw.length > limit ? raw.subarray(0, limit) : raw;
  return {
    v: 1,
    id: stationRefusalId(b.key, line),
    receivedAt: b.input.receivedAt,
    reason,
    detail: clip(line > 0 ? `line ${line}: ${detail}` : detail, 2048),
    topic: clip(b.input.origin, 1024),
    deviceId: b.deviceId === null ? null : b.deviceId.slice(0, 128),
    publisher: b.input.publisher,
    raw: kept.toString('base64'),
    rawSize: size,
    truncated,
  };
}

function wholeFile(b: Builder, reason: RefusalReason, detail: string): StationFileResult {
  const size = b.input.size ?? b.input.payload.length;
  return {
    key: b.key,
    deviceId: b.deviceId,
    readings: [],
    refusals: [refusal(b, 0, reason, detail, b.input.payload, size)],
    linesAccepted: 0,
    linesRefused: 0,
  };
}

interface LineValue {
  readonly metric: WastewaterMetric;
  readonly value: number;
  readonly status: StationStatus;
  readonly ts: number;
}

/** Reads one data line; a string is the refusal (reason, detail). */
function readLine(text: string, b: Builder, timeZone: string): LineValue | { reason: RefusalReason; detail: string } {
  const fields = text.split('\t').map((f) => f.trim());
  // A trailing TAB (some loggers end each line with one) leaves empty fields: tolerated.
  while (fields.length > 5 && fields[fields.length - 1] === '') fields.pop();
  if (fields.length !== 5) {
    return {
      reason: 'malformed_line',
      detail: `${fields.length} TAB-separated field(s), expected 5: name, value, unit, YYYYMMDDhhmmss, status`,
    };
  }
  const [name, valueText, unit, timeText, statusText] = fields as [string, string, string, string, string];
  const metric = STATION_PARAMETERS[name.toLowerCase()];
  if (metric === undefined || !Object.hasOwn(STATION_PARAMETERS, name.toLowerCase())) {
    return {
      reason: 'unknown_metric',
      detail: `parameter "${clip(name, 64)}" has no metric here (known: Flow, Flow_in, Temp, Color, pH, TSS, COD, BOD5, NH4, TN, TP)`,
    };
  }
  const t = TIME.exec(timeText);
  const ts = t === null ? undefined : parseDeviceTime(`${t[1]}-${t[2]}-${t[3]}T${t[4]}:${t[5]}:${t[6]}`, timeZone);
  if (ts === undefined) {
    return { reason: 'timestamp_invalid', detail: `time "${clip(timeText, 64)}" is not a date YYYYMMDDhhmmss` };
  }
  if (ts - b.input.receivedAt > b.ctx.limits.maxFutureSkewMs) {
    return {
      reason: 'timestamp_in_future',
      detail: `time ${timeText} (${new Date(ts).toISOString()}) is ${Math.round((ts - b.input.receivedAt) / 1000)} s ahead of the receive time`,
    };
  }
  if (b.input.receivedAt - ts > b.ctx.limits.maxAgeMs) {
    return {
      reason: 'timestamp_too_old',
      detail: `time ${timeText} (${new Date(ts).toISOString()}) is older than the accepted age`,
    };
  }
  const status = Object.hasOwn(STATUS, statusText) ? STATUS[statusText] : undefined;
  if (status === undefined) {
    return {
      reason: 'invalid_value',
      detail: `status "${clip(statusText, 16)}" is not 00 (measuring), 01 (calibrating) or 02 (error)`,
    };
  }
  if (NON_FINITE.test(valueText)) {
    return { reason: 'non_finite_number', detail: `${name}: value "${valueText}" is not a finite number` };
  }
  const stated = NUMBER.test(valueText) ? Number(valueText) : undefined;
  if (stated === undefined) {
    return {
      reason: 'invalid_type',
      detail: `${name}: value "${clip(valueText, 32)}" is not a decimal number (the decimal separator is ".")`,
    };
  }
  if (!Number.isFinite(stated)) {
    return { reason: 'non_finite_number', detail: `${name}: value "${clip(valueText, 32)}" overflows` };
  }
  const spec = wastewaterMetrics[metric];
  const value = convertUnit(spec, stated, unit);
  if (value === undefined) {
    return {
      reason: 'invalid_unit',
      detail: `${name}: unit "${clip(unit, 16)}" is not accepted for ${metric} (use one of: ${Object.keys(spec.accepts).filter(Boolean).join(', ')})`,
    };
  }
  if (value < spec.min || value > spec.max) {
    return {
      reason: 'out_of_range',
      detail: `${name}: ${stated} ${unit} is outside ${spec.min}..${spec.max} ${spec.unit}`,
    };
  }
  return { metric, value, status, ts };
}

/** Decodes one transfer file of a known station code into readings and refusals. */
export function decodeStationFile(input: StationFileInput, ctx: StationFileContext): StationFileResult {
  const key = stationFileKey(input.station, input.payload);
  const deviceId = stationDeviceId(input.station, ctx.stationDevices);
  const named: Builder = { input, ctx, key, deviceId };
  const size = input.size ?? input.payload.length;
  if (size > ctx.limits.maxPayloadBytes) {
    return wholeFile(named, 'payload_too_large', `${size} bytes, limit ${ctx.limits.maxPayloadBytes}`);
  }
  const placement: DevicePlacement | undefined = ctx.registry.placement(deviceId);
  if (placement === undefined) {
    const how =
      ctx.stationDevices !== undefined && Object.hasOwn(ctx.stationDevices, input.station)
        ? 'mapped to'
        : 'names (by convention, in lower case)';
    return wholeFile(
      { ...named, deviceId: clip(input.station, 128) },
      'unknown_device',
      `station "${clip(input.station, 128)}" ${how} device "${clip(deviceId, 128)}", which is not registered or is disabled`,
    );
  }
  if (input.publisher !== null && input.publisher !== deviceId) {
    return wholeFile(
      named,
      'not_authorised',
      `publisher "${clip(input.publisher, 128)}" may not publish for station "${clip(input.station, 128)}" (device "${deviceId}")`,
    );
  }
  if (placement.device.kind !== 'wastewater_station') {
    return wholeFile(
      named,
      'message_not_allowed',
      `a transfer file is a wastewater_station message; device "${deviceId}" is a ${placement.device.kind}`,
    );
  }
  const p = input.payload;
  if ((p[0] === 0xff && p[1] === 0xfe) || (p[0] === 0xfe && p[1] === 0xff)) {
    return wholeFile(named, 'invalid_encoding', 'the file is UTF-16; transfer files are ASCII/UTF-8 text');
  }
  if (!isUtf8(p)) return wholeFile(named, 'invalid_encoding', 'the file is not valid UTF-8 text');

  let text = p.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const lines = text.split('\n');
  const byTs = new Map<number, Reading>();
  const seenAt = new Map<string, number>();
  const refusals: Refusal[] = [];
  const maxListed = ctx.maxRefusedLines ?? DEFAULT_MAX_REFUSED_LINES;
  let refused = 0;
  let omitted: { line: number; reason: RefusalReason; detail: string; raw: Buffer } | undefined;
  const refuseLine = (line: number, reason: RefusalReason, detail: string, raw: Buffer) => {
    refused++;
    if (refusals.length < maxListed) refusals.push(refusal(named, line, reason, detail, raw, raw.length));
    else omitted ??= { line, reason, detail, raw };
  };
  let accepted = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = (lines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const rawBytes = Buffer.from(raw, 'utf8');
    const got = readLine(raw, named, placement.site.timeZone);
    if ('reason' in got) {
      refuseLine(lineNo, got.reason, got.detail, rawBytes);
      continue;
    }
    const dupKey = `${got.ts}\u0000${got.metric}`;
    const firstLine = seenAt.get(dupKey);
    if (firstLine !== undefined) {
      refuseLine(
        lineNo,
        'invalid_value',
        `${got.metric} at this time was already given on line ${firstLine}`,
        rawBytes,
      );
      continue;
    }
    seenAt.set(dupKey, lineNo);
    let r = byTs.get(got.ts);
    if (r === undefined) {
      r = {
        v: 1,
        measurement: 'wastewater',
        deviceId: placement.device.id,
        siteId: placement.site.id,
        localityId: placement.locality.id,
        channel: '',
        ts: got.ts,
        receivedAt: input.receivedAt,
        values: {},
        states: {},
        quality: {},
        source: STATION_FILE_SOURCE,
      };
      byTs.set(got.ts, r);
    }
    r.values[got.metric] = got.value;
    r.quality[got.metric] = got.status;
    accepted++;
  }
  if (accepted === 0 && refused === 0) {
    return wholeFile(named, 'missing_field', 'the file holds no data line');
  }
  if (omitted !== undefined) {
    // A flood of bad lines is one more refusal, not thousands: the file itself is kept.
    const more = refused - refusals.length;
    const detail = `${more} more bad line(s) from here on, not listed one by one (limit ${maxListed} per file); this one: ${omitted.detail}`;
    refusals.push(refusal(named, omitted.line, omitted.reason, detail, omitted.raw, omitted.raw.length));
  }
  return {
    key,
    deviceId,
    readings: [...byTs.values()].sort((a, b) => a.ts - b.ts),
    refusals,
    linesAccepted: accepted,
    linesRefused: refused,
  };
}

export interface StationFileByName {
  /** The file's name (no directory), `<station>_<YYYYMMDDhhmmss>.txt`. */
  readonly fileName: string;
  readonly payload: Buffer;
  readonly size?: number;
  readonly receivedAt: number;
}

/** Decodes a transfer file dropped by FTP: the station comes from the file name. */
export function decodeStationFileNamed(file: StationFileByName, ctx: StationFileContext): StationFileResult {
  const origin = `station-file:${file.fileName}`;
  const named = parseStationFileName(file.fileName);
  if (named === undefined) {
    const key = stationFileKey(file.fileName, file.payload);
    const input: StationFileInput = { ...file, station: file.fileName, origin, publisher: null };
    return wholeFile(
      { input, ctx, key, deviceId: null },
      'invalid_value',
      `file name "${clip(file.fileName, 256)}" is not <station>_<YYYYMMDDhhmmss>.txt`,
    );
  }
  return decodeStationFile({ ...file, station: named.station, origin, publisher: null }, ctx);
}

/** Readings first (oldest first), then refusals (line order), as outcomes. */
export function stationFileOutcomes(result: StationFileResult): Outcome[] {
  return [
    ...result.readings.map((record): Outcome => ({ kind: 'reading', record })),
    ...result.refusals.map((record): Outcome => ({ kind: 'refusal', record })),
  ];
}

/**
 * Decodes an MQTT message on `hpg/v1/stations/<station>/file` whose payload is a transfer file.
 * The publisher must be the station's device (username = device id). Many outcomes per message:
 * publish them all before acknowledging it.
 */
export function decodeStationFileMessage(msg: RawMessage, ctx: StationFileContext): Outcome[] {
  const station = parseStationTopic(msg.topic);
  if (station === undefined) {
    const key = stationFileKey(msg.topic, msg.payload);
    const input: StationFileInput = { ...msg, station: msg.topic, origin: msg.topic };
    return stationFileOutcomes(
      wholeFile(
        { input, ctx, key, deviceId: null },
        'unknown_topic',
        `"${clip(msg.topic, 256)}" is not ${STATION_TOPIC_PREFIX}{station}/file`,
      ),
    );
  }
  return stationFileOutcomes(decodeStationFile({ ...msg, station, origin: msg.topic }, ctx));
}
