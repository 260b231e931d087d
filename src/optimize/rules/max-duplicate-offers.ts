// maxDuplicateOffers (docs/optimization-semantics.md#the-ten-rules): per customer (in the segment) and per scoped offer, the
// contacts in each window are at most `max`; history counts in windows.
import type { BundlePolicyRule } from '../../bundle/index.js';
import type { RuleHandler } from './rule-handler.js';
import { addCountCaps } from './customer-windows.js';

type MaxDuplicateOffers = Extract<BundlePolicyRule, { type: 'maxDuplicateOffers' }>;

export const maxDuplicateOffersHandler: RuleHandler<MaxDuplicateOffers> = {
  customer: (rule, index, context) => {
    const { build, customerModel, history } = context;
    if (!build.inSegment(rule.segment, customerModel.customer)) return;
    const { model } = build;
    const byOffer = new Map<number, number[]>();
    customerModel.rows.forEach((row, local) => {
      if (!build.rowInScope(row, rule.offers, rule, false)) return;
      const list = byOffer.get(model.offer[row]!) ?? [];
      list.push(local);
      byOffer.set(model.offer[row]!, list);
    });
    for (const [offer, locals] of byOffer) {
      if (locals.length <= rule.max && rule.periodDays === null) continue;
      const historyDays = history
        .filter((h) => model.history.offer[h] === offer && build.historyInScope(h, rule.offers, rule, false))
        .map((h) => model.history.day[h]!);
      addCountCaps(context, index, locals, historyDays, rule.periodDays, rule.max);
    }
  },
};
