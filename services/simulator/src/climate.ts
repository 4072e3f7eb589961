/**
 * Hai Phong weather as the simulated devices feel it: air temperature and how much of the
 * clear-sky sunshine gets through the clouds.
 *
 * Monthly mean temperatures are approximate climate normals of the coastal north (Phù Liễn station,
 * Hai Phong) [unverified: recalled, not retrieved]. Sky types by month follow the region's
 * well-known pattern: drizzly overcast late winter and spring (Feb–Apr), convective clouds in the
 * summer monsoon, clearest skies in autumn (Oct–Dec). Everything is a stateless function of the
 * seed, the place and the time, so all sites of a commune share the day's sky and the output does not
 * depend on how often a device is stepped.
 */
import { hashUnit } from './random.ts';

/** Monthly mean air temperature, °C, January first. */
const MONTHLY_MEAN_C = [16.4, 17.0, 19.8, 23.6, 27.3, 28.7, 29.1, 28.4, 27.4, 25.0, 21.7, 18.3] as const;

/** Share of days that are overcast / clear, by month; the rest are partly cloudy. */
const OVERCAST_SHARE = [0.35, 0.5, 0.5, 0.4, 0.2, 0.2, 0.2, 0.22, 0.2, 0.15, 0.15, 0.25] as const;
const CLEAR_SHARE = [0.3, 0.2, 0.2, 0.25, 0.3, 0.25, 0.25, 0.25, 0.3, 0.4, 0.45, 0.4] as const;

export type SkyKind = 'clear' | 'partly_cloudy' | 'overcast';

/** Air temperature, °C: monthly mean with a diurnal swing peaking mid-afternoon. */
export function airTemperatureC(month: number, localHour: number): number {
  const mean = MONTHLY_MEAN_C[month - 1] ?? 24;
  return mean + 3.5 * Math.cos(((localHour - 14.5) / 24) * 2 * Math.PI);
}

/** The sky of a locality on a local date: the same for every site there. */
export function skyOf(seed: number, localityId: string, date: string, month: number): SkyKind {
  const u = hashUnit(seed, 'sky', localityId, date);
  const overcast = OVERCAST_SHARE[month - 1] ?? 0.3;
  const clear = CLEAR_SHARE[month - 1] ?? 0.3;
  if (u < overcast) return 'overcast';
  if (u < overcast + clear) return 'clear';
  return 'partly_cloudy';
}

const KNOT_MS = 12 * 60_000;

/** Smooth value noise in [0, 1): random values every 12 minutes, cosine-interpolated between. */
function cloudNoise(seed: number, key: string, ms: number): number {
  const k = Math.floor(ms / KNOT_MS);
  const f = (ms - k * KNOT_MS) / KNOT_MS;
  const a = hashUnit(seed, 'cloud', key, k);
  const b = hashUnit(seed, 'cloud', key, k + 1);
  const w = (1 - Math.cos(f * Math.PI)) / 2;
  return a * (1 - w) + b * w;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * Clear-sky index (measured / clear-sky irradiance) at a site. Clear days stay near 1; partly cloudy
 * days alternate sunshine with passing cloud shadows (down to ~0.25); overcast days stay low.
 */
export function clearSkyIndex(seed: number, sky: SkyKind, siteId: string, ms: number): number {
  const n = cloudNoise(seed, siteId, ms);
  switch (sky) {
    case 'clear':
      return 0.92 + 0.08 * n;
    case 'overcast':
      return 0.12 + 0.23 * n;
    case 'partly_cloudy':
      return 0.25 + 0.72 * smoothstep(0.25, 0.6, n);
  }
}
