import { DetectionSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { NOW, only, reasonOf, route } from './foreign-fixture.ts';

const TOPIC = 'onvif/axis-01/onvif-ej/RuleEngine/ObjectAbandoned';
const UTC = '2026-11-22T02:58:30.250Z';
const AT = Date.UTC(2026, 10, 22, 2, 58, 30, 250);

const abandoned = (over: object = {}) => ({
  UtcTime: UTC,
  Source: { VideoSource: 'VideoSource_1', AnalyticsConfiguration: 'VideoAnalyticsConfig_1', Rule: 'riverbank' },
  Data: { ObjectId: '17' },
  PropertyOperation: 'Changed', // extra keys are accepted
  ...over,
});

describe('ONVIF onvif-ej ObjectAbandoned → detection', () => {
  it('records a complete one-shot detection at UtcTime, the rule as zone when it is one', () => {
    const o = only(route(TOPIC, abandoned(), 'cam-3'));
    expect(o.kind).toBe('detection');
    if (o.kind !== 'detection') return;
    expect(DetectionSchema.parse(o.record)).toEqual(o.record);
    expect(o.record).toEqual({
      v: 1,
      deviceId: 'cam-3',
      siteId: 'bank',
      localityId: 'vinh-am',
      eventId: `17@${AT}`,
      phase: 'end',
      ts: AT,
      receivedAt: NOW,
      label: 'abandoned_object',
      score: 1,
      zone: 'riverbank',
      box: null,
      snapshotUrl: null,
      snapshotSha256: null,
      startedAt: AT,
      endedAt: AT,
      source: 'onvif-ej',
    });
  });

  it('reads the SimpleItem shape, numeric object ids, namespace prefixes and source suffixes', () => {
    const payload = {
      UtcTime: '2026-11-22T02:58:30.250', // no offset: still UTC
      Source: {
        SimpleItem: [
          { Name: 'VideoSource', Value: 'VideoSource_1' },
          { Name: 'Rule', Value: 'litter-watch' },
        ],
      },
      Data: { SimpleItem: [{ Name: 'ObjectId', Value: 17 }] },
    };
    const o = only(
      route('onvif/axis-01/onvif-ej/tns1:RuleEngine/tns1:ObjectAbandoned/&VideoSource_1/litter-watch', payload),
    );
    expect(o.kind === 'detection' && o.record).toMatchObject({ eventId: `17@${AT}`, ts: AT, zone: null });
  });

  it('ignores other ONVIF topics and payload formats', () => {
    expect(
      only(route('onvif/axis-01/onvif-ej/RuleEngine/CountAggregation/Counter/&1/Inbound', { UtcTime: UTC })),
    ).toMatchObject({
      kind: 'ignored',
      why: 'not_mapped',
      format: 'onvif-ej',
    });
    expect(only(route('onvif/axis-01/onvif-ex/RuleEngine/ObjectAbandoned', '<xml/>'))).toMatchObject({
      kind: 'ignored',
    });
  });
});

describe('ONVIF: refused with a reason', () => {
  const cases: [string, string, unknown, string, (string | null)?][] = [
    ['an unbound camera', 'onvif/axis-99/onvif-ej/RuleEngine/ObjectAbandoned', abandoned(), 'unknown_device'],
    ['another device’s login', TOPIC, abandoned(), 'not_authorised', 'cam-1'],
    ['truncated JSON', TOPIC, JSON.stringify(abandoned()).slice(0, 30), 'malformed_json'],
    ['no Data', TOPIC, abandoned({ Data: undefined }), 'missing_field'],
    ['no ObjectId', TOPIC, abandoned({ Data: { Other: 1 } }), 'missing_field'],
    ['an ObjectId object', TOPIC, abandoned({ Data: { ObjectId: { id: 1 } } }), 'invalid_type'],
    ['a fractional ObjectId', TOPIC, abandoned({ Data: { ObjectId: 1.5 } }), 'invalid_type'],
    ['UtcTime as epoch', TOPIC, abandoned({ UtcTime: 1_763_780_000 }), 'invalid_type'],
    ['a UtcTime that is no date', TOPIC, abandoned({ UtcTime: '2026-13-40T00:00:00Z' }), 'timestamp_invalid'],
    ['a UtcTime in the future', TOPIC, abandoned({ UtcTime: '2026-11-22T05:00:00Z' }), 'timestamp_in_future'],
    ['a Rule that is a number', TOPIC, abandoned({ Source: { Rule: 5 } }), 'invalid_type'],
    ['Data as an array', TOPIC, abandoned({ Data: [1] }), 'invalid_type'],
  ];
  it.each(cases)('%s', (_name, topic, payload, reason, publisher) => {
    expect(reasonOf(only(route(topic, payload, publisher ?? null)))).toBe(reason);
  });
});
