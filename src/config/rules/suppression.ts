// Offer suppression across a family (docs/config-language.md#suppression-windows-and-families,
// OO210): `related: {attribute}` makes the history of every offer with the same value
// of that attribute count for this offer. An offer that does not set the attribute
// itself has no family, so the setting would silently do nothing: say so where it is written.
import type { Rule } from '../rule-context.js';

const relatedOffersHaveTheirFamily: Rule = (context) => {
  for (const offer of context.model.offers) {
    const attribute = offer.spec.suppression?.related?.attribute;
    if (attribute === undefined) continue;
    if (offer.spec.attributes?.[attribute] !== undefined) continue;
    context.warning(
      offer,
      ['spec', 'suppression', 'related', 'attribute'],
      'no-family',
      `offer '${offer.metadata.name}' counts the history of offers with the same '${attribute}', but has no attribute '${attribute}' itself: only its own history counts (add attributes.${attribute})`,
    );
  }
};

export const suppressionRules: Rule[] = [relatedOffersHaveTheirFamily];
