// The per-customer rule check itself (docs/optimization-semantics.md#the-ten-rules,
// docs/decisions.md#realtime-policies), one candidate contact at a time against history
// and the contacts chosen beside it: which rule refuses it and the reason it gives, at
// the edges of each window (N−1 days apart share one, N days apart do not), in both
// directions of time (the optimizer's history and choices can lie after the candidate).
import { describe, expect, it } from 'vitest';
import type { BundlePolicyRule } from '../../src/bundle/types.js';
import { checkCustomerRule, isCustomerRule, orderForChecking, type CustomerContact, type CustomerPackage, type CustomerRuleContext } from '../../src/engine/customer-rules.js';
import type { CompiledPolicyRule, CompiledSegment, Evaluator, OfferScope } from '../../src/engine/compiled-types.js';

// Offers 0..3; A is offer 0 (the edge `offer >= 0`), B is offer 1.
const scope = (...offers: number[]): OfferScope => Uint8Array.from([0, 1, 2, 3], (o) => (offers.includes(o) ? 1 : 0));
const segment: CompiledSegment = { index: 0, name: 'vip', channel: 'web', level: 'customer', evaluate: () => true, place: "segment 'vip'" };
const D = 100;

function rule(type: CompiledPolicyRule['type'], extra: Partial<CompiledPolicyRule> = {}): CompiledPolicyRule {
  return { policy: 'p', name: 'r', type, segment: null, channelFilter: null, periodDays: null, offers: null, a: null, b: null, mode: 'exclude', where: null, max: null, place: "policy 'p' rule 'r'", ...extra };
}

function contact(offer: number, day: number, options: Partial<CustomerContact> = {}): CustomerContact {
  return { offer, day, channel: 'email', package: `pkg-${offer}-${day}`, count: 1, ...options };
}

interface ContextInput {
  history?: CustomerContact[];
  packages?: CustomerPackage[];
  chosen?: CustomerContact[];
  member?: boolean;
}

const errors: string[] = [];
function context(input: ContextInput = {}): CustomerRuleContext {
  return {
    history: input.history ?? [],
    packages: input.packages ?? input.history ?? [],
    chosen: input.chosen ?? [],
    inSegment: () => input.member ?? true,
    contactFields: (candidate) => ({ offer: candidate.offer, day: candidate.day }),
    reportError: (place) => errors.push(place),
    offerName: (o) => ['alpha', 'beta', 'gamma', 'delta'][o] ?? '',
  };
}

const check = (r: CompiledPolicyRule, candidate: CustomerContact, input: ContextInput = {}): string | null => checkCustomerRule(r, candidate, context(input));

describe('customersIn', () => {
  it.each<[string, Partial<CompiledPolicyRule>, boolean, string | null]>([
    ['exclude, a member', { mode: 'exclude', segment }, true, "excluded for segment 'vip'"],
    ['exclude, not a member', { mode: 'exclude', segment }, false, null],
    ['exclude, no segment', { mode: 'exclude' }, false, 'excluded for every customer'],
    ['include, not a member', { mode: 'include', segment }, false, "only for segment 'vip'"],
    ['include, a member', { mode: 'include', segment }, true, null],
    ['include, no segment', { mode: 'include' }, false, null],
  ])('%s', (_what, extra, member, reason) => {
    expect(check(rule('customersIn', { offers: scope(0), ...extra }), contact(0, D), { member })).toBe(reason);
  });

  it('leaves offers outside its scope and contacts on another channel alone', () => {
    expect(check(rule('customersIn', { offers: scope(1), segment }), contact(0, D))).toBeNull();
    expect(check(rule('customersIn', { offers: scope(0), segment, channelFilter: 'sms' }), contact(0, D))).toBeNull();
    expect(check(rule('customersIn', { offers: scope(0), segment, channelFilter: 'sms' }), contact(0, D, { channel: 'sms' }))).toBe("excluded for segment 'vip'");
  });
});

describe('interactionsWhere', () => {
  const where =
    (value: unknown): Evaluator =>
    () =>
      value;

  it.each<[string, 'include' | 'exclude', unknown, string | null]>([
    ['exclude, matching', 'exclude', true, 'the contact matches the exclusion'],
    ['exclude, not matching', 'exclude', false, null],
    ['include, matching', 'include', true, null],
    ['include, not matching', 'include', false, 'the contact does not match the inclusion'],
    ['include, a value other than true', 'include', 1, 'the contact does not match the inclusion'],
  ])('%s', (_what, mode, value, reason) => {
    expect(check(rule('interactionsWhere', { mode, where: where(value) }), contact(0, D))).toBe(reason);
  });

  it('gives the expression the candidate as `contact`', () => {
    const seen: unknown[] = [];
    const r = rule('interactionsWhere', { mode: 'include', where: (c) => (seen.push(c), true) });
    expect(check(r, contact(2, D))).toBeNull();
    expect(seen).toEqual([{ contact: { offer: 2, day: D } }]);
  });

  it('counts an expression that fails as false and reports it at the rule', () => {
    errors.length = 0;
    const failing: Evaluator = () => {
      throw new Error('no such key');
    };
    expect(check(rule('interactionsWhere', { mode: 'include', where: failing }), contact(0, D))).toBe('the contact does not match the inclusion');
    expect(check(rule('interactionsWhere', { mode: 'exclude', where: failing }), contact(0, D))).toBeNull();
    expect(errors).toEqual(["policy 'p' rule 'r' where", "policy 'p' rule 'r' where"]);
  });

  it('leaves offers outside its scope, rules without an expression and non-members alone', () => {
    expect(check(rule('interactionsWhere', { mode: 'exclude', where: where(true), offers: scope(1) }), contact(0, D))).toBeNull();
    expect(check(rule('interactionsWhere', { mode: 'include', where: null }), contact(0, D))).toBeNull();
    expect(check(rule('interactionsWhere', { mode: 'exclude', where: where(true), segment }), contact(0, D), { member: false })).toBeNull();
    expect(check(rule('interactionsWhere', { mode: 'exclude', where: where(true), segment }), contact(0, D), { member: true })).toBe('the contact matches the exclusion');
  });
});

describe('customerOfferCount', () => {
  const count = (extra: Partial<CompiledPolicyRule> = {}) => rule('customerOfferCount', { offers: scope(0, 1), max: 2, periodDays: 3, ...extra });

  it.each([
    [-3, null],
    [-2, '2 contacts already in 3 days, at most 2'],
    [0, '2 contacts already in 3 days, at most 2'],
    [2, '2 contacts already in 3 days, at most 2'],
    [3, null],
  ])('with one contact on day 0 and one on day %i (history), a candidate on day 0 gets %j', (offset, reason) => {
    expect(check(count(), contact(0, D), { history: [contact(1, D), contact(0, D + offset)] })).toBe(reason);
  });

  it.each([
    [-3, null],
    [-2, '2 contacts already in 3 days, at most 2'],
    [2, '2 contacts already in 3 days, at most 2'],
    [3, null],
  ])('with one contact on day 0 and one chosen on day %i, a candidate on day 0 gets %j', (offset, reason) => {
    expect(check(count(), contact(0, D), { history: [contact(1, D)], chosen: [contact(0, D + offset)] })).toBe(reason);
  });

  it('counts the most contacts of one window, not of all windows holding the day', () => {
    // Day −2 and day +2 are 4 days apart: no window of 3 days holds both.
    expect(check(count(), contact(0, D), { history: [contact(0, D - 2), contact(0, D + 2)] })).toBeNull();
    expect(check(count({ max: 1 }), contact(0, D), { history: [contact(0, D - 2), contact(0, D + 2)] })).toBe('1 contact already in 3 days, at most 1');
  });

  it.each(['history', 'chosen'] as const)('looks only at windows holding the candidate’s day, however full the others are (%s)', (where) => {
    // Three contacts on days −5, −5 and −4, then on +3, +3 and +4: each group fills a window
    // of 3 days, and neither window holds day 0.
    const before = [contact(0, D - 5), contact(1, D - 5), contact(0, D - 4)];
    const after = [contact(0, D + 3), contact(1, D + 3), contact(0, D + 4)];
    expect(check(count(), contact(0, D), { [where]: before })).toBeNull();
    expect(check(count(), contact(0, D), { [where]: after })).toBeNull();
    // The window ending on the last day it may end on (+2) does count.
    expect(check(count(), contact(0, D), { [where]: [contact(0, D + 2), contact(1, D + 2)] })).toBe('2 contacts already in 3 days, at most 2');
  });

  it.each(['history', 'chosen'] as const)('counts a window of exactly the period, not one a day longer on either side (%s)', (where) => {
    // Days −1 and +2 are 4 days apart: in no window of 3 days with the candidate’s day 0 together.
    expect(check(count(), contact(0, D), { [where]: [contact(0, D - 1), contact(1, D + 2)] })).toBeNull();
    expect(check(count({ max: 1 }), contact(0, D), { [where]: [contact(0, D - 1), contact(1, D + 2)] })).toBe('1 contact already in 3 days, at most 1');
  });

  it('counts a contact that stands for several, and not the candidate itself among the chosen', () => {
    const candidate = contact(0, D);
    expect(check(count(), candidate, { history: [contact(1, D - 1, { count: 2 })] })).toBe('2 contacts already in 3 days, at most 2');
    expect(check(count(), candidate, { chosen: [candidate, contact(1, D)] })).toBeNull();
    expect(check(count(), candidate, { chosen: [candidate, contact(1, D), contact(1, D + 1)] })).toBe('2 contacts already in 3 days, at most 2');
  });

  it('counts only the scoped offers on its channel, a known offer only', () => {
    expect(check(count(), contact(0, D), { history: [contact(2, D), contact(0, D, { channel: 'sms' }), contact(-1, D)] })).toBeNull();
    expect(check(count({ channelFilter: 'email' }), contact(0, D), { history: [contact(0, D), contact(1, D, { channel: 'sms' }), contact(1, D)] })).toBe(
      '2 contacts already in 3 days, at most 2',
    );
    expect(check(count({ channelFilter: 'email' }), contact(0, D, { channel: 'sms' }), { history: [contact(0, D), contact(1, D)] })).toBeNull();
    expect(check(count({ offers: null }), contact(0, D), { history: [contact(-1, D), contact(3, D)] })).toBe('2 contacts already in 3 days, at most 2');
  });

  it('without a period counts the chosen contacts of any day, not history', () => {
    const r = count({ periodDays: null, max: 1 });
    expect(check(r, contact(0, D), { history: [contact(0, D)] })).toBeNull();
    expect(check(r, contact(0, D), { chosen: [contact(1, D + 400)] })).toBe('1 contact already, at most 1');
  });

  it('has nothing to say without a max, outside its scope or to non-members', () => {
    const full = { history: [contact(0, D), contact(1, D)] };
    expect(check(count({ max: null }), contact(0, D), full)).toBeNull();
    expect(check(count(), contact(2, D), full)).toBeNull();
    expect(check(count({ segment }), contact(0, D), { ...full, member: false })).toBeNull();
    expect(check(count({ segment }), contact(0, D), { ...full, member: true })).toBe('2 contacts already in 3 days, at most 2');
  });
});

describe('maxDuplicateOffers', () => {
  const dup = (extra: Partial<CompiledPolicyRule> = {}) => rule('maxDuplicateOffers', { offers: scope(0, 1), max: 1, periodDays: 3, ...extra });

  it.each([
    [-3, null],
    [-2, "'alpha' already contacted 1 time in 3 days, at most 1"],
    [2, "'alpha' already contacted 1 time in 3 days, at most 1"],
    [3, null],
  ])('with the same offer on day %i, a candidate on day 0 gets %j', (offset, reason) => {
    expect(check(dup(), contact(0, D), { history: [contact(1, D), contact(0, D + offset)] })).toBe(reason);
  });

  it('counts the candidate’s offer only, chosen ones too, and says how many times', () => {
    expect(check(dup({ max: 2 }), contact(1, D), { history: [contact(1, D)], chosen: [contact(1, D + 1), contact(0, D)] })).toBe("'beta' already contacted 2 times in 3 days, at most 2");
    expect(check(dup({ periodDays: null }), contact(1, D), { chosen: [contact(1, D - 50)] })).toBe("'beta' already contacted 1 time, at most 1");
  });

  it('has nothing to say without a max or outside its scope', () => {
    expect(check(dup({ max: null }), contact(0, D), { history: [contact(0, D)] })).toBeNull();
    expect(check(dup(), contact(2, D), { history: [contact(2, D)] })).toBeNull();
  });
});

describe('maxPackages', () => {
  const packages = (extra: Partial<CompiledPolicyRule> = {}) => rule('maxPackages', { max: 1, periodDays: 3, ...extra });
  const p = (pkg: string, day: number, channel = 'email'): CustomerContact => contact(2, day, { package: pkg, channel });

  it.each([
    [-3, null],
    [-2, '1 package already in 3 days, at most 1'],
    [2, '1 package already in 3 days, at most 1'],
    [3, null],
  ])('with another package in history on day %i, a candidate on day 0 gets %j', (offset, reason) => {
    expect(check(packages(), p('mine', D), { packages: [p('other', D + offset)] })).toBe(reason);
  });

  it.each([
    [-3, null],
    [-2, '1 package already in 3 days, at most 1'],
    [2, '1 package already in 3 days, at most 1'],
    [3, null],
  ])('with another package chosen on day %i, a candidate on day 0 gets %j', (offset, reason) => {
    expect(check(packages(), p('mine', D), { chosen: [p('other', D + offset)] })).toBe(reason);
  });

  it('lets a contact join a package already in the window, unless the window is over max already', () => {
    expect(check(packages(), p('mine', D), { packages: [p('mine', D - 1)], chosen: [p('mine', D + 1)] })).toBeNull();
    expect(check(packages(), p('mine', D), { packages: [p('mine', D - 1), p('other', D - 1)] })).toBe('2 packages already in 3 days, at most 1');
    expect(check(packages({ max: 0 }), p('mine', D))).toBe('0 packages already in 3 days, at most 0');
  });

  it.each(['packages', 'chosen'] as const)('looks only at windows holding the candidate’s day, of exactly the period (%s)', (where) => {
    // Two other packages on +3 and +4 fill a window that does not hold day 0; −1 and +2
    // are 4 days apart, in no window of 3 days together.
    expect(check(packages(), p('mine', D), { [where]: [p('x', D + 3), p('y', D + 4)] })).toBeNull();
    expect(check(packages(), p('mine', D), { [where]: [p('x', D - 4), p('y', D - 3)] })).toBeNull();
    expect(check(packages({ max: 2 }), p('mine', D), { [where]: [p('a', D - 1), p('b', D + 2)] })).toBeNull();
  });

  it.each(['packages', 'chosen'] as const)('of two windows as full as each other, names the earlier one’s packages (the later from %s)', (where) => {
    // [−2,0] holds 'mine' and 'a' already (2 packages, over max 1 before the candidate joins
    // 'mine'); [0,2] holds 'b' alone (1). Both hold 2 with the candidate: the earlier is named.
    const input = { packages: [p('mine', D - 1), p('a', D - 1)], ...(where === 'packages' ? {} : { chosen: [] as CustomerContact[] }) };
    if (where === 'packages') input.packages.push(p('b', D + 2));
    else input.chosen!.push(p('b', D + 2));
    expect(check(packages(), p('mine', D), input)).toBe('2 packages already in 3 days, at most 1');
  });

  it('names the packages already in the window that breaks, the later one here', () => {
    // [−2,0] holds one other package, [0,2] two: the candidate breaks max 2 in the later one.
    const context2 = { packages: [p('a', D - 2)], chosen: [p('b', D + 2), p('c', D + 1)] };
    expect(check(packages({ max: 2 }), p('mine', D), context2)).toBe('2 packages already in 3 days, at most 2');
    // The earlier window breaks first: its count is the one reported.
    const earlier = { packages: [p('a', D - 2), p('b', D - 1)], chosen: [p('c', D + 2)] };
    expect(check(packages({ max: 2 }), p('mine', D), earlier)).toBe('2 packages already in 3 days, at most 2');
  });

  it('counts the packages of its channel only, without a period the chosen ones only', () => {
    expect(check(packages({ channelFilter: 'email' }), p('mine', D), { packages: [p('other', D, 'sms')], chosen: [p('third', D, 'sms')] })).toBeNull();
    expect(check(packages({ channelFilter: 'email' }), p('mine', D), { packages: [p('other', D)] })).toBe('1 package already in 3 days, at most 1');
    expect(check(packages({ periodDays: null }), p('mine', D), { packages: [p('other', D)] })).toBeNull();
    expect(check(packages({ periodDays: null }), p('mine', D), { packages: [p('other', D)], chosen: [p('x', D + 90)] })).toBe('1 package already, at most 1');
    expect(check(packages({ periodDays: null }), p('mine', D), { chosen: [p('mine', D + 90)] })).toBeNull();
  });

  it('has nothing to say without a max, or to non-members', () => {
    expect(check(packages({ max: null }), p('mine', D), { chosen: [p('other', D)] })).toBeNull();
    expect(check(packages({ segment }), p('mine', D), { chosen: [p('other', D)], member: false })).toBeNull();
  });
});

describe('the sequence rules', () => {
  const seq = (type: 'neverAWithB' | 'neverAFollowedByB' | 'bOnlyWithA', extra: Partial<CompiledPolicyRule> = {}) => rule(type, { a: scope(0), b: scope(1), periodDays: 3, ...extra });
  const A = (day: number, channel = 'email') => contact(0, day, { channel });
  const B = (day: number, channel = 'email') => contact(1, day, { channel });

  it.each([
    [-3, null],
    [-2, 'a B offer was contacted in 3 days (never A with B)'],
    [2, 'a B offer was contacted in 3 days (never A with B)'],
    [3, null],
  ])('neverAWithB: an A with a B on day %i gets %j', (offset, reason) => {
    expect(check(seq('neverAWithB'), A(D), { history: [B(D + offset)] })).toBe(reason);
    expect(check(seq('neverAWithB'), A(D), { chosen: [B(D + offset)] })).toBe(reason);
  });

  it('neverAWithB: a B with an A, and any days apart without a period', () => {
    expect(check(seq('neverAWithB'), B(D), { history: [A(D - 2)] })).toBe('an A offer was contacted in 3 days (never A with B)');
    expect(check(seq('neverAWithB', { periodDays: null }), B(D), { chosen: [A(D + 300)] })).toBe('an A offer was contacted (never A with B)');
    expect(check(seq('neverAWithB'), contact(2, D), { history: [A(D), B(D)] })).toBeNull();
  });

  it.each([
    [-3, null],
    [-2, 'an A offer was contacted in 3 days before (never A followed by B)'],
    [0, 'an A offer was contacted in 3 days before (never A followed by B)'],
    [1, null],
  ])('neverAFollowedByB: a B with an A on day %i gets %j', (offset, reason) => {
    expect(check(seq('neverAFollowedByB'), B(D), { history: [A(D + offset)] })).toBe(reason);
  });

  it.each([
    [-1, null],
    [0, 'a B offer is contacted the same day (never A followed by B)'],
    [1, 'a B offer is contacted after it in 3 days (never A followed by B)'],
    [2, 'a B offer is contacted after it in 3 days (never A followed by B)'],
    [3, null],
  ])('neverAFollowedByB: an A with a B on day %i gets %j', (offset, reason) => {
    expect(check(seq('neverAFollowedByB'), A(D), { chosen: [B(D + offset)] })).toBe(reason);
  });

  it('neverAFollowedByB without a period: any later day', () => {
    expect(check(seq('neverAFollowedByB', { periodDays: null }), A(D), { history: [B(D + 300)] })).toBe('a B offer is contacted after it (never A followed by B)');
    expect(check(seq('neverAFollowedByB', { periodDays: null }), B(D), { history: [A(D - 300)] })).toBe('an A offer was contacted before (never A followed by B)');
  });

  it.each([
    [-3, 'no A offer contacted in 3 days (B only with A)'],
    [-2, null],
    [0, null],
    [1, 'no A offer contacted in 3 days (B only with A)'],
  ])('bOnlyWithA: a B with an A on day %i gets %j', (offset, reason) => {
    expect(check(seq('bOnlyWithA'), B(D), { history: [A(D + offset)] })).toBe(reason);
    expect(check(seq('bOnlyWithA'), B(D), { chosen: [A(D + offset)] })).toBe(reason);
  });

  it('bOnlyWithA: without a period any earlier A; an A alone, or the candidate itself, allows nothing', () => {
    expect(check(seq('bOnlyWithA', { periodDays: null }), B(D), { history: [A(D - 300)] })).toBeNull();
    expect(check(seq('bOnlyWithA', { periodDays: null }), B(D))).toBe('no A offer contacted before (B only with A)');
    expect(check(seq('bOnlyWithA'), A(D))).toBeNull();
    const both = contact(0, D);
    expect(check(seq('bOnlyWithA', { b: scope(0, 1) }), both, { chosen: [both] })).toBe('no A offer contacted in 3 days (B only with A)');
  });

  it('see contacts on their channel only, and apply to candidates on it only', () => {
    expect(check(seq('neverAWithB', { channelFilter: 'email' }), A(D), { history: [B(D, 'sms')], chosen: [B(D, 'sms')] })).toBeNull();
    expect(check(seq('neverAWithB', { channelFilter: 'email' }), A(D, 'sms'), { history: [B(D)] })).toBeNull();
    expect(check(seq('bOnlyWithA', { channelFilter: 'email' }), B(D), { history: [A(D, 'sms')], chosen: [A(D, 'sms')] })).toBe('no A offer contacted in 3 days (B only with A)');
  });

  it('apply to members of their segment only', () => {
    expect(check(seq('bOnlyWithA', { segment }), B(D), { member: false })).toBeNull();
    expect(check(seq('bOnlyWithA', { segment }), B(D), { member: true })).not.toBeNull();
  });
});

describe('which rules are checked per customer, and in what order', () => {
  it.each([
    ['customersIn', true],
    ['interactionsWhere', true],
    ['customerOfferCount', true],
    ['maxDuplicateOffers', true],
    ['maxPackages', true],
    ['neverAWithB', true],
    ['neverAFollowedByB', true],
    ['bOnlyWithA', true],
    ['offerCapacity', false],
    ['customCapacity', false],
  ] as const)('%s: a per-customer rule, %s', (type, expected) => {
    expect(isCustomerRule({ type } as BundlePolicyRule)).toBe(expected);
  });

  it('checks segment rules first, counts next, sequences after them and expressions last; written order among equals', () => {
    const named = (type: CompiledPolicyRule['type'], name: string): CompiledPolicyRule => ({ ...rule(type), name });
    const written = [
      named('interactionsWhere', 'w1'),
      named('bOnlyWithA', 's1'),
      named('maxDuplicateOffers', 'c1'),
      named('customersIn', 'in1'),
      named('neverAWithB', 's2'),
      named('maxPackages', 'c2'),
      named('interactionsWhere', 'w2'),
      named('customerOfferCount', 'c3'),
      named('customersIn', 'in2'),
      named('neverAFollowedByB', 's3'),
    ];
    expect(orderForChecking(written).map((r) => r.name)).toEqual(['in1', 'in2', 'c1', 'c2', 'c3', 's1', 's2', 's3', 'w1', 'w2']);
    expect(written.map((r) => r.name)[0]).toBe('w1'); // the list given is left as it was
  });
});
