// maxPackages windows (docs/optimization-semantics.md#windows, #the-ten-rules): a
// history package counts in every window [s, s+N−1] that holds it and the row, before
// or after the row (N−1 days apart, not N); without periodDays only chosen contacts count.
import { describe, expect, it } from 'vitest';
import { checkFeasibility } from '../checker.js';
import { loadOptimizer, type OptimizeResult } from '../contract.js';
import { dayAfter, loadBaseBundle, makeProblem, past, proposed, type ProblemInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
// The row's package is c1|email|day 0; the history contact's is another (sms).
const row = proposed('c1', 'alpha', day(0), { score: 5 });
const otherPackage = (offset: number) => past('c1', 'beta', day(offset), { channel: 'sms' });

describe.each(['never', 'auto'] as const)('maxPackages windows (exact: %s)', (exact) => {
  const solve = (input: ProblemInput): Promise<OptimizeResult> => optimizeContacts(makeProblem(bundle, input), { exact, seed: 1 });

  it.each([
    [-3, [0]],
    [-2, []],
    [0, []],
    [2, []],
    [3, [0]],
  ])('with periodDays 3, a history package on day %i leaves room for the row on day 0: %j', async (offset, chosen) => {
    const result = await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: [row], history: [otherPackage(offset)] });
    expect(result.chosen).toEqual(chosen);
  });

  it('limits each window on its own: one package on day 0 and one on day 10', async () => {
    const rows = [
      proposed('c1', 'alpha', day(0), { score: 5, package: 'p1' }),
      proposed('c1', 'beta', day(0), { score: 4, package: 'p2' }),
      proposed('c1', 'alpha', day(10), { score: 3, package: 'p3' }),
      proposed('c1', 'beta', day(10), { score: 2, package: 'p4' }),
    ];
    expect((await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: rows })).chosen).toEqual([0, 2]);
  });

  it('counts a named package that is another contact\'s default package name as that package', async () => {
    // Row 0 has no package: its package is c1|email|<day 0>, which row 1 names.
    const rows = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'beta', day(1), { score: 4, package: `c1|email|${day(0)}` }), proposed('c1', 'gamma', day(1), { score: 3, package: 'p3' })];
    expect((await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: rows })).chosen).toEqual([0, 1]);
    // A history contact without a package, sms on day 1, is package c1|sms|<day 1>: a row naming it joins it.
    const joining = [proposed('c1', 'alpha', day(1), { score: 5, package: `c1|sms|${day(1)}` }), proposed('c1', 'beta', day(1), { score: 4, package: 'p2' })];
    expect((await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: joining, history: [past('c1', 'gamma', day(1), { channel: 'sms' })] })).chosen).toEqual([0]);
    // A history contact naming the row's default package c1|email|<day 0>: the row joins it.
    const named = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'beta', day(0), { score: 4, package: 'p2' })];
    expect((await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: named, history: [past('c1', 'gamma', day(0), { channel: 'sms', package: `c1|email|${day(0)}` })] })).chosen).toEqual([0]);
    // Another customer's default package name is not this customer's package.
    const foreign = [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'beta', day(0), { score: 4, package: `c2|email|${day(0)}` })];
    expect((await solve({ rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }], proposed: foreign })).chosen).toEqual([0]);
  });

  it('without periodDays does not count history packages', async () => {
    for (const offset of [-1, 0, 1]) {
      expect((await solve({ rules: [{ type: 'maxPackages', max: 1 }], proposed: [row], history: [otherPackage(offset)] })).chosen).toEqual([0]);
    }
  });

  // The handler numbers every package of a customer (its rows' and its history's) and
  // marks them in a buffer of 64 that grows when a customer has more: a history package
  // numbered 63 fits it, one numbered 64 or 65 needs it grown. A customer with one row
  // comes first, so a buffer sized for it alone would be too small for the next.
  it.each([62, 63, 64])('counts a history package once when the customer has %i other packages before it', async (others) => {
    const rows = [
      proposed('c0', 'alpha', day(0), { score: 1 }),
      // Out of the rule's scope (sms) but numbered: packages 0..others−1.
      ...Array.from({ length: others }, (_, i) => proposed('c1', 'beta', day(0), { channel: 'sms', score: 1, package: `s${i}` })),
      proposed('c1', 'alpha', day(0), { score: 5, package: 'x' }),
    ];
    // Two history contacts of one package h (numbered others + 1): one package, so room for x.
    const history = [past('c1', 'gamma', day(-1), { package: 'h' }), past('c1', 'gamma', day(0), { package: 'h' })];
    const problem = makeProblem(bundle, { rules: [{ type: 'maxPackages', max: 2, periodDays: 3, channel: 'email' }], proposed: rows, history });
    const result = await optimizeContacts(problem, { exact, seed: 1 });
    expect(result.chosen).toEqual(rows.map((_, i) => i));
  });

  it('keeps apart two windows whose contacts read alike: rows 1, 2, 3 and rows 1, 23', async () => {
    // periodDays 2, max 2. Day −1: row 0 (package q). Day 0: rows 1 (x), 2 and 3 (p).
    // Day 1: rows 4..22 (p) and 23 (y). History: q on day −1, p on day 1. Window
    // [−1,0] has q: rows 1..3 may open one package; [0,1] has p: rows 1 and 23 may
    // open one. Best: every row but 1 (score 32), not rows 1 and 23 together.
    const c1 = (d: number, pkg: string, score: number) => proposed('c1', 'alpha', day(d), { score, package: pkg });
    const rows = [c1(-1, 'q', 1), c1(0, 'x', 10), c1(0, 'p', 1), c1(0, 'p', 1), ...Array.from({ length: 19 }, () => c1(1, 'p', 1)), c1(1, 'y', 10)];
    const problem = makeProblem(bundle, { rules: [{ type: 'maxPackages', max: 2, periodDays: 2 }], proposed: rows, history: [past('c1', 'beta', day(-1), { package: 'q' }), past('c1', 'beta', day(1), { package: 'p' })] });
    const result = await optimizeContacts(problem, { exact, seed: 1 });
    expect(checkFeasibility(problem, result.chosen).violations).toEqual([]);
    expect(result.chosen).toEqual(rows.map((_, i) => i).filter((i) => i !== 1));
  });
});
