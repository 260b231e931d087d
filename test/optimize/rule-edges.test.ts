// Hand-made cases at the edges of each rule (docs/optimization-semantics.md): same
// day, window edges (N−1 vs N days apart), windows already filled by history,
// exceptions, avg against sum, the A-before-B order of bOnlyWithA, minimums. Each has
// its one optimal chosen set (or objective) worked out by hand; the exact MIP confirms
// the expectation, then the optimizer (both paths) must find it with zero violations.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody } from '../../src/bundle/types.js';
import { checkFeasibility, formatViolations } from './checker.js';
import { loadOptimizer, type OptimizeProblem } from './contract.js';
import { solveExact } from './exact-mip.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type ProblemInput } from './problem-builder.js';

const optimizeContacts = await loadOptimizer();

interface EdgeCase {
  name: string;
  input: ProblemInput;
  /** The unique optimal chosen set. */
  chosen: number[];
  objective: number;
  shortfall?: number;
}

const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
const audience = [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] }), member('poor', { income: 1000, tier: 'gold', age: 22, tags: ['vip'] })];

const cases: EdgeCase[] = [
  {
    name: 'offerCapacity per day: only the better of two same-day contacts fits',
    input: { rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1 }], proposed: [proposed('a', 'alpha', day(0), { score: 5 }), proposed('b', 'alpha', day(0), { score: 8 }), proposed('c', 'alpha', day(1), { score: 3 })] },
    chosen: [1, 2],
    objective: 11,
  },
  {
    name: 'offerCapacity window edge: contacts N−1 days apart share a window, N days apart do not',
    input: { rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 }], proposed: [proposed('a', 'alpha', day(0), { score: 10 }), proposed('b', 'alpha', day(2), { score: 9 }), proposed('c', 'alpha', day(3), { score: 8 })] },
    chosen: [0, 2],
    objective: 18,
  },
  {
    name: 'offerCapacity with a window filled by history: only a contact 7 days clear of it fits',
    input: {
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', day(0), { score: 10 }), proposed('b', 'alpha', day(4), { score: 9 }), proposed('c', 'alpha', day(6), { score: 7 })],
      history: [past('x', 'alpha', day(-2)), past('y', 'alpha', day(-1))],
    },
    chosen: [2],
    objective: 7,
  },
  {
    name: 'offerCapacity ignores accept and reject history rows',
    input: {
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', day(0), { score: 10 }), proposed('b', 'alpha', day(4), { score: 9 }), proposed('c', 'alpha', day(6), { score: 7 })],
      history: [past('x', 'alpha', day(-2), { event: 'accept' }), past('y', 'alpha', day(-1), { event: 'reject' })],
    },
    chosen: [0, 1],
    objective: 19,
  },
  {
    name: 'offerCapacity exception: a day inside it allows two, the day before it one',
    input: {
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1, exceptions: [{ from: day(1), to: day(1), min: 0, max: 2 }] }],
      proposed: [proposed('a', 'alpha', day(0), { score: 3 }), proposed('b', 'alpha', day(0), { score: 4 }), proposed('c', 'alpha', day(1), { score: 5 }), proposed('d', 'alpha', day(1), { score: 6 }), proposed('e', 'alpha', day(1), { score: 7 })],
    },
    chosen: [1, 3, 4],
    objective: 17,
  },
  {
    name: 'offerCapacity exceptions overlapping on a day: the first one written wins there, each its own elsewhere',
    input: {
      rules: [
        {
          type: 'offerCapacity',
          offers: 'alpha',
          max: 1,
          periodDays: 1,
          exceptions: [
            { from: day(1), to: day(2), min: 0, max: 2 },
            { from: day(2), to: day(3), min: 0, max: 3 },
          ],
        },
      ],
      proposed: [1, 2, 3].flatMap((d) => [5, 6, 7].map((score) => proposed(`c${d}-${score}`, 'alpha', day(d), { score }))).concat([proposed('j', 'alpha', day(4), { score: 5 }), proposed('k', 'alpha', day(4), { score: 6 })]),
    },
    chosen: [1, 2, 4, 5, 6, 7, 8, 10],
    objective: 50,
  },
  {
    name: 'offerCapacity minimum counts history in the window and costs a negative score only as needed',
    input: {
      rules: [{ type: 'offerCapacity', offers: 'alpha', min: 2, periodDays: 3 }],
      proposed: [proposed('a', 'alpha', day(0), { score: -1 }), proposed('b', 'alpha', day(1), { score: -4 }), proposed('c', 'alpha', day(2), { score: -2 })],
      history: [past('x', 'alpha', day(0))],
    },
    chosen: [0],
    objective: -1,
    shortfall: 0,
  },
  {
    name: 'customerOfferCount: history fills one customer’s window, the next day is clear',
    input: {
      rules: [{ type: 'customerOfferCount', offers: 'alpha', max: 1, periodDays: 5 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 20 }), proposed('c1', 'alpha', day(1), { score: 5 }), proposed('c2', 'alpha', day(0), { score: 3 })],
      history: [past('c1', 'alpha', day(-4))],
    },
    chosen: [1, 2],
    objective: 8,
  },
  {
    name: 'customerOfferCount minimum that cannot be met is reported as a shortfall and the reachable part is met',
    input: {
      rules: [{ type: 'customerOfferCount', offers: 'beta', min: 2, segment: 'rich' }],
      proposed: [proposed('rich', 'beta', day(0), { score: -5 }), proposed('poor', 'beta', day(0), { score: -5 }), proposed('rich', 'alpha', day(0), { score: 1 })],
      audience,
    },
    chosen: [0, 2],
    objective: -4,
    shortfall: 1,
  },
  {
    name: 'maxPackages: contacts of one customer, channel and day are one package',
    input: {
      rules: [{ type: 'maxPackages', max: 1, periodDays: 1 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 4 }), proposed('c1', 'beta', day(0), { score: 4 }), proposed('c1', 'gamma', day(0), { channel: 'sms', score: 7 })],
    },
    chosen: [0, 1],
    objective: 8,
  },
  {
    name: 'maxPackages: joining the package history already opened adds none, a new one does not fit',
    input: {
      rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 4 }), proposed('c1', 'gamma', day(0), { channel: 'sms', score: 100 })],
      history: [past('c1', 'zeta', day(0))],
    },
    chosen: [0],
    objective: 4,
  },
  {
    name: 'maxPackages: history rows without a package column share the customer|channel|date package',
    input: {
      rules: [{ type: 'maxPackages', max: 2, periodDays: 10 }],
      proposed: [proposed('c1', 'delta', day(9), { score: 68 })],
      history: [past('c1', 'delta', day(0)), past('c1', 'gamma', day(0)), past('c1', 'delta', day(-2))],
    },
    chosen: [0],
    objective: 68,
  },
  {
    name: 'maxPackages window edge: a history package N days before does not share a window',
    input: {
      rules: [{ type: 'maxPackages', max: 1, periodDays: 10 }],
      proposed: [proposed('c1', 'delta', day(10), { score: 5 }), proposed('c1', 'delta', day(9), { score: 50 })],
      history: [past('c1', 'alpha', day(0), { channel: 'sms' })],
    },
    chosen: [0],
    objective: 5,
  },
  {
    name: 'maxDuplicateOffers: the same offer two days apart fits a 2-day window, one day apart does not',
    input: {
      rules: [{ type: 'maxDuplicateOffers', offers: 'alpha', max: 1, periodDays: 2 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 5 }), proposed('c1', 'alpha', day(1), { score: 6 }), proposed('c1', 'alpha', day(2), { score: 5 }), proposed('c1', 'beta', day(1), { score: 1 })],
    },
    chosen: [0, 2, 3],
    objective: 11,
  },
  {
    name: 'neverAWithB: B N−1 days from A is out, N days is in, before or after',
    input: {
      rules: [{ type: 'neverAWithB', a: 'alpha', b: 'beta', periodDays: 3 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 10 }), proposed('c1', 'beta', day(2), { score: 6 }), proposed('c1', 'beta', day(3), { score: 4 }), proposed('c1', 'beta', day(-2), { score: 3 }), proposed('c1', 'beta', day(-3), { score: 2 })],
    },
    chosen: [0, 2, 4],
    objective: 16,
  },
  {
    name: 'neverAWithB: an A in history blocks a B on the same day, whatever its score',
    input: { rules: [{ type: 'neverAWithB', a: 'alpha', b: 'beta', periodDays: 1 }], proposed: [proposed('c1', 'beta', day(0), { score: 50 }), proposed('c1', 'beta', day(1), { score: 1 })], history: [past('c1', 'alpha', day(0))] },
    chosen: [1],
    objective: 1,
  },
  {
    name: 'neverAFollowedByB: B before A is allowed, on A’s day or N−1 after is not, N after is',
    input: {
      rules: [{ type: 'neverAFollowedByB', a: 'alpha', b: 'beta', periodDays: 3 }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 30 }), proposed('c1', 'beta', day(-1), { score: 5 }), proposed('c1', 'beta', day(0), { score: 6 }), proposed('c1', 'beta', day(2), { score: 7 }), proposed('c1', 'beta', day(3), { score: 2 })],
    },
    chosen: [0, 1, 4],
    objective: 37,
  },
  {
    name: 'bOnlyWithA: an A the day after B does not allow it',
    input: { rules: [{ type: 'bOnlyWithA', a: 'alpha', b: 'beta' }], proposed: [proposed('c1', 'alpha', day(1), { score: 1 }), proposed('c1', 'beta', day(0), { score: 10 })] },
    chosen: [0],
    objective: 1,
  },
  {
    name: 'bOnlyWithA: an A the same day allows B, even at a negative score',
    input: { rules: [{ type: 'bOnlyWithA', a: 'alpha', b: 'beta' }], proposed: [proposed('c1', 'alpha', day(0), { score: -2 }), proposed('c1', 'beta', day(0), { score: 10 }), proposed('c2', 'beta', day(0), { score: 10 })] },
    chosen: [0, 1],
    objective: 8,
  },
  {
    name: 'bOnlyWithA: an A in history within N−1 days allows B, N days before does not',
    input: {
      rules: [{ type: 'bOnlyWithA', a: 'alpha', b: 'beta', periodDays: 3 }],
      proposed: [proposed('c1', 'beta', day(0), { score: 10 }), proposed('c2', 'beta', day(0), { score: 10 })],
      history: [past('c1', 'alpha', day(-2)), past('c2', 'alpha', day(-3))],
    },
    chosen: [0],
    objective: 10,
  },
  {
    name: 'bOnlyWithA: a contact in both scopes does not allow itself',
    input: { rules: [{ type: 'bOnlyWithA', a: { list: 'mixed' }, b: { list: 'loans' } }], proposed: [proposed('c1', 'gamma', day(0), { score: 10 }), proposed('c1', 'epsilon', day(0), { score: -3 })] },
    chosen: [0, 1],
    objective: 7,
  },
  {
    name: 'customCapacity avg allows a high value balanced by low ones, where sum does not',
    input: {
      rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'avg', field: 'risk', max: 0.5 }],
      proposed: [proposed('c1', 'gamma', day(0), { score: 10, extra: { risk: 0.9 } }), proposed('c2', 'gamma', day(0), { score: 1, extra: { risk: 0.25 } }), proposed('c3', 'delta', day(1), { score: 1, extra: { risk: 0.125 } }), proposed('c4', 'delta', day(1), { score: 5, extra: { risk: 0.75 } })],
    },
    chosen: [0, 1, 2],
    objective: 12,
  },
  {
    name: 'customCapacity sum over the same rows keeps the total under max',
    input: {
      rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'sum', field: 'risk', max: 1 }],
      proposed: [proposed('c1', 'gamma', day(0), { score: 10, extra: { risk: 0.9 } }), proposed('c2', 'gamma', day(0), { score: 1, extra: { risk: 0.25 } }), proposed('c3', 'delta', day(1), { score: 1, extra: { risk: 0.125 } }), proposed('c4', 'delta', day(1), { score: 5, extra: { risk: 0.75 } })],
    },
    chosen: [0],
    objective: 10,
  },
  {
    name: 'customCapacity avg min is hard: a low value needs a high one beside it',
    input: {
      rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'avg', field: 'risk', min: 0.5, max: 1, periodDays: 1 }],
      proposed: [proposed('c1', 'gamma', day(0), { score: 10, extra: { risk: 0.25 } }), proposed('c2', 'gamma', day(0), { score: 1, extra: { risk: 0.75 } }), proposed('c3', 'gamma', day(1), { score: 10, extra: { risk: 0.25 } })],
    },
    chosen: [0, 1],
    objective: 11,
  },
  {
    name: 'customersIn exclude and include, with a customer missing from the audience',
    input: {
      rules: [
        { type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' },
        { type: 'customersIn', mode: 'include', segment: 'gold', offers: 'beta' },
      ],
      proposed: [proposed('rich', 'alpha', day(0), { score: 9 }), proposed('poor', 'alpha', day(0), { score: 8 }), proposed('poor', 'beta', day(0), { score: 7 }), proposed('stranger', 'beta', day(0), { score: 6 }), proposed('stranger', 'alpha', day(0), { score: 5 })],
      audience,
    },
    chosen: [1, 2, 4],
    objective: 20,
  },
  {
    name: 'interactionsWhere include drops rows whose expression fails on a missing column',
    input: {
      rules: [{ type: 'interactionsWhere', mode: 'include', where: 'contact.band == "low"' }],
      proposed: [proposed('c1', 'alpha', day(0), { score: 9, extra: { band: 'low' } }), proposed('c1', 'beta', day(0), { score: 8 }), proposed('c1', 'gamma', day(0), { score: 7, extra: { band: 'high' } })],
    },
    chosen: [0],
    objective: 9,
  },
];

let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});
const build = (c: EdgeCase): OptimizeProblem => makeProblem(bundle, c.input);

describe('rule edges: the exact MIP confirms each hand-worked optimum', () => {
  it.each(cases)('$name', async (c) => {
    const problem = build(c);
    const exact = await solveExact(problem);
    expect({ chosen: exact.chosen, objective: exact.objective, shortfall: exact.shortfall }).toEqual({ chosen: c.chosen, objective: expect.closeTo(c.objective, 9), shortfall: c.shortfall ?? 0 });
    expect(checkFeasibility(problem, c.chosen).violations).toEqual([]);
  });
});

describe('rule edges: the optimizer finds each optimum', () => {
  for (const exact of ['never', 'auto'] as const) {
    it.each(cases)(`$name (exact: ${exact})`, async (c) => {
      const problem = build(c);
      const result = await optimizeContacts(problem, { exact, seed: 1 });
      const check = checkFeasibility(problem, result.chosen);
      expect(check.violations, formatViolations(check.violations)).toEqual([]);
      expect(check.totalShortfall).toBeCloseTo(c.shortfall ?? 0, 9);
      expect(result.chosen).toEqual(c.chosen);
      expect(result.report.objective).toBeCloseTo(c.objective, 9);
    });
  }
});
