// The per-customer solves on two threads (solve-pool.ts): the worker and this thread take
// chunks of customers from one counter, so which thread solves a customer varies from run
// to run — the choice, the bound and the prices must not. Checked on instances of every
// rule type and on one with enough customers for both threads to take many chunks.
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { optimizeContacts } from '../../src/optimize/index.js';
import { buildModel } from '../../src/optimize/model.js';
import { SOLVE_CHUNK, SolvePool } from '../../src/optimize/solve-pool.js';
import { SubproblemScratch, solveCustomer } from '../../src/optimize/subproblem.js';
import type { OptimizeResult } from '../../src/optimize/types.js';
import { contact, past, problemOf, rule } from './optimizer-fixtures.js';
import { loadBaseBundle } from './problem-builder.js';
import { ALL_RULE_TYPES, randomInstance } from './random-instances.js';

function same(two: OptimizeResult, one: OptimizeResult): void {
  expect(two.chosen).toEqual(one.chosen);
  expect(two.report.objective).toBe(one.report.objective);
  expect(two.report.upperBound).toBe(one.report.upperBound);
  expect(two.report.rules).toEqual(one.report.rules);
  expect(two.prices).toEqual(one.prices);
}

describe('solving customers on two threads', () => {
  it.each([1, 2, 3, 4])('chooses what one thread chooses, with the same bound and prices (random instance, seed %i)', async (seed) => {
    const bundle = await loadBaseBundle();
    const make = () => randomInstance(bundle, { seed, ruleTypes: ALL_RULE_TYPES, size: 'small' }).problem;
    same(await optimizeContacts(make(), { exact: 'never', seed, threads: 2 }), await optimizeContacts(make(), { exact: 'never', seed, threads: 1 }));
  });

  it('chooses what one thread chooses when both threads take many chunks of customers, minimums and capacity prices included', async () => {
    const customers = 2 * SOLVE_CHUNK + 17; // three chunks: both threads take some
    const make = () => {
      const proposed = [];
      const history = [];
      for (let c = 0; c < customers; c++) {
        const id = `u${c}`;
        for (let k = 0; k < 4; k++) {
          const day = 1 + ((c * 7 + k * 3) % 9);
          proposed.push(contact(id, ['a', 'b', 'c', 'd'][(c + k) % 4]!, `2026-01-0${day}`, 1 + ((c * 31 + k * 17) % 97) / 7, { fields: { cost: (c + k) % 5 } }));
        }
        if (c % 3 === 0) history.push(past(id, 'a', '2025-12-30'));
      }
      return problemOf(
        [
          { ...rule.offerCapacity(Math.floor(customers / 3), { periodDays: 3 }, 'a'), name: 'a-cap' },
          { ...rule.offerCapacity(Math.floor(customers / 2), {}, 'b'), name: 'b-cap' },
          { ...rule.customerOfferCount(2, 1, { periodDays: 5 }), name: 'per-customer' },
          { ...rule.customCapacity('sum', 'cost', customers * 2), name: 'budget' },
          { ...rule.sequence('bOnlyWithA', 'a', 'c'), name: 'c-needs-a' },
        ],
        proposed,
        { history },
      );
    };
    const one = await optimizeContacts(make(), { exact: 'never', seed: 1, threads: 1 });
    expect(one.report.rules.find((r) => r.name === 'a-cap')!.binds).toBe(true);
    same(await optimizeContacts(make(), { exact: 'never', seed: 1, threads: 2 }), one);
  }, 120_000);

  it('starts its worker (the compiled one, from the sources) and solves as one thread does, bound by bound', async () => {
    const bundle = await loadBaseBundle();
    const model = buildModel(randomInstance(bundle, { seed: 5, ruleTypes: ALL_RULE_TYPES, size: 'small' }).problem, { capacityShare: 1 });
    const pool = SolvePool.create(model, 2);
    expect(pool).not.toBeNull();
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      pool!.reduced.set(model.score);
      const total = pool!.solve(null, 0, 4000, 1.5);
      const chosen = new Uint8Array(model.n);
      const scratch = new SubproblemScratch();
      let sum = 1.5;
      model.customers.forEach((cm, c) => {
        const bound = solveCustomer(cm, model.score, model.forbidden, chosen, scratch, { penalty: 0, nodeLimit: 4000 }).bound;
        expect(pool!.bounds[c]).toBe(bound);
        sum += bound;
      });
      expect(total).toBe(sum);
      expect(Array.from(pool!.chosen)).toEqual(Array.from(chosen));
      // Below the size where two threads pay, and when asked for one, there is no pool.
      expect(SolvePool.create(model)).toBeNull();
      expect(SolvePool.create(model, 1)).toBeNull();
    } finally {
      // Closed, the worker sees STOP and leaves on its own: it is not terminated.
      await pool!.close();
      expect(terminate).not.toHaveBeenCalled();
      terminate.mockRestore();
    }
  });
});
