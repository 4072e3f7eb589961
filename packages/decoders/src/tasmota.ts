/**
 * Tasmota energy monitoring (tasmota.github.io, "Energy Monitoring"), default FullTopic
 * `%prefix%/%topic%/`:
 *
 *   tele/<topic>/SENSOR   every TelePeriod (300 s by default):
 *     {"Time": "2026-11-22T10:00:00",                       local time without offset (unless
 *      "ENERGY": {"TotalStartTime": "…", "Total": kWh,       Tasmota is set to add one): read in
 *                 "Yesterday": kWh, "Today": kWh,          the time zone of the device's site
 *                 "Period": Wh (periodic messages only),
 *                 "Power": W, "ApparentPower": VA, "ReactivePower": var,
 *                 "Factor": …, "Voltage": V, "Current": A}}
 *   tele/<topic>/LWT      Online / Offline (retained last will) → ignored, counted
 *   tele/<topic>/…, stat/<topic>/…   state, info, command results → ignored, counted
 *
 * Stored: `energy_import` from Total (kWh → Wh) and `power` from Power (W) as a `meter` reading.
 * Multi-channel devices send arrays (`"Power": [52, 5]`), one element per channel (1-based in
 * Tasmota's own naming). A device bound to the whole topic gets one reading per channel
 * (channel "1", "2", …) for the array values and one on channel "" for the scalar ones (Total is
 * often one sum over the channels). A device bound to one `channel` takes only that element of
 * each array: a scalar is the device's total, not the channel's, so it is not attributed.
 * The other ENERGY fields are checked for type (number or array of numbers) but not stored.
 */
import { type MeterMetric, meterMetrics, parseDeviceTime, type Reading } from '@hpg/contracts';
import { z } from 'zod';
import { boundDevices, canonical, checkInstant, Fault, jsonObject, levelsUnder, refused, validate } from './foreign.ts';
import { emptyReading, type RawMessage } from './outcome.ts';
import { ignore, type Routed, type RouterContext } from './routed.ts';

export const TASMOTA_SOURCE = 'tasmota';

const amount = z.union([z.number(), z.array(z.number()).min(1).max(32)]);

const EnergySchema = z.object({
  TotalStartTime: z.string().max(40).optional(),
  Total: amount.optional(),
  Yesterday: amount.optional(),
  Today: amount.optional(),
  Period: amount.optional(),
  Power: amount.optional(),
  ApparentPower: amount.optional(),
  ReactivePower: amount.optional(),
  Factor: amount.optional(),
  Voltage: amount.optional(),
  Current: amount.optional(),
});

const SensorSchema = z.object({
  Time: z.string().min(10).max(40),
  ENERGY: EnergySchema.optional(),
});

/** ENERGY fields stored, with the unit Tasmota sends them in. */
const STORED: readonly (readonly [field: 'Total' | 'Power', metric: MeterMetric, unit: string])[] = [
  ['Total', 'energy_import', 'kWh'],
  ['Power', 'power', 'W'],
];

export function decodeTasmota(msg: RawMessage, ctx: RouterContext): Routed[] {
  const cfg = ctx.formats.tasmota;
  const stat = levelsUnder(msg.topic, cfg.statPrefix);
  if (stat !== undefined) return [ignore(msg, TASMOTA_SOURCE, 'not_mapped', `${cfg.statPrefix}/… is not stored`)];
  const [topic = '', kind = '', ...extra] = levelsUnder(msg.topic, cfg.prefix) ?? [];
  if (kind === 'LWT' && extra.length === 0) {
    return [ignore(msg, TASMOTA_SOURCE, 'availability', `${topic} is ${msg.payload.subarray(0, 16).toString()}`)];
  }
  if (kind !== 'SENSOR' || extra.length > 0) {
    return [ignore(msg, TASMOTA_SOURCE, 'not_mapped', `${[kind, ...extra].join('/').slice(0, 64)} is not stored`)];
  }
  const bound = boundDevices('tasmota', topic, msg, ctx);
  if (bound instanceof Fault) return refused(msg, ctx, bound);
  const firstId = bound[0]?.placement.device.id ?? null;
  const obj = jsonObject(msg, ctx);
  if (obj instanceof Fault) return refused(msg, ctx, obj, firstId);
  const sensor = validate(SensorSchema, obj);
  if (sensor instanceof Fault) return refused(msg, ctx, sensor, firstId);
  const energy = sensor.ENERGY;
  if (energy === undefined) {
    return [ignore(msg, TASMOTA_SOURCE, 'not_mapped', 'SENSOR without ENERGY (other sensors only)', firstId)];
  }

  const out: Routed[] = [];
  for (const { placement: p, binding } of bound) {
    const parsed = parseDeviceTime(sensor.Time, p.site.timeZone);
    if (parsed === undefined) {
      return refused(msg, ctx, new Fault('timestamp_invalid', `Time: "${sensor.Time}" is not ISO 8601`), p.device.id);
    }
    const ts = checkInstant(parsed, 'Time', msg, ctx);
    if (ts instanceof Fault) return refused(msg, ctx, ts, p.device.id);
    const byChannel = new Map<string, Reading>();
    const put = (channel: string, metric: MeterMetric, value: number) => {
      const r = byChannel.get(channel) ?? emptyReading('meter', p, channel, ts, msg.receivedAt, TASMOTA_SOURCE);
      byChannel.set(channel, r);
      r.values[metric] = value;
    };
    for (const [field, metric, unit] of STORED) {
      const v = energy[field];
      if (v === undefined) continue;
      if (typeof v === 'number') {
        if (binding.channel !== undefined) continue;
        const c = canonical(meterMetrics, metric, v, unit, `ENERGY.${field}`);
        if (c instanceof Fault) return refused(msg, ctx, c, p.device.id);
        put('', metric, c);
        continue;
      }
      for (let i = 0; i < v.length; i++) {
        const channel = i + 1;
        if (binding.channel !== undefined && binding.channel !== channel) continue;
        const c = canonical(meterMetrics, metric, v[i] as number, unit, `ENERGY.${field}[${i}]`);
        if (c instanceof Fault) return refused(msg, ctx, c, p.device.id);
        put(binding.channel === undefined ? String(channel) : '', metric, c);
      }
    }
    if (byChannel.size === 0) {
      const what =
        binding.channel === undefined ? 'Total or Power' : `a Total or Power array with channel ${binding.channel}`;
      return refused(msg, ctx, new Fault('missing_field', `ENERGY: no ${what}`), p.device.id);
    }
    for (const record of byChannel.values()) out.push({ kind: 'reading', record });
  }
  return out;
}
