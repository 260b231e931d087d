// The windows an offerCapacity rule puts in the model (docs/optimization-semantics.md#windows):
// windows are cut to the horizon, and a window inside another that leaves it no more
// room adds nothing, so it is dropped — whether it shares the other's first day, its
// last day, or neither; a window inside another with less room is kept.
import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../../src/days.js';
import { buildModel } from '../../../src/optimize/model.js';
import { dayAfter, loadBaseBundle, makeProblem, member, past, proposed, type RuleInput } from '../problem-builder.js';

const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
// Horizon days 0..4, two alpha contacts a day: every window holds more than its max.
const rows = [0, 1, 2, 3, 4].flatMap((d) => [proposed('c1', 'alpha', day(d)), proposed('c2', 'alpha', day(d))]);

function windowsOf(rule: RuleInput, proposedRows = rows) {
  const model = buildModel(makeProblem(bundle, { rules: [rule], proposed: proposedRows }));
  expect(model.parts).toHaveLength(1);
  const part = model.parts[0]!;
  // [first day, last day, bound, first calendar day of the window], days from day 0.
  return Array.from(part.from, (from, w) => [from, part.to[w], part.rhs[w], part.start[w]! - dayNumber(D)]);
}

describe('offerCapacity windows in the model', () => {
  it('keeps the three full windows of 3 days, not the cut ones at either end of the horizon', () => {
    // [−2,0] and [−1,1] are cut to 0..0 and 0..1 (inside 0..2, same first day), [3,5]
    // and [4,6] to 3..4 and 4..4 (inside 2..4, same last day); 0..1 is inside 0..2 too.
    expect(windowsOf({ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 })).toEqual([
      [0, 2, 1, 0],
      [1, 3, 1, 1],
      [2, 4, 1, 2],
    ]);
  });

  it('keeps a cut window whose max is lower than that of the window holding it', () => {
    // Windows starting on days 0..4 allow 2: the cut window 0..1 (starting on day −1)
    // allows 1 and stays; 0..0 is inside it with no less room and goes.
    const rule: RuleInput = { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3, exceptions: [{ from: day(0), to: day(4), max: 2 }] };
    expect(windowsOf(rule)).toEqual([
      [0, 1, 1, -1],
      [0, 2, 2, 0],
      [1, 3, 2, 1],
      [2, 4, 2, 2],
    ]);
  });

  it('keeps no window that its rows cannot break: a window holding exactly max contacts', () => {
    const oneADay = [0, 1, 2, 3, 4].map((d) => proposed('c1', 'alpha', day(d)));
    expect(buildModel(makeProblem(bundle, { rules: [{ type: 'offerCapacity', offers: 'alpha', max: 3, periodDays: 3 }], proposed: oneADay })).parts).toEqual([]);
    expect(windowsOf({ type: 'offerCapacity', offers: 'alpha', max: 2, periodDays: 3 }, oneADay)).toEqual([
      [0, 2, 2, 0],
      [1, 3, 2, 1],
      [2, 4, 2, 2],
    ]);
  });

  it('drops the windows inside others for a sum whose values include 0 as for a count', () => {
    const valued = rows.map((r, i) => proposed(r.customerId, 'alpha', r.date, { extra: { v: i === 3 ? 0 : 1 } }));
    expect(windowsOf({ type: 'customCapacity', offers: 'alpha', aggregate: 'sum', field: 'v', max: 1, periodDays: 3 }, valued)).toEqual([
      [0, 2, 1, 0],
      [1, 3, 1, 1],
      [2, 4, 1, 2],
    ]);
  });

  it('holds the scoped rows no rule removed, by day and then row', () => {
    // Rows out of day order; rich's alpha row is excluded by customersIn, the beta row is out of scope.
    const mixed = [
      proposed('c1', 'alpha', day(2)),
      proposed('rich', 'alpha', day(0)),
      proposed('c2', 'alpha', day(0)),
      proposed('c3', 'beta', day(1)),
      proposed('c4', 'alpha', day(1)),
      proposed('c5', 'alpha', day(0)),
      proposed('c6', 'alpha', day(2)),
    ];
    const rules: RuleInput[] = [
      { type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' },
      { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 1 },
    ];
    const model = buildModel(makeProblem(bundle, { rules, proposed: mixed, audience: [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] })] }));
    expect(model.parts).toHaveLength(1);
    expect(Array.from(model.parts[0]!.rows)).toEqual([2, 5, 4, 0, 6]);
  });

  it('lists the minimum windows inside the horizon with what they still need after history', () => {
    // periodDays 2 over days 0..4: windows starting on days 0..3. History on day 1 meets
    // [0,1] and [1,2]; the others still need 1.
    const model = buildModel(makeProblem(bundle, { rules: [{ type: 'offerCapacity', offers: 'alpha', min: 1, periodDays: 2 }], proposed: rows, history: [past('c9', 'alpha', day(1))] }));
    expect(model.parts).toHaveLength(1);
    const part = model.parts[0]!;
    expect([Array.from(part.minFrom), Array.from(part.minTo), Array.from(part.minNeed), Array.from(part.minStart, (s) => s - dayNumber(D))]).toEqual([
      [2, 3],
      [3, 4],
      [1, 1],
      [2, 3],
    ]);
    expect(Array.from(part.from)).toEqual([]);
  });
});
