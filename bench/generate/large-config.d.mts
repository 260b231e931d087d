// Types for large-config.mjs (the generator is plain JS so the benchmarks run without a build step).
export declare const FULL_SIZE: Readonly<{ offers: number; segments: number; rules: number; policies: number }>;

export interface LargeConfigOptions {
  /** PRNG seed (default 20260101). */
  seed?: number;
  /** Multiplies every count of docs/benchmarks.md#targets (default 1). */
  scale?: number;
}

export interface LargeConfigCounts {
  channels: number;
  offers: number;
  offerLists: number;
  segments: number;
  strategies: number;
  rules: number;
  policies: number;
}

export interface SeededRandom {
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  round(value: number, digits?: number): number;
}

export declare function seededRandom(seed: number): SeededRandom;
export declare function largeConfigSize(scale?: number): { offers: number; segments: number; rules: number; policies: number };
export declare function generateLargeConfig(options?: LargeConfigOptions): { files: Map<string, string>; counts: LargeConfigCounts };
export declare function writeLargeConfig(dir: string, options?: LargeConfigOptions): Promise<{ dir: string; counts: LargeConfigCounts; files: string[]; bytes: number }>;
