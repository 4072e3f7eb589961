/**
 * Seeded randomness. Two kinds:
 * - a stateful PRNG per device (sfc32, seeded through cyrb128), for the device's own choices;
 * - stateless hashes of (seed, keys...) to [0, 1), for facts several devices must agree on without
 *   sharing state (a locality's weather on a given day) or that must not depend on the order in
 *   which devices are stepped.
 * Both are from Bryc's public-domain collection (github.com/bryc/code, jshash/PRNGs.md); sfc32 is
 * Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand. Not cryptographic.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** cyrb128: a 128-bit string hash, used to seed sfc32 from text. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A seeded sfc32 generator; the same key always yields the same sequence. */
export function createRng(...key: readonly (string | number)[]): Rng {
  let [a, b, c, d] = cyrb128(key.join('\u0000'));
  const rng = {
    next(): number {
      a >>>= 0;
      b >>>= 0;
      c >>>= 0;
      d >>>= 0;
      let t = (a + b) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      d = (d + 1) | 0;
      t = (t + d) | 0;
      c = (c + t) | 0;
      return (t >>> 0) / 4294967296;
    },
  };
  // Discard the first outputs: sfc32 mixes poorly in its first few rounds.
  for (let i = 0; i < 12; i++) rng.next();
  return rng;
}

/** Stateless: a uniform number in [0, 1) determined only by the key. */
export function hashUnit(...key: readonly (string | number)[]): number {
  // FNV-1a over the key text, then the murmur3 finaliser for avalanche.
  const s = key.join('\u0000');
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng.next();
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return Math.floor(uniform(rng, min, max + 1));
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function pick<T>(rng: Rng, items: readonly [T, ...T[]]): T {
  return items[Math.floor(rng.next() * items.length)] ?? items[0];
}

/** Probability that a Poisson process of `ratePerHour` fires at least once within `dtMs`. */
export function fires(rng: Rng, ratePerHour: number, dtMs: number): boolean {
  return rng.next() < 1 - Math.exp((-ratePerHour * dtMs) / 3_600_000);
}

/**
 * One step of a mean-reverting AR(1) (discretised Ornstein–Uhlenbeck) process with unit stationary
 * variance: correlation time `tauMs`, so slow drifts and fast noise come from one formula whatever
 * the step length (which changes with the rate mode).
 */
export function ar1(rng: Rng, x: number, dtMs: number, tauMs: number): number {
  const phi = Math.exp(-dtMs / tauMs);
  return phi * x + Math.sqrt(1 - phi * phi) * normal(rng);
}

/** Lowercase base-36 random string of `n` characters. */
export function randomId(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rng.next() * 36).toString(36);
  return s;
}
