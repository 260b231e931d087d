// Date order (docs/validation.md#codes, OO204): `expires` never before `effective` (offers, treatment rules);
// capacity exceptions and windows run forwards.
import type { ConfigKind } from '../kinds.js';
import type { ConfigDocument } from '../model.js';
import type { PathSegment } from '../source.js';
import type { Rule, RuleContext } from '../rule-context.js';

function checkOrder(context: RuleContext, document: ConfigDocument<ConfigKind>, base: PathSegment[], from: string | undefined, to: string | undefined, names: [string, string], what: string): void {
  if (from !== undefined && to !== undefined && to < from) {
    context.error(document, [...base, names[1]], 'date-order', `${what}: ${names[1]} ${to} is before ${names[0]} ${from}`);
  }
}

const datesRunForwards: Rule = (context) => {
  for (const offer of context.model.offers) {
    checkOrder(context, offer, ['spec'], offer.spec.effective, offer.spec.expires, ['effective', 'expires'], `offer '${offer.metadata.name}'`);
  }
  for (const strategy of context.model.strategies) {
    strategy.spec.rules.forEach((rule, i) => checkOrder(context, strategy, ['spec', 'rules', i], rule.effective, rule.expires, ['effective', 'expires'], `rule '${rule.name}'`));
  }
  for (const policy of context.model.policies) {
    policy.spec.rules.forEach((rule, i) =>
      (rule.exceptions ?? []).forEach((exception, j) => checkOrder(context, policy, ['spec', 'rules', i, 'exceptions', j], exception.from, exception.to, ['from', 'to'], `rule '${rule.name}' exception`)),
    );
  }
};

export const dateRules: Rule[] = [datesRunForwards];
