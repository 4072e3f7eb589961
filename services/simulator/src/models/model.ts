/**
 * What every device model is: pure step functions (context + state + time → next state and the
 * messages the device publishes). No I/O and no clock: the scheduler decides the times, the
 * transport publishes the emissions, so models are unit-testable in simulated time.
 */
import type { DeviceMessageKind, DeviceMessagePayload } from '@hpg/contracts';
import type { Device, Site } from '@hpg/registry';
import type { LocalClock } from '../local-time.ts';
import type { Rng } from '../random.ts';

/** One message a device publishes: its kind (the last topic level) and the payload. */
export type Emission = {
  [K in DeviceMessageKind]: { readonly message: K; readonly payload: DeviceMessagePayload<K> };
}[DeviceMessageKind];

export interface ModelContext {
  /** Fleet seed: same seed, same fleet output. */
  readonly seed: number;
  readonly device: Device;
  readonly site: Site;
  /** Enabled devices of the same kind at the same site (they share the site's solar capacity). */
  readonly siteDeviceCount: number;
  /** The device's own seeded PRNG. */
  readonly rng: Rng;
  /** Local wall-clock fields at the site. */
  readonly local: LocalClock;
}

export interface StepResult<S> {
  readonly state: S;
  readonly emissions: readonly Emission[];
}

export interface DeviceModel<S> {
  /** Simulated seconds between steps: the registry interval, or finer for event-driven devices. */
  stepSeconds(device: Device): number;
  /** Average messages per step, used to spread a target message rate across devices. */
  readonly expectedMessagesPerStep: number;
  /** State at `t` (epoch ms), as if the device had been running before. */
  init(ctx: ModelContext, t: number): S;
  /** Advances to `t` (> the previous step's time). */
  step(ctx: ModelContext, state: S, t: number): StepResult<S>;
}

/** ISO 8601 in UTC with `Z` and milliseconds, as the device API asks. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Watt-hours of a power ramp from `w0` to `w1` watts over `dtMs` (trapezoid rule). */
export function energyWh(w0: number, w1: number, dtMs: number): number {
  return (((w0 + w1) / 2) * dtMs) / 3_600_000;
}
