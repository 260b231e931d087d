// customCapacity's column (docs/optimization-semantics.md#the-ten-rules): every scoped row
// needs a finite number in `field` — also a row another rule removes, so whether a file
// is valid does not depend on the other rules — and a row out of scope needs none. The
// error names the row, the column and what is wrong with the value.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody } from '../../../src/bundle/types.js';
import { loadOptimizer } from '../contract.js';
import { loadBaseBundle, makeProblem, member, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
let bundle: BundleBody;
beforeAll(async () => {
  bundle = await loadBaseBundle();
});

const sumOfRisk: RuleInput = { type: 'customCapacity', offers: 'alpha', aggregate: 'sum', field: 'risk', max: 1 };
const solve = (rules: RuleInput[], rows: ReturnType<typeof proposed>[]) =>
  optimizeContacts(makeProblem(bundle, { rules, proposed: rows, audience: [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] })] }), { exact: 'auto', seed: 1 });

describe('customCapacity reads its column on scoped rows only', () => {
  it('ignores a row of an offer out of scope that has no such column', async () => {
    const result = await solve([sumOfRisk], [proposed('c1', 'alpha', '2026-05-10', { score: 5, extra: { risk: 0.75 } }), proposed('c2', 'beta', '2026-05-10', { score: 3 })]);
    expect(result.chosen).toEqual([0, 1]);
  });

  it('refuses a scoped row without the column even when another rule removes that row', async () => {
    const rows = [proposed('c1', 'alpha', '2026-05-10', { score: 5, extra: { risk: 0.75 } }), proposed('rich', 'alpha', '2026-05-10', { score: 3 })];
    const exclude: RuleInput = { type: 'customersIn', mode: 'exclude', segment: 'rich', offers: 'alpha' };
    await expect(solve([exclude, sumOfRisk], rows)).rejects.toThrow(/row 2, column 'risk'.*rule 'rule-1' sums column 'risk', which is missing/);
  });

  it("reads it only on rows of the rule's segment, and counts only those", async () => {
    // 'rich' is in segment rich; c1 is not in the audience, so in no segment.
    const rows = [proposed('rich', 'alpha', '2026-05-10', { score: 5, extra: { risk: 0.75 } }), proposed('rich', 'alpha', '2026-05-11', { score: 4, extra: { risk: 0.5 } }), proposed('c1', 'alpha', '2026-05-10', { score: 3 })];
    const result = await solve([{ ...sumOfRisk, segment: 'rich' }], rows);
    expect(result.chosen).toEqual([0, 2]);
  });

  it.each([
    ['missing', {}, "which is missing"],
    ['empty', { risk: '' }, 'which is missing'],
    ['a word', { risk: 'high' }, 'which is not a number ("high")'],
    ['infinite', { risk: Number.POSITIVE_INFINITY }, 'which is not a number (Infinity)'],
    ['minus infinity', { risk: Number.NEGATIVE_INFINITY }, 'which is not a number (-Infinity)'],
  ])('refuses a value that is %s, saying so', async (_what, extra, message) => {
    const rows = [proposed('c1', 'alpha', '2026-05-10', { score: 5, extra: { risk: 0.5 } }), proposed('c2', 'alpha', '2026-05-10', { score: 3, extra })];
    await expect(solve([sumOfRisk], rows)).rejects.toThrow(`proposed row 2, column 'risk': rule 'rule-0' sums column 'risk', ${message}`);
  });
});
