/**
 * Rooftop solar: energy per site from the inverters' lifetime counters, installations active in
 * the last 24 hours (against Tân Minh's cumulative targets, plan 001 task 10), and the specific
 * yield (kWh per kWp) where the capacity is known.
 *
 * The performance ratio proper needs the in-plane irradiation, which no sensor of ours measures;
 * the specific yield is reported instead, and a performance ratio only where a reference yield
 * (kWh/kWp expected for the period) is given.
 */
import { consumptionFromRegister, type RegisterPoint } from './energy.ts';

export interface InverterSeries {
  readonly deviceId: string;
  readonly siteId: string;
  /** energy_lifetime points, Wh. */
  readonly lifetime: readonly RegisterPoint[];
  /** ac_power points, W, for activity. */
  readonly power: readonly { readonly ts: number; readonly w: number }[];
}

export interface SiteSolar {
  readonly siteId: string;
  readonly wh: number;
  readonly capacityKwp: number | null;
  /** kWh per kWp over the window; null without capacity. */
  readonly specificYield: number | null;
  /** Specific yield / reference yield; null without both. */
  readonly performanceRatio: number | null;
}

export function siteSolar(
  siteId: string,
  inverters: readonly InverterSeries[],
  window: { from: number; to: number },
  capacityKwp: number | null,
  referenceYieldKwhPerKwp: number | null = null,
): SiteSolar {
  const wh = inverters
    .filter((i) => i.siteId === siteId)
    .reduce((s, i) => s + consumptionFromRegister(i.lifetime, window.from, window.to).wh, 0);
  const specificYield = capacityKwp !== null && capacityKwp > 0 ? wh / 1000 / capacityKwp : null;
  return {
    siteId,
    wh,
    capacityKwp,
    specificYield,
    performanceRatio:
      specificYield !== null && referenceYieldKwhPerKwp !== null && referenceYieldKwhPerKwp > 0
        ? specificYield / referenceYieldKwhPerKwp
        : null,
  };
}

/** Sites with at least one inverter that produced power in the 24 hours before `at`. */
export function activeInstallations(inverters: readonly InverterSeries[], at: number): Set<string> {
  const since = at - 86_400_000;
  const active = new Set<string>();
  for (const i of inverters) {
    if (i.power.some((p) => p.ts > since && p.ts <= at && p.w > 0)) active.add(i.siteId);
  }
  return active;
}
