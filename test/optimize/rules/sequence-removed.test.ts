// What the sequence rules report (docs/optimization.md#decisions-where-the-specification-is-silent):
// `removed` counts each contact a rule keeps out once — a B with no A before it under
// bOnlyWithA, an A whose B is in history under neverAWithB — and nothing else.
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { loadBaseBundle, makeProblem, past, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';

const history = [past('c1', 'beta', '2026-01-01')];

describe.each(['never', 'auto'] as const)('sequence rules report what they removed (exact: %s)', (exact) => {
  it.each<[string, RuleInput, ReturnType<typeof proposed>[], ReturnType<typeof past>[], number[], number]>([
    ['bOnlyWithA: the B with no A', { type: 'bOnlyWithA', a: 'alpha', b: 'beta' }, [proposed('c1', 'gamma', D, { score: 2 }), proposed('c1', 'beta', D, { score: 3 })], [], [0], 1],
    ['neverAWithB: the A whose B is in history', { type: 'neverAWithB', a: 'alpha', b: 'beta' }, [proposed('c1', 'gamma', D, { score: 2 }), proposed('c1', 'alpha', D, { score: 3 })], history, [0], 1],
    ['neverAFollowedByB: nothing, when history holds only a B', { type: 'neverAFollowedByB', a: 'alpha', b: 'beta' }, [proposed('c1', 'gamma', D, { score: 2 }), proposed('c1', 'alpha', D, { score: 3 })], history, [0, 1], 0],
  ])('%s', async (_what, rule, rows, contacts, chosen, removed) => {
    const result = await optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows, history: contacts }), { exact, seed: 1 });
    expect(result.chosen).toEqual(chosen);
    expect(result.report.rules[0]).toMatchObject({ removed });
  });
});
