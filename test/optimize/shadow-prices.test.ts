// Shadow prices (docs/optimization.md#shadow-prices-what-one-more-unit-buys): what one more
// unit of a capacity rule buys, on hand-derived instances at the cap's boundary (demand − 1,
// demand, demand + 1), per window, for minimums and sums, and the scalable path's estimate
// against the exact gain measured on a medium seeded instance.
import { describe, expect, it } from 'vitest';
import { optimizeContacts } from '../../src/optimize/optimize.js';
import type { ShadowPrice } from '../../src/optimize/types.js';
import { contact, problemOf, rule } from './optimizer-fixtures.js';
import { seededRandom } from './random-instances.js';

const day = '2026-03-02';

function priceOf(prices: ShadowPrice[], name: string): ShadowPrice {
  const found = prices.find((p) => p.rule === name);
  if (!found) throw new Error(`no shadow price for ${name}: ${JSON.stringify(prices)}`);
  return found;
}

/** Three customers, one offer, scores 10/7/4 on one day. */
const threeRows = [contact('c1', 'a', day, 10), contact('c2', 'a', day, 7), contact('c3', 'a', day, 4)];

describe('shadow prices on the exact path', () => {
  it('cap 2 of 3 contacts scored 10/7/4: one more unit buys the 4 left out', async () => {
    const { report } = await optimizeContacts(problemOf([rule.offerCapacity(2, { name: 'cap' })], threeRows));
    expect(report.method).toBe('exact');
    expect(report.objective).toBe(17);
    expect(report.shadowPrices).toEqual([
      {
        rule: 'cap',
        type: 'offerCapacity',
        unit: 'contact',
        method: 'resolve',
        price: 4,
        bindingWindows: 1,
        windows: 1,
        largestWindowPrice: 4,
        sumOverWindows: 4,
        hardestWindow: { from: day, to: day },
        minimumPrice: null,
        unmeasuredWindows: 0,
      },
    ]);
  });

  it('at the boundary: cap = demand − 1 prices the smallest score left out, cap = demand and demand + 1 price 0', async () => {
    const at = async (cap: number): Promise<ShadowPrice> => priceOf((await optimizeContacts(problemOf([rule.offerCapacity(cap, { name: 'cap' })], threeRows))).report.shadowPrices, 'cap');
    const below = await at(2);
    expect([below.price, below.bindingWindows]).toEqual([4, 1]);
    for (const cap of [3, 4]) {
      const p = await at(cap);
      expect([p.price, p.bindingWindows, p.largestWindowPrice, p.hardestWindow]).toEqual([0, 0, 0, null]);
    }
    // cap 1: the next unit buys the 7.
    expect((await at(1)).price).toBe(7);
  });

  it('prices each window of a periodic cap and names the window where it binds hardest', async () => {
    // One contact per day at most; day 1 has 9 and 2 proposed, day 2 has 5 and 4, day 3 only 6
    // (a window one contact can never fill is not watched: 2 windows).
    const rows = [
      contact('c1', 'a', '2026-03-02', 9),
      contact('c2', 'a', '2026-03-02', 2),
      contact('c3', 'a', '2026-03-03', 5),
      contact('c4', 'a', '2026-03-03', 4),
      contact('c5', 'a', '2026-03-04', 6),
    ];
    const { report } = await optimizeContacts(problemOf([rule.offerCapacity(1, { name: 'daily', periodDays: 1 })], rows));
    const p = priceOf(report.shadowPrices, 'daily');
    expect(p).toMatchObject({ method: 'resolve', price: 6, bindingWindows: 2, windows: 2, largestWindowPrice: 4, sumOverWindows: 6, hardestWindow: { from: '2026-03-03', to: '2026-03-03' } });
  });

  it('sorts the caps that bind hardest first, a cap that does not bind last with 0', async () => {
    const rows = [...threeRows, contact('c1', 'b', day, 3), contact('c2', 'b', day, 1)];
    const rules = [rule.offerCapacity(5, { name: 'loose' }, 'a'), rule.offerCapacity(1, { name: 'tight-b' }, 'b'), rule.offerCapacity(1, { name: 'tight-a' }, 'a')];
    const { report } = await optimizeContacts(problemOf(rules, rows));
    expect(report.shadowPrices.map((p) => [p.rule, p.price])).toEqual([
      ['tight-a', 7],
      ['tight-b', 1],
      ['loose', 0],
    ]);
  });

  it('a minimum met exactly: lowering it by one frees the contact that costs most to keep', async () => {
    // At least 2 contacts of `a`; the scores 5, −1, −3 force the −1 in.
    const rows = [contact('c1', 'a', day, 5), contact('c2', 'a', day, -1), contact('c3', 'a', day, -3)];
    for (const exact of ['auto', 'never'] as const) {
      const { report } = await optimizeContacts(problemOf([rule.offerCapacity(null, { name: 'at-least-2', min: 2 })], rows), { exact });
      expect(report.objective).toBe(4);
      expect(priceOf(report.shadowPrices, 'at-least-2')).toMatchObject({ price: 0, minimumPrice: 1, method: exact === 'auto' ? 'resolve' : 'lagrangian' });
    }
    // A minimum the optimum exceeds anyway costs nothing.
    const { report } = await optimizeContacts(problemOf([rule.offerCapacity(null, { name: 'at-least-1', min: 1 })], rows));
    expect(priceOf(report.shadowPrices, 'at-least-1').minimumPrice).toBe(0);
  });

  it('a sum cap is priced per unit of the summed column, and a binding unit that buys nothing is 0', async () => {
    const rows = [contact('c1', 'a', day, 9, { fields: { spend: 3 } }), contact('c2', 'a', day, 8, { fields: { spend: 3 } }), contact('c3', 'a', day, 7, { fields: { spend: 5 } })];
    const at = async (max: number): Promise<ShadowPrice> =>
      priceOf((await optimizeContacts(problemOf([rule.customCapacity('sum', 'spend', max, 0, { name: 'budget' })], rows))).report.shadowPrices, 'budget');
    // Budget 6 holds 9 + 8; at 7 nothing more fits (the 7 needs 5 of room), so one unit buys 0 though the cap binds.
    expect(await at(6)).toMatchObject({ unit: 'sum', price: 0, bindingWindows: 1 });
    // Budget 10 holds 9 + 8 (6 spent); 11 holds all three (3 + 3 + 5): one unit buys the 7.
    expect(await at(10)).toMatchObject({ unit: 'sum', price: 7, bindingWindows: 1 });
    expect(await at(11)).toMatchObject({ price: 0, bindingWindows: 0 });
  });

  it('an average cap is priced per unit of the average', async () => {
    const rows = [contact('c1', 'a', day, 9, { fields: { spend: 6 } }), contact('c2', 'a', day, 7, { fields: { spend: 4 } }), contact('c3', 'a', day, 1, { fields: { spend: 2 } })];
    const { report } = await optimizeContacts(problemOf([rule.customCapacity('avg', 'spend', 4, null as unknown as number, { name: 'avg-spend' })], rows));
    // At 4: {9, 7, 1} has average 4 → all three fit, objective 17, nothing left out.
    expect(report.objective).toBe(17);
    expect(priceOf(report.shadowPrices, 'avg-spend')).toMatchObject({ unit: 'average', price: 0, bindingWindows: 0, minimumPrice: null });
    const tighter = await optimizeContacts(problemOf([rule.customCapacity('avg', 'spend', 3, null as unknown as number, { name: 'avg-spend' })], rows));
    // At 3 the best is {7, 1} (average 3) = 8; at 4 all three fit (17): one unit of the average buys 9.
    expect(tighter.report.objective).toBe(8);
    expect(priceOf(tighter.report.shadowPrices, 'avg-spend')).toMatchObject({ unit: 'average', price: 9, bindingWindows: 1 });
  });
});

describe('shadow prices on the scalable path', () => {
  it('are the final capacity price where the cap binds and 0 where it does not', async () => {
    const tight = await optimizeContacts(problemOf([rule.offerCapacity(2, { name: 'cap' })], threeRows), { exact: 'never' });
    const p = priceOf(tight.report.shadowPrices, 'cap');
    expect(p.method).toBe('lagrangian');
    // Any price between the contact left out (4) and the last one in (7) clears the cap.
    expect(p.price).toBeGreaterThanOrEqual(4 - 1e-6);
    expect(p.price).toBeLessThanOrEqual(7 + 1e-6);
    for (const cap of [3, 4]) {
      const loose = await optimizeContacts(problemOf([rule.offerCapacity(cap, { name: 'cap' })], threeRows), { exact: 'never' });
      expect(priceOf(loose.report.shadowPrices, 'cap')).toMatchObject({ price: 0, bindingWindows: 0 });
    }
  });
});

/**
 * 600 customers, offers a, b and c proposed on one day (1,800 rows, small enough for the
 * exact path), scores 0–100 to two decimals, one contact per customer; offer `a` capped.
 */
function mediumInstance(capA: number) {
  const random = seededRandom(20261130);
  const rows = [];
  for (let i = 0; i < 600; i++) for (const offer of ['a', 'b', 'c']) rows.push(contact(`c${i}`, offer, day, Math.round(random() * 10_000) / 100));
  return problemOf([rule.customerOfferCount(1, 0, { name: 'one-each' }), rule.offerCapacity(capA, { name: 'cap-a' }, 'a')], rows);
}

describe('the scalable path estimate against the measured gain', () => {
  it('is within 1 score unit (1% of the score range) of what one more unit of cap buys, measured by exact re-runs', async () => {
    const cap = 120;
    const [base, plusOne, estimate] = await Promise.all([
      optimizeContacts(mediumInstance(cap)),
      optimizeContacts(mediumInstance(cap + 1)),
      optimizeContacts(mediumInstance(cap), { exact: 'never' }),
    ]);
    expect([base.report.method, plusOne.report.method, estimate.report.method]).toEqual(['exact', 'exact', 'lagrangian']);
    const measured = plusOne.report.objective - base.report.objective;
    // The exact path's own re-solve gives the same gain as the re-run with the cap raised.
    expect(priceOf(base.report.shadowPrices, 'cap-a').price).toBeCloseTo(measured, 6);
    const lagrangian = priceOf(estimate.report.shadowPrices, 'cap-a').price;
    expect(measured).toBeGreaterThan(0);
    // Measured on this instance: 14.02 gained, 14.03 estimated.
    expect(Math.abs(lagrangian - measured)).toBeLessThanOrEqual(1);
  });
});
