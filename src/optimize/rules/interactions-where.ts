// interactionsWhere (docs/optimization-semantics.md#the-ten-rules): a CEL condition over `contact` (the proposed row's
// columns). `exclude` drops the scoped rows that match; `include` keeps only those that
// match — an expression that fails on a row (a missing column) is false for it.
import type { BundlePolicyRule } from '../../bundle/types.js';
import { createEnvironment } from '../../expr/environment.js';
import { OptimizeInputError } from '../input-error.js';
import type { RuleHandler } from './registry.js';

type InteractionsWhere = Extract<BundlePolicyRule, { type: 'interactionsWhere' }>;

export const interactionsWhereHandler: RuleHandler<InteractionsWhere> = {
  filter: (rule, index, build) => {
    const { model } = build;
    let evaluate: (context: Record<string, unknown>) => unknown;
    try {
      evaluate = createEnvironment('contactWhere').parse(rule.where) as unknown as typeof evaluate;
    } catch (error) {
      throw new OptimizeInputError('policy', -1, null, `rule '${rule.name}': where does not parse: ${(error as Error).message.split('\n')[0]}`);
    }
    for (let row = 0; row < model.n; row++) {
      if (!build.rowInScope(row, rule.offers, rule, true)) continue;
      let matches = false;
      try {
        matches = evaluate({ contact: model.problem.proposed[row]!.fields }) === true;
      } catch {
        matches = false;
      }
      if (rule.mode === 'exclude' ? matches : !matches) build.forbid(row, index);
    }
  },
};
