// Per-rule hand cases through optimizeContacts, on both paths (exact MIP and heuristic).
import { describe, expect, it } from 'vitest';
import { optimizeContacts } from '../../src/optimize/optimize.js';
import type { OptimizeProblem } from '../../src/optimize/types.js';
import { contact, past, problemOf, rule } from './optimizer-fixtures.js';

const paths = ['auto', 'never'] as const;

async function chosenBy(problem: OptimizeProblem, exact: 'auto' | 'never'): Promise<number[]> {
  return (await optimizeContacts(problem, { exact })).chosen;
}

describe.each(paths)('optimizer rules (exact: %s)', (exact) => {
  it('drops scoped offers for members of the segment with customersIn exclude', async () => {
    const p = problemOf([rule.customersIn('exclude', 'gold', 'a')], [contact('c1', 'a', '2026-01-01', 5), contact('c2', 'a', '2026-01-01', 5), contact('c1', 'b', '2026-01-02', 1)], {
      segments: [{ name: 'gold', expression: 'profile.tier == "gold"' }],
      audience: [{ customerId: 'c1', profile: { tier: 'gold' } }, { customerId: 'c2', profile: { tier: 'silver' } }],
    });
    const result = await optimizeContacts(p, { exact });
    expect(result.chosen).toEqual([1, 2]);
    expect(result.report.rules[0]).toMatchObject({ name: 'ci', removed: 1, binds: true });
  });

  it('allows scoped offers only to members with customersIn include (a customer missing from the audience is in no segment)', async () => {
    const p = problemOf([rule.customersIn('include', 'gold', 'a')], [contact('c1', 'a', '2026-01-01', 5), contact('c2', 'a', '2026-01-01', 5), contact('c3', 'a', '2026-01-01', 5)], {
      segments: [{ name: 'gold', expression: 'profile.tier == "gold"' }],
      audience: [{ customerId: 'c1', profile: { tier: 'gold' } }, { customerId: 'c2', profile: { tier: 'silver' } }],
    });
    expect(await chosenBy(p, exact)).toEqual([0]);
  });

  it('drops matching rows with interactionsWhere exclude and keeps only matching ones with include (a failing expression is false)', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', -1), contact('c2', 'a', '2026-01-01', 4), contact('c3', 'b', '2026-01-01', 3, { fields: { region: 'north' } })];
    expect(await chosenBy(problemOf([rule.where('exclude', 'contact.score <= 0.0')], rows), exact)).toEqual([1, 2]);
    expect(await chosenBy(problemOf([rule.where('include', 'contact.region == "north"')], rows), exact)).toEqual([2]);
  });

  it('keeps offerCapacity per window over all customers and counts history in the window', async () => {
    const rows = [contact('c1', 'a', '2026-01-10', 5), contact('c2', 'a', '2026-01-10', 4), contact('c3', 'a', '2026-01-10', 3), contact('c4', 'b', '2026-01-10', 1)];
    expect(await chosenBy(problemOf([rule.offerCapacity(2, {}, 'a')], rows), exact)).toEqual([0, 1, 3]);
    const withHistory = problemOf([rule.offerCapacity(2, { periodDays: 7 }, 'a')], rows, { history: [past('c9', 'a', '2026-01-05')] });
    expect(await chosenBy(withHistory, exact)).toEqual([0, 3]);
  });

  it('never fails the run when history already fills a window, and chooses nothing in it', async () => {
    const rows = [contact('c1', 'a', '2026-01-10', 5), contact('c2', 'a', '2026-01-20', 4)];
    const p = problemOf([rule.offerCapacity(1, { periodDays: 3 }, 'a')], rows, { history: [past('c8', 'a', '2026-01-09'), past('c9', 'a', '2026-01-08')] });
    const result = await optimizeContacts(p, { exact });
    expect(result.chosen).toEqual([1]);
    expect(result.report.unmetMinimums).toEqual([]);
  });

  it('uses the exception bounds for windows that start inside the exception', async () => {
    const rows = [contact('c1', 'a', '2026-12-05', 5), contact('c2', 'a', '2026-12-05', 4), contact('c3', 'a', '2026-11-05', 3), contact('c4', 'a', '2026-11-05', 2)];
    const r = rule.offerCapacity(1, { periodDays: 1, exceptions: [{ from: '2026-12-01', to: '2026-12-31', min: 0, max: 2 }] }, 'a');
    expect(await chosenBy(problemOf([r], rows), exact)).toEqual([0, 1, 2]);
  });

  it('keeps the average of a field at or under max with customCapacity avg', async () => {
    const rows = [
      contact('c1', 'a', '2026-01-01', 10, { fields: { risk: 0.9 } }),
      contact('c2', 'a', '2026-01-01', 5, { fields: { risk: 0.1 } }),
      contact('c3', 'a', '2026-01-01', 5, { fields: { risk: 0.1 } }),
    ];
    const result = await optimizeContacts(problemOf([rule.customCapacity('avg', 'risk', 0.3)], rows), { exact });
    const chosen = result.chosen;
    const avg = chosen.reduce((t, i) => t + (rows[i]!.fields['risk'] as number), 0) / chosen.length;
    expect(avg).toBeLessThanOrEqual(0.3 + 1e-9);
    expect(result.chosen).toEqual([1, 2]);
  });

  it('keeps a sum of a field within max with customCapacity sum, and rejects a scoped row without the field', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', 10, { fields: { cost2: 3 } }), contact('c2', 'a', '2026-01-01', 6, { fields: { cost2: 2 } }), contact('c3', 'a', '2026-01-01', 6, { fields: { cost2: 2 } })];
    const sum = await optimizeContacts(problemOf([rule.customCapacity('sum', 'cost2', 4)], rows), { exact });
    expect(sum.chosen.reduce((t, i) => t + (rows[i]!.fields['cost2'] as number), 0)).toBeLessThanOrEqual(4);
    // The exact path finds the knapsack optimum; the heuristic at least the best single row.
    if (exact === 'auto') expect(sum.chosen).toEqual([1, 2]);
    else expect(sum.report.objective).toBeGreaterThanOrEqual(10);
    const broken = [...rows, contact('c4', 'a', '2026-01-01', 1)];
    await expect(optimizeContacts(problemOf([rule.customCapacity('sum', 'cost2', 4)], broken), { exact })).rejects.toThrow(/row 4, column 'cost2'.*missing/);
  });

  it('caps per-customer contacts in a rolling window with customerOfferCount, history included', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', 5), contact('c1', 'b', '2026-01-02', 4), contact('c1', 'c', '2026-01-09', 3)];
    expect(await chosenBy(problemOf([rule.customerOfferCount(1, 0, { periodDays: 7 })], rows), exact)).toEqual([0, 2]);
    // History on 12-30 fills every 7-day window holding 01-01 or 01-02.
    const p = problemOf([rule.customerOfferCount(1, 0, { periodDays: 7 })], rows, { history: [past('c1', 'd', '2025-12-30')] });
    expect(await chosenBy(p, exact)).toEqual([2]);
    const later = problemOf([rule.customerOfferCount(1, 0, { periodDays: 7 })], rows, { history: [past('c1', 'd', '2025-12-26')] });
    expect(await chosenBy(later, exact)).toEqual([1, 2]);
  });

  it('meets a customerOfferCount minimum even with a low score, and reports one the proposals cannot meet', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', -2), contact('c1', 'b', '2026-01-01', 3)];
    const result = await optimizeContacts(problemOf([rule.customerOfferCount(null, 1, {}, 'a')], rows), { exact });
    expect(result.chosen).toEqual([0, 1]);
    expect(result.report.unmetMinimums).toEqual([]);
    const unmet = await optimizeContacts(problemOf([rule.customerOfferCount(null, 2, {}, 'a')], rows), { exact });
    expect(unmet.report.unmetMinimums).toEqual([expect.objectContaining({ rule: 'coc', customerId: 'c1', required: 2, achieved: 1, shortfall: 1 })]);
    expect(unmet.report.totalShortfall).toBe(1);
    expect(unmet.report.rules[0]!.binds).toBe(true);
  });

  it('counts distinct packages per customer with maxPackages (rows sharing a package count once)', async () => {
    const rows = [
      contact('c1', 'a', '2026-01-01', 5, { package: 'p1' }),
      contact('c1', 'b', '2026-01-01', 5, { package: 'p1' }),
      contact('c1', 'c', '2026-01-02', 6, { package: 'p2' }),
    ];
    expect(await chosenBy(problemOf([rule.maxPackages(1)], rows), exact)).toEqual([0, 1]);
    const p = problemOf([rule.maxPackages(1, { periodDays: 5 })], rows, { history: [past('c1', 'd', '2025-12-30', { package: 'p2' })] });
    expect(await chosenBy(p, exact)).toEqual([2]);
  });

  it('leaves no room in a window history already fills past maxPackages, not even for a row joining a history package', async () => {
    const rows = [
      contact('c1', 'a', '2026-01-02', 5, { package: 'h1' }), // joins a package history opened: still 2 packages > max 1
      contact('c1', 'b', '2026-01-09', 4), // outside every window holding the history
    ];
    // Both history packages fall in every window that holds the row's day.
    const history = [past('c1', 'c', '2026-01-02', { package: 'h1' }), past('c1', 'd', '2026-01-02', { package: 'h2' })];
    expect(await chosenBy(problemOf([rule.maxPackages(1, { periodDays: 3 })], rows, { history }), exact)).toEqual([1]);
    // At exactly max, joining a package history opened adds none, so it is allowed.
    const atMax = [past('c1', 'c', '2026-01-02', { package: 'h1' })];
    expect(await chosenBy(problemOf([rule.maxPackages(1, { periodDays: 3 })], rows, { history: atMax }), exact)).toEqual([0, 1]);
  });

  it('gives a history contact without a package the default one of its customer, channel and date under maxPackages', async () => {
    // The rows' packages are the default ones (customer|channel|date), as a decision names them.
    const rows = [
      contact('c1', 'a', '2026-01-02', 5), // same customer, channel and date as the history contact: its package
      contact('c1', 'b', '2026-01-03', 4), // another date: another package
      contact('c1', 'c', '2026-01-02', 3, { channel: 'sms' }), // another channel: another package
    ];
    const history = [past('c1', 'd', '2026-01-02')];
    expect(await chosenBy(problemOf([rule.maxPackages(1, { periodDays: 3 })], rows, { history }), exact)).toEqual([0]);
    // A named history package is its own, whatever the customer, channel and date.
    const named = [past('c1', 'd', '2026-01-02', { package: 'c1|email|2026-01-03' })];
    expect(await chosenBy(problemOf([rule.maxPackages(1, { periodDays: 3 })], rows, { history: named }), exact)).toEqual([1]);
  });

  it('limits the same offer per customer with maxDuplicateOffers', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', 5), contact('c1', 'a', '2026-01-03', 4), contact('c1', 'b', '2026-01-03', 1), contact('c1', 'a', '2026-01-20', 2)];
    expect(await chosenBy(problemOf([rule.maxDuplicateOffers(1, { periodDays: 10 })], rows), exact)).toEqual([0, 2, 3]);
  });

  it('never chooses A and B within N−1 days with neverAWithB, history included', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', 5), contact('c1', 'b', '2026-01-03', 4), contact('c1', 'b', '2026-01-09', 3)];
    expect(await chosenBy(problemOf([rule.sequence('neverAWithB', 'a', 'b', 7)], rows), exact)).toEqual([0, 2]);
    const p = problemOf([rule.sequence('neverAWithB', 'a', 'b', 7)], rows, { history: [past('c1', 'b', '2025-12-28')] });
    expect(await chosenBy(p, exact)).toEqual([1, 2]);
  });

  it('never chooses B on or within N−1 days after A with neverAFollowedByB, but allows B before A', async () => {
    const rows = [contact('c1', 'a', '2026-01-05', 5), contact('c1', 'b', '2026-01-06', 4), contact('c1', 'b', '2026-01-04', 3)];
    expect(await chosenBy(problemOf([rule.sequence('neverAFollowedByB', 'a', 'b', 3)], rows), exact)).toEqual([0, 2]);
  });

  it('allows B only with an earlier or same-day A (chosen or in history) with bOnlyWithA', async () => {
    const rows = [contact('c1', 'a', '2026-01-05', -1), contact('c1', 'b', '2026-01-06', 4), contact('c2', 'b', '2026-01-06', 4), contact('c3', 'b', '2026-01-06', 4)];
    const p = problemOf([rule.sequence('bOnlyWithA', 'a', 'b')], rows, { history: [past('c3', 'a', '2025-12-01')] });
    const result = await optimizeContacts(p, { exact });
    expect(result.chosen).toEqual([0, 1, 3]);
    expect(result.report.objective).toBe(7);
  });

  it('applies a rule only to contacts of its channel', async () => {
    const rows = [contact('c1', 'a', '2026-01-01', 5, { channel: 'sms' }), contact('c2', 'a', '2026-01-01', 4, { channel: 'sms' }), contact('c3', 'a', '2026-01-01', 3, { channel: 'email' })];
    expect(await chosenBy(problemOf([rule.offerCapacity(1, { channel: 'sms' })], rows), exact)).toEqual([0, 2]);
  });
});

describe('optimizer report and input errors', () => {
  it('reports objective, bound and gap with the bound never below the objective', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => contact(`c${i % 8}`, ['a', 'b', 'c'][i % 3]!, `2026-01-0${1 + (i % 5)}`, 1 + ((i * 7) % 11)));
    const p = problemOf([rule.offerCapacity(6, { periodDays: 2 }), rule.customerOfferCount(2, 0, { periodDays: 3 })], rows);
    const heuristic = await optimizeContacts(p, { exact: 'never' });
    const exact = await optimizeContacts(p, { exact: 'auto' });
    expect(exact.report.method).toBe('exact');
    expect(heuristic.report.upperBound).toBeGreaterThanOrEqual(exact.report.objective - 1e-6);
    expect(heuristic.report.objective).toBeGreaterThanOrEqual(0.9 * exact.report.objective);
    expect(heuristic.report.gap).toBeCloseTo((heuristic.report.upperBound - heuristic.report.objective) / heuristic.report.upperBound, 9);
    expect(heuristic.report.rowsIn).toBe(40);
    expect(heuristic.report.rowsOut).toBe(heuristic.chosen.length);
  });

  it('refuses an unknown policy and an offer that is not in the bundle', async () => {
    await expect(optimizeContacts({ ...problemOf([], [contact('c1', 'a', '2026-01-01', 1)]), policy: 'nope' })).rejects.toThrow(/policy 'nope' is not in the bundle/);
    await expect(optimizeContacts(problemOf([], [contact('c1', 'zzz', '2026-01-01', 1)]))).rejects.toThrow(/row 1, column 'offer'.*'zzz'/);
  });

  it('handles an empty input', async () => {
    const result = await optimizeContacts(problemOf([rule.offerCapacity(1)], []), { exact: 'never' });
    expect(result.chosen).toEqual([]);
    expect(result.report.objective).toBe(0);
  });
});
