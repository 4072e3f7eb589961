/** Test helpers: run the demo fleet in simulated time and collect what it publishes. */
import { fileURLToPath } from 'node:url';
import type { DeviceKind } from '@hpg/contracts';
import type { Registry } from '@hpg/registry';
import { createFleet, type DeviceFilter } from '../src/fleet.ts';
import type { Emission } from '../src/models/model.ts';
import { loadRegistry } from '../src/registry-source.ts';
import { simulate } from '../src/schedule.ts';

export const DEMO_REGISTRY_PATH = fileURLToPath(new URL('../../../config/registry.demo.json', import.meta.url));

let cached: Registry | undefined;
export function demoRegistry(): Registry {
  cached ??= loadRegistry(DEMO_REGISTRY_PATH);
  return cached;
}

export interface Published {
  readonly at: number;
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly emission: Emission;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Hai Phong is UTC+7 all year. */
const OFFSET = 7 * HOUR;

/** Local midnight (Asia/Ho_Chi_Minh) starting the given local date, as epoch ms. */
export function localMidnight(y: number, month: number, d: number): number {
  return Date.UTC(y, month - 1, d) - OFFSET;
}

/** Local hour of day (fractional) of an instant in Hai Phong. */
export function localHour(ms: number): number {
  return ((((ms + OFFSET) % DAY) + DAY) % DAY) / HOUR;
}

/** Local date key of an instant in Hai Phong. */
export function localDate(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}

export function runFleet(o: { seed: number; from: number; hours: number; filter?: DeviceFilter }): Published[] {
  const sims = createFleet(demoRegistry(), { seed: o.seed, ...(o.filter && { filter: o.filter }) });
  const out: Published[] = [];
  for (const s of simulate(sims, o.from, o.from + o.hours * HOUR)) {
    for (const emission of s.emissions) out.push({ at: s.at, deviceId: s.sim.deviceId, kind: s.sim.kind, emission });
  }
  return out;
}

/** Groups by device id. */
export function byDevice<T extends { deviceId: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const list = m.get(i.deviceId);
    if (list) list.push(i);
    else m.set(i.deviceId, [i]);
  }
  return m;
}
