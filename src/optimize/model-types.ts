// The optimizer's model as every part of it sees it (docs/optimization.md#how-it-works):
// proposed rows, history and customers as integer ids in typed arrays, the global
// capacity parts, and what a rule handler receives while the model is built. Types only,
// so the rule handlers (rules/) and the builder (model.ts) share them without importing
// each other.
import type { BundleOfferScope, BundlePolicyRule } from '../bundle/index.js';
import type { CompiledPolicyRule } from '../engine/index.js';
import type { CustomerDraft, CustomerModel, CustomerStore } from './customer-model.js';
import type { ProposedColumns } from './proposed-columns.js';
import type { AnyOptimizeProblem } from './types.js';

/** segment name → membership flag per customer index. */
export type Memberships = Map<string, Uint8Array>;

/** A linear constraint family of one global rule, over horizon days. */
export interface GlobalPart {
  rule: number;
  /** What the coefficient is: a count, a field value, or an avg bound's (v − max) / (min − v). */
  kind: 'count' | 'sum' | 'avgMax' | 'avgMin';
  /** Scoped candidate rows and their coefficients. */
  rows: Int32Array;
  coef: Float64Array;
  /** Hard windows: Σ coef·x over rows with day in [from, to] ≤ rhs. */
  from: Int32Array;
  to: Int32Array;
  rhs: Float64Array;
  start: Int32Array;
  /** Minimum windows (soft): Σ coef·x over [minFrom, minTo] ≥ minNeed. */
  minFrom: Int32Array;
  minTo: Int32Array;
  minNeed: Float64Array;
  minStart: Int32Array;
}

export interface HistoryContacts {
  customer: Int32Array;
  offer: Int32Array;
  channel: Int32Array;
  day: Int32Array;
  /** Per contact: its package as an id in `packageNames`, or -1 for the default package, which
   *  is named from the customer, channel and date when it is read (history-contacts.ts). */
  pkg: Int32Array;
  packageNames: string[];
  /** Channel names by the model's channel id. */
  channelNames: string[];
}

export interface Model {
  /** The bundle and the policy's name (the rows are `table`; history and audience are read
   *  into `history` and `memberships`, so the problem's own lists may be let go). */
  problem: Pick<AnyOptimizeProblem, 'bundle' | 'policy'>;
  /** The proposed rows as columns (row ids are the model's). */
  table: ProposedColumns;
  rules: BundlePolicyRule[];
  n: number;
  /** 1, or the share of every count and sum capacity a shard gets (shard.ts). */
  capacityShare: number;
  /** Horizon: earliest and latest proposed day (absolute), length h. */
  d0: number;
  d1: number;
  h: number;
  /** Per row: absolute day, horizon day, ids. */
  absDay: Int32Array;
  day: Int32Array;
  offer: Int32Array;
  channel: Int32Array;
  customer: Int32Array;
  score: Float64Array;
  offerIds: Map<string, number>;
  channelIds: Map<string, number>;
  customerIds: string[];
  customerIndex: Map<string, number>;
  memberships: Memberships;
  history: HistoryContacts;
  /** Per policy rule: the shared per-customer check (engine/customer-rules.ts), null for capacity rules. */
  customerRules: (CompiledPolicyRule | null)[];
  /** -1, or the first rule that removes the row before optimization. */
  forbidden: Int32Array;
  /** Rows each rule removed before optimization. */
  removedUpFront: Int32Array;
  /** Every customer's own rules in flat arrays, and one small view per customer model. */
  customerStore: CustomerStore;
  customers: CustomerModel[];
  /** Per row: its customer model and local index. */
  rowCustomerModel: Int32Array;
  rowLocal: Int32Array;
  parts: GlobalPart[];
  /** Per row: the global parts it is in (CSR), and per entry its position in the part's
   *  `rows` and `coef` (the coefficient is stored once, in the part). */
  rowPartStart: Int32Array;
  rowPart: Int32Array;
  rowPartEntry: Int32Array;
  /** Offer masks by scope, cached. */
  offerMask: (scope: BundleOfferScope) => Uint8Array;
}

/** What a rule handler receives while the model is built. */
export interface BuildContext {
  model: Model;
  forbid: (row: number, rule: number) => void;
  /** Why per-customer rule `rule` does not allow row `row` on its own (no other contact), or null. */
  rowViolation: (row: number, rule: number) => string | null;
  /** Row in the rule's offer scope, channel and (when `withSegment`) segment. */
  rowInScope: (row: number, scope: BundleOfferScope | null, rule: BundlePolicyRule, withSegment: boolean) => boolean;
  historyInScope: (h: number, scope: BundleOfferScope | null, rule: BundlePolicyRule, withSegment: boolean) => boolean;
  inSegment: (segment: string | null, customer: number) => boolean;
}

/** What a per-customer rule handler receives for one customer. */
export interface CustomerBuildContext {
  build: BuildContext;
  customerModel: CustomerDraft;
  /** History contact indexes of this customer, sorted by day. */
  history: number[];
  forbidLocal: (local: number, rule: number) => void;
}
