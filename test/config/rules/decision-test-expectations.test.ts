// Behaviour test expectations that can never hold (docs/behaviour-tests.md), at their
// numeric lines: a point returns at most min(count asked, maxOffers) offers; count and
// offers must agree; a history row on the decision day counts, one the day after is never
// read; a control group of 0 percent holds no one out; case names are unique in a test.
import { describe, expect, it } from 'vitest';
import { linesWith } from './in-memory.js';

// home-hero: maxOffers 1, defaultString Welcome; checkout-upsell: no maxOffers, no defaultString.
const test = (...cases: string[]) =>
  `apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: t }\nspec:\n  channel: web\n  profile: { customerId: c1, age: 40 }\n  at: 2026-01-10\n  cases:\n${cases.map((c) => `    - ${c}\n`).join('')}`;
const messages = (...cases: string[]) => linesWith({ 't.yaml': test(...cases) }).map((l) => l.replace(/^\S+ /, ''));

describe('how many offers a case can expect', () => {
  it('allows as many as the count asked for at a point without maxOffers, and reports one more', () => {
    expect(messages('{ name: c, point: checkout-upsell, count: 2, expect: { count: 2, includes: [gold-card, savings-plus] } }')).toEqual([]);
    expect(messages('{ name: c, point: checkout-upsell, count: 2, expect: { count: 3 } }')).toEqual(['error OO502 expects 3 offers, but the case asks for 2']);
  });

  it('asks for 1 by default at a point without maxOffers', () => {
    expect(messages('{ name: c, point: checkout-upsell, expect: { count: 1 } }')).toEqual([]);
    expect(messages('{ name: c, point: checkout-upsell, expect: { offers: [gold-card, savings-plus] } }')).toEqual(['error OO502 expects 2 offers, but the case asks for 1']);
  });

  it("caps the count asked for at the point's maxOffers, and says which limit binds", () => {
    expect(messages('{ name: c, point: home-hero, count: 3, expect: { count: 1 } }')).toEqual([]);
    expect(messages('{ name: c, point: home-hero, count: 3, expect: { rules: { gold-card: base-any, savings-plus: base-any } } }')).toEqual([
      "error OO502 expects 2 offers, but point 'home-hero' returns at most 1",
      "error OO502 treatment rule 'base-any' never gives 'gold-card' (it gives 'savings-plus')",
    ]);
    expect(messages('{ name: c, point: home-hero, count: 1, expect: { includes: [gold-card, savings-plus] } }')).toEqual(["error OO502 expects 2 offers, but point 'home-hero' returns at most 1"]);
  });

  it('reports count against an exact list of offers, both ways', () => {
    expect(messages('{ name: c, point: checkout-upsell, count: 3, expect: { count: 2, offers: [gold-card, savings-plus] } }')).toEqual([]);
    expect(messages('{ name: c, point: checkout-upsell, count: 3, expect: { count: 1, offers: [gold-card, savings-plus] } }')).toEqual(['error OO502 count 1 contradicts offers, which lists 2']);
    expect(messages('{ name: c, point: checkout-upsell, count: 3, expect: { count: 3, offers: [gold-card, savings-plus] } }')).toEqual(['error OO502 count 3 contradicts offers, which lists 2']);
  });

  it('reports a first offer that is not the first of the exact offers, or of none', () => {
    expect(messages('{ name: c, point: checkout-upsell, count: 2, expect: { first: gold-card, offers: [gold-card, savings-plus] } }')).toEqual([]);
    expect(messages('{ name: c, point: checkout-upsell, count: 2, expect: { first: savings-plus, offers: [gold-card, savings-plus] } }')).toEqual([
      "error OO502 first 'savings-plus' contradicts offers, which starts with 'gold-card'",
    ]);
    expect(messages('{ name: c, point: checkout-upsell, expect: { first: savings-plus, offers: [] } }')).toEqual(["error OO502 first 'savings-plus' contradicts offers, which starts with no offer"]);
  });

  it('reports a default string expected together with offers, or at a point without one', () => {
    expect(messages('{ name: c, point: home-hero, expect: { defaultString: Welcome, count: 0 } }')).toEqual([]);
    expect(messages('{ name: c, point: home-hero, expect: { defaultString: Welcome, count: 1 } }')).toEqual([
      'error OO502 a default string is answered only when no offer is returned, but this case also expects offers',
    ]);
    expect(messages('{ name: c, point: checkout-upsell, expect: { defaultString: Hi, offers: [] } }')).toEqual([
      "error OO502 interaction point 'checkout-upsell' has no defaultString: a decision without offers answers with none",
    ]);
  });
});

describe('history rows of a case', () => {
  it('reads a row dated on the decision day and warns about one dated the day after', () => {
    expect(messages('{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-10 } ], expect: { count: 1 } }')).toEqual([]);
    expect(messages('{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-11 } ], expect: { count: 1 } }')).toEqual([
      'warning OO501 history row dated 2026-01-11, after the decision day 2026-01-10: a decision never reads it',
    ]);
  });
});

describe('control groups and case names', () => {
  const strategy = (percent: number) =>
    `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: base }\nspec:\n  channel: web\n  rules:\n    - { name: base-any, offer: savings-plus, score: 10, controlGroup: { percent: ${percent} } }\n`;

  it('reports a control group expected from a rule that holds no one out', () => {
    const t = test('{ name: c, point: home-hero, expect: { controlGroups: [base-any] } }');
    expect(linesWith({ 't.yaml': t, 'strategy.yaml': strategy(0) }).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO502 treatment rule 'base-any' has no control group: it never holds a member out",
    ]);
    expect(linesWith({ 't.yaml': t, 'strategy.yaml': strategy(1) })).toEqual([]);
  });

  it('reports a case name used again, naming the first case by its number', () => {
    expect(messages('{ name: a, point: home-hero, expect: { count: 1 } }', '{ name: b, point: home-hero, expect: { count: 1 } }', '{ name: a, point: home-hero, expect: { count: 0 } }')).toEqual([
      "error OO202 case 'a' is already named in this test (case 1); case names are unique in a test",
    ]);
  });
});

describe('where each contradiction is reported', () => {
  // One line per expectation, so that each problem's line and column name the value at fault.
  const cases = `    - name: exact
      point: checkout-upsell
      count: 3
      expect:
        count: 1
        first: savings-plus
        offers:
          - gold-card
          - savings-plus
        includes:
          - savings-plus
          - gold-card
          - zz-none
        excludes:
          - savings-plus
        rules:
          gold-card: base-any
          savings-plus: base-any
    - name: loose
      point: home-hero
      expect:
        count: 2
        includes:
          - gold-card
        first: gold-card
        excludes:
          - gold-card
        rules:
          gold-card: held
          savings-plus: static-rule
        controlGroups:
          - base-any
          - held
    - name: rule-outside
      point: checkout-upsell
      expect:
        offers:
          - gold-card
        rules:
          savings-plus: base-any
    - name: unknown-list
      point: checkout-upsell
      expect:
        rules:
          gold-card: broken-list
`;
  const file = `apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: t }\nspec:\n  channel: web\n  profile: { customerId: c1, age: 40 }\n  at: 2026-01-10\n  cases:\n${cases}`;
  // A static list (its offers known before compiling), a rule of another zone with a control
  // group, and a rule whose list is not defined (reported as unknown, and nothing else: what
  // it gives is not known, so the last case holds no contradiction).
  const more = `apiVersion: offerops/v1
kind: OfferList
metadata: { name: static }
spec:
  offers: [gold-card]
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: more }
spec:
  channel: web
  rules:
    - { name: static-rule, offerList: static, score: 5 }
    - { name: held, zone: checkout, offer: gold-card, score: 1, controlGroup: { percent: 5 } }
    - { name: broken-list, offerList: no-such-list, score: 1 }
`;

  it('names the value at fault, case by case, expectation by expectation', () => {
    expect(linesWith({ 't.yaml': file, 'more.yaml': more })).toEqual([
      "config/more.yaml:15:39 error OO201 offer list 'no-such-list' is not defined",
      'config/t.yaml:13:16 error OO502 count 1 contradicts offers, which lists 2',
      "config/t.yaml:14:16 error OO502 first 'savings-plus' contradicts offers, which starts with 'gold-card'",
      "config/t.yaml:14:16 error OO502 the first offer 'savings-plus' is also excluded",
      "config/t.yaml:17:13 error OO502 offer 'savings-plus' is expected and also excluded",
      "config/t.yaml:19:13 error OO502 offer 'savings-plus' is both included and excluded",
      "config/t.yaml:21:13 error OO201 offer 'zz-none' is not defined",
      "config/t.yaml:21:13 error OO502 offer 'zz-none' is included but not among the exact offers expected",
      "config/t.yaml:25:22 error OO502 treatment rule 'base-any' never gives 'gold-card' (it gives 'savings-plus')",
      "config/t.yaml:26:25 error OO502 offer 'savings-plus' is expected from a rule and also excluded",
      "config/t.yaml:30:16 error OO502 expects 2 offers, but point 'home-hero' returns at most 1",
      "config/t.yaml:32:13 error OO502 offer 'gold-card' is both included and excluded",
      "config/t.yaml:33:16 error OO502 the first offer 'gold-card' is also excluded",
      "config/t.yaml:37:11 error OO502 expects 2 offers, but point 'home-hero' returns at most 1",
      "config/t.yaml:37:22 error OO502 offer 'gold-card' is expected from a rule and also excluded",
      "config/t.yaml:37:22 error OO502 treatment rule 'held' is for zone 'checkout', not 'home' where 'home-hero' is",
      "config/t.yaml:38:25 error OO502 treatment rule 'static-rule' never gives 'savings-plus' (it gives the offers of list 'static')",
      "config/t.yaml:40:13 error OO502 treatment rule 'base-any' has no control group: it never holds a member out",
      "config/t.yaml:41:13 error OO502 treatment rule 'held' is for zone 'checkout', not 'home' where 'home-hero' is",
      "config/t.yaml:48:25 error OO502 offer 'savings-plus' is expected from a rule but is not among the exact offers expected",
    ]);
  });
});
