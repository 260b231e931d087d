// Offer suppression (docs/decisions.md#suppression), per customer against the
// member's history up to the decision day:
// - afterAccept: never again once accepted (any accept row of the offer);
// - maxRejects: suppressed once rejected that many times;
// - maxContacts {count, periodDays}: suppressed once contacted `count` times in the
//   window of `periodDays` days ending on the decision day (showing it again would make
//   count + 1). Contacts on every channel count: suppression is about the customer.
import type { CompiledOffer } from './compiled-types.js';
import type { MemberHistory } from './member-history.js';

export type SuppressionHit =
  | { kind: 'afterAccept'; accepts: number }
  | { kind: 'maxRejects'; rejects: number; max: number }
  | { kind: 'maxContacts'; contacts: number; max: number; periodDays: number };

export function findSuppression(offer: CompiledOffer, history: MemberHistory | null, atDay: number): SuppressionHit | null {
  if (!offer.hasSuppression || history === null) return null;
  const responses = history.byOffer.get(offer.index);
  if (responses === undefined) return null;
  if (offer.afterAccept && responses.accepts > 0) return { kind: 'afterAccept', accepts: responses.accepts };
  if (offer.maxRejects !== null && responses.rejects >= offer.maxRejects) return { kind: 'maxRejects', rejects: responses.rejects, max: offer.maxRejects };
  const limit = offer.maxContacts;
  if (limit !== null) {
    const from = atDay - limit.periodDays + 1;
    let contacts = 0;
    const days = responses.contactDays;
    for (let i = 0; i < days.length; i++) if (days[i]! >= from) contacts += responses.contactCounts[i]!;
    if (contacts >= limit.count) return { kind: 'maxContacts', contacts, max: limit.count, periodDays: limit.periodDays };
  }
  return null;
}

export function describeSuppression(hit: SuppressionHit): string {
  switch (hit.kind) {
    case 'afterAccept':
      return 'suppressed: accepted before (afterAccept)';
    case 'maxRejects':
      return `suppressed: rejected ${hit.rejects} time${hit.rejects === 1 ? '' : 's'} (maxRejects ${hit.max})`;
    case 'maxContacts':
      return `suppressed: contacted ${hit.contacts} time${hit.contacts === 1 ? '' : 's'} in the last ${hit.periodDays} days (maxContacts ${hit.max} per ${hit.periodDays} days)`;
  }
}
