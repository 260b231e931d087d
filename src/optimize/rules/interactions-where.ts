// interactionsWhere (docs/optimization-semantics.md#the-ten-rules): a CEL condition over `contact` (the
// proposed row's columns). `exclude` drops the scoped rows that match; `include` keeps
// only those that match — an expression that fails on a row (a missing column) is false
// for it. The check is the engine's (engine/customer-rules.ts), row by row.
import type { BundlePolicyRule } from '../../bundle/index.js';
import type { RuleHandler } from './rule-handler.js';

type InteractionsWhere = Extract<BundlePolicyRule, { type: 'interactionsWhere' }>;

export const interactionsWhereHandler: RuleHandler<InteractionsWhere> = {
  filter: (_rule, index, build) => {
    for (let row = 0; row < build.model.n; row++) if (build.rowViolation(row, index) !== null) build.forbid(row, index);
  },
};
