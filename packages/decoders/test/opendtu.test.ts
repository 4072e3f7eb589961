import { ReadingSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { decodeMessage, interpretOpenDtu } from '../src/index.ts';
import { message, NOW, NOW_S, only, reasonOf, route, routerContext } from './foreign-fixture.ts';

const SERIAL = '114190641177';
const T = (s: string) => `solar/${SERIAL}/${s}`;
const LAST = NOW_S - 4; // OpenDTU's last statistics, 4 s before the message arrives

describe('OpenDTU → solar readings timed by last_update', () => {
  it('times each value by the inverter’s last_update and converts kWh to Wh', () => {
    const ctx = routerContext();
    expect(only(route(T('status/last_update'), String(LAST), 'pv-1', ctx))).toMatchObject({
      kind: 'ignored',
      why: 'status',
      deviceId: 'pv-1',
    });
    const power = only(route(T('0/power'), '312.4', 'pv-1', ctx));
    expect(power.kind).toBe('reading');
    if (power.kind !== 'reading') return;
    expect(ReadingSchema.parse(power.record)).toEqual(power.record);
    expect(power.record).toMatchObject({
      measurement: 'solar',
      deviceId: 'pv-1',
      siteId: 'school',
      localityId: 'vinh-am',
      channel: '',
      ts: LAST * 1000,
      receivedAt: NOW,
      values: { ac_power: 312.4 },
      source: 'opendtu',
    });
    const total = only(route(T('0/yieldtotal'), '13.338', 'pv-1', ctx));
    // One point per (device, channel, time): each message carries every value of that time so far.
    expect(total.kind === 'reading' && total.record.values).toEqual({ ac_power: 312.4, energy_lifetime: 13_338 });
    const day = only(route(T('0/yieldday'), '216', 'pv-1', ctx));
    expect(day.kind === 'reading' && day.record.values).toEqual({
      ac_power: 312.4,
      energy_lifetime: 13_338,
      energy_today: 216, // yieldday is Wh already
    });
  });

  it('maps every AC field to its metric and unit', () => {
    const ctx = routerContext();
    route(T('status/last_update'), String(LAST), null, ctx);
    const fields: [string, string, string, number][] = [
      ['powerdc', '330.1', 'dc_power', 330.1],
      ['voltage', '229.8', 'ac_voltage', 229.8],
      ['current', '1.36', 'ac_current', 1.36],
      ['frequency', '50.01', 'ac_frequency', 50.01],
      ['temperature', '41.2', 'temperature', 41.2],
      ['efficiency', '94.637', 'efficiency', 94.637],
    ];
    for (const [field, text, metric, value] of fields) {
      const o = only(route(T(`0/${field}`), text, null, ctx));
      expect(o.kind === 'reading' && o.record.values[metric], field).toBe(value);
    }
  });

  it('keeps DC inputs apart on channels dc1..n', () => {
    const ctx = routerContext();
    route(T('status/last_update'), String(LAST), null, ctx);
    const a = only(route(T('1/power'), '160.2', null, ctx));
    const b = only(route(T('1/voltage'), '33.1', null, ctx));
    const c = only(route(T('2/power'), '170', null, ctx));
    expect(a.kind === 'reading' && a.record).toMatchObject({ channel: 'dc1', values: { dc_power: 160.2 } });
    expect(b.kind === 'reading' && b.record).toMatchObject({
      channel: 'dc1',
      values: { dc_power: 160.2, dc_voltage: 33.1 },
    });
    expect(c.kind === 'reading' && c.record).toMatchObject({ channel: 'dc2', values: { dc_power: 170 } });
  });

  it('starts a new point when last_update moves on', () => {
    const ctx = routerContext();
    route(T('status/last_update'), String(LAST - 5), null, ctx);
    route(T('0/power'), '300', null, ctx);
    route(T('status/last_update'), String(LAST), null, ctx);
    const o = only(route(T('0/yieldday'), '220', null, ctx));
    expect(o.kind === 'reading' && o.record).toMatchObject({ ts: LAST * 1000, values: { energy_today: 220 } });
    expect(o.kind === 'reading' && o.record.values.ac_power).toBeUndefined();
  });

  it('writes a retained value redelivered at night onto its old point, never as a new reading', () => {
    const ctx = routerContext();
    const evening = NOW_S - 6 * 3600;
    route(T('status/last_update'), String(evening), null, ctx);
    const first = only(route(T('0/yieldtotal'), '13.338', null, ctx));
    // Hours later the broker delivers the same retained messages again (a reconnect).
    const later = (topic: string, text: string) => decodeMessage(message(topic, text, null, NOW + 3_600_000), ctx);
    only(later(T('status/last_update'), String(evening)));
    const again = only(later(T('0/yieldtotal'), '13.338'));
    expect(again.kind === 'reading' && again.record.ts).toBe(first.kind === 'reading' && first.record.ts);
    expect(again.kind === 'reading' && again.record.ts).toBe(evening * 1000);
  });

  it('ignores a value that arrives before any last_update of its inverter (its time is unknown)', () => {
    const o = only(route(T('0/power'), '312.4', 'pv-1'));
    expect(o).toMatchObject({ kind: 'ignored', why: 'awaiting_timestamp', deviceId: 'pv-1' });
  });

  it('is pure underneath: the state is read and the update returned', () => {
    const ctx = routerContext();
    const state = new Map([['pv-1', { lastUpdateMs: LAST * 1000, channels: {} }]]);
    const r = interpretOpenDtu(message(T('0/power'), '5'), ctx, state);
    expect(r.update).toEqual({
      deviceId: 'pv-1',
      state: { lastUpdateMs: LAST * 1000, channels: { '': { ac_power: 5 } } },
    });
    expect(state.get('pv-1')?.channels).toEqual({});
    expect(ctx.state.opendtu.size).toBe(0);
  });

  it('lets the DTU publish for the inverters it serves (publishedBy)', () => {
    const ctx = routerContext();
    route('solar/114190641178/status/last_update', String(LAST), 'pv-1', ctx);
    const o = only(route('solar/114190641178/0/power', '99', 'pv-1', ctx));
    expect(o.kind === 'reading' && o.record.deviceId).toBe('pv-2');
  });

  it('ignores status, names, device info, totals and unmapped fields', () => {
    const ctx = routerContext();
    const cases: [string, string, string][] = [
      [T('status/reachable'), '0', 'status'],
      [T('status/producing'), '1', 'status'],
      [T('status/limit_relative'), '75.00', 'status'],
      [T('name'), 'HM-800', 'not_mapped'],
      [T('device/fwbuildversion'), '10018', 'not_mapped'],
      [T('0/powerfactor'), '0.998', 'not_mapped'],
      [T('1/yieldday'), '108', 'not_mapped'],
      [T('1/name'), 'East roof', 'not_mapped'],
      ['solar/dtu/status', 'offline', 'availability'],
      ['solar/dtu/uptime', '2125105', 'not_mapped'],
      ['solar/ac/power', '0.0', 'not_mapped'],
      [T('0/__proto__'), '1', 'not_mapped'],
    ];
    for (const [topic, text, why] of cases) {
      expect(only(route(topic, text, null, ctx)), topic).toMatchObject({ kind: 'ignored', why });
    }
  });
});

describe('OpenDTU: refused with a reason', () => {
  const withTime = () => {
    const ctx = routerContext();
    route(T('status/last_update'), String(LAST), null, ctx);
    return ctx;
  };
  const cases: [string, string, string | Buffer, string, (string | null)?][] = [
    ['an unknown serial', 'solar/999999999999/0/power', '1', 'unknown_device'],
    ['another device’s login', T('0/power'), '1', 'not_authorised', 'pv-3'],
    ['"NaN"', T('0/power'), 'NaN', 'non_finite_number'],
    ['"inf"', T('0/power'), 'inf', 'non_finite_number'],
    ['an overflowing number', T('0/power'), '1e999', 'non_finite_number'],
    ['a JSON object', T('0/power'), '{"value":1}', 'invalid_type'],
    ['a decimal comma', T('0/power'), '312,4', 'invalid_type'],
    ['an empty payload', T('0/power'), '', 'missing_field'],
    ['invalid UTF-8', T('0/power'), Buffer.from([0x31, 0xff]), 'invalid_encoding'],
    ['a negative power', T('0/power'), '-5', 'out_of_range'],
    ['a huge yield', T('0/yieldtotal'), '1e20', 'out_of_range'],
    ['an efficiency above 100 %', T('0/efficiency'), '140', 'out_of_range'],
    ['a fractional last_update', T('status/last_update'), '1763780000.5', 'invalid_value'],
    ['a last_update in the future', T('status/last_update'), String(NOW_S + 3600), 'timestamp_in_future'],
    ['a last_update of 1970', T('status/last_update'), '0', 'timestamp_too_old'],
    ['a text last_update', T('status/last_update'), 'yesterday', 'invalid_type'],
  ];
  it.each(cases)('%s', (_name, topic, text, reason, publisher) => {
    const o = only(route(topic, text, publisher ?? null, withTime()));
    expect(reasonOf(o)).toBe(reason);
  });

  it('does not move the inverter’s time on a refused last_update', () => {
    const ctx = withTime();
    route(T('status/last_update'), 'garbage', null, ctx);
    const o = only(route(T('0/power'), '10', null, ctx));
    expect(o.kind === 'reading' && o.record.ts).toBe(LAST * 1000);
  });
});
