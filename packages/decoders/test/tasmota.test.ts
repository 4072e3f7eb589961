import { ReadingSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { NOW, only, reasonOf, records, route } from './foreign-fixture.ts';

/** tele/<topic>/SENSOR of a single-channel energy monitor (Sonoff POW R2), local time 09:55 in Hai Phong. */
const pow = (energy: object = {}, over: object = {}) => ({
  Time: '2026-11-22T09:55:00',
  ENERGY: {
    TotalStartTime: '2025-03-01T08:12:44',
    Total: 1234.567,
    Yesterday: 12.345,
    Today: 4.21,
    Period: 42,
    Power: 520,
    ApparentPower: 560,
    ReactivePower: 210,
    Factor: 0.93,
    Voltage: 229,
    Current: 2.45,
    ...energy,
  },
  ...over,
});

/** A two-channel device (Shelly 2.5): arrays per channel, Total one sum over both. */
const shelly = (over: object = {}) => ({
  Time: '2026-11-22T09:55:00',
  ENERGY: {
    TotalStartTime: '2025-03-01T08:12:44',
    Total: 87.123,
    Yesterday: 1.2,
    Today: 0.4,
    Period: [3, 1],
    Power: [52, 5],
    ApparentPower: [60, 9],
    ReactivePower: [30, 7],
    Factor: [0.87, 0.55],
    Voltage: 231,
    Current: [0.26, 0.04],
    ...over,
  },
});

const NINE_FIFTY_FIVE = Date.UTC(2026, 10, 22, 2, 55);

describe('Tasmota SENSOR → meter readings', () => {
  it('reads Total (kWh → Wh) and Power (W), with the local Time read in the site’s zone', () => {
    const o = only(route('tele/tasmota_E1/SENSOR', pow(), 'mt-1'));
    expect(o.kind).toBe('reading');
    if (o.kind !== 'reading') return;
    expect(ReadingSchema.parse(o.record)).toEqual(o.record);
    expect(o.record).toMatchObject({
      measurement: 'meter',
      deviceId: 'mt-1',
      siteId: 'market',
      channel: '',
      ts: NINE_FIFTY_FIVE,
      receivedAt: NOW,
      source: 'tasmota',
    });
    expect(o.record.values).toEqual({ energy_import: 1_234_567, power: 520 });
  });

  it('honours an offset when Tasmota is set to send one', () => {
    const o = only(route('tele/tasmota_E1/SENSOR', pow({}, { Time: '2026-11-22T02:55:00Z' })));
    expect(o.kind === 'reading' && o.record.ts).toBe(NINE_FIFTY_FIVE);
  });

  it('reads a message without Period or Power (a boot-time SENSOR) too', () => {
    const o = only(route('tele/tasmota_E1/SENSOR', pow({ Period: undefined, Power: undefined })));
    expect(o.kind === 'reading' && o.record.values).toEqual({ energy_import: 1_234_567 });
  });

  it('gives a whole-topic binding one reading per channel, and the scalar total on channel ""', () => {
    const ctx = { topic: 'tele/tasmota_E1/SENSOR' };
    const out = records(route(ctx.topic, shelly()));
    expect(out.map((o) => o.kind === 'reading' && [o.record.channel, o.record.values])).toEqual([
      ['', { energy_import: 87_123 }],
      ['1', { power: 52 }],
      ['2', { power: 5 }],
    ]);
  });

  it('gives each channel-bound device its own element, not the shared total', () => {
    const out = records(route('tele/shelly25/SENSOR', shelly({ Total: [80.1, 7.023] }), 'mt-2a'));
    expect(out.map((o) => o.kind === 'reading' && [o.record.deviceId, o.record.channel, o.record.values])).toEqual([
      ['mt-2a', '', { energy_import: 80_100, power: 52 }],
      ['mt-2b', '', { energy_import: 7_023, power: 5 }],
    ]);
    const scalarTotal = records(route('tele/shelly25/SENSOR', shelly(), 'mt-2a'));
    expect(scalarTotal.map((o) => o.kind === 'reading' && o.record.values)).toEqual([{ power: 52 }, { power: 5 }]);
  });

  it('ignores LWT, STATE, INFO, stat/ results and SENSOR messages without ENERGY', () => {
    const cases: [string, unknown, string][] = [
      ['tele/tasmota_E1/LWT', 'Offline', 'availability'],
      ['tele/tasmota_E1/STATE', { Time: '2026-11-22T09:55:00', Uptime: '0T01:00:00' }, 'not_mapped'],
      ['tele/tasmota_E1/INFO1', { Module: 'Sonoff Pow R2' }, 'not_mapped'],
      ['stat/tasmota_E1/RESULT', { POWER: 'ON' }, 'not_mapped'],
      ['tele/tasmota_E1/SENSOR', { Time: '2026-11-22T09:55:00', DS18B20: { Temperature: 28.1 } }, 'not_mapped'],
    ];
    for (const [topic, payload, why] of cases) {
      expect(only(route(topic, payload)), topic).toMatchObject({ kind: 'ignored', why, format: 'tasmota' });
    }
  });
});

describe('Tasmota: refused with a reason', () => {
  const T = 'tele/tasmota_E1/SENSOR';
  const cases: [string, string, unknown, string, (string | null)?][] = [
    ['an unbound topic', 'tele/nobody/SENSOR', pow(), 'unknown_device'],
    ['another device’s login', T, pow(), 'not_authorised', 'mt-3'],
    ['truncated JSON', T, JSON.stringify(pow()).slice(0, 40), 'malformed_json'],
    ['Total as a string', T, pow({ Total: '1234.567' }), 'invalid_type'],
    ['Power as "NaN"', T, pow({ Power: 'NaN' }), 'invalid_type'],
    ['an overflowing Total', T, JSON.stringify(pow()).replace('1234.567', '1e999'), 'non_finite_number'],
    ['a huge Total', T, pow({ Total: 1e300 }), 'out_of_range'],
    ['a negative Total', T, pow({ Total: -1 }), 'out_of_range'],
    ['ENERGY as an array', T, { Time: '2026-11-22T09:55:00', ENERGY: [1, 2] }, 'invalid_type'],
    [
      'ENERGY with neither Total nor Power',
      T,
      { Time: '2026-11-22T09:55:00', ENERGY: { Voltage: 230 } },
      'missing_field',
    ],
    ['no Time', T, { ENERGY: pow().ENERGY }, 'missing_field'],
    ['a Time that is no date', T, pow({}, { Time: '2026-02-30T10:00:00' }), 'timestamp_invalid'],
    [
      'a Time hours ahead (a device clock in UTC read as local is not this: it is behind)',
      T,
      pow({}, { Time: '2026-11-22T12:00:00' }),
      'timestamp_in_future',
    ],
    ['an empty channel array', T, pow({ Power: [] }), 'invalid_value'],
  ];
  it.each(cases)('%s', (_name, topic, payload, reason, publisher) => {
    expect(reasonOf(only(route(topic, payload, publisher ?? null)))).toBe(reason);
  });

  it('refuses a channel binding whose channel the message lacks', () => {
    const o = only(route('tele/shelly25/SENSOR', shelly({ Power: [52], Total: 1 })));
    expect(reasonOf(o)).toBe('missing_field');
    expect(o.kind === 'refusal' && o.record.detail).toContain('channel 2');
  });
});
