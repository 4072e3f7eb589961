import { DetectionSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { NOW_S, only, reasonOf, route, routerContext } from './foreign-fixture.ts';

/**
 * A tracked object as Frigate 0.14's docs show it (`snapshot_time`, `thumbnail`), for a
 * `frigate/events` message.
 */
const object014 = (over: object = {}) => ({
  id: '1763801700.123456-x7k2qa',
  camera: 'bank_east',
  frame_time: NOW_S - 30.5,
  snapshot_time: NOW_S - 31.25,
  label: 'waste',
  sub_label: null,
  top_score: 0.84765625,
  false_positive: false,
  start_time: NOW_S - 120.75,
  end_time: null,
  score: 0.80078125,
  box: [424, 500, 536, 712],
  area: 23744,
  ratio: 2.113207,
  region: [264, 450, 667, 853],
  stationary: true,
  motionless_count: 412,
  position_changes: 1,
  current_zones: ['riverbank'],
  entered_zones: ['parking', 'riverbank'],
  has_clip: true,
  has_snapshot: true,
  attributes: {},
  current_attributes: [],
  thumbnail: null,
  ...over,
});

/** The same object as the 0.15+ code sends it: a `snapshot` object, `active`, `max_severity`, 0.16 speed and path. */
const object016 = (over: object = {}) => {
  const { snapshot_time: _s, thumbnail: _t, ...rest } = object014();
  return {
    ...rest,
    snapshot: {
      frame_time: NOW_S - 31.25,
      box: [415, 489, 528, 700],
      area: 12728,
      region: [260, 446, 660, 846],
      score: 0.77546,
      attributes: [],
    },
    active: false,
    pending_loitering: false,
    max_severity: 'detection',
    current_estimated_speed: 0,
    average_estimated_speed: 0,
    velocity_angle: 0,
    path_data: [[[0.51, 0.62], NOW_S - 100]],
    recognized_license_plate: null,
    sub_label: ['dumper', 0.91],
    ...over,
  };
};

const event = (type: string, after: object, before: object = after) => ({ type, before, after });

describe('Frigate events → detections', () => {
  it('turns a 0.14 `new` event into a start detection with the zone, box and snapshot link', () => {
    const o = only(route('frigate/events', event('new', object014()), 'cam-1'));
    expect(o.kind).toBe('detection');
    if (o.kind !== 'detection') return;
    expect(DetectionSchema.parse(o.record)).toEqual(o.record);
    expect(o.record).toEqual({
      v: 1,
      deviceId: 'cam-1',
      siteId: 'bank',
      localityId: 'vinh-am',
      eventId: '1763801700.123456-x7k2qa',
      phase: 'start',
      ts: Math.round((NOW_S - 30.5) * 1000),
      receivedAt: NOW_S * 1000,
      label: 'waste',
      score: 0.84765625, // top_score, not the current frame's score
      zone: 'riverbank', // the first entered zone that is one of the camera spot's zones
      box: [424, 500, 536, 712],
      snapshotUrl: 'http://nvr.local:5000/api/events/1763801700.123456-x7k2qa/snapshot.jpg',
      snapshotSha256: null,
      startedAt: Math.round((NOW_S - 120.75) * 1000),
      endedAt: null,
      source: 'frigate',
    });
  });

  it('reads the 0.15+/0.16 shape (snapshot object, sub_label pair, extra keys) the same way', () => {
    const a = only(route('frigate/events', event('update', object014()), 'cam-1'));
    const b = only(route('frigate/events', event('update', object016()), 'cam-1'));
    expect(b.kind).toBe('detection');
    if (a.kind !== 'detection' || b.kind !== 'detection') return;
    expect(b.record).toEqual(a.record);
    expect(b.record.phase).toBe('update');
  });

  it('ends the detection with end_time on an `end` event', () => {
    const o = only(route('frigate/events', event('end', object016({ end_time: NOW_S - 5 })), 'cam-1'));
    expect(o.kind === 'detection' && o.record).toMatchObject({ phase: 'end', endedAt: (NOW_S - 5) * 1000 });
  });

  it('falls back to score without top_score, and uses a binding’s own zones', () => {
    const o = only(
      route(
        'frigate/events',
        event('new', object014({ camera: 'bank_west', top_score: null, entered_zones: ['riverbank', 'dock'] })),
        'cam-1', // the NVR's login publishes for cam-2 (publishedBy)
      ),
    );
    expect(o.kind === 'detection' && o.record).toMatchObject({
      deviceId: 'cam-2',
      score: 0.80078125,
      zone: 'dock',
      snapshotUrl: null, // no base URL for this camera nor in the settings
    });
  });

  it('has no zone when no entered zone is one of the registry’s', () => {
    const o = only(route('frigate/events', event('new', object014({ entered_zones: ['street'] }))));
    expect(o.kind === 'detection' && o.record.zone).toBeNull();
  });

  it('uses the configured base URL when the binding has none', () => {
    const ctx = routerContext({ frigate: { baseUrl: 'https://frigate.example.vn' } });
    const o = only(route('frigate/events', event('new', object014({ camera: 'bank_west' })), null, ctx));
    expect(o.kind === 'detection' && o.record.snapshotUrl).toBe(
      'https://frigate.example.vn/api/events/1763801700.123456-x7k2qa/snapshot.jpg',
    );
  });

  it('follows a configured topic prefix', () => {
    const ctx = routerContext({ frigate: { prefix: 'nvr/frigate' } });
    expect(only(route('nvr/frigate/events', event('new', object014()), null, ctx)).kind).toBe('detection');
    expect(reasonOf(only(route('frigate/events', event('new', object014()), null, ctx)))).toBe('unknown_topic');
  });
});

describe('Frigate: what is ignored, counted, not refused', () => {
  it('ignores labels outside the configured ones and scores below the minimum', () => {
    const ctx = routerContext({ frigate: { labels: ['waste'], minScore: 0.9 } });
    const person = only(route('frigate/events', event('new', object014({ label: 'person' })), null, ctx));
    expect(person).toMatchObject({
      kind: 'ignored',
      why: 'label_not_of_interest',
      format: 'frigate',
      deviceId: 'cam-1',
    });
    const low = only(route('frigate/events', event('new', object014()), null, ctx));
    expect(low).toMatchObject({ kind: 'ignored', why: 'score_below_minimum' });
  });

  it('ignores false positives', () => {
    const o = only(route('frigate/events', event('update', object014({ false_positive: true }))));
    expect(o).toMatchObject({ kind: 'ignored', why: 'false_positive' });
  });

  it('ignores reviews: their detections are the events already received', () => {
    const review = {
      type: 'new',
      before: {},
      after: {
        id: '1763801700.2-rv1',
        camera: 'bank_east',
        start_time: NOW_S - 120,
        end_time: null,
        severity: 'alert',
        thumb_path: '/media/frigate/clips/review/thumb-bank_east-1763801700.2-rv1.webp',
        data: {
          detections: ['1763801700.123456-x7k2qa'],
          objects: ['waste'],
          sub_labels: [],
          zones: ['riverbank'],
          audio: [],
        },
      },
    };
    expect(only(route('frigate/reviews', review))).toMatchObject({ kind: 'ignored', why: 'review' });
  });

  it('ignores availability and other Frigate topics (JPEG snapshots, counts, stats)', () => {
    expect(only(route('frigate/available', 'offline'))).toMatchObject({ kind: 'ignored', why: 'availability' });
    expect(only(route('frigate/bank_east/waste/snapshot', Buffer.alloc(200_000, 0xff)))).toMatchObject({
      kind: 'ignored',
      why: 'not_mapped',
    });
    expect(only(route('frigate/stats', { service: {} }))).toMatchObject({ kind: 'ignored', why: 'not_mapped' });
  });
});

describe('Frigate: refused with a reason', () => {
  const refusals: [string, unknown, string, (string | null)?][] = [
    ['truncated JSON', JSON.stringify(event('new', object014())).slice(0, 80), 'malformed_json'],
    ['a JSON array', [event('new', object014())], 'invalid_type'],
    ['an unknown type', event('destroy', object014()), 'invalid_value'],
    ['no after', { type: 'new', before: object014() }, 'missing_field'],
    ['no camera', event('new', object014({ camera: undefined })), 'missing_field'],
    ['frame_time as a string', event('new', object014({ frame_time: String(NOW_S) })), 'invalid_type'],
    ['score as a "NaN" string', event('new', object014({ top_score: 'NaN', score: 'NaN' })), 'invalid_type'],
    ['a score above 1', event('new', object014({ top_score: 87 })), 'out_of_range'],
    ['no score at all', event('new', object014({ top_score: null, score: null })), 'missing_field'],
    ['a box of three numbers', event('new', object014({ box: [1, 2, 3] })), 'invalid_value'],
    ['a negative box', event('new', object014({ box: [-1, 2, 3, 4] })), 'out_of_range'],
    ['sub_label of the wrong shape', event('new', object014({ sub_label: 42 })), 'invalid_type'],
    ['an unknown camera', event('new', object014({ camera: 'garage' })), 'unknown_device'],
    ['a disabled camera', event('new', object014({ camera: 'old_cam' })), 'unknown_device'],
    ['another device publishing for the camera', event('new', object014()), 'not_authorised', 'cam-3'],
    ['an end without end_time', event('end', object014()), 'missing_field'],
    ['a frame time far in the future', event('new', object014({ frame_time: NOW_S + 3600 })), 'timestamp_in_future'],
    ['a start in 2020', event('new', object014({ start_time: 1_577_836_800 })), 'timestamp_too_old'],
  ];
  it.each(refusals)('%s', (_name, payload, reason, publisher) => {
    const o = only(route('frigate/events', payload, publisher ?? null));
    expect(reasonOf(o)).toBe(reason);
    expect(o.kind === 'refusal' && o.record.detail.length).toBeGreaterThan(0);
  });

  it('keeps the refused bytes and the device it could name', () => {
    const payload = JSON.stringify(event('new', object014({ top_score: 2 })));
    const o = only(route('frigate/events', payload));
    expect(o.kind === 'refusal' && o.record).toMatchObject({ deviceId: 'cam-1', reason: 'out_of_range' });
    expect(o.kind === 'refusal' && Buffer.from(o.record.raw, 'base64').toString()).toBe(payload);
  });
});
