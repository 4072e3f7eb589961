import { describe, expect, it } from 'vitest';
import { formatLocal, localParts, parseDeviceTime, REPORTING_TIME_ZONE } from '../src/index.ts';

const TZ = REPORTING_TIME_ZONE;

describe('parseDeviceTime', () => {
  it('reads Z and offsets as absolute instants', () => {
    expect(parseDeviceTime('2026-11-22T03:00:00Z', TZ)).toBe(Date.UTC(2026, 10, 22, 3));
    expect(parseDeviceTime('2026-11-22T10:00:00+07:00', TZ)).toBe(Date.UTC(2026, 10, 22, 3));
    expect(parseDeviceTime('2026-11-22T10:00:00+0700', TZ)).toBe(Date.UTC(2026, 10, 22, 3));
    expect(parseDeviceTime('2026-11-21T22:00:00-05:00', TZ)).toBe(Date.UTC(2026, 10, 22, 3));
    expect(parseDeviceTime('2026-11-22T03:00:00.250Z', TZ)).toBe(Date.UTC(2026, 10, 22, 3, 0, 0, 250));
  });

  it('reads wall-clock time without offset in the given zone', () => {
    // 00:30 on 1 Nov in Hai Phong is still 31 Oct in UTC: the month boundary is local.
    expect(parseDeviceTime('2026-11-01T00:30:00', TZ)).toBe(Date.UTC(2026, 9, 31, 17, 30));
    expect(parseDeviceTime('2026-11-01 00:30', 'UTC')).toBe(Date.UTC(2026, 10, 1, 0, 30));
  });

  it('refuses what is not a real instant', () => {
    for (const s of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-22T24:00:00Z',
      'yesterday',
      '1732240800',
      '2026-11-22',
      '2026-11-22T10:00:00+15:00',
    ]) {
      expect(parseDeviceTime(s, TZ), s).toBeUndefined();
    }
  });
});

describe('local calendar', () => {
  it('cuts days in Asia/Ho_Chi_Minh', () => {
    expect(localParts(TZ, Date.UTC(2026, 9, 31, 17, 0))).toMatchObject({ year: 2026, month: 11, day: 1, hour: 0 });
    expect(formatLocal(TZ, Date.UTC(2026, 10, 22, 3))).toBe('2026-11-22T10:00:00+07:00');
  });
});
