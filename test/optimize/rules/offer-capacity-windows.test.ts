// offerCapacity windows at the start of the horizon (docs/optimization-semantics.md#windows):
// a window starting before the first proposed day holds that day's contacts and the
// history before it, so it can leave less room than the longer window over the horizon
// that contains it; history N−1 days before the first day counts there, N days before not.
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, past, proposed } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
const rule = { type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 3 } as const;
// Two contacts on day 0 and one on day 2: [0,2] allows two of the three.
const rows = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c2', 'alpha', day(0), { score: 4 }), proposed('c3', 'alpha', day(2), { score: 3 })];

describe.each(['never', 'auto'] as const)('offerCapacity windows at the start of the horizon (exact: %s)', (exact) => {
  it.each([
    [-1, [0, 2]],
    [-2, [0, 2]],
    [-3, [0, 1]],
  ])('with a history contact on day %i, chooses %j', async (offset, chosen) => {
    const result = await optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows, history: [past('c9', 'alpha', day(offset))] }), { exact, seed: 1 });
    expect(result.chosen).toEqual(chosen);
  });
});

describe.each(['never', 'auto'] as const)('offerCapacity windows history fills inside the horizon (exact: %s)', (exact) => {
  it('removes the contacts of those windows only, not those before or after them', async () => {
    // periodDays 3, max 1: history on day 6 fills every window holding day 6 ([4,6], [5,7],
    // [6,8]); history on day -1 fills [-2,0]. The contacts on days 0 and 5 are removed,
    // the one on day 2 is in no filled window.
    const spread = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c2', 'alpha', day(2), { score: 4 }), proposed('c3', 'alpha', day(5), { score: 3 })];
    const result = await optimizeContacts(makeProblem(bundle, { rules: [{ ...rule, max: 1 }], proposed: spread, history: [past('c9', 'alpha', day(6)), past('c8', 'alpha', day(-1))] }), { exact, seed: 1 });
    expect(result.chosen).toEqual([1]);
    expect(result.report.rules[0]).toMatchObject({ removed: 2 });
  });
});
