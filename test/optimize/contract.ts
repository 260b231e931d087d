// The optimizer's library contract as the tests see it (scratch/optimize-contract.md):
// the problem/result types and `optimizeContacts`, and nothing else from src/optimize/.
// The independent oracles (checker, exact MIP) import the types from here only.
import type { OptimizeOptions, OptimizeProblem, OptimizeResult } from '../../src/optimize/types.js';

export type { AudienceMember, OptimizeOptions, OptimizeProblem, OptimizeResult, ProposedContact, UnmetMinimum } from '../../src/optimize/types.js';

type Optimize = (problem: OptimizeProblem, options?: OptimizeOptions) => Promise<OptimizeResult>;

/** `optimizeContacts`, loaded on its own so the oracles' tests never import the rest of src/optimize/. */
export async function loadOptimizer(): Promise<Optimize> {
  const module = (await import('../../src/optimize/optimize.js')) as { optimizeContacts?: Optimize };
  if (typeof module.optimizeContacts !== 'function') throw new Error('src/optimize/optimize.ts does not export optimizeContacts (the contract the oracles judge)');
  return module.optimizeContacts;
}
