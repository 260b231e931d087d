// The row filters (docs/optimization-semantics.md#the-ten-rules): customersIn and
// interactionsWhere remove rows before optimization, and the report counts each row a
// rule removed, once (docs/optimization.md#decisions-where-the-specification-is-silent).
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { loadBaseBundle, makeProblem, member, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const audience = [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] }), member('poor', { income: 1000, tier: 'gold', age: 22, tags: ['vip'] })];
// Every offer in scope: poor is gold; rich is not; stranger is not in the audience.
const rows = [proposed('poor', 'alpha', D, { score: 5 }), proposed('rich', 'beta', D, { score: 3 }), proposed('stranger', 'gamma', D, { score: 4 })];

describe.each(['never', 'auto'] as const)('row filters over every offer (exact: %s)', (exact) => {
  it.each<[string, RuleInput, number[]]>([
    ['customersIn include keeps the members only', { type: 'customersIn', mode: 'include', segment: 'gold' }, [0]],
    ['customersIn exclude drops the members only', { type: 'customersIn', mode: 'exclude', segment: 'gold' }, [1, 2]],
    ['interactionsWhere include keeps the matching rows only', { type: 'interactionsWhere', mode: 'include', where: 'contact.score > 4.0' }, [0]],
    ['interactionsWhere exclude drops the matching rows only', { type: 'interactionsWhere', mode: 'exclude', where: 'contact.score > 4.0' }, [1, 2]],
  ])('%s, and reports how many rows it removed', async (_what, rule, chosen) => {
    const result = await optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows, audience }), { exact, seed: 1 });
    expect(result.chosen).toEqual(chosen);
    expect(result.report.rules).toEqual([{ name: 'rule-0', type: rule.type, removed: rows.length - chosen.length, binds: true }]);
  });
});
