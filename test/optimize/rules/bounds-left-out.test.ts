// The bounds a rule leaves out, and history where it counts (docs/optimization-semantics.md
// #windows and #the-ten-rules): customCapacity sum's min is a minimum; avg with only a min
// or only a max has no other bound (no implicit minimum of 0 for negative values);
// without periodDays a count rule counts chosen contacts only; history inside a minimum's
// window counts toward it, on the window's first and last day and not a day outside.
import { describe, expect, it } from 'vitest';
import { loadOptimizer, type OptimizeResult } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, past, proposed, type ProblemInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const solve = (input: ProblemInput): Promise<OptimizeResult> => optimizeContacts(makeProblem(bundle, input), { exact: 'auto', seed: 1 });
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);

describe('customCapacity', () => {
  it("meets sum's min with low-scored rows, and reports the shortfall it cannot meet", async () => {
    const rows = [proposed('c1', 'alpha', day(0), { score: -1, extra: { risk: 0.5 } }), proposed('c2', 'alpha', day(0), { score: -2, extra: { risk: 0.5 } })];
    const met = await solve({ rules: [{ type: 'customCapacity', offers: 'alpha', aggregate: 'sum', field: 'risk', min: 1 }], proposed: rows });
    expect(met.chosen).toEqual([0, 1]);
    expect(met.report.totalShortfall).toBe(0);
    const unmet = await solve({ rules: [{ type: 'customCapacity', offers: 'alpha', aggregate: 'sum', field: 'risk', min: 2 }], proposed: rows });
    expect(unmet.chosen).toEqual([0, 1]);
    expect(unmet.report.totalShortfall).toBeCloseTo(1, 9);
  });

  it('puts no upper bound on an avg with only a min', async () => {
    const rows = [proposed('c1', 'alpha', day(0), { score: 5, extra: { risk: 0.9 } }), proposed('c2', 'alpha', day(0), { score: 4, extra: { risk: 0.6 } }), proposed('c3', 'alpha', day(0), { score: 3, extra: { risk: 0.25 } })];
    const result = await solve({ rules: [{ type: 'customCapacity', offers: 'alpha', aggregate: 'avg', field: 'risk', min: 0.5 }], proposed: rows });
    // All three average 0.58; any set with the 0.25 row and one other falls below 0.5.
    expect(result.chosen).toEqual([0, 1, 2]);
  });

  it('puts no lower bound on an avg with only a max, not even 0 for negative values', async () => {
    const rule = { type: 'customCapacity', offers: 'alpha', aggregate: 'avg', field: 'risk', max: 0.5 } as const;
    const negative = proposed('c1', 'alpha', day(0), { score: 5, extra: { risk: -1 } });
    // (−1 + 0.75) / 2 ≤ 0.5, and −1 alone is an average too.
    expect((await solve({ rules: [rule], proposed: [negative, proposed('c2', 'alpha', day(0), { score: 4, extra: { risk: 0.75 } })] })).chosen).toEqual([0, 1]);
    expect((await solve({ rules: [rule], proposed: [negative] })).chosen).toEqual([0]);
  });
});

describe('customerOfferCount', () => {
  it('without periodDays counts chosen contacts only, not history', async () => {
    const rows = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'beta', day(1), { score: 4 })];
    const result = await solve({ rules: [{ type: 'customerOfferCount', max: 1 }], proposed: rows, history: [past('c1', 'alpha', day(-1))] });
    expect(result.chosen).toEqual([0]);
  });

  it.each([
    ['the day before the window', -1, [1]],
    ["the window's first day", 0, []],
    ["the window's last day", 1, []],
    ['the day after the window', 2, [1]],
  ])('counts a history contact toward a minimum when it is on %s', async (_where, offset, chosen) => {
    // Horizon: days 0..1, so the minimum has the one window [0,1]. c1's rows are scored
    // below zero: only an unmet minimum makes the run choose one (the cheaper, day 1).
    const rows = [proposed('c1', 'alpha', day(0), { score: -2 }), proposed('c1', 'alpha', day(1), { score: -1 })];
    const result = await solve({ rules: [{ type: 'customerOfferCount', offers: 'alpha', min: 1, periodDays: 2 }], proposed: rows, history: [past('c1', 'alpha', day(offset))] });
    expect(result.chosen).toEqual(chosen);
  });
});
