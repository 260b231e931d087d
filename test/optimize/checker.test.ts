// Unit tests of the independent feasibility checker: a checker that cannot fail is
// worthless, so every rule kind is shown both holding and broken on hand-made chosen
// sets (docs/optimization-semantics.md).
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody } from '../../src/bundle/types.js';
import { checkFeasibility, prepareProblem } from './checker.js';
import type { OptimizeProblem } from './contract.js';
import { loadBaseBundle, makeProblem, member, past, proposed, type ProblemInput } from './problem-builder.js';

let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});

const problem = (input: ProblemInput): OptimizeProblem => makeProblem(bundle, input);
/** The names of the rules broken (each once, however many windows or pairs break it). */
const violations = (p: OptimizeProblem, chosen: number[]): string[] => [...new Set(checkFeasibility(p, chosen).violations.map((v) => v.rule))];
const ok = (p: OptimizeProblem, chosen: number[]): void => {
  const result = checkFeasibility(p, chosen);
  expect(result.violations, JSON.stringify(result.violations.map((v) => v.message))).toEqual([]);
};

const audience = [
  member('rich-1', { income: 90000, tier: 'bronze', age: 40, tags: [], joined: '2026-01-01' }),
  member('poor-1', { income: 20000, tier: 'gold', age: 25, tags: ['vip'], joined: '2026-02-25' }),
  member('no-income', { tier: 'silver', age: 50, tags: [] }),
];

describe('segment membership', () => {
  it('evaluates segments from the audience, composes inSegment, and counts failures and unknown customers as outside', () => {
    const p = problem({ rules: [{ type: 'maxPackages', max: 1 }], proposed: [proposed('rich-1', 'alpha', '2026-03-01')], audience });
    const prepared = prepareProblem(p);
    expect(prepared.isMember('rich-1', 'rich')).toBe(true);
    expect(prepared.isMember('poor-1', 'rich')).toBe(false);
    expect(prepared.isMember('poor-1', 'gold')).toBe(true);
    expect(prepared.isMember('poor-1', 'rich-or-gold')).toBe(true);
    expect(prepared.isMember('rich-1', 'rich-or-gold')).toBe(true);
    expect(prepared.isMember('no-income', 'rich')).toBe(false); // missing attribute: the expression fails
    expect(prepared.isMember('no-income', 'rich-or-gold')).toBe(false);
    expect(prepared.isMember('poor-1', 'tagged-vip')).toBe(true);
    expect(prepared.isMember('stranger', 'young')).toBe(false); // not in the audience
  });

  it('takes `now` from `at`, else from the earliest proposed date', () => {
    const rows = [proposed('poor-1', 'alpha', '2026-03-20'), proposed('poor-1', 'alpha', '2026-03-01')];
    // poor-1 joined 2026-02-25; `recent` = joined within the last 10 days of now.
    expect(prepareProblem(problem({ rules: [{ type: 'maxPackages', max: 1 }], proposed: rows, audience })).isMember('poor-1', 'recent')).toBe(true);
    expect(prepareProblem(problem({ rules: [{ type: 'maxPackages', max: 1 }], proposed: rows, audience, at: '2026-03-20' })).isMember('poor-1', 'recent')).toBe(false);
  });
});

describe('customersIn', () => {
  it('exclude: breaks when a scoped offer goes to a segment member, not for other offers or other channels', () => {
    const p = problem({
      rules: [{ type: 'customersIn', mode: 'exclude', segment: 'rich', offers: { list: 'cards' }, channel: 'email' }],
      proposed: [
        proposed('rich-1', 'alpha', '2026-03-01'), // 0: card to a rich member → broken
        proposed('rich-1', 'gamma', '2026-03-01'), // 1: not a card
        proposed('rich-1', 'beta', '2026-03-01', { channel: 'sms' }), // 2: other channel
        proposed('poor-1', 'beta', '2026-03-01'), // 3: not a member
      ],
      audience,
    });
    expect(violations(p, [0])).toEqual(['rule-0']);
    ok(p, [1, 2, 3]);
  });

  it('include: breaks when a scoped offer goes to a non-member, a customer missing from the audience included', () => {
    const p = problem({
      rules: [{ type: 'customersIn', mode: 'include', segment: 'rich', offers: 'alpha' }],
      proposed: [proposed('rich-1', 'alpha', '2026-03-01'), proposed('poor-1', 'alpha', '2026-03-01'), proposed('stranger', 'alpha', '2026-03-01'), proposed('poor-1', 'beta', '2026-03-01')],
      audience,
    });
    ok(p, [0, 3]);
    expect(violations(p, [1])).toEqual(['rule-0']);
    expect(violations(p, [2])).toEqual(['rule-0']);
  });
});

describe('interactionsWhere', () => {
  const rows = [
    proposed('rich-1', 'alpha', '2026-03-01', { score: 0 }),
    proposed('rich-1', 'beta', '2026-03-01', { score: 50 }),
    proposed('rich-1', 'gamma', '2026-03-01', { score: -5 }),
  ];
  it('exclude: breaks when a scoped contact makes the expression true', () => {
    const p = problem({ rules: [{ type: 'interactionsWhere', mode: 'exclude', where: 'contact.score <= 0.0', offers: { list: 'cards' } }], proposed: rows, audience });
    expect(violations(p, [0])).toEqual(['rule-0']);
    ok(p, [1, 2]); // gamma is outside the scope
  });
  it('include: breaks when a scoped contact does not make it true, and a missing column counts as false', () => {
    const p = problem({ rules: [{ type: 'interactionsWhere', mode: 'include', where: 'contact.score > 10.0' }], proposed: rows, audience });
    ok(p, [1]);
    expect(checkFeasibility(p, [0, 1, 2]).violations.map((v) => v.contacts[0]!.index)).toEqual([0, 2]);
    const missing = problem({ rules: [{ type: 'interactionsWhere', mode: 'include', where: 'contact.riskBand == "low"' }], proposed: rows, audience });
    expect(violations(missing, [1])).toEqual(['rule-0']);
    const missingExclude = problem({ rules: [{ type: 'interactionsWhere', mode: 'exclude', where: 'contact.riskBand == "low"' }], proposed: rows, audience });
    ok(missingExclude, [0, 1, 2]);
  });
});

describe('offerCapacity windows', () => {
  it('counts contacts N−1 days apart in one window and N days apart in two', () => {
    const p = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 }],
      proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('b', 'alpha', '2026-03-03'), proposed('c', 'alpha', '2026-03-04')],
    });
    expect(violations(p, [0, 1]).length).toBeGreaterThan(0); // 2 days apart: same 3-day window
    ok(p, [0, 2]); // 3 days apart: no 3-day window holds both
    const result = checkFeasibility(p, [0, 1]);
    expect(result.violations[0]!.window).toEqual({ from: '2026-03-01', to: '2026-03-03' });
    expect(result.violations[0]!.contacts.map((c) => c.index)).toEqual([0, 1]);
  });

  it('counts several contacts on the same day, over all customers', () => {
    const p = problem({ rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1 }], proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('b', 'alpha', '2026-03-01')] });
    expect(violations(p, [0, 1])).toEqual(['rule-0']);
    ok(p, [1]);
  });

  it('lets history fill a window: no contact fits where history is at max, contacts outside it still fit', () => {
    const p = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('b', 'alpha', '2026-03-08')],
      history: [past('x', 'alpha', '2026-02-25'), past('y', 'alpha', '2026-02-28')],
    });
    expect(violations(p, [0]).length).toBeGreaterThan(0);
    ok(p, [1]); // window 03-02..03-08 holds no history
    const over = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', '2026-03-20')],
      history: [past('x', 'alpha', '2026-02-25'), past('y', 'alpha', '2026-02-26')],
    });
    ok(over, [0]); // a window made only of history (over max) is never reported
    ok(over, []);
  });

  it('does not count accept and reject rows, nor history without periodDays', () => {
    const responses = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', '2026-03-01')],
      history: [past('x', 'alpha', '2026-02-28', { event: 'accept' }), past('x', 'alpha', '2026-02-28', { event: 'reject' })],
    });
    ok(responses, [0]);
    const noPeriod = problem({ rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1 }], proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('a', 'alpha', '2026-04-30')], history: [past('x', 'alpha', '2026-02-28')] });
    ok(noPeriod, [0]);
    expect(violations(noPeriod, [0, 1])).toEqual(['rule-0']); // one window over the whole run
  });

  it('uses an exception for windows that start inside its from..to (the first matching exception)', () => {
    const rows = [proposed('a', 'alpha', '2026-03-10'), proposed('b', 'alpha', '2026-03-10'), proposed('c', 'alpha', '2026-03-11')];
    const p = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1, exceptions: [{ from: '2026-03-10', to: '2026-03-10', max: 2 }, { from: '2026-03-10', to: '2026-03-11', max: 5 }] }],
      proposed: [...rows, proposed('d', 'alpha', '2026-03-11')],
    });
    ok(p, [0, 1, 2]); // 03-10 allows 2 (first exception), 03-11 allows 5 (second)
    ok(p, [2, 3]);
    const edge = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 2, exceptions: [{ from: '2026-03-10', to: '2026-03-10', max: 3 }] }],
      proposed: rows,
    });
    // Window 03-09..03-10 starts before the exception: max 1, and it holds two contacts.
    expect(checkFeasibility(edge, [0, 1]).violations.map((v) => v.window)).toEqual([{ from: '2026-03-09', to: '2026-03-10' }]);
    // Window 03-10..03-11 starts inside it: max 3 holds three, but 03-11..03-12 (max 1) holds one.
    ok(edge, [0, 2]);
  });

  it('reports minimums over windows inside the horizon with the shortfall, history counting toward them', () => {
    const p = problem({
      rules: [{ type: 'offerCapacity', offers: 'alpha', min: 2, periodDays: 2 }],
      proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('b', 'alpha', '2026-03-02'), proposed('c', 'beta', '2026-03-03')],
      history: [past('z', 'alpha', '2026-03-01')],
    });
    // Horizon 03-01..03-03: windows 03-01..02 and 03-02..03.
    const none = checkFeasibility(p, []);
    expect(none.unmetMinimums.map((s) => [s.window.from, s.shortfall])).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 2],
    ]);
    expect(none.totalShortfall).toBe(3);
    expect(none.violations).toEqual([]); // minimums are soft
    expect(checkFeasibility(p, [0, 1]).totalShortfall).toBe(1);
    const short = problem({ rules: [{ type: 'offerCapacity', offers: 'alpha', min: 1, periodDays: 10 }], proposed: [proposed('a', 'alpha', '2026-03-01')] });
    expect(checkFeasibility(short, []).unmetMinimums.map((s) => s.window)).toEqual([{ from: '2026-03-01', to: '2026-03-10' }]);
  });
});

describe('customCapacity', () => {
  const rows = [
    proposed('a', 'gamma', '2026-03-01', { extra: { risk: 0.4 } }),
    proposed('b', 'gamma', '2026-03-01', { extra: { risk: 0.5 } }),
    proposed('c', 'delta', '2026-03-02', { extra: { risk: 0.8 } }),
    proposed('d', 'delta', '2026-03-02', { extra: { risk: 0.1 } }),
  ];
  it('sum: breaks when the window total exceeds max; avg: breaks when the average does', () => {
    const sum = problem({ rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'sum', field: 'risk', max: 1.0, periodDays: 1 }], proposed: rows });
    const avg = problem({ rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'avg', field: 'risk', max: 0.5, periodDays: 1 }], proposed: rows });
    ok(avg, [0, 1]); // avg 0.45
    expect(violations(sum, [0, 1, 2]).length).toBe(0); // 0.9 on 03-01, 0.8 on 03-02
    expect(violations(avg, [2])).toEqual(['rule-0']); // avg 0.8
    ok(avg, [2, 3]); // avg 0.45
    const sumWide = problem({ rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'sum', field: 'risk', max: 1.0, periodDays: 2 }], proposed: rows });
    expect(violations(sumWide, [0, 1, 2])).toEqual(['rule-0']); // 1.7 over 03-01..03-02
  });
  it('avg min is hard, the empty window satisfies it, and history never counts', () => {
    const p = problem({
      rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'avg', field: 'risk', min: 0.3, max: 0.6, periodDays: 1 }],
      proposed: rows,
      history: [past('a', 'gamma', '2026-03-02')],
    });
    expect(violations(p, [3])).toEqual(['rule-0']);
    ok(p, [2, 3]); // avg 0.45
    ok(p, []);
    expect(checkFeasibility(p, []).unmetMinimums).toEqual([]);
  });
  it('flags a scoped chosen row without a number in the field as an input error', () => {
    const p = problem({ rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'sum', field: 'risk', max: 5 }], proposed: [...rows, proposed('e', 'gamma', '2026-03-01', { extra: { risk: 'high' } })] });
    expect(checkFeasibility(p, [0, 4]).violations.map((v) => [v.type, v.contacts[0]!.index])).toEqual([['input', 4]]);
  });
  it('sum min is a minimum measured in the field, not a violation', () => {
    const p = problem({ rules: [{ type: 'customCapacity', offers: { list: 'loans' }, aggregate: 'sum', field: 'risk', min: 1 }], proposed: rows });
    const result = checkFeasibility(p, [0, 3]);
    expect(result.violations).toEqual([]);
    expect(result.totalShortfall).toBeCloseTo(0.5, 9);
  });
});

describe('customerOfferCount', () => {
  it('counts per customer, with history, within the segment only', () => {
    const p = problem({
      rules: [{ type: 'customerOfferCount', segment: 'rich', offers: 'alpha', max: 1, periodDays: 5 }],
      proposed: [proposed('rich-1', 'alpha', '2026-03-05'), proposed('poor-1', 'alpha', '2026-03-05'), proposed('poor-1', 'alpha', '2026-03-06'), proposed('rich-1', 'alpha', '2026-03-09')],
      history: [past('rich-1', 'alpha', '2026-03-01')],
      audience,
    });
    expect(violations(p, [0])).toEqual(['rule-0']); // history 03-01 + 03-05 in 03-01..03-05
    ok(p, [1, 2, 3]); // poor-1 is outside the segment; 03-09 is 8 days after history
    expect(checkFeasibility(p, [0]).violations[0]!.customerId).toBe('rich-1');
  });
  it('reports per-customer minimums with the customer', () => {
    const p = problem({
      rules: [{ type: 'customerOfferCount', offers: 'alpha', min: 1 }],
      proposed: [proposed('rich-1', 'alpha', '2026-03-05'), proposed('poor-1', 'beta', '2026-03-05')],
      audience,
    });
    expect(checkFeasibility(p, [0]).unmetMinimums.map((s) => [s.customerId, s.shortfall])).toEqual([['poor-1', 1]]);
  });
});

describe('maxPackages', () => {
  it('treats contacts of one customer, channel and day as one package', () => {
    const p = problem({
      rules: [{ type: 'maxPackages', max: 1, periodDays: 3 }],
      proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('a', 'beta', '2026-03-01'), proposed('a', 'gamma', '2026-03-01', { channel: 'sms' }), proposed('a', 'delta', '2026-03-03'), proposed('a', 'delta', '2026-03-04')],
    });
    ok(p, [0, 1]);
    expect(violations(p, [0, 2])).toEqual(['rule-0']);
    expect(violations(p, [0, 3])).toEqual(['rule-0']); // 2 days apart, window of 3
    ok(p, [0, 1, 4]); // 3 days apart
  });
  it('counts a custom package spanning days once per window, history packages too', () => {
    const p = problem({
      rules: [{ type: 'maxPackages', max: 2, periodDays: 5 }],
      proposed: [proposed('a', 'alpha', '2026-03-01', { package: 'wave' }), proposed('a', 'beta', '2026-03-03', { package: 'wave' }), proposed('a', 'gamma', '2026-03-02'), proposed('a', 'delta', '2026-03-02', { package: 'old' })],
      history: [past('a', 'zeta', '2026-02-28', { package: 'old' })],
    });
    ok(p, [0, 1, 3]); // packages wave + old (old already in history)
    expect(violations(p, [0, 1, 2]).length).toBeGreaterThan(0); // wave, a|email|03-02, old (history)
  });
  it('applies the channel filter to contacts of every offer', () => {
    const p = problem({ rules: [{ type: 'maxPackages', max: 1, channel: 'sms' }], proposed: [proposed('a', 'alpha', '2026-03-01', { channel: 'sms' }), proposed('a', 'beta', '2026-03-02'), proposed('a', 'gamma', '2026-03-05', { channel: 'sms' })] });
    ok(p, [0, 1]);
    expect(violations(p, [0, 2])).toEqual(['rule-0']);
  });
});

describe('maxDuplicateOffers', () => {
  it('counts per customer and per offer', () => {
    const p = problem({
      rules: [{ type: 'maxDuplicateOffers', offers: { list: 'cards' }, max: 1, periodDays: 7 }],
      proposed: [proposed('a', 'alpha', '2026-03-01'), proposed('a', 'beta', '2026-03-01'), proposed('b', 'alpha', '2026-03-02'), proposed('a', 'alpha', '2026-03-07'), proposed('a', 'alpha', '2026-03-08')],
    });
    ok(p, [0, 1, 2, 4]);
    expect(violations(p, [0, 3])).toEqual(['rule-0']);
  });
});

describe('neverAWithB', () => {
  const rules = [{ type: 'neverAWithB' as const, a: 'alpha', b: 'beta', periodDays: 3 }];
  it('breaks on the same day and up to N−1 days apart in either order, not N days apart', () => {
    const p = problem({
      rules,
      proposed: [proposed('a', 'alpha', '2026-03-05'), proposed('a', 'beta', '2026-03-05'), proposed('a', 'beta', '2026-03-03'), proposed('a', 'beta', '2026-03-07'), proposed('a', 'beta', '2026-03-08'), proposed('a', 'beta', '2026-03-02'), proposed('b', 'beta', '2026-03-05')],
    });
    expect(violations(p, [0, 1])).toEqual(['rule-0']);
    expect(violations(p, [0, 2])).toEqual(['rule-0']);
    expect(violations(p, [0, 3])).toEqual(['rule-0']);
    ok(p, [0, 4, 5, 6]);
  });
  it('pairs a chosen contact with history, but never two history contacts', () => {
    const p = problem({ rules, proposed: [proposed('a', 'beta', '2026-03-05'), proposed('a', 'gamma', '2026-03-05')], history: [past('a', 'alpha', '2026-03-04'), past('a', 'beta', '2026-03-04')] });
    expect(violations(p, [0])).toEqual(['rule-0']);
    ok(p, [1]);
  });
  it('never pairs a contact with itself when its offer is in both scopes, but pairs two such contacts', () => {
    const p = problem({ rules: [{ type: 'neverAWithB', a: { list: 'mixed' }, b: { list: 'loans' } }], proposed: [proposed('a', 'gamma', '2026-03-05'), proposed('a', 'gamma', '2026-06-05')] });
    ok(p, [0]);
    expect(violations(p, [0, 1])).toEqual(['rule-0']); // without periodDays: any dates
  });
});

describe('neverAFollowedByB', () => {
  it('breaks for B on the day of A or up to N−1 days after, not before A or N days after', () => {
    const p = problem({
      rules: [{ type: 'neverAFollowedByB', a: 'alpha', b: 'beta', periodDays: 3 }],
      proposed: [proposed('a', 'alpha', '2026-03-05'), proposed('a', 'beta', '2026-03-05'), proposed('a', 'beta', '2026-03-07'), proposed('a', 'beta', '2026-03-04'), proposed('a', 'beta', '2026-03-08')],
    });
    expect(violations(p, [0, 1])).toEqual(['rule-0']);
    expect(violations(p, [0, 2])).toEqual(['rule-0']);
    ok(p, [0, 3, 4]);
  });
  it('looks at history over all time without periodDays', () => {
    const p = problem({ rules: [{ type: 'neverAFollowedByB', a: 'alpha', b: 'beta' }], proposed: [proposed('a', 'beta', '2026-03-05')], history: [past('a', 'alpha', '2025-01-01')] });
    expect(violations(p, [0])).toEqual(['rule-0']);
  });
});

describe('bOnlyWithA', () => {
  it('requires an A contact of the same customer on the same day or before, not after', () => {
    const p = problem({
      rules: [{ type: 'bOnlyWithA', a: 'alpha', b: 'beta' }],
      proposed: [proposed('a', 'alpha', '2026-03-05'), proposed('a', 'beta', '2026-03-05'), proposed('a', 'beta', '2026-03-04'), proposed('b', 'beta', '2026-03-06')],
    });
    ok(p, [0, 1]); // same day
    expect(violations(p, [0, 2])).toEqual(['rule-0']); // A after B
    expect(violations(p, [0, 3])).toEqual(['rule-0']); // another customer's A
    expect(violations(p, [1])).toEqual(['rule-0']); // A not chosen
  });
  it('accepts an A from history, within N−1 days with periodDays', () => {
    const p = problem({
      rules: [{ type: 'bOnlyWithA', a: 'alpha', b: 'beta', periodDays: 5 }],
      proposed: [proposed('a', 'beta', '2026-03-05'), proposed('a', 'beta', '2026-03-06')],
      history: [past('a', 'alpha', '2026-03-01'), past('a', 'alpha', '2026-03-02', { event: 'accept' })],
    });
    ok(p, [0]); // 4 days after the history A
    expect(violations(p, [1])).toEqual(['rule-0']); // 5 days after: outside; the accept row is not a contact
  });
  it('does not let a contact in both scopes support itself', () => {
    const p = problem({ rules: [{ type: 'bOnlyWithA', a: { list: 'mixed' }, b: { list: 'loans' } }], proposed: [proposed('a', 'gamma', '2026-03-05'), proposed('a', 'gamma', '2026-03-05')] });
    expect(violations(p, [0])).toEqual(['rule-0']);
    ok(p, [0, 1]); // two different contacts support each other
  });
});

describe('objective and input', () => {
  it('sums the scores of the chosen rows and flags repeated or out-of-range indexes', () => {
    const p = problem({ rules: [{ type: 'maxPackages', max: 5 }], proposed: [proposed('a', 'alpha', '2026-03-01', { score: 2.5 }), proposed('a', 'beta', '2026-03-01', { score: -1 })] });
    expect(checkFeasibility(p, [0, 1]).objective).toBe(1.5);
    expect(checkFeasibility(p, [0, 0]).violations.map((v) => v.type)).toEqual(['input']);
    expect(checkFeasibility(p, [2]).violations.map((v) => v.type)).toEqual(['input']);
  });
});
