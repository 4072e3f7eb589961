import { ReadingSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { scale } from '../src/index.ts';
import { NOW, only, reasonOf, route } from './foreign-fixture.ts';

const TS = '2026-11-22T09:58:00+07:00';
const AT = Date.UTC(2026, 10, 22, 2, 58);

/** Model 103 registers of a three-phase inverter producing 2.874 kW, as a bridge reads them. */
const m103 = (points: object = {}) => ({
  ts: TS,
  points: {
    ID: 103,
    L: 50,
    A: 421,
    AphA: 141,
    AphB: 140,
    AphC: 140,
    A_SF: -2,
    PhVphA: 2301,
    V_SF: -1,
    W: 2874,
    W_SF: 0,
    Hz: 5002,
    Hz_SF: -2,
    VA: 2901,
    VA_SF: 0,
    PF: 990,
    PF_SF: -3,
    WH: 15230444,
    WH_SF: 0,
    DCA: 735,
    DCA_SF: -2,
    DCV: 4102,
    DCV_SF: -1,
    DCW: 3015,
    DCW_SF: 0,
    TmpCab: 412,
    TmpSnk: -32768, // not implemented
    TmpTrns: -32768,
    TmpOt: -32768,
    Tmp_SF: -1,
    St: 4,
    StVnd: 65535,
    Evt1: 0,
    Evt2: 0,
    ...points,
  },
  bridge: 'sunspec2mqtt 0.3', // extra keys are accepted
});

/** Model 701 (DER AC measurement) registers. */
const m701 = (points: object = {}) => ({
  ts: '2026-11-22T02:58:00Z',
  points: {
    ID: 701,
    L: 153,
    ACType: 2,
    St: 1,
    InvSt: 3,
    ConnSt: 1,
    Alrm: 0,
    W: 4512,
    W_SF: 0,
    A: 652,
    A_SF: -2,
    LNV: 2305,
    V_SF: -1,
    Hz: 50010,
    Hz_SF: -3,
    TotWhInj: 812345,
    TotWhAbs: 0,
    TotWh_SF: 1,
    TmpCab: 38,
    Tmp_SF: 0,
    ...points,
  },
});

describe('SunSpec 101/103 → solar readings', () => {
  it('scales every point by its scale factor, negative ones included, and maps St', () => {
    const o = only(route('sunspec/roof-103/103', m103(), 'pv-3'));
    expect(o.kind).toBe('reading');
    if (o.kind !== 'reading') return;
    expect(ReadingSchema.parse(o.record)).toEqual(o.record);
    expect(o.record).toMatchObject({
      measurement: 'solar',
      deviceId: 'pv-3',
      channel: '',
      ts: AT,
      receivedAt: NOW,
      states: { state: 'mppt' },
      source: 'sunspec/103',
    });
    expect(o.record.values).toEqual({
      ac_power: 2874,
      energy_lifetime: 15_230_444,
      dc_power: 3015,
      dc_voltage: 410.2,
      dc_current: 7.35,
      ac_current: 4.21,
      ac_frequency: 50.02,
      temperature: 41.2,
    });
  });

  it('reads positive scale factors (kW-class registers)', () => {
    const o = only(route('sunspec/roof-103/103', m103({ W: 287, W_SF: 1, WH: 152304, WH_SF: 2 })));
    expect(o.kind === 'reading' && o.record.values).toMatchObject({ ac_power: 2870, energy_lifetime: 15_230_400 });
  });

  it('scales exactly: 2874 × 10^-1 is 287.4, not 287.40000000000003', () => {
    expect(scale(2874, -1)).toBe(287.4);
    expect(scale(5002, -2)).toBe(50.02);
    expect(scale(3, 3)).toBe(3000);
  });

  it('maps every St of 101/103', () => {
    const states = ['off', 'sleeping', 'starting', 'mppt', 'throttled', 'shutting_down', 'fault', 'standby'];
    states.forEach((state, i) => {
      const o = only(route('sunspec/roof-103/101', m103({ ID: 101, St: i + 1 })));
      expect(o.kind === 'reading' && o.record.states.state, `St ${i + 1}`).toBe(state);
    });
  });

  it('reads model 101’s phase voltage as the AC voltage', () => {
    const o = only(route('sunspec/roof-103/101', m103({ ID: 101 })));
    expect(o.kind === 'reading' && o.record.values.ac_voltage).toBe(230.1);
  });

  it('leaves out points holding "not implemented" (a night-time read)', () => {
    const o = only(
      route('sunspec/roof-103/103', {
        ts: TS,
        points: {
          W: -32768,
          W_SF: 0,
          WH: 15230444,
          WH_SF: 0,
          DCV: 65535,
          DCV_SF: -1,
          TmpCab: 250,
          Tmp_SF: -32768,
          St: 2,
        },
      }),
    );
    expect(o.kind === 'reading' && o.record.values).toEqual({ energy_lifetime: 15_230_444 });
    expect(o.kind === 'reading' && o.record.states).toEqual({ state: 'sleeping' });
  });
});

describe('SunSpec 701 → solar readings', () => {
  it('reads TotWhInj as the lifetime energy and the 0-based InvSt', () => {
    const o = only(route('sunspec/roof-701/701', m701(), 'pv-4'));
    expect(o.kind === 'reading' && o.record).toMatchObject({
      deviceId: 'pv-4',
      ts: AT,
      source: 'sunspec/701',
      values: {
        ac_power: 4512,
        ac_current: 6.52,
        ac_voltage: 230.5,
        ac_frequency: 50.01,
        energy_lifetime: 8_123_450,
        temperature: 38,
      },
      states: { state: 'mppt' }, // InvSt 3 RUNNING
    });
  });

  it('maps every InvSt of 701 (0 OFF … 7 STANDBY), and symbol names', () => {
    const states = ['off', 'sleeping', 'starting', 'mppt', 'throttled', 'shutting_down', 'fault', 'standby'];
    states.forEach((state, i) => {
      const o = only(route('sunspec/roof-701/701', m701({ InvSt: i })));
      expect(o.kind === 'reading' && o.record.states.state, `InvSt ${i}`).toBe(state);
    });
    const named = only(route('sunspec/roof-701/701', m701({ InvSt: 'RUNNING' })));
    expect(named.kind === 'reading' && named.record.states.state).toBe('mppt');
  });

  it('treats a uint64 TotWhInj of 0xFFFFFFFFFFFFFFFF as not implemented', () => {
    const text = JSON.stringify(m701()).replace('"TotWhInj":812345', '"TotWhInj":18446744073709551615');
    const o = only(route('sunspec/roof-701/701', text));
    expect(o.kind === 'reading' && o.record.values.energy_lifetime).toBeUndefined();
  });

  it('ignores models it does not store, e.g. 1 (common) and 160 (MPPT)', () => {
    expect(only(route('sunspec/roof-103/1', { ts: TS, points: { Mn: 'SMA' } }))).toMatchObject({
      kind: 'ignored',
      why: 'not_mapped',
      format: 'sunspec',
    });
    expect(only(route('sunspec/roof-103/160', { ts: TS, points: {} }))).toMatchObject({ kind: 'ignored' });
  });
});

describe('SunSpec: refused with a reason', () => {
  const P = 'sunspec/roof-103/103';
  const cases: [string, string, unknown, string, (string | null)?][] = [
    ['an unbound id', 'sunspec/nobody/103', m103(), 'unknown_device'],
    ['another device’s login', P, m103(), 'not_authorised', 'pv-4'],
    ['a topic without model', 'sunspec/roof-103', m103(), 'unknown_topic'],
    ['a topic with a model name', 'sunspec/roof-103/inverter', m103(), 'unknown_topic'],
    ['truncated JSON', P, JSON.stringify(m103()).slice(0, 50), 'malformed_json'],
    ['no ts', P, { points: m103().points }, 'missing_field'],
    ['ts as epoch', P, { ...m103(), ts: 1_763_780_000 }, 'invalid_type'],
    ['a ts that is no date', P, { ...m103(), ts: 'yesterday' }, 'timestamp_invalid'],
    ['a ts tomorrow', P, { ...m103(), ts: '2026-11-23T10:00:00+07:00' }, 'timestamp_in_future'],
    ['no points', P, { ts: TS }, 'missing_field'],
    ['points as an array', P, { ts: TS, points: [2874] }, 'invalid_type'],
    ['W as a string', P, m103({ W: '2874' }), 'invalid_type'],
    ['W as "NaN"', P, m103({ W: 'NaN' }), 'invalid_type'],
    ['an already scaled value', P, m103({ DCV: 410.2 }), 'invalid_value'],
    ['W outside int16', P, m103({ W: 1e300 }), 'out_of_range'],
    ['an overflowing W', P, JSON.stringify(m103()).replace('"W":2874', '"W":1e999'), 'non_finite_number'],
    ['a missing scale factor', P, m103({ W_SF: undefined }), 'missing_field'],
    ['a scale factor of 20', P, m103({ W_SF: 20 }), 'out_of_range'],
    ['a negative power', P, m103({ W: -50 }), 'out_of_range'],
    ['an unknown St', P, m103({ St: 9 }), 'invalid_value'],
    ['an unknown state symbol', P, m103({ St: 'DANCING' }), 'invalid_value'],
    ['another model’s ID', P, m103({ ID: 101 }), 'invalid_value'],
    ['nothing readable', P, { ts: TS, points: { Evt1: 0 } }, 'missing_field'],
    ['InvSt 8 on 701', 'sunspec/roof-701/701', m701({ InvSt: 8 }), 'invalid_value'],
  ];
  it.each(cases)('%s', (_name, topic, payload, reason, publisher) => {
    expect(reasonOf(only(route(topic, payload, publisher ?? null)))).toBe(reason);
  });

  it('reads points only as own keys (prototype keys are data, not lookups)', () => {
    const text = '{"ts":"2026-11-22T09:58:00+07:00","points":{"__proto__":{"W":1,"W_SF":0},"constructor":1,"St":4}}';
    const o = only(route(P, text));
    expect(o.kind === 'reading' && o.record).toMatchObject({ values: {}, states: { state: 'mppt' } });
    expect(({} as Record<string, unknown>).W).toBeUndefined();
  });
});
