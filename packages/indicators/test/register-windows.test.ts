import { describe, expect, it } from 'vitest';
import { daysOfMonth, localYear, monthOf, registerByWindow, type Window } from '../src/index.ts';

const H = 3_600_000;
// Local midnights of 1, 2 and 3 Nov 2026 in Hai Phong (UTC+7).
const NOV = daysOfMonth(2026, 11);
const D1 = NOV[0] as Window;
const D2 = NOV[1] as Window;

describe('registerByWindow', () => {
  it('counts each increase in the window of its later reading, so the days add up to the whole', () => {
    // Register (Wh): 23:00 the day before 100 · 01:00 150 · 23:30 400 · next day 00:30 460 · 12:00 500.
    // Day 1: (150 − 100) + (400 − 150) = 300, the step over local midnight belongs to day 2:
    // (460 − 400) + (500 − 460) = 100. Together 400 = 500 − 100, nothing lost at the boundary.
    const points = [
      { ts: D1.from - H, wh: 100 },
      { ts: D1.from + H, wh: 150 },
      { ts: D2.from - H / 2, wh: 400 },
      { ts: D2.from + H / 2, wh: 460 },
      { ts: D2.from + 12 * H, wh: 500 },
    ];
    expect(registerByWindow(points, [D1, D2])).toEqual({ wh: [300, 100], resets: [0, 0] });
    // Order of the input does not matter.
    expect(registerByWindow([...points].reverse(), [D1, D2]).wh).toEqual([300, 100]);
  });

  it('adds nothing for a decrease (a reset or a replaced meter) and counts it in its window', () => {
    const points = [
      { ts: D1.from + H, wh: 1_000 },
      { ts: D1.from + 2 * H, wh: 1_200 },
      { ts: D1.from + 3 * H, wh: 10 }, // meter replaced
      { ts: D1.from + 4 * H, wh: 60 },
    ];
    // 200 before the reset, 50 after it; the drop itself adds nothing.
    expect(registerByWindow(points, [D1, D2])).toEqual({ wh: [250, 0], resets: [1, 0] });
  });

  it('ignores readings after the last window and gives zeros without readings', () => {
    expect(
      registerByWindow(
        [
          { ts: D2.to + H, wh: 5 },
          { ts: D2.to + 2 * H, wh: 9 },
        ],
        [D1, D2],
      ),
    ).toEqual({
      wh: [0, 0],
      resets: [0, 0],
    });
  });
});

describe('year and month of an instant, in Hai Phong', () => {
  it('cuts the year at local midnight of 1 January', () => {
    const y = localYear(2027);
    expect(new Date(y.from).toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(y.label).toBe('2027');
    // 31 Dec 2026 17:30 UTC is already 1 Jan 2027 00:30 in Hai Phong.
    expect(monthOf(y.from + 30 * 60_000)).toEqual({ year: 2027, month: 1 });
    expect(monthOf(y.from - 1)).toEqual({ year: 2026, month: 12 });
  });
});
