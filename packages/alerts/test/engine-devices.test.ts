import { describe, expect, it } from 'vitest';
import { AlertEngine, type AlertEvent, type AlertKind, type AlertRulesData } from '../src/index.ts';
import { detection, MIN, miniLimits, miniRules, reading, sample, T0 } from './helpers/fixtures.ts';

function engine(edit?: (d: AlertRulesData) => void) {
  return new AlertEngine({ rules: miniRules(edit), limitOf: miniLimits, startAt: T0 });
}
const of = (kind: AlertKind, events: AlertEvent[]) => events.filter((e) => e.alert.kind === kind);

const evStatus = (ts: number, status: string, connector = '1', errorCode?: string) =>
  reading({
    measurement: 'ev_status',
    deviceId: 'ev-a',
    siteId: 'evs-a',
    channel: connector,
    ts,
    states: { status, ...(errorCode !== undefined && { errorCode }) },
  });

const solar = (ts: number, state?: string) =>
  reading({
    measurement: 'solar',
    deviceId: 'pv-b',
    siteId: 'bldg-b',
    localityId: 'phuong-b',
    ts,
    values: { ac_power: 1200 },
    states: state === undefined ? {} : { state },
  });

describe('device offline', () => {
  it('opens after the expected interval times the missed count (but not before the minimum), and closes on the next message', () => {
    const e = engine();
    // ww-a reports every 300 s: 3 missed = 15 min. ev-a every 60 s: 3 min, raised to the 15-minute minimum.
    e.reading(sample(T0, { cod: 50 }));
    e.reading(evStatus(T0, 'Available'));
    expect(of('device_offline', e.tick(T0 + 15 * MIN))).toEqual([]);
    const out = of('device_offline', e.tick(T0 + 15 * MIN + 1));
    expect(out.map((x) => x.alert.deviceId).sort()).toEqual(['ev-a', 'ww-a']);
    expect(out.find((x) => x.alert.deviceId === 'ww-a')?.alert).toMatchObject({
      id: `device_offline:ww-a:${T0}`,
      openedAt: T0,
      details: { lastSeenAt: T0, intervalSeconds: 300, offlineAfterMinutes: 15 },
    });
    expect(of('device_offline', e.tick(T0 + 30 * MIN))).toEqual([]); // still open, not again
    const back = of('device_offline', e.reading(sample(T0 + 31 * MIN, { cod: 50 })));
    expect(back.map((x) => [x.type, x.alert.deviceId, x.at])).toEqual([['closed', 'ww-a', T0 + 31 * MIN]]);
  });

  it('watches only the device kinds the rule names', () => {
    const e = engine();
    const ids = of('device_offline', e.tick(T0 + 24 * 60 * MIN)).map((x) => x.alert.deviceId);
    // Cameras and the inverter are not in deviceKinds.
    expect(ids.sort()).toEqual(['ev-a', 'ww-a']);
  });

  it('counts any message, detections included, as a sign of life', () => {
    const e = engine((d) => {
      const off = d.localities[0]?.devices?.offline;
      if (off) off.deviceKinds = ['camera'];
    });
    e.detection(detection({ deviceId: 'cam-a1', ts: T0 + 170 * MIN, score: 0.1 }));
    const ids = of('device_offline', e.tick(T0 + 181 * MIN)).map((x) => x.alert.deviceId);
    expect(ids.sort()).toEqual(['cam-a2', 'cam-open']);
  });
});

describe('charger Faulted', () => {
  it('opens when a connector stays Faulted past the rule duration, even with no further reading', () => {
    const e = engine();
    e.reading(evStatus(T0, 'Faulted', '1', 'GroundFailure'));
    expect(of('charger_faulted', e.tick(T0 + 9 * MIN))).toEqual([]);
    const out = of('charger_faulted', e.tick(T0 + 10 * MIN));
    expect(out).toHaveLength(1);
    expect(out[0]?.alert).toMatchObject({
      id: `charger_faulted:ev-a:1:${T0}`,
      openedAt: T0,
      details: { connector: '1', errorCode: 'GroundFailure', afterMinutes: 10 },
    });
  });

  it('does not open when the connector recovers in time, and closes an open alert on recovery', () => {
    const e = engine();
    e.reading(evStatus(T0, 'Faulted'));
    e.reading(evStatus(T0 + 5 * MIN, 'Available'));
    expect(of('charger_faulted', e.tick(T0 + 30 * MIN))).toEqual([]);
    e.reading(evStatus(T0 + 40 * MIN, 'Faulted'));
    expect(of('charger_faulted', e.tick(T0 + 50 * MIN)).map((x) => x.type)).toEqual(['opened']);
    const out = of('charger_faulted', e.reading(evStatus(T0 + 55 * MIN, 'Charging')));
    expect(out.map((x) => [x.type, x.at])).toEqual([['closed', T0 + 55 * MIN]]);
  });

  it('tracks each connector on its own', () => {
    const e = engine();
    e.reading(evStatus(T0, 'Faulted', '1'));
    e.reading(evStatus(T0 + 2 * MIN, 'Faulted', '2'));
    e.reading(evStatus(T0 + 3 * MIN, 'Available', '2'));
    const out = of('charger_faulted', e.tick(T0 + 20 * MIN));
    expect(out.map((x) => x.alert.kind === 'charger_faulted' && x.alert.details.connector)).toEqual(['1']);
  });
});

describe('inverter fault', () => {
  it('opens after the rule duration in fault, ignores telemetry without a state, and closes on another state', () => {
    const e = engine();
    e.reading(solar(T0, 'fault'));
    expect(of('inverter_fault', e.reading(solar(T0 + 2 * MIN)))).toEqual([]);
    const opened = of('inverter_fault', e.reading(solar(T0 + 5 * MIN, 'fault')));
    expect(opened.map((x) => [x.type, x.alert.id, x.alert.severity])).toEqual([
      ['opened', `inverter_fault:pv-b:${T0}`, 'high'],
    ]);
    expect(of('inverter_fault', e.reading(solar(T0 + 6 * MIN)))).toEqual([]);
    const closed = of('inverter_fault', e.reading(solar(T0 + 7 * MIN, 'mppt')));
    expect(closed.map((x) => x.type)).toEqual(['closed']);
  });
});

describe('rule isolation', () => {
  it('reports a throwing rule and keeps the others running', () => {
    const errors: string[] = [];
    const e = new AlertEngine({
      rules: miniRules(),
      startAt: T0,
      limitOf: () => {
        throw new Error('standard table missing');
      },
      onRuleError: (rule, err) => errors.push(`${rule}: ${(err as Error).message}`),
    });
    e.reading(sample(T0 + 10 * MIN, { cod: 50 }));
    expect(errors).toEqual(['wastewater: standard table missing']);
    // The offline rule still saw the reading: at 16 minutes only the charger (never heard from) is offline.
    const ids = of('device_offline', e.tick(T0 + 16 * MIN)).map((x) => x.alert.deviceId);
    expect(ids).toEqual(['ev-a']);
  });
});
