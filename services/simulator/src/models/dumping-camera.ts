/**
 * AI camera watching a spot at risk of illegal dumping (topic `detection`), shaped like Frigate NVR
 * events (device-formats.md): one tracked object per event id, a `start` when it is first seen, an
 * `update` when a long-tracked object's score improves, an `end` with `endedAt`, each with the zone,
 * the box in pixels and the snapshot URL (Frigate's `/api/events/{id}/snapshot.jpg`).
 *
 * - Genuine dumping (label `waste`, high score) happens mostly at night, when nobody watches.
 * - False positives at any hour: people, vehicles and dogs crossing the spot, and low-score `waste`
 *   (a plastic bag blowing past, a shadow).
 * - A pile that stays is re-detected: the same zone, a new event id, within the hour — which is why
 *   alerts must be deduplicated by camera, zone and time window (device-formats.md, Frigate).
 */
import type { DetectionEvent } from '@hpg/contracts';
import { fires, intBetween, pick, type Rng, randomId, uniform } from '../random.ts';
import { type DeviceModel, type Emission, iso, round } from './model.ts';

const MINUTE = 60_000;
const FRAME = { w: 1920, h: 1080 } as const;
/** The label genuine dumping is detected as (also used by the platform's test fixtures). */
export const DUMPING_LABEL = 'waste';

type Box = [number, number, number, number];

export interface TrackedObject {
  readonly id: string;
  readonly label: string;
  readonly zone: string;
  readonly box: Box;
  readonly startedAt: number;
  readonly endsAt: number;
  readonly score: number;
  /** Whether this is a genuine dumping (for tests and statistics; not sent). */
  readonly genuine: boolean;
  readonly started: boolean;
  /** When an improved score is reported, for objects tracked longer than three minutes. */
  readonly updateAt: number | null;
}

export interface Redetection {
  readonly at: number;
  readonly zone: string;
  readonly box: Box;
  readonly score: number;
}

export interface CameraState {
  readonly zones: readonly [string, ...string[]];
  /** How prone the spot is to dumping, scaling the rates. */
  readonly activity: number;
  readonly lastT: number;
  readonly tracked: readonly TrackedObject[];
  readonly redetections: readonly Redetection[];
}

/** Genuine dumping events per hour at local `hour`: mostly at night. */
export function dumpingRatePerHour(hour: number): number {
  if (hour >= 20 || hour < 5) return 0.03;
  if (hour >= 18 || hour < 6) return 0.012;
  return 0.0025;
}

function falsePositiveRatePerHour(hour: number): number {
  return hour >= 6 && hour < 19 ? 0.08 : 0.04;
}

function boxOf(rng: Rng, w: number, h: number): Box {
  const x = uniform(rng, 0, FRAME.w - w);
  const y = uniform(rng, FRAME.h * 0.35, FRAME.h - h);
  return [Math.round(x), Math.round(y), Math.round(x + w), Math.round(y + h)];
}

function jitter(rng: Rng, b: Box): Box {
  const d = () => Math.round(uniform(rng, -12, 12));
  return [Math.max(0, b[0] + d()), Math.max(0, b[1] + d()), Math.max(0, b[2] + d()), Math.max(0, b[3] + d())];
}

function eventId(rng: Rng, startedAt: number): string {
  // Frigate's id: the frame time in seconds with microseconds, and a random suffix.
  return `${(startedAt / 1000).toFixed(6)}-${randomId(rng, 6)}`;
}

export const dumpingCameraModel: DeviceModel<CameraState> = {
  // Detection is event-driven: the registry interval (e.g. 3600 s) is a liveness expectation; the
  // model looks at the scene every minute at most.
  stepSeconds: (device) => Math.min(device.intervalSeconds, 60),
  expectedMessagesPerStep: 0.005,

  init(ctx, t) {
    const zones = ctx.site.kind === 'camera_spot' && ctx.site.zones.length > 0 ? ctx.site.zones : [];
    const [first = 'scene', ...rest] = zones;
    return {
      zones: [first, ...rest],
      activity: uniform(ctx.rng, 0.5, 1.3),
      lastT: t - dumpingCameraModel.stepSeconds(ctx.device) * 1000,
      tracked: [],
      redetections: [],
    };
  },

  step(ctx, s, t) {
    const rng = ctx.rng;
    const dt = t - s.lastT;
    const hour = ctx.local(t).hour;
    const within = () => Math.max(s.lastT + 1, Math.round(t - rng.next() * dt));
    const tracked = [...s.tracked];
    let redetections = s.redetections;

    if (fires(rng, dumpingRatePerHour(hour) * s.activity, dt)) {
      const startedAt = within();
      const zone = pick(rng, s.zones);
      const box = boxOf(rng, uniform(rng, 150, 500), uniform(rng, 100, 350));
      const score = uniform(rng, 0.72, 0.95);
      const duration = uniform(rng, 1, 8) * MINUTE;
      tracked.push({
        id: eventId(rng, startedAt),
        label: DUMPING_LABEL,
        zone,
        box,
        startedAt,
        endsAt: Math.round(startedAt + duration),
        score,
        genuine: true,
        started: false,
        updateAt: duration > 3 * MINUTE ? Math.round(startedAt + duration / 2) : null,
      });
      // The pile stays: the tracker loses and re-finds it a few times within the hour.
      const again = intBetween(rng, 0, 3);
      const more: Redetection[] = [];
      for (let i = 0; i < again; i++) {
        more.push({
          at: startedAt + uniform(rng, 10, 55) * MINUTE,
          zone,
          box: jitter(rng, box),
          score: score * uniform(rng, 0.9, 1.02),
        });
      }
      redetections = [...redetections, ...more];
    }

    if (fires(rng, falsePositiveRatePerHour(hour) * s.activity, dt)) {
      const startedAt = within();
      const kind = pick(rng, ['waste', 'person', 'person', 'car', 'motorcycle', 'dog'] as const);
      const score = kind === 'waste' ? uniform(rng, 0.3, 0.6) : uniform(rng, 0.55, 0.9);
      const [w, h] =
        kind === 'person' ? [80, 220] : kind === 'dog' ? [90, 70] : kind === 'waste' ? [120, 90] : [380, 240];
      tracked.push({
        id: eventId(rng, startedAt),
        label: kind,
        zone: pick(rng, s.zones),
        box: boxOf(rng, w * uniform(rng, 0.7, 1.4), h * uniform(rng, 0.7, 1.4)),
        startedAt,
        endsAt: Math.round(startedAt + uniform(rng, 5, 60) * 1000),
        score,
        genuine: false,
        started: false,
        updateAt: null,
      });
    }

    const due = redetections.filter((r) => r.at <= t);
    if (due.length > 0) {
      redetections = redetections.filter((r) => r.at > t);
      for (const r of due) {
        const startedAt = Math.max(s.lastT + 1, Math.round(r.at));
        tracked.push({
          id: eventId(rng, startedAt),
          label: DUMPING_LABEL,
          zone: r.zone,
          box: r.box,
          startedAt,
          endsAt: Math.round(startedAt + uniform(rng, 0.3, 3) * MINUTE),
          score: Math.min(0.99, r.score),
          genuine: true,
          started: false,
          updateAt: null,
        });
      }
    }

    const timed: { at: number; emission: Emission }[] = [];
    const emit = (o: TrackedObject, phase: DetectionEvent['phase'], at: number, score: number) => {
      const payload: DetectionEvent = {
        v: 1,
        deviceId: ctx.device.id,
        ts: iso(at),
        eventId: o.id,
        phase,
        label: o.label,
        score: round(score, 3),
        zone: o.zone,
        box: o.box,
        snapshot: { url: `http://${ctx.device.id}.cam.local:5000/api/events/${o.id}/snapshot.jpg` },
        startedAt: iso(o.startedAt),
        endedAt: phase === 'end' ? iso(o.endsAt) : null,
      };
      timed.push({ at, emission: { message: 'detection', payload } });
    };
    const still: TrackedObject[] = [];
    for (const o of tracked) {
      let cur = o;
      if (!cur.started) {
        emit(cur, 'start', cur.startedAt, cur.score * 0.92);
        cur = { ...cur, started: true };
      }
      if (cur.updateAt !== null && cur.updateAt <= t && cur.updateAt < cur.endsAt) {
        emit(cur, 'update', cur.updateAt, cur.score);
        cur = { ...cur, updateAt: null };
      }
      if (cur.endsAt <= t) emit(cur, 'end', cur.endsAt, cur.score);
      else still.push(cur);
    }
    timed.sort((a, b) => a.at - b.at);
    return {
      state: { ...s, lastT: t, tracked: still, redetections },
      emissions: timed.map((x) => x.emission),
    };
  },
};
