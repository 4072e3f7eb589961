/**
 * OpenDTU (Hoymiles micro-inverters; OpenDTU docs/MQTT_Topics.md): one plain-text number per
 * topic, retained, under the base topic (default `solar`):
 *
 *   <prefix>/<serial>/status/last_update    unix seconds of the inverter's last statistics
 *   <prefix>/<serial>/0/<field>             AC side: power W, powerdc W, yieldday Wh, yieldtotal kWh,
 *                                           voltage V, current A, frequency Hz, temperature °C, efficiency %
 *   <prefix>/<serial>/<n>/<field>           DC input n: power W, voltage V, current A
 *
 * Freshness. The values are retained and stay on the broker all night while the inverter is
 * unreachable, so the receive time says nothing about when a value was measured. Each value is
 * therefore timed by its inverter's latest `status/last_update`, which OpenDTU publishes before
 * the values of every round. A retained value delivered again (a reconnect, a restart of the
 * subscriber) lands on the same identity (device, channel, last_update) and rewrites the point it
 * already wrote: never a new reading. A value arriving before any last_update of its inverter
 * has no known time and is ignored (`awaiting_timestamp`, counted); OpenDTU's next round brings it.
 *
 * One topic carries one value, but a reading is a point (measurement, device, channel, time)
 * that a later write replaces whole. So the decoder keeps, per inverter, the values received at
 * the current last_update (the state in the context; reset when last_update changes) and each
 * value message yields the reading with every value of that time so far: the last write of a
 * round holds them all.
 *
 * Other topics (`status/reachable`, `status/producing`, limits, names, device info, the totals
 * `ac/…`, `dc/…` and `dtu/…`, fields without a catalogue metric) are ignored, counted.
 */
import { type SolarMetric, solarMetrics } from '@hpg/contracts';
import { boundDevices, canonical, checkInstant, Fault, levelsUnder, payloadText, refused } from './foreign.ts';
import { emptyReading, type RawMessage } from './outcome.ts';
import { type DecoderState, ignore, type OpenDtuInverterState, type Routed, type RouterContext } from './routed.ts';

export const OPENDTU_SOURCE = 'opendtu';

/** Fields of the AC channel 0, with the unit OpenDTU states for them. */
const AC_FIELDS: Readonly<Record<string, readonly [SolarMetric, string]>> = {
  power: ['ac_power', 'W'],
  powerdc: ['dc_power', 'W'],
  yieldday: ['energy_today', 'Wh'],
  yieldtotal: ['energy_lifetime', 'kWh'],
  voltage: ['ac_voltage', 'V'],
  current: ['ac_current', 'A'],
  frequency: ['ac_frequency', 'Hz'],
  temperature: ['temperature', '°C'],
  efficiency: ['efficiency', '%'],
};

/** Fields of a DC input channel 1..n. */
const DC_FIELDS: Readonly<Record<string, readonly [SolarMetric, string]>> = {
  power: ['dc_power', 'W'],
  voltage: ['dc_voltage', 'V'],
  current: ['dc_current', 'A'],
};

/** OpenDTU's own topics beside the inverters'. */
const GATEWAY_LEVELS = new Set(['dtu', 'ac', 'dc']);

const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A plain-text number as OpenDTU prints it; no coercion of anything else. */
export function plainNumber(text: string, field: string): number | Fault {
  const t = text.trim();
  if (t === '') return new Fault('missing_field', `${field}: empty payload, expected a number`);
  if (/^[+-]?(?:nan|inf|infinity)$/i.test(t)) return new Fault('non_finite_number', `${field}: "${t}" is not finite`);
  if (!PLAIN_NUMBER.test(t)) return new Fault('invalid_type', `${field}: "${t.slice(0, 32)}" is not a plain number`);
  const n = Number(t);
  return Number.isFinite(n) ? n : new Fault('non_finite_number', `${field}: "${t.slice(0, 32)}" overflows`);
}

/** The outcomes of one message, and the inverter state to keep afterwards (when it changed). */
export interface OpenDtuResult {
  readonly outcomes: Routed[];
  readonly update?: { readonly deviceId: string; readonly state: OpenDtuInverterState };
}

/** Pure: reads the state, returns the update. */
export function interpretOpenDtu(
  msg: RawMessage,
  ctx: RouterContext,
  state: ReadonlyMap<string, OpenDtuInverterState>,
): OpenDtuResult {
  const levels = levelsUnder(msg.topic, ctx.formats.opendtu.prefix) ?? [];
  const [serial = '', group = '', field = '', ...extra] = levels;
  if (GATEWAY_LEVELS.has(serial)) {
    const why = serial === 'dtu' && group === 'status' ? 'availability' : 'not_mapped';
    return { outcomes: [ignore(msg, OPENDTU_SOURCE, why, `${serial}/${group} is not stored`)] };
  }
  const bound = boundDevices('opendtu', serial, msg, ctx);
  if (bound instanceof Fault) return { outcomes: refused(msg, ctx, bound) };
  const [inv] = bound;
  if (inv === undefined) return { outcomes: refused(msg, ctx, new Fault('unknown_device', `serial "${serial}"`)) };
  const p = inv.placement;
  const deviceId = p.device.id;
  const skip = (why: 'status' | 'not_mapped', what: string) => ({
    outcomes: [ignore(msg, OPENDTU_SOURCE, why, what, deviceId)],
  });

  if (group === 'status' && extra.length === 0) {
    if (field !== 'last_update') return skip('status', `status/${field}`);
    const text = payloadText(msg, ctx);
    if (text instanceof Fault) return { outcomes: refused(msg, ctx, text, deviceId) };
    const s = plainNumber(text, 'status/last_update');
    if (s instanceof Fault) return { outcomes: refused(msg, ctx, s, deviceId) };
    if (!Number.isInteger(s)) {
      return {
        outcomes: refused(msg, ctx, new Fault('invalid_value', 'status/last_update: not whole unix seconds'), deviceId),
      };
    }
    const at = checkInstant(s * 1000, 'status/last_update', msg, ctx);
    if (at instanceof Fault) return { outcomes: refused(msg, ctx, at, deviceId) };
    const prev = state.get(deviceId);
    const next = prev?.lastUpdateMs === at ? prev : { lastUpdateMs: at, channels: {} };
    return { ...skip('status', `last_update ${new Date(at).toISOString()}`), update: { deviceId, state: next } };
  }

  if (!/^\d{1,2}$/.test(group) || extra.length > 0 || field === '') {
    return skip('not_mapped', `${levels.slice(1).join('/').slice(0, 128)} is not stored`);
  }
  const n = Number(group);
  const mapped = (n === 0 ? AC_FIELDS : DC_FIELDS)[field];
  if (mapped === undefined || !Object.hasOwn(n === 0 ? AC_FIELDS : DC_FIELDS, field)) {
    return skip('not_mapped', `channel ${n} field "${field.slice(0, 64)}" has no metric`);
  }
  const [metric, unit] = mapped;
  const where = `${n}/${field}`;
  const text = payloadText(msg, ctx);
  if (text instanceof Fault) return { outcomes: refused(msg, ctx, text, deviceId) };
  const raw = plainNumber(text, where);
  if (raw instanceof Fault) return { outcomes: refused(msg, ctx, raw, deviceId) };
  const value = canonical(solarMetrics, metric, raw, unit, where);
  if (value instanceof Fault) return { outcomes: refused(msg, ctx, value, deviceId) };

  const prev = state.get(deviceId);
  if (prev === undefined) {
    return {
      outcomes: [
        ignore(
          msg,
          OPENDTU_SOURCE,
          'awaiting_timestamp',
          `${where} before any status/last_update of ${serial}`,
          deviceId,
        ),
      ],
    };
  }
  const ts = checkInstant(prev.lastUpdateMs, 'status/last_update', msg, ctx);
  if (ts instanceof Fault) return { outcomes: refused(msg, ctx, ts, deviceId) };
  const channel = n === 0 ? '' : `dc${n}`;
  const values = { ...prev.channels[channel], [metric]: value };
  const r = emptyReading('solar', p, channel, ts, msg.receivedAt, OPENDTU_SOURCE);
  Object.assign(r.values, values);
  return {
    outcomes: [{ kind: 'reading', record: r }],
    update: { deviceId, state: { lastUpdateMs: prev.lastUpdateMs, channels: { ...prev.channels, [channel]: values } } },
  };
}

/** Decodes one OpenDTU message and keeps the inverter's state in `state`. */
export function decodeOpenDtu(msg: RawMessage, ctx: RouterContext, state: DecoderState = ctx.state): Routed[] {
  const r = interpretOpenDtu(msg, ctx, state.opendtu);
  if (r.update !== undefined) state.opendtu.set(r.update.deviceId, r.update.state);
  return r.outcomes;
}
