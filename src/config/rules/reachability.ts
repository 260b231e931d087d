// Warnings (docs/validation.md#codes, OO206 and OO207): an interaction point that no enabled rule can reach, and a rule
// whose offer(s) are expired for the rule's whole effective range.
import type { Rule } from '../rule-context.js';

const interactionPointsAreReachable: Rule = (context) => {
  for (const channel of context.model.channels) {
    const rules = context.model.strategies.filter((s) => s.spec.channel === channel.metadata.name).flatMap((s) => s.spec.rules.filter((r) => r.enabled !== false));
    const anyZone = rules.some((r) => r.zone === undefined);
    channel.spec.zones.forEach((zone, i) => {
      if (anyZone || rules.some((r) => r.zone === zone.name)) return;
      zone.interactionPoints.forEach((point, j) => {
        context.warning(
          channel,
          ['spec', 'zones', i, 'interactionPoints', j, 'name'],
          'unreachable-interaction-point',
          `interaction point '${point.name}' (zone '${zone.name}') is not reached by any enabled treatment rule; it will never return an offer${
            point.defaultString !== undefined ? `, only its default string ${JSON.stringify(point.defaultString)}` : ' (and it has no defaultString: its answers will be empty)'
          }`,
        );
      });
    });
  }
};

/** Do two inclusive date ranges (null = open) overlap? */
function overlaps(a: [string | undefined, string | undefined], b: [string | undefined, string | undefined]): boolean {
  const start = [a[0], b[0]].filter((d): d is string => d !== undefined).sort().pop();
  const end = [a[1], b[1]].filter((d): d is string => d !== undefined).sort()[0];
  return start === undefined || end === undefined || start <= end;
}

const rulesReachLiveOffers: Rule = (context) => {
  for (const strategy of context.model.strategies) {
    strategy.spec.rules.forEach((rule, i) => {
      const ruleRange: [string | undefined, string | undefined] = [rule.effective, rule.expires];
      let offers: string[] | undefined;
      if (rule.offer !== undefined) offers = [rule.offer];
      else if (rule.offerList !== undefined) offers = context.offerLists.get(rule.offerList)?.spec.offers; // smart lists are checked by the compiler
      if (!offers || offers.length === 0) return;
      if (rule.effective !== undefined && rule.expires !== undefined && rule.expires < rule.effective) return; // reported as date-order
      const documents = offers.map((name) => context.offers.get(name));
      if (documents.some((d) => d === undefined)) return; // reported as unknown references
      const live = documents.some((d) => overlaps(ruleRange, [d!.spec.effective, d!.spec.expires]));
      if (!live) {
        const what = rule.offer !== undefined ? `its offer '${rule.offer}' is` : `every offer of list '${rule.offerList}' is`;
        context.warning(strategy, ['spec', 'rules', i, rule.offer !== undefined ? 'offer' : 'offerList'], 'expired-rule', `rule '${rule.name}' can never give an offer: ${what} outside its effective dates for the rule's whole range`);
      }
    });
  }
};

export const reachabilityRules: Rule[] = [interactionPointsAreReachable, rulesReachLiveOffers];
