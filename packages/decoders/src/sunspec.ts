/**
 * SunSpec inverter models as JSON from a Modbus bridge. Our envelope (a bridge reads the model's
 * registers and publishes them unchanged, with the time of the read):
 *
 *   topic    <prefix>/<id>/<model>          e.g. sunspec/school-roof-1/103
 *   payload  {"ts": "2026-11-22T10:00:00+07:00",
 *             "points": {"W": 2874, "W_SF": 0, "WH": 15230444, "WH_SF": 0, "DCV": 3981, "DCV_SF": -1,
 *                        "TmpCab": 412, "Tmp_SF": -1, "St": 4, …}}
 *
 * `ts` is ISO 8601 (without an offset: local time of the device's site). Points are the raw
 * register integers by their SunSpec names; each is scaled by its scale factor point
 * (physical = raw × 10^SF; several points share one, e.g. `Tmp_SF`). A point holding its type's
 * "not implemented" value (int16 0x8000, uint16 0xFFFF, acc32 0, uint32 0xFFFFFFFF, uint64
 * 0xFFFFFFFFFFFFFFFF, sunssf 0x8000) is absent. Unknown points are accepted and not stored.
 *
 * Models: 101, 102, 103 (single, split, three-phase inverter) and 701 (DER AC measurement).
 * Others (1 common, 120 nameplate, 160 MPPT…) are ignored, counted.
 *
 * Operating state: 101–103 `St` 1 OFF, 2 SLEEPING, 3 STARTING, 4 MPPT, 5 THROTTLED,
 * 6 SHUTTING_DOWN, 7 FAULT, 8 STANDBY. Model 701 `InvSt` is 0-based in the published model
 * (sunspec/models json/model_701.json): 0 OFF, 1 SLEEPING, 2 STARTING, 3 RUNNING, 4 THROTTLED,
 * 5 SHUTTING_DOWN, 6 FAULT, 7 STANDBY. Uncertain: RUNNING is stored as `mppt` (a PV inverter runs
 * by tracking the maximum power point, but 701 does not say so), and an early draft of model 701
 * numbered InvSt from 1 like `St`: a bridge built on that draft would be read one state off. A
 * bridge may send the symbol name instead of the number (`"InvSt": "RUNNING"`), which is unambiguous.
 */
import { type InverterStateSchema, parseDeviceTime, type SolarMetric, solarMetrics } from '@hpg/contracts';
import type { z } from 'zod';
import { boundDevices, canonical, checkInstant, Fault, jsonObject, levelsUnder, refused } from './foreign.ts';
import { emptyReading, preview, type RawMessage } from './outcome.ts';
import { ignore, type Routed, type RouterContext } from './routed.ts';

type InverterState = z.infer<typeof InverterStateSchema>;
type RegisterType = 'int16' | 'uint16' | 'acc32' | 'uint32' | 'uint64';

interface PointSpec {
  readonly sf: string;
  readonly type: RegisterType;
  readonly metric: SolarMetric;
  readonly unit: string;
}

const RANGE: Record<RegisterType, readonly [min: number, max: number, notImplemented: number]> = {
  int16: [-32768, 32767, -32768],
  uint16: [0, 65535, 65535],
  acc32: [0, 4294967295, 0],
  uint32: [0, 4294967295, 4294967295],
  // 2^64 - 1 is not a double; JSON.parse reads it as 2^64.
  uint64: [0, 2 ** 64, 2 ** 64],
};

const INVERTER_POINTS: Readonly<Record<string, PointSpec>> = {
  W: { sf: 'W_SF', type: 'int16', metric: 'ac_power', unit: 'W' },
  WH: { sf: 'WH_SF', type: 'acc32', metric: 'energy_lifetime', unit: 'Wh' },
  DCW: { sf: 'DCW_SF', type: 'int16', metric: 'dc_power', unit: 'W' },
  DCV: { sf: 'DCV_SF', type: 'uint16', metric: 'dc_voltage', unit: 'V' },
  DCA: { sf: 'DCA_SF', type: 'uint16', metric: 'dc_current', unit: 'A' },
  A: { sf: 'A_SF', type: 'uint16', metric: 'ac_current', unit: 'A' },
  Hz: { sf: 'Hz_SF', type: 'uint16', metric: 'ac_frequency', unit: 'Hz' },
  TmpCab: { sf: 'Tmp_SF', type: 'int16', metric: 'temperature', unit: '°C' },
};

interface ModelSpec {
  readonly points: Readonly<Record<string, PointSpec>>;
  readonly statePoint: string;
  readonly states: Readonly<Record<number, InverterState>>;
}

const ST_101: Readonly<Record<number, InverterState>> = {
  1: 'off',
  2: 'sleeping',
  3: 'starting',
  4: 'mppt',
  5: 'throttled',
  6: 'shutting_down',
  7: 'fault',
  8: 'standby',
};

const INVST_701: Readonly<Record<number, InverterState>> = {
  0: 'off',
  1: 'sleeping',
  2: 'starting',
  3: 'mppt',
  4: 'throttled',
  5: 'shutting_down',
  6: 'fault',
  7: 'standby',
};

/** Symbol names, for bridges that send them instead of numbers. */
const STATE_SYMBOLS: Readonly<Record<string, InverterState>> = {
  OFF: 'off',
  SLEEPING: 'sleeping',
  STARTING: 'starting',
  MPPT: 'mppt',
  RUNNING: 'mppt',
  THROTTLED: 'throttled',
  SHUTTING_DOWN: 'shutting_down',
  FAULT: 'fault',
  STANDBY: 'standby',
};

const MODELS: Readonly<Record<string, ModelSpec>> = {
  '101': {
    points: { ...INVERTER_POINTS, PhVphA: { sf: 'V_SF', type: 'uint16', metric: 'ac_voltage', unit: 'V' } },
    statePoint: 'St',
    states: ST_101,
  },
  '102': { points: INVERTER_POINTS, statePoint: 'St', states: ST_101 },
  '103': { points: INVERTER_POINTS, statePoint: 'St', states: ST_101 },
  '701': {
    points: {
      W: { sf: 'W_SF', type: 'int16', metric: 'ac_power', unit: 'W' },
      A: { sf: 'A_SF', type: 'int16', metric: 'ac_current', unit: 'A' },
      LNV: { sf: 'V_SF', type: 'uint16', metric: 'ac_voltage', unit: 'V' },
      Hz: { sf: 'Hz_SF', type: 'uint32', metric: 'ac_frequency', unit: 'Hz' },
      TotWhInj: { sf: 'TotWh_SF', type: 'uint64', metric: 'energy_lifetime', unit: 'Wh' },
      TmpCab: { sf: 'Tmp_SF', type: 'int16', metric: 'temperature', unit: '°C' },
    },
    statePoint: 'InvSt',
    states: INVST_701,
  },
};

/** SunSpec scale factors are sunssf (int16) in -10..10; 0x8000 means not implemented. */
const SF_NOT_IMPLEMENTED = -32768;

/** raw × 10^sf, dividing for negative sf so that e.g. 2874 × 10^-1 is exactly 287.4. */
export function scale(raw: number, sf: number): number {
  return sf < 0 ? raw / 10 ** -sf : raw * 10 ** sf;
}

const own = (o: Readonly<Record<string, unknown>>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

function state(model: ModelSpec, raw: unknown, where: string): InverterState | undefined | Fault {
  if (raw === undefined || raw === 65535) return undefined;
  if (typeof raw === 'string') {
    const s = Object.hasOwn(STATE_SYMBOLS, raw.toUpperCase()) ? STATE_SYMBOLS[raw.toUpperCase()] : undefined;
    return s ?? new Fault('invalid_value', `${where}: "${raw.slice(0, 32)}" is not a state symbol`);
  }
  if (typeof raw !== 'number') return new Fault('invalid_type', `${where}: expected an enum16 integer or its symbol`);
  if (!Number.isFinite(raw)) return new Fault('non_finite_number', `${where}: not finite`);
  const s = Number.isInteger(raw) && Object.hasOwn(model.states, raw) ? model.states[raw] : undefined;
  return s ?? new Fault('invalid_value', `${where}: ${raw} is not a state of this model`);
}

function integer(v: unknown, where: string): number | Fault {
  if (typeof v !== 'number') return new Fault('invalid_type', `${where}: expected the raw register integer`);
  if (!Number.isFinite(v)) return new Fault('non_finite_number', `${where}: not finite`);
  if (!Number.isInteger(v)) {
    return new Fault('invalid_value', `${where}: ${v} is not an integer (send the raw register and its scale factor)`);
  }
  return v;
}

export function decodeSunSpec(msg: RawMessage, ctx: RouterContext): Routed[] {
  const levels = levelsUnder(msg.topic, ctx.formats.sunspec.prefix) ?? [];
  const [id = '', modelId = '', ...extra] = levels;
  if (id === '' || !/^\d{1,5}$/.test(modelId) || extra.length > 0) {
    return refused(msg, ctx, new Fault('unknown_topic', `"${msg.topic.slice(0, 256)}" is not <prefix>/<id>/<model>`));
  }
  const model = Object.hasOwn(MODELS, modelId) ? MODELS[modelId] : undefined;
  // The counter's format label stays 'sunspec': model numbers come from the topic, unbounded.
  if (model === undefined) return [ignore(msg, 'sunspec', 'not_mapped', `model ${modelId} is not stored`)];
  const source = `sunspec/${modelId}`;
  const bound = boundDevices('sunspec', id, msg, ctx);
  if (bound instanceof Fault) return refused(msg, ctx, bound);
  const [inv] = bound;
  if (inv === undefined) return refused(msg, ctx, new Fault('unknown_device', `sunspec "${id}"`));
  const p = inv.placement;
  const deviceId = p.device.id;
  const fail = (f: Fault) => refused(msg, ctx, f, deviceId);

  const obj = jsonObject(msg, ctx);
  if (obj instanceof Fault) return fail(obj);
  const ts = own(obj, 'ts');
  if (ts === undefined) return fail(new Fault('missing_field', 'ts: the time of the read is required'));
  if (typeof ts !== 'string') return fail(new Fault('invalid_type', 'ts: expected an ISO 8601 string'));
  const points = own(obj, 'points');
  if (points === undefined) return fail(new Fault('missing_field', 'points: the register values are required'));
  if (points === null || typeof points !== 'object' || Array.isArray(points)) {
    return fail(new Fault('invalid_type', 'points: expected an object'));
  }
  const pts = points as Record<string, unknown>;
  const declared = own(pts, 'ID');
  if (declared !== undefined && declared !== Number(modelId)) {
    return fail(new Fault('invalid_value', `points.ID: ${preview(declared)} is not the topic's model ${modelId}`));
  }
  const parsed = ts.length <= 40 ? parseDeviceTime(ts, p.site.timeZone) : undefined;
  if (parsed === undefined) return fail(new Fault('timestamp_invalid', `ts: "${ts.slice(0, 40)}" is not ISO 8601`));
  const at = checkInstant(parsed, 'ts', msg, ctx);
  if (at instanceof Fault) return fail(at);

  const r = emptyReading('solar', p, '', at, msg.receivedAt, source);
  for (const [name, spec] of Object.entries(model.points)) {
    const rawValue = own(pts, name);
    if (rawValue === undefined || rawValue === null) continue;
    const raw = integer(rawValue, `points.${name}`);
    if (raw instanceof Fault) return fail(raw);
    const [min, max, notImplemented] = RANGE[spec.type];
    if (raw === notImplemented) continue;
    if (raw < min || raw > max) {
      return fail(new Fault('out_of_range', `points.${name}: ${raw} does not fit a ${spec.type} register`));
    }
    const sfValue = own(pts, spec.sf);
    if (sfValue === undefined)
      return fail(new Fault('missing_field', `points.${spec.sf}: the scale factor of ${name}`));
    const sf = integer(sfValue, `points.${spec.sf}`);
    if (sf instanceof Fault) return fail(sf);
    if (sf === SF_NOT_IMPLEMENTED) continue;
    if (sf < -10 || sf > 10) return fail(new Fault('out_of_range', `points.${spec.sf}: ${sf} is outside -10..10`));
    const v = canonical(solarMetrics, spec.metric, scale(raw, sf), spec.unit, `points.${name}`);
    if (v instanceof Fault) return fail(v);
    r.values[spec.metric] = v;
  }
  const st = state(model, own(pts, model.statePoint), `points.${model.statePoint}`);
  if (st instanceof Fault) return fail(st);
  if (st !== undefined) r.states.state = st;
  if (Object.keys(r.values).length === 0 && st === undefined) {
    return fail(
      new Fault('missing_field', `points: none of ${[...Object.keys(model.points), model.statePoint].join(', ')}`),
    );
  }
  return [{ kind: 'reading', record: r }];
}
