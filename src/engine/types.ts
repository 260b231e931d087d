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

/**
 * One member's history, bounded (docs/decisions.md#history): the rows from `from` on,
 * grouped with their count, plus how many rows the member has per (offer, channel,
 * event) over all time. `from` must be no later than the decision day less
 * `Engine.historyWindowDays` − 1: the window then holds every row a rule with a window
 * can see.
 *
 * A row up to the decision day may be dated at the first day of the narrowest of
 * `Engine.historyNeeds.windows` that holds it (the rules count it alike there), and
 * accept and reject rows up to the decision day may be left out (the totals have them).
 * With `packages` given, the rows' own packages are not read.
 */
export interface HistoryWindow {
  /** YYYY-MM-DD: every row of the member dated on or after it is in `rows`. */
  from: string;
  rows: readonly (HistoryRow & { count: number })[];
  totals: readonly HistoryTotal[];
  /** The distinct packages of the member's contacts from `from` to the decision day (a contact row without a package is in `customerId|channel|date`), dated as their rows. */
  packages?: readonly { date: string; channel: string; package: string }[];
}

/** What a bounded history window must hold for an engine (Engine.historyNeeds). */
export interface HistoryNeeds {
  /** The lengths, in days, of every window a rule counts contacts in (ascending; 1, the decision day, always). */
  windows: readonly number[];
  /** Does a rule count distinct packages (realtime maxPackages)? Without one, packages need not be read. */
  packages: boolean;
  /**
   * The events whose all-time totals a rule reads: `accept` (afterAccept), `reject`
   * (maxRejects), `contact` (sequence rules without periodDays). Totals of other events
   * need not be read.
   */
  totals: readonly HistoryRow['event'][];
  /** The offers whose all-time contact totals a rule reads (the sequence rules' scopes); null: every offer. */
  contactOffers: readonly string[] | null;
  /**
   * Suppression windows (afterAccept {days}, afterReject): the accept and reject rows of
   * the last this many days (ending on the decision day, within the longest window) must
   * be in the window's rows with their own dates, not summed into a window's first day.
   * Absent when no offer has such a window.
   */
  responseDays?: number;
}

/** How many rows a member has for one (offer, channel, event), over all time. */
export interface HistoryTotal {
  offer: string;
  channel: string;
  /** `contact` when left out, as in a row. */
  event?: HistoryRow['event'];
  count: number;
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
  /**
   * The member's history as a store reads it, bounded (used instead of `history` when
   * given): see HistoryWindow. Gives the same decision as all the member's rows.
   */
  historyWindow?: HistoryWindow;
  /** Decision day, YYYY-MM-DD (UTC). */
  at: string;
  /** Offers wanted (capped by the point's maxOffers). */
  count: number;
  explain?: boolean;
  /**
   * Batch de-duplication (docs/decisions.md#batch-de-duplication): the offers already given
   * to earlier interaction points of the same batch, offer name → that point. They are not
   * given again here; the next offers in rank order take their place.
   */
  givenEarlier?: Record<string, string>;
  /**
   * What happened earlier in the member's session (docs/decisions.md#session-rules), read
   * when the channel has session rules: offers accepted and rejected in it, and how many
   * offers it has been given in all.
   */
  sessionActivity?: SessionActivity;
}

/** A session's activity so far, as the channel's session rules read it. */
export interface SessionActivity {
  /** Offers returned to this session so far, at every point (default 0). */
  offered?: number;
  /** Offers accepted in this session (events with logAccept). */
  accepted?: readonly string[];
  /** Offers rejected in this session (events with logReject). */
  rejected?: readonly string[];
}

export interface ChosenOffer {
  offer: string;
  score: number;
  rule: string;
  /** Ties an event to the offer shown: stable for (bundle, channel, point, rule, offer). */
  treatmentCode: string;
  /**
   * The offer's attributes as this decision gives them: its own, with those the rule sets
   * evaluated for the member (docs/decisions.md#offer-attributes). Shared with the bundle
   * when the rule sets none: read it, do not change it.
   */
  attributes: Readonly<Record<string, string | number | boolean>>;
}

export type ExplainOutcome =
  | 'chosen'
  | 'rule-disabled'
  | 'rule-not-effective'
  | 'not-in-segment'
  | 'not-eligible'
  | 'control-group'
  | 'offer-not-effective'
  | 'not-picked'
  | 'lower-score-duplicate'
  | 'suppressed'
  | 'given-earlier'
  | 'session-accepted'
  | 'session-rejected'
  | 'session-cap'
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
