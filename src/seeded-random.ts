// Seeded pseudo-randomness for everything that must be reproducible (docs/sample.md samples,
// the optimizer's search, control-group hashing): never Math.random, never the clock.
// A stream is named by (seed, ...keys), so independent parts of a run draw from
// independent streams and stay the same when other parts change.

export interface Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

/** sfc32 (Small Fast Counting, 128-bit state): fast, well distributed, trivially seeded. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** murmur3's finaliser: spreads every input bit over the 32-bit result. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A PRNG for (seed, ...keys): the same inputs always give the same stream. */
export function createRandom(seed: number, ...keys: number[]): Random {
  // A seed may be any safe integer: fold its high and low 32 bits in.
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(Math.abs(seed) / 4294967296) ^ (seed < 0 ? 0x5bd1e995 : 0));
  for (const key of keys) h = mix32(h ^ mix32((key >>> 0) + 0x7f4a7c15));
  const next = sfc32(h, mix32(h ^ 0x1b873593), mix32(h ^ 0xcc9e2d51), mix32(h ^ 0xe6546b64));
  for (let i = 0; i < 12; i++) next(); // warm up: the first outputs of sfc32 correlate with the seed
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
