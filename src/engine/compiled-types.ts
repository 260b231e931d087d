// The compiled bundle as the engine holds it (docs/decisions.md#performance): offers, segments, rules,
// interaction points and realtime policy rules with names turned into indexes, dates into
// day numbers and expressions into evaluators. Types only (and the load error), so every
// module of the engine can name them without importing the code that builds them
// (compile-bundle.ts).
import type { AttributeDeclaration, Bundle, PolicyRuleType } from '../bundle/index.js';
import type { Evaluator } from '../expr/index.js';
import type { ExpressionReads } from './expression-reads.js';

export type { Evaluator } from '../expr/index.js';

/** A bundle the engine cannot run: an expression that does not compile, or a broken reference. */
export class EngineLoadError extends Error {
  constructor(
    message: string,
    /** Where in the bundle, e.g. `strategy 'web-core' rule 'hv-gold' eligibility`. */
    readonly place: string,
  ) {
    super(`cannot load bundle: ${place}: ${message}`);
    this.name = 'EngineLoadError';
  }
}

export interface CompiledLevel {
  name: string;
  idField: string;
  attributes: Record<string, AttributeDeclaration>;
}

export interface CompiledOffer {
  /** Index in the bundle's offers (sorted by name, so index order is name order). */
  index: number;
  name: string;
  effectiveDay: number;
  expiresDay: number;
  effective: string | null;
  expires: string | null;
  cost: number;
  /** The `offer` variable of eligibility and score expressions. */
  cel: Record<string, unknown>;
  /** The offer's own attributes, as a decision returns them (the bundle's object). */
  attributes: Record<string, string | number | boolean>;
  /** Suppressed after an accept: forever (afterAcceptDays null) or for afterAcceptDays days. */
  afterAccept: boolean;
  afterAcceptDays: number | null;
  afterReject: { count: number; days: number } | null;
  maxRejects: number | null;
  maxContacts: { count: number; periodDays: number } | null;
  /** Offer indices whose history counts for this offer (`related`, itself included), or null: only itself. */
  related: number[] | null;
  /** How the family reads in explanations, e.g. `family "tablet"` (set with related). */
  family: string | null;
  hasSuppression: boolean;
}

export interface CompiledSegment {
  index: number;
  name: string;
  channel: string;
  level: string;
  evaluate: Evaluator;
  place: string;
}

export interface CompiledRule {
  precedence: number;
  name: string;
  strategy: string;
  channel: string;
  enabled: boolean;
  effectiveDay: number;
  expiresDay: number;
  effective: string | null;
  expires: string | null;
  segment: CompiledSegment | null;
  offers: CompiledOffer[];
  score: number;
  scoreExpression: Evaluator | null;
  eligibility: Evaluator | null;
  /** False when the expression never reads `offer`: it is then evaluated once per rule, not per offer. */
  scorePerOffer: boolean;
  eligibilityPerOffer: boolean;
  /** What eligibility / scoreExpression read (null when the rule has none): decides what is computed at load (see pair-plan.ts). */
  eligibilityReads: ExpressionReads | null;
  scoreReads: ExpressionReads | null;
  /** scoreExpression = offerSign·offerTerm + memberSign·memberTerm, when its top is such a sum (see expression-reads.ts). */
  scoreSplit: ScoreSplitTerms | null;
  /**
   * The values an offer-only part of eligibility or scoreExpression (an AST node of it) takes for
   * each of the rule's offers, evaluated once at load; null when it fails for one of them or
   * cannot be evaluated on its own. The error analysis (error-risk.ts) uses it.
   */
  offerTerm: OfferTermValues | null;
  /** Buckets below this are in the control group (0 = no control group). */
  controlThreshold: number;
  controlSeed: number;
  /** `priority: top`: the rule's offers rank above every offer of rules without it. */
  top: boolean;
  /** List picking (list-pick.ts): only `count` of the list's offers come from the rule; null when it does not pick. */
  pick: { count: number; by: 'score' | 'rotate' | 'newest' } | null;
  /** The offer attributes the rule sets (rule-attributes.ts), by name; null when it sets none. */
  attributes: CompiledRuleAttribute[] | null;
  place: string;
}

/** One `attributes.<name>` of a rule, compiled (rule-attributes.ts evaluates it). */
export interface CompiledRuleAttribute {
  name: string;
  evaluate: Evaluator;
  /** Where it is written, e.g. `strategy 'web' rule 'gold' attributes.discountPct`. */
  place: string;
}

export type OfferTermValues = (expression: 'eligibility' | 'scoreExpression', node: { start?: number; end?: number }) => unknown[] | null;

export interface ScoreSplitTerms {
  offerTerm: Evaluator;
  memberTerm: Evaluator;
  offerSign: number;
  memberSign: number;
}

/** Per offer index: 1 when the offer is in scope. null = every offer. */
export type OfferScope = Uint8Array | null;

/** Capacity rules need every customer's contacts: batch-only (docs/decisions.md#realtime-policies). */
export type CapacityRuleType = 'offerCapacity' | 'customCapacity';
export type RealtimeRuleType = Exclude<PolicyRuleType, CapacityRuleType>;

export interface CompiledPolicyRule {
  policy: string;
  name: string;
  type: RealtimeRuleType;
  segment: CompiledSegment | null;
  /** Only history contacts with this `channel` column count (null = any channel). */
  channelFilter: string | null;
  periodDays: number | null;
  offers: OfferScope;
  a: OfferScope;
  b: OfferScope;
  mode: 'include' | 'exclude';
  where: Evaluator | null;
  max: number | null;
  place: string;
}

export interface CompiledPoint {
  name: string;
  zone: string;
  channel: CompiledChannel;
  defaultString: string | null;
  maxOffers: number | null;
  /** Candidate rules for the point's zone, in precedence order. */
  rules: CompiledRule[];
  /**
   * The treatment codes given at this point so far, by rule precedence × offer count + offer
   * index: a code depends on nothing else, so it is written once, not for every response.
   */
  treatmentCodes: Map<number, string>;
}

export interface CompiledChannel {
  name: string;
  levels: CompiledLevel[];
  sessionAttributes: Record<string, AttributeDeclaration>;
  points: Map<string, CompiledPoint>;
  /** Per-customer rules of realtime policies on this channel that can apply to its contacts. */
  realtimeRules: CompiledPolicyRule[];
  /** `ties: rotate`: equal scores ordered by tieKey (tie-order.ts), not by offer name. */
  rotateTies: boolean;
  /** Session rules (docs/config-language.md#session-rules); null when the channel has none. */
  session: CompiledSessionRules | null;
}

export interface CompiledSessionRules {
  suppressAccepted: boolean;
  suppressRejected: boolean;
  maxOffers: number | null;
}

export interface CompiledBundle {
  bundle: Bundle;
  digest: string;
  digestPrefix: string;
  offers: CompiledOffer[];
  offerByName: Map<string, CompiledOffer>;
  segments: CompiledSegment[];
  segmentByName: Map<string, CompiledSegment>;
  channels: Map<string, CompiledChannel>;
  /** Interaction point name → the points of that name (one per channel that has it). */
  pointsByName: Map<string, CompiledPoint[]>;
  /**
   * How many days back (ending on the decision day) suppression windows read the days of
   * accepts and rejects (afterAccept {days}, afterReject); 0 when no offer has one, and
   * then history keeps only their counts.
   */
  responseDays: number;
}
