// The optimizer's library contract as the tests see it (scratch/optimize-contract.md):
// the problem/result types and `optimizeContacts`, and nothing else from src/optimize/.
// The independent oracles (checker, exact MIP) import the types from here only.
import type { OptimizeOptions, OptimizeProblem, OptimizeResult } from '../../src/optimize/types.js';

export type { AudienceMember, OptimizeOptions, OptimizeProblem, OptimizeResult, ProposedContact, UnmetMinimum } from '../../src/optimize/types.js';

type Optimize = (problem: OptimizeProblem, options?: OptimizeOptions) => Promise<OptimizeResult>;

/**
 * `optimizeContacts`, loaded lazily so the oracles' own tests run before the optimizer
 * exists; null while src/optimize/optimize.ts is missing or does not export it.
 */
export async function loadOptimizer(): Promise<Optimize | null> {
  try {
    const module = (await import('../../src/optimize/optimize.js')) as { optimizeContacts?: Optimize };
    return typeof module.optimizeContacts === 'function' ? module.optimizeContacts : null;
  } catch (error) {
    if (/Cannot find module|Failed to load url|does not provide an export|ERR_MODULE_NOT_FOUND/i.test(String(error))) return null;
    throw error;
  }
}
