import { describe, expect, it } from 'vitest';
import { outcomeSummary } from '../src/index.ts';

const M = 60_000;
const T = Date.UTC(2026, 10, 3, 15);

describe('outcomeSummary', () => {
  it('counts confirmed, false alarms and pending; response times as medians from when the police were told', () => {
    /*
     * a: told at T, acknowledged +4 min, resolved +40 min (confirmed)
     * b: told at T, acknowledged +10 min, closed as a false alarm +12 min
     * c: told at T, acknowledged +30 min, not closed (pending)
     * d: told at T, nobody acted (pending)
     * Acknowledge: 4, 10, 30 → median 10. Close: 40, 12 → median (12 + 40) / 2 = 26.
     * Closed 2, of which 1 false alarm → share 0.5.
     */
    const s = outcomeSummary([
      { status: 'resolved', createdAt: T, acknowledgedAt: T + 4 * M, closedAt: T + 40 * M },
      { status: 'false_alarm', createdAt: T, acknowledgedAt: T + 10 * M, closedAt: T + 12 * M },
      { status: 'acknowledged', createdAt: T, acknowledgedAt: T + 30 * M, closedAt: null },
      { status: 'open', createdAt: T, acknowledgedAt: null, closedAt: null },
    ]);
    expect(s).toEqual({
      incidents: 4,
      confirmed: 1,
      falseAlarms: 1,
      pending: 2,
      falseAlarmShare: 0.5,
      medianMinutesToAcknowledge: 10,
      medianMinutesToClose: 26,
    });
  });

  it('gives nulls, not zeros, where nothing was acknowledged or closed', () => {
    expect(outcomeSummary([{ status: 'open', createdAt: T, acknowledgedAt: null, closedAt: null }])).toMatchObject({
      pending: 1,
      falseAlarmShare: null,
      medianMinutesToAcknowledge: null,
      medianMinutesToClose: null,
    });
    expect(outcomeSummary([]).incidents).toBe(0);
  });
});
