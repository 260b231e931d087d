// The per-customer optimization rules, one implementation for decisions and the optimizer
// (docs/optimization-semantics.md#the-ten-rules, docs/decisions.md#realtime-policies):
// customersIn, interactionsWhere, customerOfferCount (max), maxDuplicateOffers,
// maxPackages, neverAWithB, neverAFollowedByB and bOnlyWithA. A check asks one question:
// may the customer get this candidate contact, given their other contacts — history
// (event `contact`) and the contacts chosen alongside it (the same response in `decide`,
// the same selection in `optimize`)? The capacity rules couple customers and are the
// optimizer's alone.
//
// Windows: a rule with `periodDays: N` holds in every window of N consecutive days; the
// candidate breaks it when some window holding the candidate would break it. History
// counts in windows; without a period the count rules count the chosen contacts only and
// the sequence rules look at every day. A rule with a `channel` sees only contacts on
// that channel, and applies only to a candidate on it.
import type { BundleOfferScope, BundlePolicyRule } from '../bundle/index.js';
import { ExpressionCompileError, type ExpressionCompiler } from '../expr/index.js';
import { EngineLoadError, type CompiledPolicyRule, type CompiledSegment, type OfferScope, type RealtimeRuleType } from './compiled-types.js';
import { plural } from '../words.js';

/** A contact as the per-customer rules see it. */
export interface CustomerContact {
  /** Offer index in the bundle; an offer the bundle does not know is outside every scope. */
  offer: number;
  day: number;
  channel: string;
  package: string;
  /** How many identical contacts this one stands for (a bounded history window groups them); 1 otherwise. */
  count: number;
}

/** A package of the customer's history contacts on a day: what maxPackages counts. */
export type CustomerPackage = Pick<CustomerContact, 'day' | 'channel' | 'package'>;

/** What a check reads about the customer besides the candidate. */
export interface CustomerRuleContext {
  /** The customer's history contacts. */
  readonly history: readonly CustomerContact[];
  /** The packages of the history contacts (the contacts themselves, unless a history window lists them apart). */
  readonly packages: readonly CustomerPackage[];
  /** The contacts chosen alongside the candidate; the candidate itself, when listed, is skipped. */
  readonly chosen: readonly CustomerContact[];
  inSegment(segment: CompiledSegment): boolean;
  /** The candidate as `contact` in an interactionsWhere expression. */
  contactFields(candidate: CustomerContact): Record<string, unknown>;
  /** A where expression failed at run time (it counts as false). */
  reportError(place: string, error: unknown): void;
  offerName(offer: number): string;
}

function inScope(scope: OfferScope, offer: number): boolean {
  return scope === null || (offer >= 0 && scope[offer] === 1);
}

function onChannel(rule: CompiledPolicyRule, contact: Pick<CustomerContact, 'channel'>): boolean {
  return rule.channelFilter === null || contact.channel === rule.channelFilter;
}

function periodText(rule: CompiledPolicyRule): string {
  return rule.periodDays === null ? '' : ` in ${rule.periodDays} days`;
}


// The helpers below take plain values, not callbacks: a decision checks every rule of its
// realtime policies for every offer it considers, so this is a hot path.

/** `offer` for the count rules: SCOPE counts the rule's offer scope, an index counts that offer only. */
const SCOPE = -1;

function counted(rule: CompiledPolicyRule, contact: CustomerContact, offer: number): boolean {
  return offer === SCOPE ? inScope(rule.offers, contact.offer) : contact.offer === offer;
}

/** Others counted by the rule on days from..to: chosen contacts, and history when `withHistory`. */
function countIn(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext, offer: number, from: number, to: number, withHistory: boolean): number {
  let count = 0;
  if (withHistory) for (const contact of context.history) if (contact.day >= from && contact.day <= to && onChannel(rule, contact) && counted(rule, contact, offer)) count += contact.count;
  for (const contact of context.chosen) if (contact !== candidate && contact.day >= from && contact.day <= to && onChannel(rule, contact) && counted(rule, contact, offer)) count += contact.count;
  return count;
}

/**
 * The most others counted in one window holding the candidate's day: with a period, over
 * every window of N days holding it (history included); without one, the chosen contacts
 * only. Windows are tried only where their contents change (a contact entering on the
 * right), so a decision, whose history never holds a later day, looks at one window.
 */
function mostInWindow(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext, offer: number): number {
  const period = rule.periodDays;
  if (period === null) return countIn(rule, candidate, context, offer, -Infinity, Infinity, false);
  const day = candidate.day;
  const last = day + period - 1;
  let worst = countIn(rule, candidate, context, offer, day - period + 1, day, true);
  for (const contact of context.history) {
    if (contact.day > day && contact.day <= last && onChannel(rule, contact) && counted(rule, contact, offer)) worst = Math.max(worst, countIn(rule, candidate, context, offer, contact.day - period + 1, contact.day, true));
  }
  for (const contact of context.chosen) {
    if (contact !== candidate && contact.day > day && contact.day <= last && onChannel(rule, contact) && counted(rule, contact, offer)) worst = Math.max(worst, countIn(rule, candidate, context, offer, contact.day - period + 1, contact.day, true));
  }
  return worst;
}

// The distinct packages of one window, in a reused array searched linearly: a customer's
// window holds a handful of packages, and a Set (or a cleared one) would allocate on every
// check of every offer of every decision.
const seenPackages: string[] = [];
/** Set by packagesWith: the distinct packages of the others alone, before the candidate's. */
let packagesBefore = 0;

function addPackage(count: number, name: string): number {
  for (let i = 0; i < count; i++) if (seenPackages[i] === name) return count;
  seenPackages[count] = name;
  return count + 1;
}

/** Distinct packages of the others on days from..to (history only with a period), with the candidate's. */
function packagesWith(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext, from: number, to: number): number {
  let count = 0;
  if (rule.periodDays !== null) for (const contact of context.packages) if (contact.day >= from && contact.day <= to && onChannel(rule, contact)) count = addPackage(count, contact.package);
  for (const contact of context.chosen) if (contact !== candidate && contact.day >= from && contact.day <= to && onChannel(rule, contact)) count = addPackage(count, contact.package);
  packagesBefore = count;
  return addPackage(count, candidate.package);
}

/** Set by worstPackages: packagesBefore of the window it returns. */
let worstBefore = 0;

/**
 * maxPackages over the windows holding the candidate's day: the most packages one of them
 * would hold with the candidate's (its count before in worstBefore). Joining a package
 * already in the window opens none, unless the window is over max already.
 */
function worstPackages(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext): number {
  const period = rule.periodDays;
  if (context.chosen.length === 0 && (period === null || context.packages.length === 0)) {
    worstBefore = 0;
    return 1; // the candidate's package alone
  }
  if (period === null) {
    const after = packagesWith(rule, candidate, context, -Infinity, Infinity);
    worstBefore = packagesBefore;
    return after;
  }
  const day = candidate.day;
  const last = day + period - 1;
  let worst = packagesWith(rule, candidate, context, day - period + 1, day);
  let before = packagesBefore;
  for (const contact of context.packages) {
    if (contact.day > day && contact.day <= last && onChannel(rule, contact)) {
      const after = packagesWith(rule, candidate, context, contact.day - period + 1, contact.day);
      if (after > worst) {
        worst = after;
        before = packagesBefore;
      }
    }
  }
  for (const contact of context.chosen) {
    if (contact !== candidate && contact.day > day && contact.day <= last && onChannel(rule, contact)) {
      const after = packagesWith(rule, candidate, context, contact.day - period + 1, contact.day);
      if (after > worst) {
        worst = after;
        before = packagesBefore;
      }
    }
  }
  worstBefore = before;
  return worst;
}

/** Is there another contact in `scope` (history and chosen) on a day from..to? */
function hasOther(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext, scope: OfferScope, from: number, to: number): boolean {
  for (const contact of context.chosen) if (contact !== candidate && contact.day >= from && contact.day <= to && inScope(scope, contact.offer) && onChannel(rule, contact)) return true;
  for (const contact of context.history) if (contact.day >= from && contact.day <= to && inScope(scope, contact.offer) && onChannel(rule, contact)) return true;
  return false;
}

/** Why the rule does not allow the candidate contact, or null when it does. */
export function checkCustomerRule(rule: CompiledPolicyRule, candidate: CustomerContact, context: CustomerRuleContext): string | null {
  if (!onChannel(rule, candidate)) return null;
  const o = candidate.offer;
  if (rule.type === 'customersIn') {
    if (!inScope(rule.offers, o)) return null;
    // The segment is what the rule is about, not whom it applies to.
    const member = rule.segment === null || context.inSegment(rule.segment);
    if (rule.mode === 'exclude' ? !member : member) return null;
    const segmentName = rule.segment === null ? 'every customer' : `segment '${rule.segment.name}'`;
    return rule.mode === 'exclude' ? `excluded for ${segmentName}` : `only for ${segmentName}`;
  }
  // Every other rule applies to the customers of its segment only.
  if (rule.segment !== null && !context.inSegment(rule.segment)) return null;
  const day = candidate.day;
  // Days within N−1 of the candidate's (every day without a period).
  const reach = rule.periodDays === null ? Infinity : rule.periodDays - 1;
  switch (rule.type) {
    case 'interactionsWhere': {
      if (!inScope(rule.offers, o) || rule.where === null) return null;
      let matches = false;
      try {
        matches = rule.where({ contact: context.contactFields(candidate) }) === true;
      } catch (error) {
        context.reportError(`${rule.place} where`, error);
      }
      if (rule.mode === 'exclude' && matches) return 'the contact matches the exclusion';
      if (rule.mode === 'include' && !matches) return 'the contact does not match the inclusion';
      return null;
    }
    case 'customerOfferCount': {
      if (rule.max === null || !inScope(rule.offers, o)) return null;
      const count = mostInWindow(rule, candidate, context, SCOPE);
      return count + 1 > rule.max ? `${plural(count, 'contact')} already${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'maxDuplicateOffers': {
      if (rule.max === null || !inScope(rule.offers, o)) return null;
      const count = mostInWindow(rule, candidate, context, o);
      return count + 1 > rule.max ? `'${context.offerName(o)}' already contacted ${plural(count, 'time')}${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'maxPackages': {
      if (rule.max === null) return null;
      return worstPackages(rule, candidate, context) > rule.max ? `${plural(worstBefore, 'package')} already${periodText(rule)}, at most ${rule.max}` : null;
    }
    case 'neverAWithB': {
      if (inScope(rule.a, o) && hasOther(rule, candidate, context, rule.b, day - reach, day + reach)) return `a B offer was contacted${periodText(rule)} (never A with B)`;
      if (inScope(rule.b, o) && hasOther(rule, candidate, context, rule.a, day - reach, day + reach)) return `an A offer was contacted${periodText(rule)} (never A with B)`;
      return null;
    }
    case 'neverAFollowedByB': {
      if (inScope(rule.b, o) && hasOther(rule, candidate, context, rule.a, day - reach, day)) return `an A offer was contacted${periodText(rule)} before (never A followed by B)`;
      if (inScope(rule.a, o) && hasOther(rule, candidate, context, rule.b, day, day)) return 'a B offer is contacted the same day (never A followed by B)';
      if (inScope(rule.a, o) && hasOther(rule, candidate, context, rule.b, day + 1, day + reach)) return `a B offer is contacted after it${periodText(rule)} (never A followed by B)`;
      return null;
    }
    case 'bOnlyWithA': {
      if (inScope(rule.b, o) && !hasOther(rule, candidate, context, rule.a, day - reach, day)) return `no A offer contacted${periodText(rule) || ' before'} (B only with A)`;
      return null;
    }
    default:
      return null;
  }
}

/** Capacity rules need every customer's contacts: they are not per-customer rules. */
export function isCustomerRule(rule: BundlePolicyRule): boolean {
  return rule.type !== 'offerCapacity' && rule.type !== 'customCapacity';
}

/** Offer names → offer indexes of a bundle (its offers in order). */
export type OfferIndex = ReadonlyMap<string, { index: number }>;

function scopeOf(scope: BundleOfferScope, offers: OfferIndex, size: number, place: string): OfferScope {
  if (scope.offers === null) return null;
  const inScopeFlags = new Uint8Array(size);
  for (const name of scope.offers) {
    const offer = offers.get(name);
    if (!offer) throw new EngineLoadError(`offer '${name}' is not in the bundle`, place);
    inScopeFlags[offer.index] = 1;
  }
  return inScopeFlags;
}

/**
 * Compiles one per-customer rule of policy `policy` (on `channel`, whose expressions a
 * where is compiled with); throws EngineLoadError naming the rule for a broken reference
 * or an expression that does not compile.
 */
export function compileCustomerRule(
  policy: string,
  channel: string,
  rule: BundlePolicyRule,
  offers: OfferIndex,
  segmentNamed: (name: string | null, place: string) => CompiledSegment | null,
  expressions: ExpressionCompiler,
): CompiledPolicyRule {
  const place = `policy '${policy}' rule '${rule.name}'`;
  const size = offers.size;
  const compiled: CompiledPolicyRule = {
    policy,
    name: rule.name,
    type: rule.type as RealtimeRuleType,
    segment: segmentNamed(rule.segment, place),
    channelFilter: rule.channel,
    periodDays: rule.periodDays,
    offers: null,
    a: null,
    b: null,
    mode: 'exclude',
    where: null,
    max: null,
    place,
  };
  switch (rule.type) {
    case 'customersIn':
      compiled.mode = rule.mode;
      compiled.offers = scopeOf(rule.offers, offers, size, place);
      break;
    case 'interactionsWhere':
      compiled.mode = rule.mode;
      compiled.offers = scopeOf(rule.offers, offers, size, place);
      try {
        compiled.where = expressions.compile('contactWhere', rule.where, `${place} where`, channel);
      } catch (error) {
        if (error instanceof ExpressionCompileError) throw new EngineLoadError(error.reason, error.place);
        throw error;
      }
      break;
    case 'customerOfferCount':
      compiled.offers = scopeOf(rule.offers, offers, size, place);
      compiled.max = rule.max;
      break;
    case 'maxDuplicateOffers':
      compiled.offers = scopeOf(rule.offers, offers, size, place);
      compiled.max = rule.max;
      break;
    case 'maxPackages':
      compiled.max = rule.max;
      break;
    case 'neverAWithB':
    case 'neverAFollowedByB':
    case 'bOnlyWithA':
      compiled.a = scopeOf(rule.a, offers, size, place);
      compiled.b = scopeOf(rule.b, offers, size, place);
      break;
    default:
      throw new EngineLoadError(`rule type '${rule.type}' is not a per-customer rule`, place);
  }
  return compiled;
}

const checkCost: Record<RealtimeRuleType, number> = {
  customersIn: 0,
  maxPackages: 1,
  customerOfferCount: 1,
  maxDuplicateOffers: 1,
  neverAWithB: 2,
  neverAFollowedByB: 2,
  bOnlyWithA: 2,
  interactionsWhere: 3,
};

/** The order rules are checked in: cheap counts first, CEL expressions last; policy and written order otherwise (the sort is stable). */
export function orderForChecking(rules: CompiledPolicyRule[]): CompiledPolicyRule[] {
  return [...rules].sort((a, b) => checkCost[a.type] - checkCost[b.type]);
}
