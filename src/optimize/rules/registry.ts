// The rule table (docs/optimization-semantics.md#the-ten-rules): one handler per rule type, each in its own
// file, registered here. A handler compiles its rule into the model at one of three
// levels: row filters, per-customer structures, or global capacity constraints.
import { bOnlyWithAHandler, neverAFollowedByBHandler, neverAWithBHandler } from './sequence.js';
import { customCapacityHandler } from './custom-capacity.js';
import { customerOfferCountHandler } from './customer-offer-count.js';
import { customersInHandler } from './customers-in.js';
import { interactionsWhereHandler } from './interactions-where.js';
import { maxDuplicateOffersHandler } from './max-duplicate-offers.js';
import { maxPackagesHandler } from './max-packages.js';
import { offerCapacityHandler } from './offer-capacity.js';
import type { RuleHandlers } from './rule-handler.js';

export type { RuleHandler, RuleHandlers } from './rule-handler.js';

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
