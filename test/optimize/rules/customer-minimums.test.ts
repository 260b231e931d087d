// customerOfferCount minimums over consecutive windows that hold the same rows
// (docs/optimization-semantics.md#windows): each window keeps its own need, history in it
// subtracted, so the rows must meet the largest need among those windows, whichever of
// them comes first; a need the rows cannot meet is reported per window.
import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../../src/days.js';
import { buildModel } from '../../../src/optimize/model.js';
import { loadOptimizer, type OptimizeResult } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type ProblemInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);

// Horizon days 0..2 (c2's beta rows; c2 is not in the rule's segment, c1 is). With periodDays 2 the
// minimum has the windows [0,1] and [1,2]; c1's alpha rows are all on day 1, so both
// windows hold exactly the same rows. Scores below zero: only a need makes a row chosen.
const horizon = [proposed('c2', 'beta', day(0), { score: 1 }), proposed('c2', 'beta', day(2), { score: 1 })];
const minTwo = { type: 'customerOfferCount', offers: 'alpha', min: 2, periodDays: 2, segment: 'rich' } as const;
const audience = [member('c1', { income: 90000, tier: 'bronze', age: 45, tags: [] })];

describe.each(['never', 'auto'] as const)('customerOfferCount minimum over windows holding the same rows (exact: %s)', (exact) => {
  const solve = (input: ProblemInput): Promise<OptimizeResult> => optimizeContacts(makeProblem(bundle, { audience, ...input }), { exact, seed: 1 });

  it.each([
    // History on day 0 leaves [0,1] needing 1 and [1,2] needing 2; on day 2, the reverse.
    ['the second window', 0],
    ['the first window', 2],
  ])('meets the larger need when it is in %s', async (_which, historyDay) => {
    const rows = [...horizon, proposed('c1', 'alpha', day(1), { score: -1 }), proposed('c1', 'alpha', day(1), { score: -2 }), proposed('c1', 'alpha', day(1), { score: -3 })];
    const result = await solve({ rules: [minTwo], proposed: rows, history: [past('c1', 'alpha', day(historyDay))] });
    expect(result.chosen).toEqual([0, 1, 2, 3]);
    expect(result.report.unmetMinimums).toEqual([]);
    expect(result.report.totalShortfall).toBe(0);
  });

  it('reports the window whose need the rows cannot meet, and not the one they meet', async () => {
    const rows = [...horizon, proposed('c1', 'alpha', day(1), { score: -1 })];
    const result = await solve({ rules: [minTwo], proposed: rows, history: [past('c1', 'alpha', day(0))] });
    expect(result.chosen).toEqual([0, 1, 2]);
    expect(result.report.unmetMinimums).toEqual([{ rule: 'rule-0', type: 'customerOfferCount', window: { from: day(1), to: day(2) }, customerId: 'c1', required: 2, achieved: 1, shortfall: 1 }]);
    expect(result.report.totalShortfall).toBe(1);
  });

  it('reports each window short of its need, with its own need', async () => {
    const rows = [...horizon, proposed('c1', 'alpha', day(1), { score: -1 })];
    const result = await solve({ rules: [{ ...minTwo, min: 3 }], proposed: rows, history: [past('c1', 'alpha', day(2))] });
    expect(result.chosen).toEqual([0, 1, 2]);
    expect(result.report.unmetMinimums).toEqual([
      { rule: 'rule-0', type: 'customerOfferCount', window: { from: day(0), to: day(1) }, customerId: 'c1', required: 3, achieved: 1, shortfall: 2 },
      { rule: 'rule-0', type: 'customerOfferCount', window: { from: day(1), to: day(2) }, customerId: 'c1', required: 2, achieved: 1, shortfall: 1 },
    ]);
    expect(result.report.totalShortfall).toBe(3);
  });
});

describe.each(['never', 'auto'] as const)('customerOfferCount minimum over windows holding different rows (exact: %s)', (exact) => {
  it('counts in each window only the rows on its days, and reports the window that holds none', async () => {
    // Horizon days 0..3, periodDays 2: windows [0,1], [1,2], [2,3]. c1 has a row on day 0
    // and one on day 3, each the only row of its first or last window; [1,2] holds none.
    const rows = [proposed('c1', 'alpha', day(0), { score: -1 }), proposed('c1', 'alpha', day(3), { score: -2 })];
    const result = await optimizeContacts(makeProblem(bundle, { audience, rules: [{ ...minTwo, min: 1 }], proposed: rows }), { exact, seed: 1 });
    expect(result.chosen).toEqual([0, 1]);
    expect(result.report.unmetMinimums).toEqual([{ rule: 'rule-0', type: 'customerOfferCount', window: { from: day(1), to: day(2) }, customerId: 'c1', required: 1, achieved: 0, shortfall: 1 }]);
  });
});

describe.each(['never', 'auto'] as const)('customerOfferCount minimum over windows whose rows read alike (exact: %s)', (exact) => {
  it('keeps apart consecutive windows holding rows 1 and 2, then row 12 of the customer', async () => {
    // periodDays 1: day 0 holds c1's alpha rows 1 and 2, day 1 its alpha row 12 (rows 0
    // and 3..11 are beta, outside the scope). Each day needs one alpha contact.
    const beta = (n: number) => Array.from({ length: n }, () => proposed('c1', 'beta', day(0), { score: 1 }));
    const rows = [...beta(1), proposed('c1', 'alpha', day(0), { score: -1 }), proposed('c1', 'alpha', day(0), { score: -2 }), ...beta(9), proposed('c1', 'alpha', day(1), { score: -1 })];
    const result = await optimizeContacts(makeProblem(bundle, { rules: [{ type: 'customerOfferCount', offers: 'alpha', min: 1, periodDays: 1 }], proposed: rows }), { exact, seed: 1 });
    expect(result.chosen).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.report.unmetMinimums).toEqual([]);
  });
});

describe('customerOfferCount minimum in the model', () => {
  // The heuristic fills a minimum up to its need (repair.ts): one minimum per set of rows,
  // needing the largest of its windows' needs, with every window kept for the shortfall.
  const minimumsOf = (historyDay: number) => {
    const rows = [...horizon, proposed('c1', 'alpha', day(1), { score: -1 }), proposed('c1', 'alpha', day(1), { score: -2 })];
    const model = buildModel(makeProblem(bundle, { audience, rules: [minTwo], proposed: rows, history: [past('c1', 'alpha', day(historyDay))] }));
    const cm = model.customers.find((c) => model.customerIds[c.customer] === 'c1')!;
    return Array.from({ length: cm.minCount }, (_, m) => ({ need: cm.minNeed(m), rows: Array.from(cm.minRows(m)), windows: cm.minWindows(m) }));
  };
  const window = (start: number, need: number) => ({ start: dayNumber(day(start)), end: dayNumber(day(start + 1)), need });

  it('needs the second window’s larger need', () => {
    expect(minimumsOf(0)).toEqual([{ need: 2, rows: [0, 1], windows: [window(0, 1), window(1, 2)] }]);
  });

  it('keeps the first window’s larger need', () => {
    expect(minimumsOf(2)).toEqual([{ need: 2, rows: [0, 1], windows: [window(0, 2), window(1, 1)] }]);
  });
});
