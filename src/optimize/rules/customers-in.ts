// customersIn (docs/optimization-semantics.md#the-ten-rules): `exclude` drops the scoped offers (and
// channel) for members of the segment; `include` allows them to members only. The
// segment is what the rule is about, not a filter on whom it applies to. The check is
// the engine's (engine/customer-rules.ts), row by row.
import type { BundlePolicyRule } from '../../bundle/index.js';
import type { RuleHandler } from './rule-handler.js';

type CustomersIn = Extract<BundlePolicyRule, { type: 'customersIn' }>;

export const customersInHandler: RuleHandler<CustomersIn> = {
  filter: (_rule, index, build) => {
    for (let row = 0; row < build.model.n; row++) if (build.rowViolation(row, index) !== null) build.forbid(row, index);
  },
};
