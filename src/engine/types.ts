// The decision engine's public contract (docs/decisions.md): what a decision takes and returns.
// The engine is pure: the caller supplies the bundle, history and decision time.

/** One row of a member's contact/response history (docs/file-formats.md#history). */
export interface HistoryRow {
  customerId: string;
  offer: string;
  channel: string;
  date: string; // YYYY-MM-DD
  package?: string | null;
  event: 'contact' | 'accept' | 'reject';
}

export interface DecisionRequest {
  /** Needed only when the interaction point's name is not unique across channels. */
  channel?: string;
  interactionPoint: string;
  audience: {
    /** Audience level name; defaults to the channel's first level. */
    level?: string;
    id: string;
    profile: Record<string, unknown>;
  };
  session?: Record<string, unknown>;
  /** The member's history; rows of other members are ignored. */
  history?: readonly HistoryRow[];
  /** Decision day, YYYY-MM-DD (UTC). */
  at: string;
  /** Offers wanted (capped by the point's maxOffers). */
  count: number;
  explain?: boolean;
}

export interface ChosenOffer {
  offer: string;
  score: number;
  rule: string;
  /** Ties an event to the offer shown: stable for (bundle, channel, point, rule, offer). */
  treatmentCode: string;
}

export type ExplainOutcome =
  | 'chosen'
  | 'rule-disabled'
  | 'rule-not-effective'
  | 'not-in-segment'
  | 'not-eligible'
  | 'control-group'
  | 'offer-not-effective'
  | 'lower-score-duplicate'
  | 'suppressed'
  | 'policy'
  | 'rank'
  | 'expression-error';

export interface ExplainEntry {
  offer: string;
  rule: string;
  outcome: ExplainOutcome;
  /** Human-readable reason, e.g. "suppressed: rejected 3 times (maxRejects 3)". */
  reason: string;
  score?: number;
  rank?: number;
  segment?: string;
  /** The optimization policy and its rule that dropped the offer (outcome 'policy'). */
  policy?: string;
  policyRule?: string;
}

export interface DecisionError {
  code: 'expression-error' | 'input';
  message: string;
  /** Input errors: the field at fault, e.g. `profile.age`, `interactionPoint`, `history[3].date`. */
  field?: string;
  /** Expression errors: where the expression is written, e.g. `segment 'adults'`. */
  place?: string;
}

export interface Decision {
  channel: string;
  interactionPoint: string;
  zone: string;
  offers: ChosenOffer[];
  defaultString?: string;
  /** Rules whose control group this member is in. */
  controlGroups: string[];
  explain?: ExplainEntry[];
  /** Run-time expression failures (counted as false) and ignored-input notes. */
  errors: DecisionError[];
}

/**
 * Which segments of a request's channel and audience level a member is in, each
 * evaluated as a decision would (a run-time failure counts as not a member). Tooling
 * (behaviour-test coverage) asks for it; a decision evaluates only what it needs.
 */
export interface SegmentMembership {
  /** Segments the member is in, in bundle order (by name). */
  members: string[];
  /** Segments whose expression failed at run time for this member (counted as not a member). */
  failed: string[];
  /** Input errors (then both lists are empty) and the run-time expression failures met. */
  errors: DecisionError[];
}
