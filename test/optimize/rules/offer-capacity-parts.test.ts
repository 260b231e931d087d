// The windows an offerCapacity rule puts in the model (docs/optimization-semantics.md#windows):
// windows are cut to the horizon, and a window inside another that leaves it no more
// room adds nothing, so it is dropped — whether it shares the other's first day, its
// last day, or neither; a window inside another with less room is kept.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/optimize/model.js';
import { dayAfter, loadBaseBundle, makeProblem, proposed, type RuleInput } from '../problem-builder.js';

const bundle = await loadBaseBundle();
const D = '2026-05-10';
const day = (offset: number): string => dayAfter(D, offset);
// Horizon days 0..4, two alpha contacts a day: every window holds more than its max.
const rows = [0, 1, 2, 3, 4].flatMap((d) => [proposed('c1', 'alpha', day(d)), proposed('c2', 'alpha', day(d))]);

function windowsOf(rule: RuleInput) {
  const model = buildModel(makeProblem(bundle, { rules: [rule], proposed: rows }));
  expect(model.parts).toHaveLength(1);
  const part = model.parts[0]!;
  return Array.from(part.from, (from, w) => [from, part.to[w], part.rhs[w]]);
}

describe('offerCapacity windows in the model', () => {
  it('keeps the three full windows of 3 days, not the cut ones at either end of the horizon', () => {
    // [−2,0] and [−1,1] are cut to 0..0 and 0..1 (inside 0..2, same first day), [3,5]
    // and [4,6] to 3..4 and 4..4 (inside 2..4, same last day); 0..1 is inside 0..2 too.
    expect(windowsOf({ type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3 })).toEqual([
      [0, 2, 1],
      [1, 3, 1],
      [2, 4, 1],
    ]);
  });

  it('keeps a cut window whose max is lower than that of the window holding it', () => {
    // Windows starting on days 0..4 allow 2: the cut window 0..1 (starting on day −1)
    // allows 1 and stays; 0..0 is inside it with no less room and goes.
    const rule: RuleInput = { type: 'offerCapacity', offers: 'alpha', max: 1, periodDays: 3, exceptions: [{ from: day(0), to: day(4), max: 2 }] };
    expect(windowsOf(rule)).toEqual([
      [0, 1, 1],
      [0, 2, 2],
      [1, 3, 2],
      [2, 4, 2],
    ]);
  });
});
