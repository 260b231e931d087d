// Rule-set offer attributes (docs/config-language.md#rule-set-offer-attributes): a rule's
// `attributes.<name>` replaces an offer attribute per decision, so every offer the rule
// gives must declare that attribute (its value is what a decision returns when the
// expression fails at run time), and the expression must give the value's type: a
// number for a number (int or double), a string for a string, a bool for a bool.
import { ExpressionCompiler, toCelOffer } from '../../expr/index.js';
import type { ConfigDocument } from '../model.js';
import type { Rule, RuleContext } from '../rule-context.js';
import type { PathSegment } from '../source.js';

type OfferValue = string | number | boolean;

/** The CEL result types an offer's own value admits. */
function admits(value: OfferValue, type: string): boolean {
  if (type === 'dyn') return true; // checked at run time against the value
  if (typeof value === 'number') return type === 'int' || type === 'uint' || type === 'double';
  if (typeof value === 'string') return type === 'string';
  return type === 'bool';
}

function describeValue(value: OfferValue): string {
  return typeof value === 'number' ? 'a number (int or double)' : typeof value === 'string' ? 'a string' : 'a bool';
}

/** The offer documents a rule gives: its offer, or its list's offers (a smart list evaluated as the compiler does). */
export function offersOfRule(context: RuleContext, rule: { offer?: string; offerList?: string }): ConfigDocument<'Offer'>[] {
  if (rule.offer !== undefined) {
    const offer = context.offers.get(rule.offer);
    return offer ? [offer] : [];
  }
  const list = rule.offerList === undefined ? undefined : context.offerLists.get(rule.offerList);
  if (!list) return [];
  if (list.spec.offers !== undefined) return list.spec.offers.flatMap((name) => context.offers.get(name) ?? []);
  let evaluate: (input: Record<string, unknown>) => unknown;
  try {
    evaluate = new ExpressionCompiler(() => ({})).environment('offerListWhere').parse(list.spec.where!);
  } catch {
    return []; // reported by the expression rules
  }
  return [...context.offers.values()].filter((offer) => {
    try {
      return evaluate({ offer: toCelOffer(celOfferOf(offer)) }) === true;
    } catch {
      return false;
    }
  });
}

function celOfferOf(offer: ConfigDocument<'Offer'>): Parameters<typeof toCelOffer>[0] {
  return {
    name: offer.metadata.name,
    displayName: offer.spec.displayName ?? offer.metadata.name,
    cost: offer.spec.cost ?? 0,
    labels: offer.metadata.labels ?? {},
    attributes: offer.spec.attributes ?? {},
  };
}

function quoteList(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/** Every offer the rule gives declares each attribute the rule sets. */
const ruleAttributesAreDeclared: Rule = (context) => {
  for (const strategy of context.model.strategies) {
    strategy.spec.rules.forEach((rule, i) => {
      const names = Object.keys(rule.attributes ?? {});
      if (names.length === 0) return;
      const offers = offersOfRule(context, rule);
      for (const name of names) {
        const missing = offers.filter((offer) => !Object.hasOwn(offer.spec.attributes ?? {}, name)).map((offer) => offer.metadata.name);
        if (missing.length === 0) continue;
        const who = missing.length === 1 ? `offer ${quoteList(missing)} does not` : `offers ${quoteList(missing)} do not`;
        context.error(
          strategy,
          ['spec', 'rules', i, 'attributes', name],
          'unknown-offer-attribute',
          `rule '${rule.name}' sets attribute '${name}', but ${who} declare it: give the offer an attributes.${name} of the type the expression gives (it is returned when the expression fails at run time)`,
          { key: true },
        );
      }
    });
  }
};

/**
 * The type an attribute expression gives (checked by the expression rules, which call
 * this with the result type) against the value each offer of the rule declares.
 */
export function checkRuleAttributeType(context: RuleContext, strategy: ConfigDocument<'Strategy'>, ruleIndex: number, name: string, type: string, range: { start: number; end: number }): void {
  const rule = strategy.spec.rules[ruleIndex]!;
  const path: PathSegment[] = ['spec', 'rules', ruleIndex, 'attributes', name];
  const clashes = new Map<string, string[]>(); // expected → offers
  for (const offer of offersOfRule(context, rule)) {
    const attributes = (offer.spec.attributes ?? {}) as Record<string, OfferValue>;
    if (!Object.hasOwn(attributes, name)) continue; // reported by ruleAttributesAreDeclared
    const value = attributes[name]!;
    if (admits(value, type)) continue;
    const expected = describeValue(value);
    clashes.set(expected, [...(clashes.get(expected) ?? []), offer.metadata.name]);
  }
  for (const [expected, offers] of clashes) {
    context.error(
      strategy,
      path,
      'expression-type',
      `attributes.${name}: rule '${rule.name}' gives ${type}, but ${offers.length === 1 ? 'offer' : 'offers'} ${quoteList(offers)} ${offers.length === 1 ? 'declares' : 'declare'} ${name} as ${expected}`,
      { range },
    );
  }
}

export const ruleAttributeRules: Rule[] = [ruleAttributesAreDeclared];
