// A per-customer rule with a segment applies to the segment's members only
// (docs/optimization-semantics.md#the-ten-rules): the same contacts that break it for a
// member are all chosen for a customer outside the segment.
import { describe, expect, it } from 'vitest';
import { loadOptimizer } from '../contract.js';
import { loadBaseBundle, makeProblem, member, proposed, type RuleInput } from '../problem-builder.js';

const optimizeContacts = await loadOptimizer();
const bundle = await loadBaseBundle();
const D = '2026-05-10';
const audience = [member('rich', { income: 90000, tier: 'bronze', age: 45, tags: [] }), member('poor', { income: 1000, tier: 'gold', age: 22, tags: ['vip'] })];
// Each customer: alpha and beta on one day (two packages: email and sms), alpha twice.
const contactsOf = (customerId: string) => [
  proposed(customerId, 'alpha', D, { score: 5 }),
  proposed(customerId, 'beta', D, { score: 4, channel: 'sms' }),
  proposed(customerId, 'alpha', D, { score: 3 }),
];
const rows = [...contactsOf('rich'), ...contactsOf('poor')];

describe.each(['never', 'auto'] as const)('per-customer rules with a segment (exact: %s)', (exact) => {
  it.each<[string, RuleInput, number[]]>([
    ['maxPackages', { type: 'maxPackages', max: 1, segment: 'rich' }, [0, 2]],
    ['maxDuplicateOffers', { type: 'maxDuplicateOffers', offers: 'alpha', max: 1, segment: 'rich' }, [0, 1]],
    ['customerOfferCount', { type: 'customerOfferCount', max: 1, segment: 'rich' }, [0]],
    ['neverAWithB', { type: 'neverAWithB', a: 'alpha', b: 'beta', segment: 'rich' }, [0, 2]],
    ['neverAFollowedByB', { type: 'neverAFollowedByB', a: 'alpha', b: 'beta', segment: 'rich' }, [0, 2]],
    ['bOnlyWithA', { type: 'bOnlyWithA', a: 'zeta', b: 'alpha', segment: 'rich' }, [1]],
  ])('%s', async (_type, rule, richChosen) => {
    const result = await optimizeContacts(makeProblem(bundle, { rules: [rule], proposed: rows, audience }), { exact, seed: 1 });
    expect(result.chosen).toEqual([...richChosen, 3, 4, 5]);
  });
});
