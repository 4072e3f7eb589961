import type { DetectionEvent } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { DUMPING_LABEL } from '../src/models/dumping-camera.ts';
import { HOUR, localHour, localMidnight, runFleet } from './fleet-run.ts';

const DAYS = 30;
const events = runFleet({
  seed: 9,
  from: localMidnight(2026, 11, 1),
  hours: DAYS * 24,
  filter: { kinds: ['camera'] },
}).map((r) => ({ ...r, p: r.emission.payload as DetectionEvent }));
const starts = events.filter((e) => e.p.phase === 'start');
const isDumping = (p: DetectionEvent) => p.label === DUMPING_LABEL && p.score >= 0.6;

describe('dumping camera model', () => {
  it('detects dumping mostly at night', () => {
    const dumping = starts.filter((e) => isDumping(e.p));
    expect(dumping.length).toBeGreaterThan(DAYS);
    const night = dumping.filter((e) => {
      const h = localHour(Date.parse(e.p.startedAt));
      return h >= 18 || h < 6;
    });
    expect(night.length / dumping.length).toBeGreaterThan(0.75);
  });

  it('also produces false positives: low-score waste and other labels', () => {
    expect(starts.some((e) => e.p.label === DUMPING_LABEL && e.p.score < 0.6)).toBe(true);
    const labels = new Set(starts.map((e) => e.p.label));
    for (const l of ['person', 'car', 'dog']) expect(labels).toContain(l);
  });

  it('ends every event it starts, with the same id, zone and snapshot, after it started', () => {
    const open = new Map<string, DetectionEvent>();
    for (const { p } of events) {
      expect(p.snapshot?.url).toMatch(/^http:\/\/.+\/api\/events\/.+\/snapshot\.jpg$/);
      expect(Date.parse(p.ts)).toBeGreaterThanOrEqual(Date.parse(p.startedAt));
      if (p.phase === 'start') {
        expect(open.has(p.eventId)).toBe(false);
        open.set(p.eventId, p);
      } else {
        const s = open.get(p.eventId);
        expect(s?.zone).toBe(p.zone);
        expect(s?.startedAt).toBe(p.startedAt);
        if (p.phase === 'end') {
          expect(Date.parse(p.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(p.startedAt));
          open.delete(p.eventId);
        }
      }
    }
    // Only events still tracked when the run stops remain open.
    expect(open.size).toBeLessThan(5);
  });

  it('re-detects a pile that stays: same camera and zone, new event id, within the hour', () => {
    const dumping = starts.filter((e) => isDumping(e.p));
    let redetections = 0;
    for (let i = 0; i < dumping.length; i++) {
      const a = dumping[i];
      if (a === undefined) continue;
      const again = dumping.find(
        (b, j) =>
          j > i &&
          b.deviceId === a.deviceId &&
          b.p.zone === a.p.zone &&
          b.p.eventId !== a.p.eventId &&
          Date.parse(b.p.startedAt) - Date.parse(a.p.startedAt) <= HOUR,
      );
      if (again !== undefined) redetections++;
    }
    expect(redetections).toBeGreaterThan(0);
  });
});
