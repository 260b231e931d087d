// The optimizer's public contract (docs/optimization-semantics.md): the problem
// it takes, its options, and the result with its report. Shared with the independent
// feasibility checker used by the tests, so it changes only with that contract.
import type { BundleBody, PolicyRuleType } from '../bundle/index.js';
import type { HistoryRow } from '../engine/index.js';

export interface ProposedContact {
  customerId: string;
  offer: string;
  channel: string;
  date: string; // YYYY-MM-DD
  score: number;
  cost: number; // default 0
  package: string; // default `${customerId}|${channel}|${date}`
  /** Every column of the input row, typed (numbers where they parse as numbers), and the ones above with their defaults: what `contact` is in an interactionsWhere expression. */
  fields: Record<string, string | number>;
}

/** The proposed contacts as columns (docs/optimization.md#memory), built by proposed-columns.ts. */
/** A column beyond the standard ones: a number per row (NaN when none) or a text id (-1 when none). */
export interface ExtraColumn {
  name: string;
  /** Per row: the value when it is a number, else NaN; null when no row has a number. */
  number: Float64Array | null;
  /** Per row: the index in `texts` when the value is text, else -1; null when no row has text. */
  text: Int32Array | null;
  texts: string[];
}

export interface ProposedColumns {
  readonly kind: 'columns';
  length: number;
  customerIds: string[];
  customer: Int32Array;
  offerNames: string[];
  offer: Int32Array;
  channelNames: string[];
  channel: Int32Array;
  /** Absolute day number (days since 1970-01-01). */
  day: Int32Array;
  score: Float64Array;
  cost: Float64Array;
  packageNames: string[];
  /** Package id, or -1 for the default package `customerId|channel|date`. */
  pkg: Int32Array;
  extra: ExtraColumn[];
}

export interface AudienceMember {
  customerId: string;
  /** Profile attributes as read (strings from CSV are converted with the declared types). */
  profile: Record<string, unknown>;
}

export interface OptimizeProblem {
  bundle: BundleBody;
  policy: string; // OptimizationPolicy name
  proposed: ProposedContact[];
  history: HistoryRow[];
  audience: AudienceMember[];
  at?: string; // decision day for segment `now`; default earliest proposed date
}

/** The same problem with the proposed contacts as columns (readProposedColumns): what large inputs use. */
export type ColumnarOptimizeProblem = Omit<OptimizeProblem, 'proposed'> & { proposed: ProposedColumns };

/** Either form of the problem. */
export type AnyOptimizeProblem = OptimizeProblem | ColumnarOptimizeProblem;

export interface OptimizeOptions {
  /** 'auto' (default) may use an exact MIP on small inputs; 'never' forces the scalable heuristic path. */
  exact?: 'auto' | 'never';
  seed?: number;
  onProgress?: (done: number, total: number, phase: string) => void;
  /** Solve only the customers of one hash shard (docs/optimization.md#beyond-one-machine-shards), with fixed prices. */
  shard?: { index: number; count: number };
  /** Capacity prices to start from (or, with `shard`, to use as they are). */
  prices?: CapacityPrices;
  /**
   * Empty the problem's `history` and `audience` lists once the model holds what it needs
   * of them (default false), so a caller that read them only for this run does not keep
   * their rows in memory for its whole length (docs/optimization.md#memory).
   */
  releaseInputs?: boolean;
  /**
   * Called with the chosen rows (input indexes, ascending, as the result's `chosen`) once
   * the selection is final, before the last check of every hard rule and the report: a
   * caller may start writing them meanwhile, but must not let anyone read them before
   * optimizeContacts resolves — when the check fails, it rejects (docs/optimization.md#running-it).
   */
  onChosen?: (chosen: readonly number[]) => void;
  /**
   * Threads the per-customer solves run on: 1, or 2 (this one and a worker); by default 2
   * from 200,000 proposed rows on. The choice and the bound are the same either way.
   */
  threads?: 1 | 2;
}

/** One rule's line in the report. */
export interface RuleReport {
  name: string;
  type: PolicyRuleType;
  /** Proposed contacts not chosen that this rule forbids: filtered out up front, or that
   *  would break it if added to the final selection. */
  removed: number;
  /** True when the rule changed the result: it removed a contact, or one of its minimums is unmet. */
  binds: boolean;
}

/** A minimum the proposed contacts could not meet (or that the optimizer did not reach). */
export interface UnmetMinimum {
  rule: string;
  type: 'offerCapacity' | 'customCapacity' | 'customerOfferCount';
  window: { from: string; to: string };
  customerId?: string;
  required: number;
  achieved: number;
  shortfall: number;
}

/** A window of a capacity rule, as calendar days (the whole horizon for a rule without periodDays). */
export interface ReportWindow {
  from: string;
  to: string;
}

/**
 * What one more unit of a capacity rule buys (docs/optimization.md#shadow-prices-what-one-more-unit-buys):
 * the objective gained per unit the rule's maximum is raised, and per unit its minimum is lowered.
 */
export interface ShadowPrice {
  rule: string;
  type: 'offerCapacity' | 'customCapacity';
  /** What one unit is: a contact (offerCapacity), one of the summed column (customCapacity sum), one of the average (customCapacity avg). */
  unit: 'contact' | 'sum' | 'average';
  /** 'resolve': measured by solving again with the bound moved (exact path); 'lagrangian': the final capacity prices (scalable path). */
  method: 'resolve' | 'lagrangian';
  /** Objective gained by raising the maximum by one unit in every window; 0 when the rule does not bind. */
  price: number;
  /** Windows at capacity (a contact left out would break them), and windows watched. */
  bindingWindows: number;
  windows: number;
  /** The largest single-window price, and the sum of the window prices. */
  largestWindowPrice: number;
  sumOverWindows: number;
  /** The window with the largest price (where the rule binds hardest); null when none has a price. */
  hardestWindow: ReportWindow | null;
  /** Objective gained by lowering the minimum by one unit in every window; null when the rule has no minimum. */
  minimumPrice: number | null;
  /** Binding windows whose price was not measured (the re-solve time budget ran out); 0 normally. */
  unmeasuredWindows: number;
}

export interface OptimizeReport {
  policy: string;
  /** Sum of `score` over the chosen contacts. */
  objective: number;
  /** An upper bound on the objective of any solution that keeps every hard rule. */
  upperBound: number;
  boundMethod: 'exact' | 'lp' | 'lagrangian';
  /** (upperBound − objective) / upperBound; 0 when both are 0. */
  gap: number;
  /** 'exact': a MIP solved to optimality; 'lagrangian': prices, repair and greedy fill. */
  method: 'exact' | 'lagrangian';
  rules: RuleReport[];
  unmetMinimums: UnmetMinimum[];
  /** Total shortfall below every minimum (0 when all are met). */
  totalShortfall: number;
  rowsIn: number;
  rowsOut: number;
  customers: number;
  timeMs: number;
  peakMemoryMb: number;
  iterations: number;
  shard?: { index: number; count: number };
  /** Per capacity rule (offerCapacity, customCapacity), what one more unit buys; highest price first. */
  shadowPrices: ShadowPrice[];
}

export interface OptimizeResult {
  /** Indexes into problem.proposed of the chosen rows, ascending. */
  chosen: number[];
  report: OptimizeReport;
  /** The capacity prices the run ended with (write them for sharded runs). */
  prices: CapacityPrices;
}

/** Capacity prices, keyed by rule name and window, portable between runs and shards. */
export interface CapacityPrices {
  policy: string;
  horizon: { from: string; to: string };
  /** rule name → window key `from..to` (horizon days) → price. */
  prices: Record<string, Record<string, number>>;
}
