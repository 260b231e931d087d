// What each rule counts and whom it applies to (docs/optimization-semantics.md#the-ten-rules,
// #windows): an offerCapacity segment limits both the rows and the history it counts;
// maxDuplicateOffers counts history of the same offer only; a contact in both scopes of
// a pair rule is not a pair with itself; an avg window at the horizon's edge holds only
// the rows it covers; a shard keeps its share of a count or sum capacity.
import { describe, expect, it } from 'vitest';
import { checkFeasibility } from '../checker.js';
import { loadOptimizer, type OptimizeOptions, type OptimizeResult } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type ProblemInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
const audience = [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] }), member('poor', { income: 1000, tier: 'gold', age: 22, tags: ['vip'] })];

describe.each(['never', 'auto'] as const)('rule scopes (exact: %s)', (exact) => {
  const solve = (input: ProblemInput, options: OptimizeOptions = {}): Promise<OptimizeResult> =>
    optimizeContacts(makeProblem(bundle, { audience, ...input }), { exact, seed: 1, ...options });

  describe('offerCapacity with a segment', () => {
    const perDay = { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1, segment: 'rich' } as const;
    const rows = [proposed('rich', 'alpha', day(0), { score: 5 }), proposed('poor', 'alpha', day(0), { score: 4 }), proposed('rich', 'alpha', day(0), { score: 3 })];

    it("counts only the segment's contacts", async () => {
      expect((await solve({ rules: [perDay], proposed: rows })).chosen).toEqual([0, 1]);
    });

    it("counts only the segment's history, and removes only the segment's rows where it fills the window", async () => {
      const outside = await solve({ rules: [perDay], proposed: rows, history: [past('poor', 'alpha', day(0))] });
      expect(outside.chosen).toEqual([0, 1]);
      const inside = await solve({ rules: [perDay], proposed: rows, history: [past('rich', 'alpha', day(0))] });
      expect(inside.chosen).toEqual([1]);
      expect(inside.report.rules[0]).toMatchObject({ removed: 2, binds: true });
    });
  });

  describe('offerCapacity over history after the horizon', () => {
    // Horizon: day 0 only; windows of 3 days starting on day 0 reach day 2.
    const rule = { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 } as const;
    it.each([
      [1, []],
      [2, []],
      [3, [0]],
    ])('counts a contact on day %i in the windows that hold day 0 (N−1 days after it, not N)', async (offset, chosen) => {
      const result = await solve({ rules: [rule], proposed: [proposed('c1', 'alpha', day(0), { score: 5 })], history: [past('c9', 'alpha', day(offset))] });
      expect(result.chosen).toEqual(chosen);
    });
  });

  describe('maxDuplicateOffers', () => {
    const rule = { type: 'maxDuplicateOffers', max: 1, periodDays: 3 } as const;
    const rows = [proposed('c1', 'alpha', day(0), { score: 5 })];

    it.each([
      ['the same offer N−1 days before', 'alpha', -2, []],
      ['the same offer N days before', 'alpha', -3, [0]],
      ['another offer the day before', 'beta', -1, [0]],
    ])('counts history of %s', async (_what, offer, offset, chosen) => {
      expect((await solve({ rules: [rule], proposed: rows, history: [past('c1', offer, day(offset))] })).chosen).toEqual(chosen);
    });

    it('without periodDays allows max of one offer over the whole horizon', async () => {
      const many = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'alpha', day(20), { score: 4 }), proposed('c1', 'beta', day(10), { score: 3 })];
      expect((await solve({ rules: [{ type: 'maxDuplicateOffers', max: 1 }], proposed: many })).chosen).toEqual([0, 2]);
      expect((await solve({ rules: [{ type: 'maxDuplicateOffers', max: 2 }], proposed: many })).chosen).toEqual([0, 1, 2]);
    });
  });

  describe.each(['neverAWithB', 'neverAFollowedByB'] as const)('%s', (type) => {
    it('does not pair a contact in both scopes with itself', async () => {
      // gamma is in both lists; epsilon is an A only, on another day.
      const rule = { type, a: { list: 'mixed' }, b: { list: 'loans' } } as const;
      expect((await solve({ rules: [rule], proposed: [proposed('c1', 'gamma', day(0), { score: 5 })] })).chosen).toEqual([0]);
      expect((await solve({ rules: [rule], proposed: [proposed('c1', 'gamma', day(0), { score: 5 }), proposed('c1', 'epsilon', day(-1), { score: 3 })] })).chosen).toEqual([0]);
    });

    it('without periodDays pairs contacts any number of days apart', async () => {
      const rule = { type, a: 'alpha', b: 'beta' } as const;
      const rows = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'beta', day(300), { score: 4 })];
      expect((await solve({ rules: [rule], proposed: rows })).chosen).toEqual([0]);
    });
  });

  describe('customCapacity avg', () => {
    it('holds in a window at the start of the horizon that covers the first day only', async () => {
      // periodDays 3: the window starting two days before day 0 holds day 0 alone, where
      // 0.9 is over 0.5, although over days 0..2 the average is 0.5.
      const rule = { type: 'customCapacity', offers: 'alpha', aggregate: 'avg', field: 'risk', max: 0.5, periodDays: 3 } as const;
      const rows = [proposed('c1', 'alpha', day(0), { score: 10, extra: { risk: 0.9 } }), proposed('c2', 'alpha', day(2), { score: 1, extra: { risk: 0.1 } })];
      const problem = makeProblem(bundle, { rules: [rule], proposed: rows });
      expect(checkFeasibility(problem, [0, 1]).violations).not.toEqual([]);
      expect((await solve({ rules: [rule], proposed: rows })).chosen).toEqual([1]);
    });
  });
});

describe('a shard', () => {
  // c2, c4, c6 and c8 are in shard 0 of 2 (shard.ts): its share of a capacity of 2 is 1.15.
  const rows = [proposed('c2', 'alpha', day(0), { score: 5, extra: { risk: 1 } }), proposed('c4', 'alpha', day(0), { score: 4, extra: { risk: 1 } })];
  const solveShard = (rule: ProblemInput['rules'][number]) => optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows }), { shard: { index: 0, count: 2 }, seed: 1 });

  it.each([
    ['offerCapacity', { type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 1 }],
    ['customCapacity sum', { type: 'customCapacity', offers: 'alpha', aggregate: 'sum', field: 'risk', max: 2, periodDays: 1 }],
  ] as const)('keeps its share of the %s maximum that its rows alone would not reach', async (_what, rule) => {
    expect((await solveShard(rule)).chosen).toEqual([0]);
  });
});
