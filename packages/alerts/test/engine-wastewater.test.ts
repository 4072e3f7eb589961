import { describe, expect, it } from 'vitest';
import { AlertEngine, type AlertEvent, type AlertRulesData } from '../src/index.ts';
import { MIN, miniLimits, miniRules, reading, sample, T0 } from './helpers/fixtures.ts';

const STEP = 5 * MIN;

function engine(edit?: (d: AlertRulesData) => void) {
  return new AlertEngine({ rules: miniRules(edit), limitOf: miniLimits, startAt: T0 });
}

/** Feeds one value every 5 minutes from `from`; returns the events of the exceedance rule. */
function feed(e: AlertEngine, from: number, values: Record<string, number>[]): AlertEvent[] {
  return values
    .flatMap((v, i) => e.reading(sample(from + i * STEP, v)))
    .filter((x) => x.alert.kind === 'wastewater_exceedance');
}

const cod = (...xs: number[]) => xs.map((v) => ({ cod: v }));

describe('wastewater exceedance', () => {
  it('opens once the rolling average has stayed over the limit for the rule duration, dated from when it went over', () => {
    const e = engine();
    // Limit 135 mg/L. Six samples at 200: the 60-minute average crosses at the first and stays over.
    const before = feed(e, T0, cod(200, 200, 200, 200, 200, 200));
    expect(before).toEqual([]); // 25 minutes over: not yet (30 required)
    const at30 = feed(e, T0 + 6 * STEP, cod(200));
    expect(at30).toHaveLength(1);
    expect(at30[0]).toMatchObject({
      type: 'opened',
      at: T0 + 30 * MIN,
      alert: {
        id: `wastewater_exceedance:ww-a:cod:${T0}`,
        openedAt: T0,
        details: { parameter: 'cod', limit: { max: 135 }, averageMinutes: 60 },
      },
    });
  });

  it('does not open for a short spike the average absorbs', () => {
    const e = engine();
    const out = feed(e, T0, cod(100, 100, 100, 100, 400, 100, 100, 100, 100, 100, 100, 100, 100, 100));
    // The spike lifts the average over 135 for a few samples only (< 30 minutes).
    expect(out).toEqual([]);
  });

  it('judges only values the station marks as measuring', () => {
    const e = engine();
    const out = Array.from({ length: 12 }, (_, i) =>
      e.reading(sample(T0 + i * STEP, { cod: 900 }, { cod: i % 2 === 0 ? 'calibrating' : 'error' })),
    ).flat();
    expect(out.filter((x) => x.alert.kind === 'wastewater_exceedance')).toEqual([]);
  });

  it('sets severity by the ratio to the limit, raises it while open and never lowers it', () => {
    const e = engine();
    // 1.2 × 135 = 162: medium (1.1 ≤ r < 1.5).
    const opened = feed(e, T0, cod(162, 162, 162, 162, 162, 162, 162));
    expect(opened.map((x) => [x.type, x.alert.severity])).toEqual([['opened', 'medium']]);
    // Values far over lift the average past 2 × 135 = 270: critical.
    const raised = feed(e, T0 + 7 * STEP, cod(600, 600, 600));
    expect(raised.map((x) => [x.type, x.alert.severity])).toEqual([
      ['updated', 'high'],
      ['updated', 'critical'],
    ]);
    // Back down to 1.2 ×: nothing new, still critical.
    expect(feed(e, T0 + 10 * STEP, cod(140))).toEqual([]);
    expect(e.open().find((a) => a.kind === 'wastewater_exceedance')?.severity).toBe('critical');
  });

  it('watches a minimum too: pH below 5.5', () => {
    const e = engine();
    const out = feed(
      e,
      T0,
      Array.from({ length: 7 }, () => ({ ph: 4.5 })),
    );
    expect(out).toHaveLength(1);
    // 5.5 / 4.5 = 1.22: medium.
    expect(out[0]?.alert).toMatchObject({
      severity: 'medium',
      details: { parameter: 'ph', limit: { min: 5.5, max: 9 } },
    });
  });

  it('closes after the average has stayed within the limit for the clear duration', () => {
    const e = engine();
    feed(e, T0, cod(300, 300, 300, 300, 300, 300, 300));
    // Back to 10 mg/L: the 60-minute average drops under 135 after a few samples, then must stay 15 minutes.
    const out = feed(e, T0 + 7 * STEP, cod(...Array.from({ length: 14 }, () => 10)));
    const closed = out.filter((x) => x.type === 'closed');
    // Samples i = 0…6 at 300, then 10. The 60-minute window holds indices i−11…i: at i = 12 it is
    // (6 × 300 + 6 × 10) / 12 = 155, over; at i = 13 (65 min) (5 × 300 + 7 × 10) / 12 ≈ 130.8, within.
    // Within from 65 minutes, 15 more minutes: closed at 80 minutes.
    expect(closed.map((x) => [x.type === 'closed' && x.reason, x.at])).toEqual([['cleared', T0 + 80 * MIN]]);
    expect(e.open().filter((a) => a.kind === 'wastewater_exceedance')).toEqual([]);
  });

  it('uses a plant limit from the rules instead of the standard', () => {
    const e = engine((d) => {
      const ww = d.localities[0]?.wastewater;
      if (ww) ww.limits = { 'plant-a': { cod: { max: 50, unit: 'mg/L' } } };
    });
    const out = feed(e, T0, cod(80, 80, 80, 80, 80, 80, 80));
    expect(out.map((x) => x.type)).toEqual(['opened']);
    expect(out[0]?.alert.kind === 'wastewater_exceedance' && out[0].alert.details.limit.max).toBe(50);
  });

  it('skips a reading older than the latest of its series', () => {
    const e = engine();
    feed(e, T0, cod(300, 300, 300, 300, 300, 300));
    expect(e.reading(sample(T0 + 2 * STEP - 1, { cod: 10_000 })).length).toBe(0);
    expect(feed(e, T0 + 6 * STEP, cod(300)).map((x) => x.type)).toEqual(['opened']);
  });
});

describe('wastewater silence', () => {
  const silence = (events: AlertEvent[]) => events.filter((x) => x.alert.kind === 'wastewater_silence');

  it('opens when a station sent no valid value for the rule duration, and closes on the next valid one', () => {
    const e = engine();
    e.reading(sample(T0, { cod: 50 }));
    // Calibrating values keep arriving: they are not valid data.
    for (let t = T0 + STEP; t < T0 + 60 * MIN; t += STEP) e.reading(sample(t, { cod: 50 }, { cod: 'calibrating' }));
    expect(silence(e.tick(T0 + 59 * MIN))).toEqual([]);
    const opened = silence(e.tick(T0 + 60 * MIN));
    expect(opened).toHaveLength(1);
    expect(opened[0]?.alert).toMatchObject({
      id: `wastewater_silence:ww-a:${T0}`,
      openedAt: T0,
      details: { lastValidAt: T0, silenceMinutes: 60 },
    });
    expect(silence(e.tick(T0 + 90 * MIN))).toEqual([]); // already open
    const closed = silence(e.reading(sample(T0 + 95 * MIN, { cod: 50 })));
    expect(closed.map((x) => [x.type, x.at])).toEqual([['closed', T0 + 95 * MIN]]);
  });

  it('counts a station never heard from since the engine started from the start', () => {
    const e = engine();
    expect(silence(e.tick(T0 + 59 * MIN))).toEqual([]);
    const out = silence(e.tick(T0 + 61 * MIN));
    expect(out[0]?.alert).toMatchObject({ openedAt: T0, details: { lastValidAt: null } });
  });

  it('judges silence on arrival time: a reading with an old timestamp that arrives now is valid data now', () => {
    const e = engine();
    e.reading(
      reading({ ts: T0 - 600 * MIN, receivedAt: T0 + 50 * MIN, values: { cod: 50 }, quality: { cod: 'measuring' } }),
    );
    expect(silence(e.tick(T0 + 100 * MIN))).toEqual([]);
  });
});
