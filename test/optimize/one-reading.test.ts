// The optimizer reads the bundle as the engine does (docs/architecture.md "One reading
// of the bundle"): the same calendar days, the same segment membership, the same
// refusal of a bundle it cannot run.
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { BundleBody } from '../../src/bundle/types.js';
import { createEngine } from '../../src/engine/engine.js';
import { loadOptimizer } from './contract.js';
import { loadBaseBundle, makeProblem, past, proposed } from './problem-builder.js';

const optimizeContacts = await loadOptimizer();
let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});

describe('days in the optimizer', () => {
  it('puts 0099-12-31 the day before 0100-01-01, as the engine does', async () => {
    // History on the last day of year 99 fills a two-day window that holds 0100-01-01.
    const problem = makeProblem(bundle, {
      rules: [{ type: 'maxDuplicateOffers', offers: 'alpha', max: 1, periodDays: 2 }],
      proposed: [proposed('c1', 'alpha', '0100-01-01'), proposed('c1', 'alpha', '0100-01-02')],
      history: [past('c1', 'alpha', '0099-12-31')],
    });
    const result = await optimizeContacts(problem, { exact: 'never' });
    expect(result.chosen).toEqual([1]);
    expect(result.report.rules[0]!.removed).toBe(1);
  });

  it('evaluates segments on the decision day of a year below 100', async () => {
    // `recent` = joined within 10 days of `now`; now defaults to the earliest proposed day.
    const problem = makeProblem(bundle, {
      rules: [{ type: 'customersIn', mode: 'include', segment: 'recent', offers: 'alpha' }],
      proposed: [proposed('c1', 'alpha', '0024-03-01')],
      audience: [{ customerId: 'c1', profile: { customerId: 'c1', joined: '0024-02-25', age: 40, income: 1, tier: 'bronze', tags: [] } }],
    });
    expect((await optimizeContacts(problem, { exact: 'never' })).chosen).toEqual([0]);
  });
});

describe('a bundle the engine refuses', () => {
  const withSegmentExpression = (body: BundleBody, name: string, expression: string): BundleBody => ({
    ...body,
    segments: body.segments.map((s) => (s.name === name ? { ...s, expression } : s)),
  });

  it('is refused by the optimizer too when a segment does not compile, naming the segment', async () => {
    const broken = withSegmentExpression(bundle, 'rich', 'profile.income >');
    expect(() => createEngine(createBundle(broken))).toThrow(/segment 'rich' expression/);
    const problem = { ...makeProblem(broken, { rules: [{ type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' }], proposed: [proposed('c1', 'alpha', '2026-01-01')] }) };
    await expect(optimizeContacts(problem, { exact: 'never' })).rejects.toThrow(/segment 'rich' expression: expression does not compile/);
  });

  it('is refused even when the policy does not name the broken segment', async () => {
    const broken = withSegmentExpression(bundle, 'young', 'profile.age < (30');
    expect(() => createEngine(createBundle(broken))).toThrow(/segment 'young' expression/);
    const problem = makeProblem(broken, { rules: [{ type: 'maxDuplicateOffers', offers: 'alpha', max: 1 }], proposed: [proposed('c1', 'alpha', '2026-01-01')] });
    await expect(optimizeContacts(problem, { exact: 'never' })).rejects.toThrow(/segment 'young' expression/);
  });

  it('is refused when an interactionsWhere expression does not compile, naming the rule', async () => {
    const problem = makeProblem(bundle, { rules: [{ type: 'interactionsWhere', mode: 'exclude', where: 'contact.score <', name: 'bad-where' }], proposed: [proposed('c1', 'alpha', '2026-01-01')] });
    await expect(optimizeContacts(problem, { exact: 'never' })).rejects.toThrow(/rule 'bad-where' where: expression does not compile/);
  });
});
