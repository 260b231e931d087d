// What a rule handler is (docs/optimization.md#how-it-works): the code of one rule type
// that compiles its rule into the model at one of three levels — row filters,
// per-customer structures, or global capacity constraints. Kept apart from the table
// (registry.ts), so a handler names its own type without importing the table.
import type { BundlePolicyRule, PolicyRuleType } from '../../bundle/index.js';
import type { BuildContext, CustomerBuildContext, GlobalPart } from '../model-types.js';

export interface RuleHandler<R extends BundlePolicyRule> {
  /** Removes rows up front (exclusions and inclusions). */
  filter?: (rule: R, index: number, build: BuildContext) => void;
  /** Adds this rule's constraints on one customer's rows. */
  customer?: (rule: R, index: number, context: CustomerBuildContext) => void;
  /** Capacity constraints over all customers. */
  global?: (rule: R, index: number, build: BuildContext) => GlobalPart[];
}

export type RuleHandlers = { [T in PolicyRuleType]: RuleHandler<Extract<BundlePolicyRule, { type: T }>> };
