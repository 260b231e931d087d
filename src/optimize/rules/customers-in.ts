// customersIn (docs/optimization-semantics.md#the-ten-rules): `exclude` drops the scoped offers (and channel) for members of
// the segment; `include` allows them to members only. The segment is what the rule is
// about, not a filter on whom it applies to.
import type { BundlePolicyRule } from '../../bundle/types.js';
import type { RuleHandler } from './registry.js';

type CustomersIn = Extract<BundlePolicyRule, { type: 'customersIn' }>;

export const customersInHandler: RuleHandler<CustomersIn> = {
  filter: (rule, index, build) => {
    const { model } = build;
    for (let row = 0; row < model.n; row++) {
      if (!build.rowInScope(row, rule.offers, rule, false)) continue;
      const member = build.inSegment(rule.segment, model.customer[row]!);
      if (rule.mode === 'exclude' ? member : !member) build.forbid(row, index);
    }
  },
};
