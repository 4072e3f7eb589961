/**
 * ONVIF analytics events over MQTT in the `onvif-ej` (event JSON) payload format. ONVIF Core
 * "Topic Structure": `<TopicPrefix>/<PayloadPrefix>/<LocalTopic>[&<Source>]`, the LocalTopic
 * being the ONVIF topic without its namespace prefixes. A camera is configured (AddEventBroker)
 * with the TopicPrefix `<prefix>/<id>`, `<id>` being its registry binding `external.onvif.id`.
 *
 * `RuleEngine/ObjectAbandoned` (tns1:RuleEngine/ObjectAbandoned, the standard's closest event to
 * "left waste") becomes a detection; every other ONVIF topic is ignored (counted). Payload:
 *
 *   {"UtcTime": "2026-11-22T08:10:00Z",
 *    "Source": {"VideoSource": "…", "AnalyticsConfiguration": "…", "Rule": "…"},
 *    "Data": {"ObjectId": "…"}}
 *
 * Some cameras send the items as ONVIF SimpleItem lists (`{"SimpleItem": [{"Name", "Value"}]}`);
 * both are read. The event is one-shot (no later update or end), so the detection is recorded
 * complete: phase `end`, started and ended at `UtcTime`. ONVIF gives no confidence: the score is 1
 * (the camera's rule fired). The rule name is the zone when it is one of the camera's zones.
 */
import { parseDeviceTime } from '@hpg/contracts';
import { z } from 'zod';
import {
  boundDevices,
  cameraZones,
  checkInstant,
  Fault,
  jsonObject,
  levelsUnder,
  refused,
  validate,
} from './foreign.ts';
import type { RawMessage } from './outcome.ts';
import { ignore, type Routed, type RouterContext } from './routed.ts';

export const ONVIF_SOURCE = 'onvif-ej';
export const ONVIF_ABANDONED = 'RuleEngine/ObjectAbandoned';
export const ONVIF_ABANDONED_LABEL = 'abandoned_object';

const item = z.union([z.string().max(256), z.number()]);
const SimpleItems = z.object({ SimpleItem: z.array(z.object({ Name: z.string(), Value: item })).max(64) });
const Items = z.union([SimpleItems, z.record(z.string(), z.unknown())]);

const EventSchema = z.object({
  UtcTime: z.string().min(10).max(40),
  Source: Items.optional(),
  Data: Items,
});

/** The items of a Source or Data element, whichever of the two JSON shapes it has. */
function items(v: z.infer<typeof Items> | undefined): ReadonlyMap<string, unknown> {
  if (v === undefined) return new Map();
  // The union lets `{"SimpleItem": [null]}` through as a plain record: read a list only when it is one.
  const list = SimpleItems.safeParse(v);
  if (list.success) return new Map(list.data.SimpleItem.map((i) => [i.Name, i.Value]));
  return new Map(Object.entries(v));
}

/** ONVIF topic levels of the LocalTopic: up to the `&` that starts the source values, namespace prefixes dropped. */
function localTopic(levels: readonly string[]): string {
  const out: string[] = [];
  for (const level of levels) {
    const amp = level.indexOf('&');
    const part = amp === -1 ? level : level.slice(0, amp);
    if (part !== '') out.push(part.replace(/^[A-Za-z][\w-]*:/, ''));
    if (amp !== -1) break;
  }
  return out.join('/');
}

export function decodeOnvif(msg: RawMessage, ctx: RouterContext): Routed[] {
  const levels = levelsUnder(msg.topic, ctx.formats.onvif.prefix) ?? [];
  const [id = '', payloadPrefix = '', ...rest] = levels;
  if (payloadPrefix !== 'onvif-ej') {
    return [ignore(msg, ONVIF_SOURCE, 'not_mapped', `payload format "${payloadPrefix.slice(0, 64)}" is not read`)];
  }
  const topic = localTopic(rest);
  if (topic !== ONVIF_ABANDONED) {
    return [ignore(msg, ONVIF_SOURCE, 'not_mapped', `ONVIF topic "${topic.slice(0, 128)}" is not stored`)];
  }
  const bound = boundDevices('onvif', id, msg, ctx);
  if (bound instanceof Fault) return refused(msg, ctx, bound);
  const [cam] = bound;
  if (cam === undefined) return refused(msg, ctx, new Fault('unknown_device', `onvif "${id}"`));
  const p = cam.placement;
  const deviceId = p.device.id;
  const obj = jsonObject(msg, ctx);
  if (obj instanceof Fault) return refused(msg, ctx, obj, deviceId);
  const event = validate(EventSchema, obj);
  if (event instanceof Fault) return refused(msg, ctx, event, deviceId);
  const data = items(event.Data);
  const objectId = data.get('ObjectId');
  if (objectId === undefined)
    return refused(msg, ctx, new Fault('missing_field', 'Data.ObjectId is required'), deviceId);
  if (!((typeof objectId === 'string' && /^[^\s]{1,64}$/.test(objectId)) || Number.isSafeInteger(objectId))) {
    return refused(msg, ctx, new Fault('invalid_type', 'Data.ObjectId: expected a token or an integer'), deviceId);
  }
  const rule = items(event.Source).get('Rule');
  if (rule !== undefined && typeof rule !== 'string') {
    return refused(msg, ctx, new Fault('invalid_type', 'Source.Rule: expected a string'), deviceId);
  }
  // UtcTime is UTC by its name: without an offset it is read as UTC, not as the site's time.
  const parsed = parseDeviceTime(event.UtcTime, 'UTC');
  if (parsed === undefined) {
    return refused(msg, ctx, new Fault('timestamp_invalid', `UtcTime: "${event.UtcTime}" is not ISO 8601`), deviceId);
  }
  const at = checkInstant(parsed, 'UtcTime', msg, ctx);
  if (at instanceof Fault) return refused(msg, ctx, at, deviceId);
  const zones = cameraZones(p, cam.binding.zones);
  return [
    {
      kind: 'detection',
      record: {
        v: 1,
        deviceId,
        siteId: p.site.id,
        localityId: p.locality.id,
        // One-shot events: the object id alone may be reused after a restart of the analytics.
        eventId: `${String(objectId)}@${at}`,
        phase: 'end',
        ts: at,
        receivedAt: msg.receivedAt,
        label: ONVIF_ABANDONED_LABEL,
        score: 1,
        zone: rule !== undefined && zones.includes(rule) ? rule : null,
        box: null,
        snapshotUrl: null,
        snapshotSha256: null,
        startedAt: at,
        endedAt: at,
        source: ONVIF_SOURCE,
      },
    },
  ];
}
