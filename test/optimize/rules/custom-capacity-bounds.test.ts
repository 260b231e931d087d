// A customCapacity rule's bounds as the run reports them (docs/optimization.md#shadow-prices-what-one-more-unit-buys,
// #beyond-one-machine-shards): a rule with a max only has no minimum to report or
// price; each bound is priced in its own unit, and its windows are named in the prices
// file by what they bound (a sum, an average's max, an average's min).
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { loadBaseBundle, makeProblem, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
// Two risky rows and a safe one on one day: each bound below binds there.
const rows = [
  proposed('c1', 'alpha', D, { score: 5, extra: { risk: 0.75 } }),
  proposed('c2', 'alpha', D, { score: 4, extra: { risk: 0.75 } }),
  proposed('c3', 'alpha', D, { score: 1, extra: { risk: 0.25 } }),
];
const base = { type: 'customCapacity', offers: 'alpha', field: 'risk' } as const;

describe.each(['never', 'auto'] as const)('customCapacity bounds in the report and prices (exact: %s)', (exact) => {
  it.each<[string, RuleInput, string[], 'sum' | 'average', boolean]>([
    ['a sum with a max only', { ...base, aggregate: 'sum', max: 1 }, ['sum'], 'sum', false],
    ['an avg with a max only', { ...base, aggregate: 'avg', max: 0.5 }, ['avgMax'], 'average', false],
    ['an avg with a min only', { ...base, aggregate: 'avg', min: 0.5 }, ['avgMin'], 'average', true],
    ['an avg with both', { ...base, aggregate: 'avg', min: 0.5, max: 0.6 }, ['avgMax', 'avgMin'], 'average', true],
  ])('%s', async (_what, rule, kinds, unit, hasMinimum) => {
    const result = await optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows }), { exact, seed: 1 });
    expect(result.report.unmetMinimums).toEqual([]);
    expect(result.report.totalShortfall).toBe(0);
    expect(Object.keys(result.prices.prices['rule-0'] ?? {})).toEqual(kinds.map((kind) => `${kind} ${D}..${D}`));
    expect(result.report.shadowPrices).toEqual([expect.objectContaining({ rule: 'rule-0', unit })]);
    if (!hasMinimum) expect(result.report.shadowPrices[0]!.minimumPrice).toBeNull();
  });
});
