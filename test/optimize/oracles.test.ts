// Self-tests of the test oracles before they judge the optimizer: the exact MIP's
// solutions pass the checker and agree with brute-force enumeration on tiny instances
// (which cross-checks the MIP and the checker), and the generator is deterministic
// and produces instances where the rules actually bind.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody } from '../../src/bundle/types.js';
import { checkFeasibility, formatViolations } from './checker.js';
import type { OptimizeProblem, OptimizeResult } from './contract.js';
import { bruteForceOptimum, solveExact } from './exact-mip.js';
import { judgeOptimizer } from './judge.js';
import { loadBaseBundle, makeProblem, past, proposed } from './problem-builder.js';
import { ALL_RULE_TYPES, randomInstance } from './random-instances.js';

let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});

/** A deterministic mixture of rule types for a seed: three to six types, some repeated. */
function mixtureFor(seed: number): (typeof ALL_RULE_TYPES)[number][] {
  const types = ALL_RULE_TYPES.filter((_, k) => (seed * 7 + k * 3) % 5 < 2);
  return types.length > 0 ? types : ['offerCapacity', 'bOnlyWithA'];
}

describe('exact MIP', () => {
  it('solves a hand-made case to the known optimum', async () => {
    const p = makeProblem(bundle, {
      rules: [{ type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 3 }],
      proposed: [proposed('a', 'alpha', '2026-03-01', { score: 5 }), proposed('b', 'alpha', '2026-03-01', { score: 7 }), proposed('c', 'alpha', '2026-03-02', { score: 9 })],
      history: [past('z', 'alpha', '2026-02-28')],
    });
    // History on 02-28 leaves room for one contact in 02-28..03-02: the best is row 2 (9).
    const solution = await solveExact(p);
    expect(solution).toMatchObject({ objective: 9, shortfall: 0, chosen: [2] });
  });

  it('minimises the shortfall before the score (a negative-score row is chosen to meet a minimum)', async () => {
    const p = makeProblem(bundle, {
      rules: [
        { type: 'customerOfferCount', offers: 'beta', min: 1 },
        { type: 'neverAWithB', a: 'alpha', b: 'beta' },
      ],
      proposed: [proposed('a', 'alpha', '2026-03-01', { score: 50 }), proposed('a', 'beta', '2026-03-01', { score: -3 })],
    });
    expect(await solveExact(p)).toMatchObject({ objective: -3, shortfall: 0, chosen: [1] });
  });

  it.each(ALL_RULE_TYPES)('agrees with brute force on tiny instances of %s, and its solutions pass the checker', async (type) => {
    for (let seed = 1; seed <= 6; seed++) {
      const instance = randomInstance(bundle, { seed, ruleTypes: [type], size: 'tiny' });
      const exact = await solveExact(instance.problem);
      const brute = bruteForceOptimum(instance.problem);
      const check = checkFeasibility(instance.problem, exact.chosen);
      expect(check.violations, `${instance.summary}\n${formatViolations(check.violations)}`).toEqual([]);
      expect(exact.shortfall, instance.summary).toBeCloseTo(brute.shortfall, 6);
      expect(exact.objective, instance.summary).toBeCloseTo(brute.objective, 6);
      expect(check.totalShortfall, instance.summary).toBeCloseTo(exact.shortfall, 6);
    }
  });

  it('agrees with brute force on tiny instances mixing rule types', async () => {
    for (let seed = 100; seed < 115; seed++) {
      const instance = randomInstance(bundle, { seed, ruleTypes: mixtureFor(seed), size: 'tiny' });
      const exact = await solveExact(instance.problem);
      const brute = bruteForceOptimum(instance.problem);
      expect(checkFeasibility(instance.problem, exact.chosen).violations, instance.summary).toEqual([]);
      expect([exact.shortfall, exact.objective], instance.summary).toEqual([expect.closeTo(brute.shortfall, 6), expect.closeTo(brute.objective, 6)]);
    }
  });

  it('gives checker-feasible solutions on small instances of every rule type', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const instance = randomInstance(bundle, { seed, ruleTypes: seed % 2 === 0 ? [ALL_RULE_TYPES[seed % 10]!] : mixtureFor(seed) });
      const exact = await solveExact(instance.problem);
      const check = checkFeasibility(instance.problem, exact.chosen);
      expect(check.violations, `${instance.summary}\n${formatViolations(check.violations)}`).toEqual([]);
      expect(check.totalShortfall, instance.summary).toBeCloseTo(exact.shortfall, 6);
      expect(check.objective, instance.summary).toBeCloseTo(exact.objective, 6);
    }
  });
});

describe('random instances', () => {
  it('are the same for the same seed and differ between seeds', () => {
    const a = randomInstance(bundle, { seed: 42, ruleTypes: ['offerCapacity'] });
    const b = randomInstance(bundle, { seed: 42, ruleTypes: ['offerCapacity'] });
    const c = randomInstance(bundle, { seed: 43, ruleTypes: ['offerCapacity'] });
    expect(JSON.stringify(a.problem)).toBe(JSON.stringify(b.problem));
    expect(JSON.stringify(a.problem)).not.toBe(JSON.stringify(c.problem));
  });

  it('stay within the sizes the property tests promise', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { problem } = randomInstance(bundle, { seed, ruleTypes: ['maxPackages'] });
      const customers = new Set(problem.proposed.map((p) => p.customerId)).size;
      expect(problem.proposed.length).toBeGreaterThanOrEqual(20);
      expect(problem.proposed.length).toBeLessThanOrEqual(200);
      expect(customers).toBeLessThanOrEqual(40);
      const tiny = randomInstance(bundle, { seed, ruleTypes: ['maxPackages'], size: 'tiny' }).problem;
      expect(tiny.proposed.length).toBeLessThanOrEqual(12);
    }
  });

  it('make the rules bind: for every type, some optimum is below the unconstrained one, and some minimums go unmet', async () => {
    let unmet = 0;
    for (const type of ALL_RULE_TYPES) {
      let binding = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const { problem } = randomInstance(bundle, { seed, ruleTypes: [type] });
        const exact = await solveExact(problem);
        const unconstrained = problem.proposed.reduce((total, p) => total + Math.max(0, p.score), 0);
        if (exact.objective < unconstrained - 1e-6) binding++;
        if (exact.shortfall > 0) unmet++;
      }
      expect(binding, type).toBeGreaterThan(0);
    }
    expect(unmet).toBeGreaterThan(0);
  });
});

/** A result with the report fields the judge reads (the rest of the report is not judged). */
function fakeResult(problem: OptimizeProblem, chosen: number[], upperBound: number): OptimizeResult {
  const check = checkFeasibility(problem, chosen);
  const report = { objective: check.objective, upperBound, totalShortfall: check.totalShortfall, unmetMinimums: [] };
  return { chosen, report, prices: { policy: problem.policy, horizon: { from: '', to: '' }, prices: {} } } as unknown as OptimizeResult;
}

describe('the judgement of an optimizer', () => {
  it('passes an optimizer that returns the exact optimum', async () => {
    const exactOptimizer = async (problem: OptimizeProblem): Promise<OptimizeResult> => {
      const exact = await solveExact(problem);
      return fakeResult(problem, exact.chosen, exact.objective);
    };
    for (let seed = 1; seed <= 4; seed++) {
      const instance = randomInstance(bundle, { seed, ruleTypes: mixtureFor(seed) });
      expect(await judgeOptimizer(exactOptimizer, instance), instance.summary).toEqual([]);
    }
  });

  it('fails a greedy optimizer that forgets history, and one that reports a bound below the optimum', async () => {
    // Greedy by score, feasible for the problem without its history rows.
    const forgetful = async (problem: OptimizeProblem): Promise<OptimizeResult> => {
      const withoutHistory = { ...problem, history: [] };
      const order = problem.proposed.map((_, i) => i).sort((a, b) => problem.proposed[b]!.score - problem.proposed[a]!.score);
      const chosen: number[] = [];
      for (const i of order) {
        if (problem.proposed[i]!.score <= 0) continue;
        if (checkFeasibility(withoutHistory, [...chosen, i]).violations.length === 0) chosen.push(i);
      }
      return fakeResult(problem, chosen.sort((a, b) => a - b), 1e9);
    };
    const caught: string[] = [];
    for (const type of ['offerCapacity', 'maxPackages', 'neverAWithB', 'customerOfferCount'] as const) {
      for (let seed = 1; seed <= 3; seed++) caught.push(...(await judgeOptimizer(forgetful, randomInstance(bundle, { seed, ruleTypes: [type] }))));
    }
    expect(caught.some((line) => /violations/.test(line))).toBe(true);

    const lowBound = async (problem: OptimizeProblem): Promise<OptimizeResult> => {
      const exact = await solveExact(problem);
      return fakeResult(problem, exact.chosen, exact.objective * 0.9 - 1);
    };
    const instance = randomInstance(bundle, { seed: 5, ruleTypes: ['offerCapacity'] });
    expect((await judgeOptimizer(lowBound, instance)).join('\n')).toMatch(/upper bound .* is below the optimum/);
  });

  it('fails an optimizer that gives up on minimums or on score', async () => {
    const nothing = async (problem: OptimizeProblem): Promise<OptimizeResult> => fakeResult(problem, [], 1e9);
    const failures: string[] = [];
    for (let seed = 1; seed <= 4; seed++) failures.push(...(await judgeOptimizer(nothing, randomInstance(bundle, { seed, ruleTypes: ['customerOfferCount', 'offerCapacity'] }))));
    expect(failures.some((line) => /below 99.5% of the optimum/.test(line))).toBe(true);
    expect(failures.some((line) => /total shortfall .* the least possible is/.test(line))).toBe(true);
  });
});
