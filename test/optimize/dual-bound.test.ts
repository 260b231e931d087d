// The Lagrangian dual at fixed prices (dualBound): the bound a shard reports when it runs
// on given prices instead of searching its own. Hand-derived on three customers scoring
// 10, 7 and 4 for one offer on one day under a cap of 2: at price λ the dual is
// Σ max(0, score − λ) + 2λ, which is 21 at λ = 0, falls to the optimum 17 on 4 ≤ λ ≤ 7
// and rises again beyond (the boundaries at 3/4/5 and 6/7/8).
import { describe, expect, it } from 'vitest';
import { dualBound, searchPrices, zeroPrices } from '../../src/optimize/lagrangian.js';
import { buildModel } from '../../src/optimize/model.js';
import { optimizeContacts } from '../../src/optimize/optimize.js';
import { contact, problemOf, rule } from './optimizer-fixtures.js';

const day = '2026-03-02';
const problem = problemOf([rule.offerCapacity(2, { name: 'cap' })], [contact('c1', 'a', day, 10), contact('c2', 'a', day, 7), contact('c3', 'a', day, 4)]);

describe('dualBound', () => {
  const model = buildModel(problem);
  const at = (price: number): number => {
    const prices = zeroPrices(model);
    expect(prices.map((p) => p.length)).toEqual([1]);
    prices[0]![0] = price;
    return dualBound(model, prices, 10_000);
  };

  it('is each customer\'s own optimum at zero prices: 10 + 7 + 4', () => {
    expect(at(0)).toBeCloseTo(21, 9);
  });

  it('falls to the optimum 17 when the price reaches the smallest score left out (3, 4, 5)', () => {
    expect(at(3)).toBeCloseTo(18, 9);
    expect(at(4)).toBeCloseTo(17, 9);
    expect(at(5)).toBeCloseTo(17, 9);
  });

  it('rises again once the price passes the smallest score kept (6, 7, 8)', () => {
    expect(at(6)).toBeCloseTo(17, 9);
    expect(at(7)).toBeCloseTo(17, 9);
    expect(at(8)).toBeCloseTo(18, 9);
  });

  it('is never below the optimum, whatever the prices the search visits', () => {
    const search = searchPrices(model, { sampleIterations: 0, fullIterations: 40, sampleShare: 1, seed: 1, nodeLimit: 10_000 });
    expect(dualBound(model, search.prices, 10_000)).toBeGreaterThanOrEqual(17 - 1e-9);
    expect(search.bound).toBeGreaterThanOrEqual(17 - 1e-9);
  });
});

describe('a shard on given prices', () => {
  it('reports the dual at those prices as its bound, at least its objective', async () => {
    const whole = await optimizeContacts(problem, { exact: 'never' });
    const shard = await optimizeContacts(problem, { exact: 'never', shard: { index: 0, count: 2 }, prices: whole.prices });
    expect(shard.report.upperBound).toBeGreaterThanOrEqual(shard.report.objective - 1e-9);
    expect(shard.report.boundMethod).not.toBe('exact');
  });
});
