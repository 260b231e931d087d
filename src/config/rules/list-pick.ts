// List picking (docs/config-language.md#list-picking): `pick` chooses `count` of an offer
// list's offers, so it belongs on a rule with `offerList` (OO212, an error: a rule with one
// `offer` has nothing to pick from), and a count that reaches the list's size leaves
// nothing out (OO213, a warning: the rule then gives its whole list, as without pick).
import type { Rule } from '../rule-context.js';
import { offersOfRule } from './rule-attributes.js';
import { plural } from '../../words.js';

const pickNeedsAList: Rule = (context) => {
  for (const strategy of context.model.strategies) {
    strategy.spec.rules.forEach((rule, index) => {
      if (rule.pick === undefined) return;
      if (rule.offerList === undefined) {
        context.error(
          strategy,
          ['spec', 'rules', index, 'pick'],
          'pick-without-list',
          `rule '${rule.name}' has pick, but gives one offer ('${rule.offer ?? ''}'), not an offer list: pick chooses among the offers of an offerList (use offerList, or remove pick)`,
          { key: true },
        );
        return;
      }
      if (!context.offerLists.has(rule.offerList)) return; // reported by the reference rules
      const size = new Set(offersOfRule(context, rule).map((offer) => offer.metadata.name)).size;
      // An empty list has its own warning (OO209).
      if (size === 0 || rule.pick.count < size) return;
      context.warning(
        strategy,
        ['spec', 'rules', index, 'pick', 'count'],
        'pick-takes-whole-list',
        `rule '${rule.name}' picks ${rule.pick.count} of offer list '${rule.offerList}', which has ${plural(size, 'offer')}: the pick leaves nothing out (pick fewer than ${size}, or remove pick)`,
      );
    });
  }
};

export const listPickRules: Rule[] = [pickNeedsAList];
