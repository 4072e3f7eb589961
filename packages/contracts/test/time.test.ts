import { describe, expect, it } from 'vitest';
import { formatLocal, localParts, parseDeviceTime, REPORTING_TIME_ZONE, zoneOffsetMs } from '../src/index.ts';

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

describe('zone offsets (cached per 15 minutes, exact at transitions)', () => {
  const H = 3_600_000;
  it('switches at the very second of a daylight-saving change, both ways, and again when asked twice', () => {
    // Berlin: CET → CEST at 01:00 UTC on 29 March 2026. New York: EDT → EST at 06:00 UTC on 1 Nov 2026.
    const cases: [string, number, number][] = [
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 0, 59, 59), H],
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 1, 0, 0), 2 * H],
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 0, 45, 0), H],
      ['America/New_York', Date.UTC(2026, 10, 1, 5, 59, 59), -4 * H],
      ['America/New_York', Date.UTC(2026, 10, 1, 6, 0, 0), -5 * H],
      ['Asia/Kathmandu', Date.UTC(2026, 10, 22, 3), 5.75 * H],
      [TZ, Date.UTC(2026, 10, 22, 3, 14, 59, 999), 7 * H],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [zone, ms, offset] of cases) expect(zoneOffsetMs(zone, ms), `${zone} ${ms} #${round}`).toBe(offset);
    }
  });

  it('gives wall-clock times that read back to the same instant around a transition', () => {
    const zone = 'Europe/Berlin';
    for (let ms = Date.UTC(2026, 9, 25, 0, 0); ms < Date.UTC(2026, 9, 25, 2, 0); ms += 60_000) {
      const wall = new Date(ms + zoneOffsetMs(zone, ms)).toISOString().slice(0, 19);
      // The repeated hour (02:00–03:00 local, twice) reads back to its second occurrence (standard time).
      const back = parseDeviceTime(wall, zone) as number;
      const repeated = ms >= Date.UTC(2026, 9, 25, 0) && ms < Date.UTC(2026, 9, 25, 1);
      expect(back, wall).toBe(repeated ? ms + H : ms);
    }
  });
});
