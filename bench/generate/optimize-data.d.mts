// Types for optimize-data.mjs (the generator is plain JS so the benchmarks run without a build step).
import type { Bundle, BundlePolicyRule } from '../../src/bundle/types.js';

export declare function rng(seed: number): () => number;
export declare function benchRules(customers: number): BundlePolicyRule[];
export declare function benchBundle(customers: number): Bundle;

export interface OptimizeDataOptions {
  customers?: number;
  perCustomer?: number;
  seed?: number;
  days?: number;
}

/** Writes bundle.json, audience.csv, history.csv and proposed.csv into `dir`. */
export declare function generateOptimizeData(dir: string, options?: OptimizeDataOptions): Promise<{ dir: string; customers: number; rows: number }>;
