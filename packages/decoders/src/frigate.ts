/**
 * Frigate NVR over MQTT (docs.frigate.video/integrations/mqtt; shapes of 0.14 to 0.17):
 *
 * - `<prefix>/events`: `{type: new|update|end, before, after}`, one tracked object per `after.id`
 *   → one detection (phase start/update/end), the latest state replacing the earlier ones.
 * - `<prefix>/reviews`: review items group tracked objects already sent on `events`, with no
 *   label, score or box of their own; a detection made from one would replace the richer record
 *   of the same event id, so reviews are ignored (counted).
 * - `<prefix>/available`: `online` / `offline`, Frigate's retained last will → ignored (counted).
 * - any other topic under the prefix (per-camera counts, snapshots as JPEG bytes, stats…) → ignored.
 *
 * Object fields used: `id, camera, label, frame_time, start_time, end_time` (unix seconds, floats;
 * `end_time` null until the end), `top_score` / `score`, `box` [x1, y1, x2, y2] in pixels,
 * `entered_zones`, `has_snapshot`, `false_positive`. `sub_label` (null, a string before 0.14, or
 * [name, score]) and both snapshot shapes — the `snapshot` object the 0.14+ code sends and the
 * `snapshot_time` / `thumbnail` its docs still show — are checked for type but not stored. Unknown
 * keys (0.15 `active`, `max_severity`; 0.16 speed and `path_data`; whatever 0.17 passes through)
 * are accepted.
 */
import type { Detection } from '@hpg/contracts';
import { z } from 'zod';
import {
  boundDevices,
  cameraZones,
  checkInstant,
  Fault,
  jsonObject,
  levelsUnder,
  refused,
  unixSecondsToMs,
  validate,
} from './foreign.ts';
import type { RawMessage } from './outcome.ts';
import { ignore, type Routed, type RouterContext } from './routed.ts';

export const FRIGATE_SOURCE = 'frigate';

const seconds = z.number().min(0);
const box = z.tuple([z.number().min(0), z.number().min(0), z.number().min(0), z.number().min(0)]);

const FrigateObjectSchema = z.object({
  id: z.string().min(1).max(128),
  camera: z.string().min(1).max(64),
  label: z.string().min(1).max(64),
  sub_label: z.union([z.null(), z.string(), z.tuple([z.string(), z.number().nullable()])]).optional(),
  frame_time: seconds,
  start_time: seconds,
  end_time: seconds.nullable().optional(),
  score: z.number().nullable().optional(),
  top_score: z.number().nullable().optional(),
  false_positive: z.boolean().optional(),
  box: box.nullable().optional(),
  entered_zones: z.array(z.string()).optional(),
  current_zones: z.array(z.string()).optional(),
  has_snapshot: z.boolean().optional(),
  /** 0.14+ code. */
  snapshot: z
    .object({ frame_time: seconds.optional(), box: box.optional(), score: z.number().optional() })
    .nullable()
    .optional(),
  /** 0.14 / 0.15 docs. */
  snapshot_time: seconds.nullable().optional(),
  thumbnail: z.string().nullable().optional(),
});

const FrigateEventSchema = z.object({
  type: z.enum(['new', 'update', 'end']),
  before: z.object({}).nullable().optional(),
  after: FrigateObjectSchema,
});

const PHASE = { new: 'start', update: 'update', end: 'end' } as const;

export function decodeFrigate(msg: RawMessage, ctx: RouterContext): Routed[] {
  const cfg = ctx.formats.frigate;
  const levels = levelsUnder(msg.topic, cfg.prefix) ?? [];
  const sub = levels.join('/');
  if (sub === 'reviews') return [ignore(msg, FRIGATE_SOURCE, 'review', 'review items are not stored')];
  if (sub === 'available') {
    return [ignore(msg, FRIGATE_SOURCE, 'availability', `Frigate is ${msg.payload.subarray(0, 16).toString()}`)];
  }
  if (sub !== 'events') return [ignore(msg, FRIGATE_SOURCE, 'not_mapped', `${cfg.prefix}/${sub} is not stored`)];
  const obj = jsonObject(msg, ctx);
  if (obj instanceof Fault) return refused(msg, ctx, obj);
  const event = validate(FrigateEventSchema, obj);
  if (event instanceof Fault) return refused(msg, ctx, event);
  const a = event.after;
  const bound = boundDevices('frigate', a.camera, msg, ctx);
  if (bound instanceof Fault) return refused(msg, ctx, bound);
  const [cam] = bound;
  if (cam === undefined) return refused(msg, ctx, new Fault('unknown_device', `camera "${a.camera}"`));
  const p = cam.placement;
  const deviceId = p.device.id;
  // The id names the event and its snapshot URL: a lone surrogate (valid as a JSON escape) is no text.
  if (!a.id.isWellFormed()) {
    return refused(msg, ctx, new Fault('invalid_value', 'after.id: not well-formed Unicode text'), deviceId);
  }

  const score = a.top_score ?? a.score;
  if (score === undefined || score === null) {
    return refused(
      msg,
      ctx,
      new Fault('missing_field', 'after.top_score / after.score: a score is required'),
      deviceId,
    );
  }
  if (score < 0 || score > 1) {
    return refused(msg, ctx, new Fault('out_of_range', `after.top_score: ${score} is outside 0..1`), deviceId);
  }
  if (a.false_positive === true) {
    return [ignore(msg, FRIGATE_SOURCE, 'false_positive', `event ${a.id}`, deviceId)];
  }
  if (cfg.labels.length > 0 && !cfg.labels.includes(a.label)) {
    return [ignore(msg, FRIGATE_SOURCE, 'label_not_of_interest', `label "${a.label}" (event ${a.id})`, deviceId)];
  }
  if (score < cfg.minScore) {
    return [
      ignore(msg, FRIGATE_SOURCE, 'score_below_minimum', `score ${score} < ${cfg.minScore} (event ${a.id})`, deviceId),
    ];
  }

  const ts = checkInstant(unixSecondsToMs(a.frame_time), 'after.frame_time', msg, ctx);
  if (ts instanceof Fault) return refused(msg, ctx, ts, deviceId);
  const startedAt = checkInstant(unixSecondsToMs(a.start_time), 'after.start_time', msg, ctx);
  if (startedAt instanceof Fault) return refused(msg, ctx, startedAt, deviceId);
  let endedAt: number | null = null;
  if (a.end_time !== undefined && a.end_time !== null) {
    const e = checkInstant(unixSecondsToMs(a.end_time), 'after.end_time', msg, ctx);
    if (e instanceof Fault) return refused(msg, ctx, e, deviceId);
    endedAt = e;
  } else if (event.type === 'end') {
    return refused(msg, ctx, new Fault('missing_field', 'after.end_time: an end event needs its end time'), deviceId);
  }

  const zones = cameraZones(p, cam.binding.zones);
  const zone = (a.entered_zones ?? []).find((z) => zones.includes(z)) ?? null;
  const baseUrl = (cam.binding.baseUrl ?? cfg.baseUrl)?.replace(/\/+$/, '');
  const snapshotUrl =
    a.has_snapshot === true && baseUrl !== undefined
      ? `${baseUrl}/api/events/${encodeURIComponent(a.id)}/snapshot.jpg`
      : null;
  const record: Detection = {
    v: 1,
    deviceId,
    siteId: p.site.id,
    localityId: p.locality.id,
    eventId: a.id,
    phase: PHASE[event.type],
    ts,
    receivedAt: msg.receivedAt,
    label: a.label,
    score,
    zone,
    box: a.box ?? null,
    snapshotUrl: snapshotUrl !== null && snapshotUrl.length <= 2048 ? snapshotUrl : null,
    snapshotSha256: null,
    startedAt,
    endedAt,
    source: FRIGATE_SOURCE,
  };
  return [{ kind: 'detection', record }];
}
