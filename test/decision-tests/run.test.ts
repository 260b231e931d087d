// The behaviour-test runner (docs/behaviour-tests.md): cases read from real DecisionTest
// documents, decided by the real engine, checked expectation by expectation.
import { beforeAll, describe, expect, it } from 'vitest';
import { runDecisionTests } from '../../src/decision-tests/index.js';
import { whyLines, MAX_WHY_LINES } from '../../src/decision-tests/format/text.js';
import type { ExplainEntry } from '../../src/engine/types.js';
import { strategy } from '../engine/engine-fixture.js';
import { decisionTest, loadTests, type LoadedTests } from './tests-fixture.js';

// home-hero: defaultString "Welcome back", maxOffers 2; home-sidebar: no maxOffers; checkout-upsell.
// gold-card 80 (high-value members, home) > credit list 50 (gold-card, platinum-card) >
// savings-plus 40 (checkout only) > loyalty-card 35 (home; gone after one rejection) >
// travel-insurance 30 (checkout; live 2026-03-01..2026-09-30). 'everyone-held-out' holds
// every member out; 'never-held-out' holds nobody.
const config = {
  'strategy.yaml': strategy('s', [
    '{ name: hv-gold, segment: high-value, zone: home, offer: gold-card, score: 80 }',
    '{ name: credit, segment: adults, zone: home, offerList: credit-offers, score: 50 }',
    '{ name: savings, zone: checkout, offer: savings-plus, score: 40, controlGroup: { percent: 0 } }',
    '{ name: never-held-out, zone: checkout, offer: savings-plus, score: 10 }',
    '{ name: loyalty, zone: home, offer: loyalty-card, score: 35 }',
    '{ name: travel, zone: checkout, offer: travel-insurance, score: 30 }',
    '{ name: everyone-held-out, zone: checkout, offer: platinum-card, score: 90, controlGroup: { percent: 100 } }',
    '{ name: switched-off, zone: checkout, offer: gold-card, score: 99, enabled: false }',
  ]),
  'loyalty.yaml': `apiVersion: offerops/v1
kind: Offer
metadata: { name: loyalty-card }
spec: { displayName: Loyalty card, suppression: { maxRejects: 1 } }
`,
};

const profile = `profile: { customerId: c1, age: 40, income: 90000.0, tier: gold }`;

describe('a case whose decision matches', () => {
  let loaded: LoadedTests;
  beforeAll(async () => {
    loaded = await loadTests({
      ...config,
      'tests/pass.yaml': decisionTest(
        'passing',
        `    - name: high value member on the home page
      point: home-sidebar
      count: 5
      ${profile}
      expect:
        offers: [gold-card, platinum-card, loyalty-card]
        includes: [platinum-card]
        excludes: [savings-plus]
        first: gold-card
        count: 3
        rules: { gold-card: hv-gold, platinum-card: credit }
        controlGroups: []
    - name: held out at checkout
      point: checkout-upsell
      count: 5
      ${profile}
      expect: { controlGroups: [everyone-held-out], offers: [savings-plus, travel-insurance] }
`,
      ),
    });
  });

  it('passes every expectation', () => {
    expect(loaded.problems).toEqual([]);
    const run = runDecisionTests(loaded.engine!, loaded.cases);
    expect(run.results.map((r) => [r.name, r.status, r.failures])).toEqual([
      ['high value member on the home page', 'passed', []],
      ['held out at checkout', 'passed', []],
    ]);
    expect(run.summary).toEqual({ tests: 1, cases: 2, passed: 2, failed: 0, errors: 0 });
    expect(run.digest).toBe(loaded.bundle!.digest);
    expect(run.results[0]!.decision.offers.map((o) => o.rule)).toEqual(['hv-gold', 'credit', 'loyalty']);
  });

  it('gives the same results for the same cases and engine (pure)', () => {
    expect(runDecisionTests(loaded.engine!, loaded.cases)).toEqual(runDecisionTests(loaded.engine!, loaded.cases));
  });
});

describe('a case whose decision does not match', () => {
  // Each row: the expectation as YAML, the message it must give, offers whose explanation it must show.
  const rows: [string, string, string, string[]][] = [
    ['offers', 'offers: [platinum-card, gold-card]', 'expected offers [platinum-card, gold-card], got [gold-card, platinum-card, loyalty-card]', ['platinum-card', 'gold-card', 'loyalty-card']],
    ['includes', 'includes: [travel-insurance, gold-card]', "expected 'travel-insurance' among the offers, got [gold-card, platinum-card, loyalty-card]", ['travel-insurance']],
    ['excludes', 'excludes: [loyalty-card]', "expected no 'loyalty-card', got [gold-card, platinum-card, loyalty-card]", ['loyalty-card']],
    ['first', 'first: platinum-card', "expected 'platinum-card' first, got 'gold-card'", ['platinum-card', 'gold-card']],
    ['count', 'count: 2', 'expected 2 offers, got 3 [gold-card, platinum-card, loyalty-card]', ['gold-card', 'platinum-card', 'loyalty-card']],
    ['rules', 'rules: { gold-card: credit }', "'gold-card' comes from rule 'hv-gold', not 'credit'", ['gold-card']],
    ['controlGroups', 'controlGroups: [savings]', 'expected the control groups of [savings], got none', []],
  ];

  it.each(rows)('reports %s at its line with expected vs got and the explanation', async (name, yaml, message, offers) => {
    const loaded = await loadTests({
      ...config,
      'tests/fail.yaml': decisionTest('failing', `    - name: one expectation\n      point: home-sidebar\n      count: 5\n      ${profile}\n      expect:\n        ${yaml}\n`),
    });
    // controlGroups naming a rule with percent 0 cannot hold: the validator says so first.
    if (name === 'controlGroups') {
      expect(loaded.problems.map((p) => [p.code, p.line, p.message])).toEqual([['OO502', 13, "treatment rule 'savings' has no control group: it never holds a member out"]]);
      return;
    }
    expect(loaded.problems).toEqual([]);
    const [result] = runDecisionTests(loaded.engine!, loaded.cases).results;
    expect(result!.status).toBe('failed');
    expect(result!.failures).toHaveLength(1);
    const failure = result!.failures[0]!;
    expect(failure).toMatchObject({ expectation: name, message, file: 'config/tests/fail.yaml', line: 13, column: 9 });
    expect(result!.line).toBe(8); // the case itself
    // Every offer in question is explained, or named as one no rule of the point's zone gives.
    for (const offer of offers) expect(failure.why.some((e) => e.offer === offer) || failure.notConsidered.includes(offer), offer).toBe(true);
    expect(failure.why.every((e) => offers.includes(e.offer)), JSON.stringify(failure.why)).toBe(true);
  });

  it('reports every failing expectation of a case, each at its own line', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/fail.yaml': decisionTest('failing', `    - name: two wrong\n      point: home-sidebar\n      count: 5\n      ${profile}\n      expect:\n        first: platinum-card\n        count: 3\n        excludes: [gold-card]\n`),
    });
    const [result] = runDecisionTests(loaded.engine!, loaded.cases).results;
    expect(result!.failures.map((f) => [f.expectation, f.line])).toEqual([
      ['excludes', 15],
      ['first', 13],
    ]);
  });

  it('explains an offer dropped for its dates, and names one no rule of the zone gives', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/fail.yaml': decisionTest('failing', `    - name: winter\n      point: checkout-upsell\n      at: 2026-12-01\n      count: 5\n      ${profile}\n      expect: { includes: [travel-insurance, loyalty-card] }\n`),
    });
    const failure = runDecisionTests(loaded.engine!, loaded.cases).results[0]!.failures[0]!;
    expect(failure.message).toBe("expected 'travel-insurance', 'loyalty-card' among the offers, got [savings-plus]");
    expect(failure.why).toEqual([expect.objectContaining({ offer: 'travel-insurance', rule: 'travel', outcome: 'offer-not-effective' })]);
    expect(failure.why[0]!.reason).toContain('2026-03-01..2026-09-30');
    expect(failure.notConsidered).toEqual(['loyalty-card']);
  });

  it('explains a count that falls short with every offer the decision dropped', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/fail.yaml': decisionTest('failing', `    - name: short\n      point: checkout-upsell\n      at: 2026-12-01\n      count: 3\n      ${profile}\n      expect: { count: 2 }\n`),
    });
    const failure = runDecisionTests(loaded.engine!, loaded.cases).results[0]!.failures[0]!;
    expect(failure.message).toBe('expected 2 offers, got 1 [savings-plus]');
    expect(failure.why.map((e) => [e.offer, e.outcome]).sort()).toEqual([
      ['gold-card', 'rule-disabled'],
      ['platinum-card', 'control-group'],
      ['savings-plus', 'lower-score-duplicate'],
      ['travel-insurance', 'offer-not-effective'],
    ]);
  });
});

describe('the inputs of a case', () => {
  it('asks for the point maxOffers when the case gives no count, else 1', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/count.yaml': decisionTest(
        'counts',
        `    - { name: hero, point: home-hero, ${profile}, expect: { count: 2 } }
    - { name: sidebar, point: home-sidebar, ${profile}, expect: { count: 1 } }
`,
      ),
    });
    expect(runDecisionTests(loaded.engine!, loaded.cases).results.map((r) => [r.name, r.status, r.decision.offers.length])).toEqual([
      ['hero', 'passed', 2],
      ['sidebar', 'passed', 1],
    ]);
  });

  it('starts from the test profile and session, the case adding to them and winning; a case day wins over the test day', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/base.yaml': decisionTest(
        'shared',
        `    - { name: base profile is high value, point: home-sidebar, expect: { first: gold-card } }
    - { name: a lower income wins, point: home-sidebar, profile: { income: 10000.0 }, expect: { rules: { gold-card: credit } } }
    - { name: travel in its dates, point: checkout-upsell, count: 3, expect: { includes: [travel-insurance] } }
    - { name: travel after its dates, point: checkout-upsell, count: 3, at: 2026-10-01, expect: { excludes: [travel-insurance] } }
`,
        'channel: web\n  at: 2026-05-01\n  profile: { customerId: c1, age: 40, income: 90000.0 }\n  session: { device: desktop }',
      ),
    });
    expect(loaded.problems).toEqual([]);
    expect(runDecisionTests(loaded.engine!, loaded.cases).results.map((r) => [r.name, r.status])).toEqual([
      ['base profile is high value', 'passed'],
      ['a lower income wins', 'passed'],
      ['travel in its dates', 'passed'],
      ['travel after its dates', 'passed'],
    ]);
  });

  it('passes givenEarlier on: an offer an earlier point of the batch was given makes way for the next one', async () => {
    // home-sidebar ranks gold-card 80, platinum-card 50 (credit list), loyalty-card 35.
    const loaded = await loadTests({
      ...config,
      'tests/batch.yaml': decisionTest(
        'batch',
        `    - { name: alone, point: home-sidebar, ${profile}, count: 2, expect: { offers: [gold-card, platinum-card] } }
    - { name: after the hero got gold, point: home-sidebar, ${profile}, count: 2, givenEarlier: { gold-card: home-hero }, expect: { offers: [platinum-card, loyalty-card] } }
    - { name: wrongly expecting gold, point: home-sidebar, ${profile}, count: 2, givenEarlier: { gold-card: home-hero }, expect: { first: gold-card } }
`,
        'at: 2026-05-01',
      ),
    });
    expect(loaded.problems).toEqual([]);
    const results = runDecisionTests(loaded.engine!, loaded.cases).results;
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['alone', 'passed'],
      ['after the hero got gold', 'passed'],
      ['wrongly expecting gold', 'failed'],
    ]);
    // The failure's explanation names the point the offer went to (its credit-list entry is the lower duplicate).
    const why = results[2]!.failures[0]!.why.filter((e) => e.offer === 'gold-card');
    expect(why.map((e) => [e.rule, e.outcome])).toEqual([
      ['credit', 'lower-score-duplicate'],
      ['hv-gold', 'given-earlier'],
    ]);
    expect(why[1]!.reason).toContain("'home-hero'");
  });

  it("reads history rows as a history file's, the member's id and the case's channel filled in", async () => {
    const loaded = await loadTests({
      ...config,
      'tests/history.yaml': decisionTest(
        'history',
        `    - name: rejected once
      point: home-sidebar
      count: 5
      ${profile}
      history: [{ offer: loyalty-card, date: 2026-04-30, event: reject }]
      expect: { excludes: [loyalty-card] }
    - name: another member rejected it
      point: home-sidebar
      count: 5
      ${profile}
      history: [{ customerId: c2, offer: loyalty-card, date: 2026-04-30, event: reject }]
      expect: { includes: [loyalty-card] }
    - name: rejected the day after
      point: home-sidebar
      count: 5
      ${profile}
      history: [{ offer: loyalty-card, date: 2026-05-02, event: reject }]
      expect: { includes: [loyalty-card] }
`,
      ),
    });
    // The two rows a decision ignores are pointed out as warnings.
    expect(loaded.problems.map((p) => [p.severity, p.line])).toEqual([
      ['warning', 18],
      ['warning', 24],
    ]);
    const run = runDecisionTests(loaded.engine!, loaded.cases);
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ['rejected once', 'passed'],
      ['another member rejected it', 'passed'],
      ['rejected the day after', 'passed'],
    ]);
  });

  it('reports a case the bundle cannot decide as an error, not a pass', async () => {
    const loaded = await loadTests({ ...config, 'tests/t.yaml': decisionTest('t', `    - { name: c, point: home-sidebar, ${profile}, history: [{ offer: gold-card, date: 2026-04-01 }], expect: { count: 1 } }\n`) });
    const other = await loadTests({ 'strategy.yaml': strategy('s', ['{ name: r, offer: gold-card, score: 1 }']), 'channel.yaml': 'apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: web }\nspec:\n  audienceLevels: [{ name: customer, idField: customerId }]\n  zones: [{ name: z, interactionPoints: [{ name: elsewhere }] }]\n', 'offers.yaml': 'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: gold-card }\nspec: {}\n' }, { base: false });
    const run = runDecisionTests(other.engine!, loaded.cases);
    expect(run.results[0]).toMatchObject({ status: 'error', failures: [] });
    expect(run.results[0]!.errors[0]).toContain("interaction point 'home-sidebar' is not defined");
    expect(run.summary).toMatchObject({ passed: 0, failed: 0, errors: 1 });
    // Without spec.channel, the missing point is still what is reported (not the history rows' channel).
    const unnamed = await loadTests({ ...config, 'tests/t.yaml': decisionTest('t', `    - { name: c, point: home-sidebar, ${profile}, history: [{ offer: gold-card, date: 2026-04-01 }], expect: { count: 1 } }\n`, 'at: 2026-05-01') });
    const result = runDecisionTests(other.engine!, unnamed.cases).results[0]!;
    expect(result.status).toBe('error');
    expect(result.errors).toEqual([expect.stringContaining("interaction point 'home-sidebar' is not defined in the bundle")]);
  });
});

describe('coverage', () => {
  it('counts the rules a case makes candidates, the offers returned, the segments members are in', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/cover.yaml': decisionTest(
        'cover',
        `    - { name: home, point: home-sidebar, count: 5, ${profile}, expect: { count: 3 } }
    - { name: checkout, point: checkout-upsell, count: 5, ${profile}, expect: { count: 2 } }
    - { name: not adult, point: home-sidebar, profile: { customerId: c3, age: 16 }, expect: { offers: [loyalty-card] } }
`,
      ),
    });
    const run = runDecisionTests(loaded.engine!, loaded.cases, { coverage: true });
    const coverage = run.coverage!;
    const rule = (name: string) => coverage.rules.find((r) => r.name === name)!;
    expect(rule('hv-gold').cases).toBe(1);
    expect(rule('credit').cases).toBe(1);
    expect(rule('loyalty').cases).toBe(2);
    expect(rule('everyone-held-out').cases).toBe(1); // held out is reached
    expect(rule('never-held-out').cases).toBe(1); // a lower-score duplicate is reached
    expect(rule('switched-off')).toMatchObject({ enabled: false, cases: 0 });
    expect(coverage.strategies).toEqual([{ name: 's', channel: 'web', rules: 7, reached: 7 }]);
    expect(Object.fromEntries(coverage.offers.map((o) => [o.name, o.cases]))).toEqual({ 'gold-card': 1, 'loyalty-card': 2, 'platinum-card': 1, 'savings-plus': 1, 'travel-insurance': 1 });
    expect(Object.fromEntries(coverage.segments.map((s) => [s.name, s.cases]))).toEqual({ adults: 2, 'big-households': 0, 'high-value': 2 });
    expect(coverage.passingWithExpressionErrors).toEqual([]);
  });

  it('lists a case that passes while an expression failed at run time', async () => {
    const loaded = await loadTests({
      ...config,
      'tests/risky.yaml': decisionTest('risky', `    - { name: no income given, point: home-sidebar, profile: { customerId: c1, age: 40 }, expect: { rules: { gold-card: credit } } }\n`),
    });
    const run = runDecisionTests(loaded.engine!, loaded.cases, { coverage: true });
    expect(run.results[0]!.status).toBe('passed');
    expect(run.results[0]!.expressionErrors).toEqual([expect.stringContaining("segment 'high-value'")]);
    expect(run.coverage!.passingWithExpressionErrors).toEqual([expect.objectContaining({ test: 'risky', name: 'no income given', file: 'config/tests/risky.yaml', line: 8 })]);
    expect(run.coverage!.segments.find((s) => s.name === 'high-value')!.cases).toBe(0);
  });
});

describe('the explanation shown with a failure', () => {
  const entries = (n: number): ExplainEntry[] => Array.from({ length: n }, (_, i) => ({ offer: `o${i}`, rule: 'r', outcome: 'rank', reason: 'ranked lower' }));

  it.each([
    [MAX_WHY_LINES - 1, MAX_WHY_LINES - 1],
    [MAX_WHY_LINES, MAX_WHY_LINES],
    [MAX_WHY_LINES + 1, MAX_WHY_LINES + 1],
  ])('shows %i entries as %i lines, the last saying how many more when cut', (n, lines) => {
    const shown = whyLines(entries(n), []);
    expect(shown).toHaveLength(lines);
    if (n > MAX_WHY_LINES) expect(shown[MAX_WHY_LINES]).toBe('… and 1 more (--format json lists them all)');
    else expect(shown.every((l) => l.startsWith('o'))).toBe(true);
  });
});
