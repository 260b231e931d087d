// `removed` when two rules keep the same contact out (docs/optimization.md#the-report):
// a contact counts once for each rule that removes it up front, so a row a customersIn
// rule already excludes still counts for a rule whose window history fills, or whose
// pair history completes — the same for the per-customer and the capacity rules.
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
const rich = member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] });
// Keeps every alpha contact of rich out, before any other rule.
const excludeRich: RuleInput = { type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' };
const alphaRow = proposed('rich', 'alpha', day(0), { score: 5 });

describe.each(['never', 'auto'] as const)('a contact two rules keep out counts for both (exact: %s)', (exact) => {
  const solve = (rule: RuleInput, history: ReturnType<typeof past>[], rows = [alphaRow]) =>
    optimizeContacts(makeProblem(bundle, { rules: [excludeRich, rule], proposed: rows, history, audience: [rich] }), { exact, seed: 1 });

  it.each<[string, RuleInput]>([
    ['customerOfferCount', { type: 'customerOfferCount', offers: 'alpha', max: 1, periodDays: 3 }],
    ['maxDuplicateOffers', { type: 'maxDuplicateOffers', offers: 'alpha', max: 1, periodDays: 3 }],
    // The history contact's package (rich|email|day −1) is not the row's (rich|email|day 0).
    ['maxPackages', { type: 'maxPackages', max: 1, periodDays: 3 }],
    ['offerCapacity', { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 }],
  ])('customersIn and a window of %s that history fills', async (_type, rule) => {
    // History on day −1 fills every 3-day window holding day 0 ([−2,0], [−1,1]).
    const result = await solve(rule, [past('rich', 'alpha', day(-1))]);
    expect(result.chosen).toEqual([]);
    expect(result.report.rules.map((r) => r.removed)).toEqual([1, 1]);
  });

  it.each<[string, RuleInput, ReturnType<typeof past>[]]>([
    ['neverAWithB, its B in history', { type: 'neverAWithB', a: 'alpha', b: 'beta' }, [past('rich', 'beta', day(0))]],
    ['neverAWithB, its A in history', { type: 'neverAWithB', a: 'beta', b: 'alpha' }, [past('rich', 'beta', day(-5))]],
    ['neverAFollowedByB, its A in history before', { type: 'neverAFollowedByB', a: 'beta', b: 'alpha' }, [past('rich', 'beta', day(-1))]],
    ['bOnlyWithA, no A at all', { type: 'bOnlyWithA', a: 'beta', b: 'alpha' }, []],
  ])('customersIn and %s', async (_what, rule, history) => {
    const result = await solve(rule, history);
    expect(result.chosen).toEqual([]);
    expect(result.report.rules.map((r) => r.removed)).toEqual([1, 1]);
  });

  it.each<[string, RuleInput, ReturnType<typeof past>[], ReturnType<typeof proposed>[]]>([
    ['neverAFollowedByB, its A in history after it', { type: 'neverAFollowedByB', a: 'beta', b: 'alpha' }, [past('rich', 'beta', day(1))], [alphaRow]],
    ['bOnlyWithA, an A in history', { type: 'bOnlyWithA', a: 'beta', b: 'alpha' }, [past('rich', 'beta', day(0))], [alphaRow]],
    ['bOnlyWithA, an A proposed the same day', { type: 'bOnlyWithA', a: 'beta', b: 'alpha' }, [], [alphaRow, proposed('rich', 'beta', day(0), { score: 1 })]],
  ])('counts it for customersIn only when the other rule allows it: %s', async (_what, rule, history, rows) => {
    const result = await solve(rule, history, rows);
    expect(result.chosen).toEqual(rows.length === 1 ? [] : [1]);
    expect(result.report.rules.map((r) => r.removed)).toEqual([1, 0]);
  });

  it('counts a B whose only A customersIn removes for bOnlyWithA, and for a third rule that removes it too', async () => {
    // The alpha row (A) is excluded; the beta row (B) then has no A, and history fills its
    // customerOfferCount window.
    const rules: RuleInput[] = [excludeRich, { type: 'bOnlyWithA', a: 'alpha', b: 'beta' }, { type: 'customerOfferCount', offers: 'beta', max: 1, periodDays: 3 }];
    const rows = [alphaRow, proposed('rich', 'beta', day(0), { score: 1 })];
    const result = await optimizeContacts(makeProblem(bundle, { rules, proposed: rows, history: [past('rich', 'beta', day(-1))], audience: [rich] }), { exact, seed: 1 });
    expect(result.chosen).toEqual([]);
    expect(result.report.rules.map((r) => r.removed)).toEqual([1, 1, 1]);
  });
});
