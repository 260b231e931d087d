// The rule table (docs/optimization-semantics.md#the-ten-rules): one handler per rule type, each in its own
// file, registered here. A handler compiles its rule into the model at one of three
// levels: row filters, per-customer structures, or global capacity constraints.
import type { BundlePolicyRule, PolicyRuleType } from '../../bundle/types.js';
import type { BuildContext, CustomerBuildContext, GlobalPart } from '../model.js';
import { bOnlyWithAHandler, neverAFollowedByBHandler, neverAWithBHandler } from './sequence.js';
import { customCapacityHandler } from './custom-capacity.js';
import { customerOfferCountHandler } from './customer-offer-count.js';
import { customersInHandler } from './customers-in.js';
import { interactionsWhereHandler } from './interactions-where.js';
import { maxDuplicateOffersHandler } from './max-duplicate-offers.js';
import { maxPackagesHandler } from './max-packages.js';
import { offerCapacityHandler } from './offer-capacity.js';

export interface RuleHandler<R extends BundlePolicyRule> {
  /** Removes rows up front (exclusions and inclusions). */
  filter?: (rule: R, index: number, build: BuildContext) => void;
  /** Adds this rule's constraints on one customer's rows. */
  customer?: (rule: R, index: number, context: CustomerBuildContext) => void;
  /** Capacity constraints over all customers. */
  global?: (rule: R, index: number, build: BuildContext) => GlobalPart[];
}

export type RuleHandlers = { [T in PolicyRuleType]: RuleHandler<Extract<BundlePolicyRule, { type: T }>> };

export const ruleHandlers: RuleHandlers = {
  customersIn: customersInHandler,
  interactionsWhere: interactionsWhereHandler,
  offerCapacity: offerCapacityHandler,
  customCapacity: customCapacityHandler,
  customerOfferCount: customerOfferCountHandler,
  maxPackages: maxPackagesHandler,
  maxDuplicateOffers: maxDuplicateOffersHandler,
  neverAWithB: neverAWithBHandler,
  neverAFollowedByB: neverAFollowedByBHandler,
  bOnlyWithA: bOnlyWithAHandler,
};
