// Realtime optimization policies (SPEC §5 step 6, §6): for policies with `realtime: true`
// on the decision's channel, the per-customer rules are enforced against the member's
// history plus the offers already chosen in this response. An offer is dropped when
// adding it would break a rule; offerCapacity and customCapacity are batch-only (they
// need every customer's contacts) and are not enforced here.
//
// The offer being decided is a contact on the decision day, on the interactive channel
// (its name is the contact's `channel`), with the offer's score and cost, in the
// response's package. History rows with event `contact` are contacts; accept and reject
// rows are responses and count only for suppression. A window of N days is the N days
// ending on the decision day (history never holds later days: see member-history.ts),
// which is every window containing the new contact that can hold another contact.
// A history event may stand for several identical rows (`count`, from a bounded window:
// see member-history.ts); contacts before the window carry the day BEFORE_WINDOW, which
// only the rules without periodDays see.
import type { CompiledOffer, CompiledPolicyRule, OfferScope } from './compiled-bundle.js';
import { reportExpressionError, type DecisionState } from './decision-state.js';
import { contactedBefore, type MemberEvent, type MemberHistory, type PackageEvent } from './member-history.js';
import { isMember } from './segments.js';

export interface ChosenContact {
  offer: CompiledOffer;
  score: number;
}

export interface PolicyContext {
  state: DecisionState;
  history: MemberHistory | null;
  /** The package every offer of this response belongs to. */
  responsePackage: string;
  chosen: readonly ChosenContact[];
}

export interface PolicyViolation {
  rule: CompiledPolicyRule;
  detail: string;
}

function inScope(scope: OfferScope, offer: number): boolean {
  return scope === null || (offer >= 0 && scope[offer] === 1);
}

/** The proposed row as `contact` sees it in an interactionsWhere expression. */
export function toCelContact(context: PolicyContext, offer: CompiledOffer, score: number): Record<string, unknown> {
  const state = context.state;
  return {
    customerId: state.audienceId,
    offer: offer.name,
    channel: state.channel.name,
    date: state.at,
    score,
    cost: offer.cost,
    package: context.responsePackage,
  };
}

function historyContacts(context: PolicyContext): readonly MemberEvent[] {
  return context.history === null ? [] : context.history.contacts;
}

function windowStart(rule: CompiledPolicyRule, atDay: number): number {
  return rule.periodDays === null ? -Infinity : atDay - rule.periodDays + 1;
}

function historyPackages(context: PolicyContext): readonly PackageEvent[] {
  return context.history === null ? [] : context.history.packages;
}

function counts(rule: CompiledPolicyRule, contact: Pick<MemberEvent, 'day' | 'channel'>, from: number): boolean {
  return contact.day >= from && (rule.channelFilter === null || contact.channel === rule.channelFilter);
}

/** Is there another contact in `scope` within [from, atDay] (history) or chosen in this response? */
function hasContactIn(rule: CompiledPolicyRule, context: PolicyContext, scope: OfferScope, from: number, to: number): boolean {
  for (const chosen of context.chosen) if (inScope(scope, chosen.offer.index)) return true;
  for (const contact of historyContacts(context)) if (contact.day <= to && counts(rule, contact, from) && inScope(scope, contact.offer)) return true;
  // Over all time: the contacts before a bounded window too (answered once per scope and channel).
  return from === -Infinity && context.history !== null && contactedBefore(context.history, scope, rule.channelFilter, inScope);
}

function periodText(rule: CompiledPolicyRule): string {
  return rule.periodDays === null ? '' : ` in ${rule.periodDays} days`;
}

/** The first rule (policies by name, rules as written) that adding `offer` would break, or null. */
export function findPolicyViolation(rules: readonly CompiledPolicyRule[], offer: CompiledOffer, score: number, context: PolicyContext): PolicyViolation | null {
  for (const rule of rules) {
    const detail = checkRule(rule, offer, score, context);
    if (detail !== null) return { rule, detail };
  }
  return null;
}

function checkRule(rule: CompiledPolicyRule, offer: CompiledOffer, score: number, context: PolicyContext): string | null {
  const state = context.state;
  const atDay = state.atDay;
  const o = offer.index;
  if (rule.type === 'customersIn') {
    if (!inScope(rule.offers, o)) return null;
    const member = rule.segment === null || isMember(state, rule.segment);
    if (rule.mode === 'exclude' ? !member : member) return null;
    const segmentName = rule.segment === null ? 'every customer' : `segment '${rule.segment.name}'`;
    return rule.mode === 'exclude' ? `excluded for ${segmentName}` : `only for ${segmentName}`;
  }
  // Every other rule applies to the customers of its segment only.
  if (rule.segment !== null && !isMember(state, rule.segment)) return null;
  const from = windowStart(rule, atDay);
  switch (rule.type) {
    case 'interactionsWhere': {
      if (!inScope(rule.offers, o) || rule.where === null) return null;
      let matches = false;
      try {
        matches = rule.where({ contact: toCelContact(context, offer, score) }) === true;
      } catch (error) {
        reportExpressionError(state, `${rule.place} where`, error);
      }
      if (rule.mode === 'exclude' && matches) return 'the contact matches the exclusion';
      if (rule.mode === 'include' && !matches) return 'the contact does not match the inclusion';
      return null;
    }
    case 'customerOfferCount': {
      if (rule.max === null || !inScope(rule.offers, o)) return null;
      let count = 0;
      for (const chosen of context.chosen) if (inScope(rule.offers, chosen.offer.index)) count++;
      if (rule.periodDays !== null) for (const contact of historyContacts(context)) if (counts(rule, contact, from) && inScope(rule.offers, contact.offer)) count += contact.count;
      return count + 1 > rule.max ? `${count} contact${count === 1 ? '' : 's'} already${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'maxDuplicateOffers': {
      if (rule.max === null || !inScope(rule.offers, o)) return null;
      let count = 0;
      if (rule.periodDays !== null) for (const contact of historyContacts(context)) if (contact.offer === o && counts(rule, contact, from)) count += contact.count;
      return count + 1 > rule.max ? `'${offer.name}' already contacted ${count} time${count === 1 ? '' : 's'}${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'maxPackages': {
      if (rule.max === null) return null;
      const history = rule.periodDays === null ? [] : historyPackages(context);
      if (history.length === 0) return rule.max < 1 ? `0 packages already${periodText(rule)}, at most ${rule.max}` : null; // the response is one package
      const packages = new Set<string>();
      for (const contact of history) if (counts(rule, contact, from)) packages.add(contact.package);
      if (context.chosen.length > 0) packages.add(context.responsePackage);
      // Joining a package already in the window opens none, unless history alone is over max (docs/optimization-semantics.md).
      const after = packages.has(context.responsePackage) ? packages.size : packages.size + 1;
      return after > rule.max ? `${packages.size} package${packages.size === 1 ? '' : 's'} already${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'neverAWithB': {
      if (inScope(rule.a, o) && hasContactIn(rule, context, rule.b, from, atDay)) return `a B offer was contacted${periodText(rule)} (never A with B)`;
      if (inScope(rule.b, o) && hasContactIn(rule, context, rule.a, from, atDay)) return `an A offer was contacted${periodText(rule)} (never A with B)`;
      return null;
    }
    case 'neverAFollowedByB': {
      if (inScope(rule.b, o) && hasContactIn(rule, context, rule.a, from, atDay)) return `an A offer was contacted${periodText(rule)} before (never A followed by B)`;
      if (inScope(rule.a, o) && hasContactIn(rule, context, rule.b, atDay, atDay)) return 'a B offer is contacted the same day (never A followed by B)';
      return null;
    }
    case 'bOnlyWithA': {
      if (inScope(rule.b, o) && !hasContactIn(rule, context, rule.a, from, atDay)) return `no A offer contacted${periodText(rule) || ' before'} (B only with A)`;
      return null;
    }
    default:
      return null;
  }
}

export function isDeferrable(violation: PolicyViolation): boolean {
  return violation.rule.type === 'bOnlyWithA';
}

/**
 * Does the violation block every later offer of this response too? True for the rules
 * that count every offer (maxPackages, customerOfferCount without an offer scope): the
 * response only grows, so once full it stays full.
 */
export function blocksEveryOffer(violation: PolicyViolation): boolean {
  const rule = violation.rule;
  return rule.type === 'maxPackages' || (rule.type === 'customerOfferCount' && rule.offers === null);
}

const checkCost: Record<CompiledPolicyRule['type'], number> = {
  customersIn: 0,
  maxPackages: 1,
  customerOfferCount: 1,
  maxDuplicateOffers: 1,
  neverAWithB: 2,
  neverAFollowedByB: 2,
  bOnlyWithA: 2,
  interactionsWhere: 3,
};

/** The order rules are checked in: cheap counts first, CEL expressions last; policy and written order otherwise. */
export function orderForChecking(rules: CompiledPolicyRule[]): CompiledPolicyRule[] {
  return rules
    .map((rule, i) => ({ rule, i }))
    .sort((a, b) => checkCost[a.rule.type] - checkCost[b.rule.type] || a.i - b.i)
    .map(({ rule }) => rule);
}
