/** A seedable PRNG (mulberry32) so every statistic is reproducible. */

/** A random source: returns floats in [0, 1). */
export type Random = () => number;

/**
 * Creates a deterministic PRNG from a number or string seed.
 *
 * @example
 * ```ts
 * const rng = createRandom(42); rng(); // same sequence every time
 * ```
 */
export function createRandom(seed: number | string = 0x5eed): Random {
  let a = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A standard normal sample (Box–Muller). */
export function normal(rng: Random, mean = 0, sd = 1): number {
  const u = 1 - rng();
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
