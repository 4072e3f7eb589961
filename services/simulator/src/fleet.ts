/**
 * The simulated fleet: one stateful simulator per registry device, wrapping the pure model of its
 * kind with the device's own seeded PRNG. Same seed and same step times ⇒ the same payloads.
 */
import type { DeviceKind } from '@hpg/contracts';
import type { Device, Registry } from '@hpg/registry';
import { createLocalClock } from './local-time.ts';
import { dumpingCameraModel } from './models/dumping-camera.ts';
import { energyMeterModel } from './models/energy-meter.ts';
import { evChargerModel } from './models/ev-charger.ts';
import type { DeviceModel, Emission, ModelContext } from './models/model.ts';
import { solarInverterModel } from './models/solar-inverter.ts';
import { wastewaterStationModel } from './models/wastewater-station.ts';
import { createRng, hashUnit } from './random.ts';

export interface DeviceSim {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  /** Simulated milliseconds between steps at the device's natural rhythm. */
  readonly stepMs: number;
  readonly expectedMessagesPerStep: number;
  /** The first step time at or after `fromMs` on the device's own grid. */
  firstStepAt(fromMs: number): number;
  /** Advances the device to `t` (strictly increasing); the first call initialises it as of `t`. */
  step(t: number): readonly Emission[];
}

export interface DeviceFilter {
  readonly ids?: readonly string[] | undefined;
  readonly kinds?: readonly DeviceKind[] | undefined;
  readonly localities?: readonly string[] | undefined;
  /** At most this many devices (after the other filters, in registry order). */
  readonly limit?: number | undefined;
}

function bind<S>(model: DeviceModel<S>, ctx: ModelContext): DeviceSim {
  const stepMs = model.stepSeconds(ctx.device) * 1000;
  // Station data loggers send on round 5-minute marks; other devices on their own phase since boot.
  const phaseMs =
    ctx.device.kind === 'wastewater_station'
      ? 0
      : Math.floor((hashUnit(ctx.seed, 'phase', ctx.device.id) * stepMs) / 1000) * 1000;
  let state: S | undefined;
  return {
    deviceId: ctx.device.id,
    kind: ctx.device.kind,
    stepMs,
    expectedMessagesPerStep: model.expectedMessagesPerStep,
    firstStepAt: (fromMs) => Math.ceil((fromMs - phaseMs) / stepMs) * stepMs + phaseMs,
    step(t) {
      const r = model.step(ctx, state ?? model.init(ctx, t), t);
      state = r.state;
      return r.emissions;
    },
  };
}

function simFor(ctx: ModelContext): DeviceSim {
  switch (ctx.device.kind) {
    case 'wastewater_station':
      return bind(wastewaterStationModel, ctx);
    case 'solar_inverter':
      return bind(solarInverterModel, ctx);
    case 'energy_meter':
      return bind(energyMeterModel, ctx);
    case 'ev_charger':
      return bind(evChargerModel, ctx);
    case 'camera':
      return bind(dumpingCameraModel, ctx);
  }
}

function selected(d: Device, localityId: string, f: DeviceFilter): boolean {
  if (f.ids !== undefined && !f.ids.includes(d.id)) return false;
  if (f.kinds !== undefined && !f.kinds.includes(d.kind)) return false;
  if (f.localities !== undefined && !f.localities.includes(localityId)) return false;
  return true;
}

/** One simulator per enabled, placed registry device that passes the filter. */
export function createFleet(registry: Registry, options: { seed: number; filter?: DeviceFilter }): DeviceSim[] {
  const filter = options.filter ?? {};
  const perSite = new Map<string, number>();
  for (const d of registry.data.devices) {
    if (d.enabled) perSite.set(`${d.siteId}\u0000${d.kind}`, (perSite.get(`${d.siteId}\u0000${d.kind}`) ?? 0) + 1);
  }
  const sims: DeviceSim[] = [];
  const clocks = new Map<string, ReturnType<typeof createLocalClock>>();
  for (const d of registry.data.devices) {
    const placement = registry.placement(d.id);
    if (placement === undefined || !selected(d, placement.locality.id, filter)) continue;
    if (filter.limit !== undefined && sims.length >= filter.limit) break;
    const tz = placement.site.timeZone;
    let local = clocks.get(tz);
    if (local === undefined) {
      local = createLocalClock(tz);
      clocks.set(tz, local);
    }
    const ctx: ModelContext = {
      seed: options.seed,
      device: d,
      site: placement.site,
      siteDeviceCount: perSite.get(`${d.siteId}\u0000${d.kind}`) ?? 1,
      rng: createRng(options.seed, d.id),
      local,
    };
    sims.push(simFor(ctx));
  }
  return sims;
}
