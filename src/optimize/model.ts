// The optimizer's internal model (SPEC §6): proposed rows, history and customers as
// integer ids in typed arrays, rows grouped by customer and sorted by day, and every
// policy rule compiled by its handler (src/optimize/rules/) into row filters,
// per-customer structures or global capacity constraints.
import type { BundleOfferScope, BundlePolicyRule } from '../bundle/types.js';
import { dayNumber, isoDay } from '../days.js';
import { emptyCustomerModel, type CustomerModel } from './customer-model.js';
import { OptimizeInputError } from './input-error.js';
import { ruleHandlers } from './rules/registry.js';
import { evaluateMemberships, type Memberships } from './segments.js';
import type { OptimizeProblem } from './types.js';

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
  package: string[];
}

export interface Model {
  problem: OptimizeProblem;
  rules: BundlePolicyRule[];
  n: number;
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
  /** -1, or the first rule that removes the row before optimization. */
  forbidden: Int32Array;
  /** Rows each rule removed before optimization. */
  removedUpFront: Int32Array;
  customers: CustomerModel[];
  /** Per row: its customer model and local index. */
  rowCustomerModel: Int32Array;
  rowLocal: Int32Array;
  parts: GlobalPart[];
  /** Per row: the global parts it is in, with coefficients (CSR). */
  rowPartStart: Int32Array;
  rowPart: Int32Array;
  rowPartCoef: Float64Array;
  /** Offer masks by scope, cached. */
  offerMask: (scope: BundleOfferScope) => Uint8Array;
}

/** What a rule handler receives while the model is built. */
export interface BuildContext {
  model: Model;
  forbid: (row: number, rule: number) => void;
  /** Row in the rule's offer scope, channel and (when `withSegment`) segment. */
  rowInScope: (row: number, scope: BundleOfferScope | null, rule: BundlePolicyRule, withSegment: boolean) => boolean;
  historyInScope: (h: number, scope: BundleOfferScope | null, rule: BundlePolicyRule, withSegment: boolean) => boolean;
  inSegment: (segment: string | null, customer: number) => boolean;
}

/** What a per-customer rule handler receives for one customer. */
export interface CustomerBuildContext {
  build: BuildContext;
  customerModel: CustomerModel;
  /** History contact indexes of this customer, sorted by day. */
  history: number[];
  forbidLocal: (local: number, rule: number) => void;
}

function intern(map: Map<string, number>, key: string): number {
  let id = map.get(key);
  if (id === undefined) {
    id = map.size;
    map.set(key, id);
  }
  return id;
}

export function buildModel(problem: OptimizeProblem): Model {
  const policy = problem.bundle.policies.find((p) => p.name === problem.policy);
  if (!policy) {
    const known = problem.bundle.policies.map((p) => p.name).join(', ') || 'none';
    throw new OptimizeInputError('policy', -1, null, `policy '${problem.policy}' is not in the bundle (policies: ${known})`);
  }
  const rules = policy.rules;
  const n = problem.proposed.length;
  const offerIds = new Map<string, number>();
  for (const offer of problem.bundle.offers) intern(offerIds, offer.name);
  const bundleOffers = offerIds.size;
  const channelIds = new Map<string, number>();
  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const absDay = new Int32Array(n);
  const offer = new Int32Array(n);
  const channel = new Int32Array(n);
  const customer = new Int32Array(n);
  const score = new Float64Array(n);
  let d0 = Infinity;
  let d1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const row = problem.proposed[i]!;
    const d = dayNumber(row.date);
    if (Number.isNaN(d)) throw new OptimizeInputError('proposed', i, 'date', `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(row.date)}`);
    const o = offerIds.get(row.offer);
    if (o === undefined || o >= bundleOffers) throw new OptimizeInputError('proposed', i, 'offer', `offer '${row.offer}' is not an offer of the bundle`);
    if (!Number.isFinite(row.score)) throw new OptimizeInputError('proposed', i, 'score', `'score' must be a number, got ${JSON.stringify(row.score)}`);
    absDay[i] = d;
    offer[i] = o;
    channel[i] = intern(channelIds, row.channel);
    let c = customerIndex.get(row.customerId);
    if (c === undefined) {
      c = customerIds.length;
      customerIndex.set(row.customerId, c);
      customerIds.push(row.customerId);
    }
    customer[i] = c;
    score[i] = row.score;
    if (d < d0) d0 = d;
    if (d > d1) d1 = d;
  }
  if (n === 0) d0 = d1 = problem.at ? dayNumber(problem.at) : 0;
  const h = d1 - d0 + 1;
  const day = new Int32Array(n);
  for (let i = 0; i < n; i++) day[i] = absDay[i]! - d0;

  // History contacts (responses never count as contacts).
  const contacts = problem.history.filter((r) => (r.event ?? 'contact') === 'contact');
  const history: HistoryContacts = {
    customer: new Int32Array(contacts.length),
    offer: new Int32Array(contacts.length),
    channel: new Int32Array(contacts.length),
    day: new Int32Array(contacts.length),
    package: new Array<string>(contacts.length),
  };
  let hi = 0;
  for (let i = 0; i < problem.history.length; i++) {
    const r = problem.history[i]!;
    if ((r.event ?? 'contact') !== 'contact') continue;
    const d = dayNumber(r.date);
    if (Number.isNaN(d)) throw new OptimizeInputError('history', i, 'date', `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(r.date)}`);
    let c = customerIndex.get(r.customerId);
    if (c === undefined) {
      c = customerIds.length;
      customerIndex.set(r.customerId, c);
      customerIds.push(r.customerId);
    }
    history.customer[hi] = c;
    history.offer[hi] = intern(offerIds, r.offer);
    history.channel[hi] = intern(channelIds, r.channel);
    history.day[hi] = d;
    history.package[hi] = r.package ? r.package : `${r.customerId}|${r.channel}|${r.date}`;
    hi++;
  }

  const at = problem.at ?? (n > 0 ? isoDay(d0) : '1970-01-01');
  if (problem.at !== undefined && Number.isNaN(dayNumber(problem.at))) throw new OptimizeInputError('policy', -1, null, `'at' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(problem.at)}`);
  const segmentNames = [...new Set(rules.map((r) => r.segment).filter((s): s is string => s !== null))];
  const memberships = evaluateMemberships(problem.bundle, segmentNames, problem.audience, customerIndex, customerIds.length, at);

  const maskCache = new WeakMap<BundleOfferScope, Uint8Array>();
  const offerMask = (scope: BundleOfferScope): Uint8Array => {
    let mask = maskCache.get(scope);
    if (!mask) {
      mask = new Uint8Array(offerIds.size);
      if (scope.offers === null) mask.fill(1);
      else
        for (const name of scope.offers) {
          const id = offerIds.get(name);
          if (id !== undefined) mask[id] = 1;
        }
      maskCache.set(scope, mask);
    }
    return mask;
  };

  const model: Model = {
    problem,
    rules,
    n,
    d0,
    d1,
    h,
    absDay,
    day,
    offer,
    channel,
    customer,
    score,
    offerIds,
    channelIds,
    customerIds,
    customerIndex,
    memberships,
    history,
    forbidden: new Int32Array(n).fill(-1),
    removedUpFront: new Int32Array(rules.length),
    customers: [],
    rowCustomerModel: new Int32Array(n).fill(-1),
    rowLocal: new Int32Array(n).fill(-1),
    parts: [],
    rowPartStart: new Int32Array(n + 1),
    rowPart: new Int32Array(0),
    rowPartCoef: new Float64Array(0),
    offerMask,
  };

  const lastMark = new Int32Array(n).fill(-1);
  const inSegment = (segment: string | null, c: number): boolean => segment === null || (memberships.get(segment)?.[c] ?? 0) === 1;
  const channelOf = (name: string | null): number => (name === null ? -1 : channelIds.get(name) ?? -2);
  const build: BuildContext = {
    model,
    forbid: (row, rule) => {
      if (model.forbidden[row] === -1) model.forbidden[row] = rule;
      if (lastMark[row] !== rule) {
        lastMark[row] = rule;
        model.removedUpFront[rule]!++;
      }
    },
    rowInScope: (row, scope, rule, withSegment) => {
      if (scope && offerMask(scope)[offer[row]!] !== 1) return false;
      if (rule.channel !== null && channel[row] !== channelOf(rule.channel)) return false;
      return !withSegment || inSegment(rule.segment, customer[row]!);
    },
    historyInScope: (h2, scope, rule, withSegment) => {
      if (scope && offerMask(scope)[history.offer[h2]!] !== 1) return false;
      if (rule.channel !== null && history.channel[h2] !== channelOf(rule.channel)) return false;
      return !withSegment || inSegment(rule.segment, history.customer[h2]!);
    },
    inSegment,
  };

  // 1. Filters, over every row.
  rules.forEach((rule, index) => ruleHandlers[rule.type].filter?.(rule as never, index, build));

  // 2. Per-customer rules, customer by customer (rows sorted by day).
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => customer[a]! - customer[b]! || absDay[a]! - absDay[b]! || a - b);
  const historyOrder = Array.from({ length: hi }, (_, i) => i);
  historyOrder.sort((a, b) => history.customer[a]! - history.customer[b]! || history.day[a]! - history.day[b]!);
  const customerRules = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => ruleHandlers[rule.type].customer !== undefined);
  let hp = 0;
  for (let start = 0; start < n; ) {
    const c = customer[order[start]!]!;
    let end = start;
    while (end < n && customer[order[end]!] === c) end++;
    const rows = order.slice(start, end);
    while (hp < hi && history.customer[historyOrder[hp]!]! < c) hp++;
    const customerHistory: number[] = [];
    let hq = hp;
    while (hq < hi && history.customer[historyOrder[hq]!] === c) customerHistory.push(historyOrder[hq++]!);
    const customerModel = emptyCustomerModel(c, rows);
    const context: CustomerBuildContext = {
      build,
      customerModel,
      history: customerHistory,
      forbidLocal: (local, rule) => build.forbid(rows[local]!, rule),
    };
    for (const { rule, index } of customerRules) ruleHandlers[rule.type].customer!(rule as never, index, context);
    const id = model.customers.length;
    model.customers.push(customerModel);
    rows.forEach((row, local) => {
      model.rowCustomerModel[row] = id;
      model.rowLocal[row] = local;
    });
    start = end;
  }

  // 3. Global rules: capacity constraints that couple customers.
  rules.forEach((rule, index) => {
    const parts = ruleHandlers[rule.type].global?.(rule as never, index, build);
    if (parts) model.parts.push(...parts);
  });
  indexParts(model);
  return model;
}

function indexParts(model: Model): void {
  const counts = new Int32Array(model.n + 1);
  for (const part of model.parts) for (const r of part.rows) counts[r + 1]!++;
  for (let i = 0; i < model.n; i++) counts[i + 1]! += counts[i]!;
  const fill = counts.slice(0, model.n);
  model.rowPart = new Int32Array(counts[model.n]!);
  model.rowPartCoef = new Float64Array(counts[model.n]!);
  model.parts.forEach((part, p) => {
    for (let j = 0; j < part.rows.length; j++) {
      const r = part.rows[j]!;
      const at = fill[r]!++;
      model.rowPart[at] = p;
      model.rowPartCoef[at] = part.coef[j]!;
    }
  });
  model.rowPartStart = counts;
}
