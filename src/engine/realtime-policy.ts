// Realtime optimization policies (docs/decisions.md#realtime-policies): for policies
// with `realtime: true` on the decision's channel, the per-customer rules
// (customer-rules.ts, shared with the optimizer) are enforced against the member's
// history plus the offers already chosen in this response. An offer is dropped when
// adding it would break a rule; offerCapacity and customCapacity are batch-only (they
// need every customer's contacts) and are not enforced here.
//
// The offer being decided is a contact on the decision day, on the interactive channel
// (its name is the contact's `channel`), with the offer's score and cost, in the
// response's package. History rows with event `contact` are contacts; accept and reject
// rows are responses and count only for suppression. History never holds a day after the
// decision day (see member-history.ts), so the windows that matter end on it. A history
// event may stand for several identical rows (`count`, from a bounded window); contacts
// before the window carry the day BEFORE_WINDOW, which only the rules without
// periodDays see, and the window's packages come as their own list.
import type { CompiledOffer, CompiledPolicyRule, CompiledSegment } from './compiled-types.js';
import { checkCustomerRule, type CustomerContact, type CustomerPackage, type CustomerRuleContext } from './customer-rules.js';
import { reportExpressionError, type DecisionState } from './decision-state.js';
import type { MemberHistory } from './member-history.js';
import { isMember } from './segments.js';

export interface ChosenContact {
  offer: CompiledOffer;
  score: number;
}

export interface PolicyViolation {
  rule: CompiledPolicyRule;
  detail: string;
}

const noContacts: readonly CustomerContact[] = [];

/** The member's contacts as the per-customer rules read them: the window's, then those before it. */
function historyContacts(history: MemberHistory | null): readonly CustomerContact[] {
  if (history === null) return noContacts;
  return history.earlier.length === 0 ? history.contacts : [...history.contacts, ...history.earlier];
}

/**
 * One response's view of the member for the per-customer rules. The engine keeps one and
 * starts it afresh for each response (`begin`): decisions are synchronous, and nothing a
 * decision returns holds it.
 */
export class PolicyContext implements CustomerRuleContext {
  state!: DecisionState;
  history: readonly CustomerContact[] = noContacts;
  packages: readonly CustomerPackage[] = noContacts;
  /** The contacts chosen so far in this response. */
  chosen: CustomerContact[] = [];
  /** The package every offer of this response belongs to. */
  responsePackage = '';
  /** The candidate being checked (reused: one check at a time). */
  private readonly candidate: CustomerContact = { offer: -1, day: 0, channel: '', package: '', count: 1 };
  private candidateOffer: CompiledOffer | null = null;
  private candidateScore = 0;
  /** Contact objects of earlier responses, reused for this one's chosen contacts. */
  private readonly spare: CustomerContact[] = [];

  /** Starts the view of a new response. */
  begin(state: DecisionState, history: MemberHistory | null, responsePackage: string): this {
    this.state = state;
    this.history = historyContacts(history);
    this.packages = history === null ? noContacts : history.packages;
    this.responsePackage = responsePackage;
    if (this.chosen.length > 0) this.chosen = [];
    const candidate = this.candidate;
    candidate.offer = -1;
    candidate.day = state.atDay;
    candidate.channel = state.channel.name;
    candidate.package = responsePackage;
    this.candidateOffer = null;
    return this;
  }

  /** Records an offer chosen in this response: later offers are checked with it. */
  add(offer: CompiledOffer): void {
    const n = this.chosen.length;
    let contact = this.spare[n];
    if (contact === undefined) this.spare[n] = contact = { offer: 0, day: 0, channel: '', package: '', count: 1 };
    contact.offer = offer.index;
    contact.day = this.state.atDay;
    contact.channel = this.state.channel.name;
    contact.package = this.responsePackage;
    this.chosen.push(contact);
  }

  /** The first rule (in checking order) that adding `offer` would break, or null. */
  violation(rules: readonly CompiledPolicyRule[], offer: CompiledOffer, score: number): PolicyViolation | null {
    this.candidate.offer = offer.index;
    this.candidateOffer = offer;
    this.candidateScore = score;
    for (const rule of rules) {
      const detail = checkCustomerRule(rule, this.candidate, this);
      if (detail !== null) return { rule, detail };
    }
    return null;
  }

  inSegment(segment: CompiledSegment): boolean {
    return isMember(this.state, segment);
  }

  /** The proposed row as `contact` sees it in an interactionsWhere expression. */
  contactFields(): Record<string, unknown> {
    const state = this.state;
    const offer = this.candidateOffer!;
    return {
      customerId: state.audienceId,
      offer: offer.name,
      channel: state.channel.name,
      date: state.at,
      score: this.candidateScore,
      cost: offer.cost,
      package: this.responsePackage,
    };
  }

  reportError(place: string, error: unknown): void {
    reportExpressionError(this.state, place, error);
  }

  offerName(offer: number): string {
    return this.state.compiled.offers[offer]?.name ?? '';
  }
}

/** The first rule (policies by name, rules as written, cheap ones first) that adding `offer` would break, or null. */
export function findPolicyViolation(rules: readonly CompiledPolicyRule[], offer: CompiledOffer, score: number, context: PolicyContext): PolicyViolation | null {
  return context.violation(rules, offer, score);
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
