// `removed` when two rules keep the same contact out (docs/optimization.md#the-report):
// a contact counts once for each rule that keeps it out, so a row a customersIn rule
// already excludes still counts for a count rule whose window history fills.
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
const rich = member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] });
const excludeRich: RuleInput = { type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' };

describe.each(['never', 'auto'] as const)('a contact two rules keep out counts for both (exact: %s)', (exact) => {
  it.each<[string, RuleInput]>([
    ['customerOfferCount', { type: 'customerOfferCount', offers: 'alpha', max: 1, periodDays: 3 }],
    ['maxDuplicateOffers', { type: 'maxDuplicateOffers', offers: 'alpha', max: 1, periodDays: 3 }],
    // The history contact's package (rich|email|day −1) is not the row's (rich|email|day 0).
    ['maxPackages', { type: 'maxPackages', max: 1, periodDays: 3 }],
  ])('customersIn and a full %s window', async (_type, countRule) => {
    // History on day −1 fills every 3-day window holding day 0 ([−2,0], [−1,1]).
    const problem = makeProblem(bundle, {
      rules: [excludeRich, countRule],
      proposed: [proposed('rich', 'alpha', day(0), { score: 5 })],
      history: [past('rich', 'alpha', day(-1))],
      audience: [rich],
    });
    const result = await optimizeContacts(problem, { exact, seed: 1 });
    expect(result.chosen).toEqual([]);
    expect(result.report.rules.map((r) => r.removed)).toEqual([1, 1]);
  });
});
