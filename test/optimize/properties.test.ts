// Property tests of the contact optimizer (docs/optimization-semantics.md)
// against the independent oracles: on many seeded random instances of every rule
// type alone and mixed, both the heuristic path (`exact: 'never'`) and the default
// path must give
//   - zero violations by the independent checker,
//   - the least total shortfall the exact MIP finds,
//   - an objective within 0.5% of the MIP optimum,
//   - a report whose upper bound is not below the MIP optimum and whose objective
//     and shortfall agree with the checker's.
// A failure lists every failing seed with its violations; reproduce one with
// `randomInstance(bundle, {seed, ruleTypes, size})` from random-instances.ts.
// OPTIMIZE_PROPERTY_SEEDS=n sets the number of seeds per rule type (default 6).
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody, PolicyRuleType } from '../../src/bundle/types.js';
import { loadOptimizer } from './contract.js';
import { judgeOptimizer } from './judge.js';
import { loadBaseBundle } from './problem-builder.js';
import { ALL_RULE_TYPES, randomInstance } from './random-instances.js';

const optimizeContacts = await loadOptimizer();
const SEEDS = Number(process.env.OPTIMIZE_PROPERTY_SEEDS ?? 6);

let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});

async function runSeeds(cases: { seed: number; ruleTypes: PolicyRuleType[] }[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const instance = randomInstance(bundle, c);
    const problems = await judgeOptimizer(optimizeContacts, instance);
    if (problems.length > 0) failures.push(`${instance.summary}\n  ${problems.join('\n  ')}`);
  }
  expect(failures, `${failures.length} of ${cases.length} instances failed:\n${failures.join('\n')}`).toEqual([]);
}

/** Mixtures: three to six rule types per seed, chosen by the seed. */
function mixture(seed: number): PolicyRuleType[] {
  const types = ALL_RULE_TYPES.filter((_, k) => (seed * 7 + k * 3) % 5 < 2);
  return types.length > 0 ? types : ['offerCapacity', 'bOnlyWithA'];
}

describe('optimizeContacts against the independent oracles', () => {
  it.each(ALL_RULE_TYPES)('keeps every %s rule, meets minimums as far as possible and stays within 0.5% of the optimum', async (type) => {
    await runSeeds(Array.from({ length: SEEDS }, (_, i) => ({ seed: 1000 + i, ruleTypes: [type] })));
  });

  it('does the same on mixtures of rule types', async () => {
    await runSeeds(Array.from({ length: SEEDS * 3 }, (_, i) => ({ seed: 2000 + i, ruleTypes: mixture(2000 + i) })));
  });

  it('does the same with all ten rule types in one policy', async () => {
    await runSeeds(Array.from({ length: SEEDS }, (_, i) => ({ seed: 3000 + i, ruleTypes: [...ALL_RULE_TYPES] })));
  });
});
