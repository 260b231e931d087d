// Offer suppression (docs/decisions.md#suppression), per customer against the
// member's history up to the decision day:
// - afterAccept: true — never again once accepted (any accept row of the offer);
//   {days} — not on the `days` days starting with the latest accept's day;
// - afterReject {count, days}: when `count` rejections fall within `days` consecutive
//   days, suppressed on every day d with last ≤ d < last + days (last: the day of the
//   latest of them);
// - maxRejects: suppressed once rejected that many times;
// - maxContacts {count, periodDays}: suppressed once contacted `count` times in the
//   window of `periodDays` days ending on the decision day (showing it again would make
//   count + 1). Contacts on every channel count: suppression is about the customer.
// - related {attribute}: the history of every offer with the same value of that
//   attribute (the offer's family, compiled into CompiledOffer.related) counts as this
//   offer's own for all of the above.
import type { CompiledOffer } from './compiled-types.js';
import { isoDay } from '../days.js';
import type { MemberHistory, OfferResponses } from './member-history.js';
import { plural } from '../words.js';

export type SuppressionHit =
  | { kind: 'afterAccept'; accepts: number; family: string | null }
  | { kind: 'afterAcceptWindow'; lastDay: number; days: number; family: string | null }
  | { kind: 'afterReject'; rejects: number; firstDay: number; lastDay: number; count: number; days: number; family: string | null }
  | { kind: 'maxRejects'; rejects: number; max: number; family: string | null }
  | { kind: 'maxContacts'; contacts: number; max: number; periodDays: number; family: string | null };

const NONE: readonly OfferResponses[] = [];

/** The responses that count for the offer: its own, or its family's. */
function responsesFor(offer: CompiledOffer, history: MemberHistory): readonly OfferResponses[] {
  if (offer.related === null) {
    const own = history.byOffer.get(offer.index);
    return own === undefined ? NONE : [own];
  }
  const found: OfferResponses[] = [];
  for (const index of offer.related) {
    const responses = history.byOffer.get(index);
    if (responses !== undefined) found.push(responses);
  }
  return found;
}

export function findSuppression(offer: CompiledOffer, history: MemberHistory | null, atDay: number): SuppressionHit | null {
  if (!offer.hasSuppression || history === null) return null;
  const all = responsesFor(offer, history);
  if (all.length === 0) return null;
  const family = offer.family;
  if (offer.afterAccept) {
    if (offer.afterAcceptDays === null) {
      let accepts = 0;
      for (const responses of all) accepts += responses.accepts;
      if (accepts > 0) return { kind: 'afterAccept', accepts, family };
    } else {
      const from = atDay - offer.afterAcceptDays + 1;
      let lastDay = -Infinity;
      for (const responses of all) for (const day of responses.acceptDays ?? []) if (day <= atDay && day > lastDay) lastDay = day;
      if (lastDay >= from) return { kind: 'afterAcceptWindow', lastDay, days: offer.afterAcceptDays, family };
    }
  }
  if (offer.afterReject !== null) {
    const hit = rejectWindow(offer.afterReject, all, atDay);
    if (hit !== null) return { kind: 'afterReject', ...hit, count: offer.afterReject.count, days: offer.afterReject.days, family };
  }
  if (offer.maxRejects !== null) {
    let rejects = 0;
    for (const responses of all) rejects += responses.rejects;
    if (rejects >= offer.maxRejects) return { kind: 'maxRejects', rejects, max: offer.maxRejects, family };
  }
  const limit = offer.maxContacts;
  if (limit !== null) {
    const from = atDay - limit.periodDays + 1;
    let contacts = 0;
    for (const responses of all) {
      const days = responses.contactDays;
      for (let i = 0; i < days.length; i++) if (days[i]! >= from) contacts += responses.contactCounts[i]!;
    }
    if (contacts >= limit.count) return { kind: 'maxContacts', contacts, max: limit.count, periodDays: limit.periodDays, family };
  }
  return null;
}

/**
 * afterReject: the latest day L in the last `days` days on which a group of at least
 * `count` rejections ends, the group's first no more than days − 1 days before L. The
 * rest runs L .. L + days − 1, so the decision day is in it exactly when L ≥ atDay − days + 1.
 */
function rejectWindow(rule: { count: number; days: number }, all: readonly OfferResponses[], atDay: number): { rejects: number; firstDay: number; lastDay: number } | null {
  const byDay = new Map<number, number>();
  for (const responses of all) {
    const days = responses.rejectDays;
    if (days === undefined) continue;
    for (let i = 0; i < days.length; i++) if (days[i]! <= atDay) byDay.set(days[i]!, (byDay.get(days[i]!) ?? 0) + responses.rejectCounts![i]!);
  }
  if (byDay.size === 0) return null;
  const days = [...byDay.keys()].sort((a, b) => b - a); // latest first
  for (const last of days) {
    if (last < atDay - rule.days + 1) break;
    let rejects = 0;
    let firstDay = last;
    for (const day of days) {
      if (day > last) continue;
      if (day < last - rule.days + 1) break;
      rejects += byDay.get(day)!;
      firstDay = day;
    }
    if (rejects >= rule.count) return { rejects, firstDay, lastDay: last };
  }
  return null;
}

export function describeSuppression(hit: SuppressionHit): string {
  const family = hit.family === null ? '' : ` (counting the offers of ${hit.family})`;
  switch (hit.kind) {
    case 'afterAccept':
      return `suppressed: accepted before (afterAccept)${family}`;
    case 'afterAcceptWindow':
      return `suppressed: accepted on ${isoDay(hit.lastDay)}, resting ${plural(hit.days, 'day')} until ${isoDay(hit.lastDay + hit.days - 1)} (afterAccept ${plural(hit.days, 'day')})${family}`;
    case 'afterReject':
      return `suppressed: rejected ${plural(hit.rejects, 'time')} from ${isoDay(hit.firstDay)} to ${isoDay(hit.lastDay)}, resting until ${isoDay(hit.lastDay + hit.days - 1)} (afterReject ${hit.count} in ${plural(hit.days, 'day')})${family}`;
    case 'maxRejects':
      return `suppressed: rejected ${plural(hit.rejects, 'time')} (maxRejects ${hit.max})${family}`;
    case 'maxContacts':
      return `suppressed: contacted ${plural(hit.contacts, 'time')} in the last ${plural(hit.periodDays, 'day')} (maxContacts ${hit.max} per ${plural(hit.periodDays, 'day')})${family}`;
  }
}
