// customerOfferCount (docs/optimization-semantics.md#the-ten-rules): per customer in the segment, the scoped contacts
// (offers and channel) in each window are within min..max; history counts in windows.
import type { BundlePolicyRule } from '../../bundle/index.js';
import type { RuleHandler } from './rule-handler.js';
import { addCountCaps, addCountMinimums } from './customer-windows.js';

type CustomerOfferCount = Extract<BundlePolicyRule, { type: 'customerOfferCount' }>;

export const customerOfferCountHandler: RuleHandler<CustomerOfferCount> = {
  customer: (rule, index, context) => {
    const { build, customerModel, history } = context;
    if (!build.inSegment(rule.segment, customerModel.customer)) return;
    const locals: number[] = [];
    customerModel.rows.forEach((row, local) => {
      if (build.rowInScope(row, rule.offers, rule, false)) locals.push(local);
    });
    const historyDays = history.filter((h) => build.historyInScope(h, rule.offers, rule, false)).map((h) => build.model.history.day[h]!);
    if (rule.max !== null && locals.length > 0) addCountCaps(context, index, locals, historyDays, rule.periodDays, rule.max);
    addCountMinimums(context, index, locals, historyDays, rule.periodDays, rule.min);
  },
};
