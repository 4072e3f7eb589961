import { ReadingSchema, type RefusalReason } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type DecodeContext, decodeNativeJson, type Outcome } from '../src/index.ts';
import { testRegistry } from './registry-fixture.ts';

const NOW = Date.UTC(2026, 10, 22, 3, 0, 0); // 10:00 in Hai Phong
const TS = '2026-11-22T02:55:00Z';
const ctx: DecodeContext = { registry: testRegistry(), limits: DEFAULT_LIMITS, newId: () => 'r-1' };

function decode(topic: string, payload: unknown, publisher: string | null = null): Outcome {
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return decodeNativeJson({ topic, payload: bytes, receivedAt: NOW, publisher }, ctx);
}

function reasonOf(o: Outcome): RefusalReason | undefined {
  return o.kind === 'refusal' ? o.record.reason : undefined;
}

const sample = (metrics: unknown, extra: object = {}) => ({ v: 1, deviceId: 'ww-1', ts: TS, metrics, ...extra });
const ok = { value: 1, unit: 'mg/L', status: 'measuring' };

describe('native JSON decoder: accepted messages', () => {
  it('turns a station sample into a wastewater reading in canonical units with per-value status', () => {
    const o = decode('hpg/v1/devices/ww-1/sample', {
      v: 1,
      deviceId: 'ww-1',
      ts: TS,
      metrics: {
        flow_out: { value: 2400, unit: 'm3/d', status: 'measuring' },
        cod: { value: 61.5, unit: 'mg/L', status: 'measuring' },
        ph: { value: 7.2, unit: 'pH', status: 'calibrating' },
        temperature: { value: 303.15, unit: 'K', status: 'error' },
      },
      firmware: '2.1', // unknown extra keys are accepted
    });
    expect(o.kind).toBe('reading');
    if (o.kind !== 'reading') return;
    expect(ReadingSchema.parse(o.record)).toEqual(o.record);
    expect(o.record).toMatchObject({
      measurement: 'wastewater',
      deviceId: 'ww-1',
      siteId: 'wwtp-1',
      localityId: 'tan-minh',
      channel: '',
      ts: Date.UTC(2026, 10, 22, 2, 55),
      receivedAt: NOW,
      quality: { flow_out: 'measuring', cod: 'measuring', ph: 'calibrating', temperature: 'error' },
    });
    expect(o.record.values.flow_out).toBeCloseTo(100); // 2400 m³/day = 100 m³/h
    expect(o.record.values.cod).toBe(61.5);
    expect(o.record.values.temperature).toBeCloseTo(30);
  });

  it('reads a timestamp without offset as local time of the site (UTC+7)', () => {
    const o = decode('hpg/v1/devices/ww-1/sample', sample({ cod: ok }, { ts: '2026-11-22T09:55:00' }));
    expect(o.kind === 'reading' && o.record.ts).toBe(Date.UTC(2026, 10, 22, 2, 55));
  });

  it('converts kW and kWh for solar telemetry and keeps the inverter state', () => {
    const o = decode('hpg/v1/devices/pv-1/telemetry', {
      v: 1,
      deviceId: 'pv-1',
      ts: TS,
      state: 'mppt',
      metrics: { ac_power: { value: 3.2, unit: 'kW' }, energy_lifetime: { value: 1520.5, unit: 'kWh' } },
    });
    expect(o.kind === 'reading' && o.record).toMatchObject({
      measurement: 'solar',
      values: { ac_power: 3200, energy_lifetime: 1_520_500 },
      states: { state: 'mppt' },
    });
  });

  it('keys EV records by connector and keeps session ids', () => {
    const status = decode('hpg/v1/devices/ch-1/connector-status', {
      v: 1,
      deviceId: 'ch-1',
      ts: TS,
      connectorId: 2,
      status: 'Faulted',
      errorCode: 'GroundFailure',
    });
    expect(status.kind === 'reading' && status.record).toMatchObject({
      measurement: 'ev_status',
      channel: '2',
      states: { status: 'Faulted', errorCode: 'GroundFailure' },
    });
    const session = decode('hpg/v1/devices/ch-1/session', {
      v: 1,
      deviceId: 'ch-1',
      ts: TS,
      connectorId: 1,
      sessionId: 'tx-77',
      event: 'stop',
      meter: { value: 12.75, unit: 'kWh' },
    });
    expect(session.kind === 'reading' && session.record).toMatchObject({
      measurement: 'ev_session',
      channel: '1',
      values: { energy_register: 12_750 },
      states: { event: 'stop', sessionId: 'tx-77' },
    });
  });

  it('turns a camera detection into a detection record with its evidence reference', () => {
    const o = decode('hpg/v1/devices/cam-1/detection', {
      v: 1,
      deviceId: 'cam-1',
      ts: TS,
      eventId: '1700000000.123-abc',
      phase: 'end',
      label: 'waste',
      score: 0.87,
      zone: 'riverbank',
      box: [100, 120, 340, 400],
      snapshot: { url: 'http://nvr.local/api/events/1/snapshot.jpg' },
      startedAt: '2026-11-22T02:50:00Z',
      endedAt: '2026-11-22T02:54:00Z',
    });
    expect(o.kind === 'detection' && o.record).toMatchObject({
      deviceId: 'cam-1',
      localityId: 'tan-minh',
      phase: 'end',
      score: 0.87,
      zone: 'riverbank',
      startedAt: Date.UTC(2026, 10, 22, 2, 50),
      endedAt: Date.UTC(2026, 10, 22, 2, 54),
      snapshotUrl: 'http://nvr.local/api/events/1/snapshot.jpg',
    });
  });
});

describe('native JSON decoder: every kind of bad input has its reason', () => {
  const W = 'hpg/v1/devices/ww-1/sample';
  const cases: [name: string, topic: string, payload: unknown, reason: RefusalReason, publisher?: string | null][] = [
    ['malformed JSON', W, '{"v":1,"deviceId":"ww-1",', 'malformed_json'],
    [
      'NaN literal (not JSON)',
      W,
      '{"v":1,"deviceId":"ww-1","ts":"2026-11-22T02:55:00Z","metrics":{"cod":{"value":NaN,"unit":"mg/L","status":"measuring"}}}',
      'malformed_json',
    ],
    [
      'Infinity by overflow',
      W,
      '{"v":1,"deviceId":"ww-1","ts":"2026-11-22T02:55:00Z","metrics":{"cod":{"value":1e999,"unit":"mg/L","status":"measuring"}}}',
      'non_finite_number',
    ],
    ['invalid UTF-8', W, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_encoding'],
    ['a string where a number belongs', W, sample({ cod: { ...ok, value: '61.5' } }), 'invalid_type'],
    ['a JSON array', W, [1, 2], 'invalid_type'],
    ['missing metrics', W, { v: 1, deviceId: 'ww-1', ts: TS }, 'missing_field'],
    ['missing timestamp', W, { v: 1, deviceId: 'ww-1', metrics: { cod: ok } }, 'missing_field'],
    ['missing version', W, { deviceId: 'ww-1', ts: TS, metrics: { cod: ok } }, 'missing_field'],
    ['empty metrics', W, sample({}), 'missing_field'],
    ['missing status of a station value', W, sample({ cod: { value: 1, unit: 'mg/L' } }), 'missing_field'],
    ['unknown status', W, sample({ cod: { ...ok, status: 'fine' } }), 'invalid_value'],
    ['future schema version', W, { ...sample({ cod: ok }), v: 2 }, 'unsupported_version'],
    ['negative flow', W, sample({ flow_in: { value: -5, unit: 'm3/h', status: 'measuring' } }), 'out_of_range'],
    ['pH above 14', W, sample({ ph: { value: 14.2, unit: 'pH', status: 'measuring' } }), 'out_of_range'],
    ['pH below 0', W, sample({ ph: { value: -0.1, unit: 'pH', status: 'measuring' } }), 'out_of_range'],
    ['a unit not accepted for the metric', W, sample({ cod: { ...ok, unit: 'ppm' } }), 'invalid_unit'],
    ['an unknown metric', W, sample({ cod: ok, radon: ok }), 'unknown_metric'],
    ['timestamp 10 minutes ahead', W, sample({ cod: ok }, { ts: '2026-11-22T03:10:00Z' }), 'timestamp_in_future'],
    ['timestamp that is not a date', W, sample({ cod: ok }, { ts: '2026-02-30T00:00:00Z' }), 'timestamp_invalid'],
    ['timestamp from 2020', W, sample({ cod: ok }, { ts: '2020-01-01T00:00:00Z' }), 'timestamp_too_old'],
    [
      'unknown device',
      'hpg/v1/devices/ww-404/sample',
      { ...sample({ cod: ok }), deviceId: 'ww-404' },
      'unknown_device',
    ],
    [
      'disabled device',
      'hpg/v1/devices/off-1/meter',
      { v: 1, deviceId: 'off-1', ts: TS, metrics: {} },
      'unknown_device',
    ],
    ['topic and payload disagree', W, { ...sample({ cod: ok }), deviceId: 'pv-1' }, 'device_mismatch'],
    ['unknown topic', 'hpg/v1/devices/ww-1/selfie', sample({ cod: ok }), 'unknown_topic'],
    ['topic outside the device API', 'sensors/ww-1', sample({ cod: ok }), 'unknown_topic'],
    ['a message of another device kind', 'hpg/v1/devices/ww-1/telemetry', sample({ cod: ok }), 'message_not_allowed'],
    ['a publisher posting for another device', W, sample({ cod: ok }), 'not_authorised', 'pv-1'],
    [
      'a detection score above 1',
      'hpg/v1/devices/cam-1/detection',
      { v: 1, deviceId: 'cam-1', ts: TS, eventId: 'e', phase: 'start', label: 'waste', score: 1.5, startedAt: TS },
      'out_of_range',
    ],
    [
      'a negative connector id',
      'hpg/v1/devices/ch-1/connector-status',
      { v: 1, deviceId: 'ch-1', ts: TS, connectorId: -1, status: 'Available' },
      'out_of_range',
    ],
  ];

  it.each(cases)('%s', (_name, topic, payload, reason, publisher) => {
    const o = decode(topic, payload, publisher ?? null);
    expect(o.kind).toBe('refusal');
    expect(reasonOf(o)).toBe(reason);
    if (o.kind !== 'refusal') return;
    expect(o.record.detail.length).toBeGreaterThan(0);
    expect(o.record.receivedAt).toBe(NOW);
    // The raw bytes are kept exactly.
    const bytes = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    expect(Buffer.from(o.record.raw, 'base64').equals(bytes)).toBe(true);
  });

  it('refuses a payload over the size limit and keeps its first bytes, marked truncated', () => {
    const big = Buffer.alloc(DEFAULT_LIMITS.maxPayloadBytes + 10, 0x20);
    const o = decode(W, big);
    expect(reasonOf(o)).toBe('payload_too_large');
    expect(o.kind === 'refusal' && o.record).toMatchObject({ rawSize: big.length, truncated: true, deviceId: 'ww-1' });
    expect(o.kind === 'refusal' && Buffer.from(o.record.raw, 'base64').length).toBe(DEFAULT_LIMITS.maxPayloadBytes);
  });

  it('ignores prototype-pollution keys and does not pollute Object.prototype', () => {
    const o = decode(
      W,
      '{"v":1,"deviceId":"ww-1","ts":"2026-11-22T02:55:00Z","__proto__":{"polluted":true},"metrics":{"cod":{"value":1,"unit":"mg/L","status":"measuring"}}}',
    );
    expect(o.kind).toBe('reading');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
