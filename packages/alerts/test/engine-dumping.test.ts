import { describe, expect, it } from 'vitest';
import { AlertEngine, type AlertEvent, AlertEventSchema, AlertRules } from '../src/index.ts';
import { demoRegistry, demoRulesData, detection, MIN, miniRules, T0 } from './helpers/fixtures.ts';

const engine = (rules = miniRules()) => new AlertEngine({ rules, startAt: T0 });
const types = (events: AlertEvent[]) => events.map((e) => e.type);
/** Ticks also run the silence and offline rules; these tests look at dumping only. */
const dumping = (events: AlertEvent[]) => events.filter((e) => e.alert.kind === 'dumping');

describe('dumping rule', () => {
  it('opens an incident for a waste detection at or above the threshold in a watched zone', () => {
    const e = engine();
    const [ev, ...rest] = e.detection(detection({ score: 0.7, eventId: 'x1' }));
    expect(rest).toEqual([]);
    expect(ev?.type).toBe('opened');
    expect(AlertEventSchema.parse(ev)).toEqual(ev);
    expect(ev?.alert).toMatchObject({
      id: 'dumping:cam-a1:bank:x1',
      kind: 'dumping',
      severity: 'high',
      localityId: 'xa-a',
      siteId: 'spot-a',
      deviceId: 'cam-a1',
      openedAt: T0,
      details: { label: 'waste', zone: 'bank', maxScore: 0.7, eventIds: ['x1'], detections: 1 },
    });
  });

  it('ignores detections below the threshold, of other labels, or outside the watched zones', () => {
    const e = engine();
    expect(e.detection(detection({ score: 0.69 }))).toEqual([]);
    expect(e.detection(detection({ label: 'person', eventId: 'p' }))).toEqual([]);
    expect(e.detection(detection({ zone: 'field', eventId: 'f' }))).toEqual([]);
    expect(e.detection(detection({ zone: null, eventId: 'n' }))).toEqual([]);
    expect(e.open()).toEqual([]);
  });

  it('watches the whole frame of a spot that lists no zones', () => {
    const e = engine();
    const out = e.detection(detection({ deviceId: 'cam-open', siteId: 'spot-open', zone: null, eventId: 'o1' }));
    expect(out.map((x) => x.alert.id)).toEqual(['dumping:cam-open:-:o1']);
  });

  it('keeps re-detections of the same pile (same camera and zone, within the window) as one incident', () => {
    const e = engine();
    const events = [
      ...e.detection(detection({ ts: T0, eventId: 'a', score: 0.8 })),
      ...e.detection(detection({ ts: T0 + 50 * MIN, eventId: 'b', score: 0.75 })),
      // 50 minutes after the last one, not after the first: still the same pile.
      ...e.detection(detection({ ts: T0 + 100 * MIN, eventId: 'c', score: 0.91, snapshotSha256: 'f'.repeat(64) })),
    ];
    expect(types(events)).toEqual(['opened', 'updated', 'updated']);
    expect(new Set(events.map((x) => x.alert.id))).toEqual(new Set(['dumping:cam-a1:bank:a']));
    const last = events.at(-1)?.alert;
    expect(last?.kind === 'dumping' && last.details).toMatchObject({
      eventIds: ['a', 'b', 'c'],
      detections: 3,
      maxScore: 0.91,
      snapshotSha256: 'f'.repeat(64),
    });
    expect(last?.lastSeenAt).toBe(T0 + 100 * MIN);
    expect(e.open()).toHaveLength(1);
  });

  it('joins later states of a known event whatever their score, and opens nothing for them', () => {
    const e = engine();
    e.detection(detection({ eventId: 'a', score: 0.8 }));
    const out = e.detection(detection({ eventId: 'a', phase: 'update', ts: T0 + MIN, score: 0.3 }));
    expect(out).toEqual([]);
    expect(e.open()[0]?.lastSeenAt).toBe(T0 + MIN);
  });

  it('opens separate incidents for another camera or another zone', () => {
    const e = engine();
    const ids = [
      ...e.detection(detection({ eventId: 'a' })),
      ...e.detection(detection({ eventId: 'b', deviceId: 'cam-a2' })),
      ...e.detection(detection({ eventId: 'c', zone: 'road' })),
    ].map((x) => `${x.type} ${x.alert.id}`);
    expect(ids).toEqual([
      'opened dumping:cam-a1:bank:a',
      'opened dumping:cam-a2:bank:b',
      'opened dumping:cam-a1:road:c',
    ]);
  });

  it('closes a quiet incident as of the end of its window, and the next detection is a new incident', () => {
    const e = engine();
    e.detection(detection({ eventId: 'a', ts: T0 }));
    expect(dumping(e.tick(T0 + 60 * MIN))).toEqual([]);
    const closed = dumping(e.tick(T0 + 61 * MIN));
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ type: 'closed', reason: 'quiet', at: T0 + 60 * MIN });
    const again = e.detection(detection({ eventId: 'z', ts: T0 + 70 * MIN }));
    expect(again.map((x) => `${x.type} ${x.alert.id}`)).toEqual(['opened dumping:cam-a1:bank:z']);
  });

  it('closes the old incident and opens a new one when a late re-detection arrives before any tick', () => {
    const e = engine();
    e.detection(detection({ eventId: 'a', ts: T0 }));
    const out = e.detection(detection({ eventId: 'b', ts: T0 + 2 * 60 * MIN }));
    expect(out.map((x) => `${x.type} ${x.alert.id}`)).toEqual([
      'closed dumping:cam-a1:bank:a',
      'opened dumping:cam-a1:bank:b',
    ]);
  });

  it('takes the watched zones of a spot from the rule when it names them (demo: Tân Minh dyke foot only)', () => {
    const rules = AlertRules.from(demoRulesData(), demoRegistry());
    const e = new AlertEngine({ rules, startAt: T0 });
    const at = { deviceId: 'cam-tan-minh-01', siteId: 'spot-tan-minh-01', localityId: 'tan-minh' };
    expect(e.detection(detection({ ...at, zone: 'bo-song', eventId: 'river' }))).toEqual([]);
    expect(types(e.detection(detection({ ...at, zone: 'chan-de', eventId: 'dyke' })))).toEqual(['opened']);
    // Vĩnh Am has no dumping section of its own: the city's rule applies, with the registry's zones.
    const va = { deviceId: 'cam-vinh-am-01', siteId: 'spot-vinh-am-01', localityId: 'vinh-am' };
    expect(types(e.detection(detection({ ...va, zone: 'bai-soi', eventId: 'v1' })))).toEqual(['opened']);
  });
});
