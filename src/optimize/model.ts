// The optimizer's internal model (docs/optimization.md#how-it-works): proposed rows,
// history and customers as integer ids in typed arrays, rows grouped by customer and
// sorted by day, and every policy rule compiled by its handler (src/optimize/rules/) into
// row filters, per-customer structures or global capacity constraints. The bundle is read
// as the engine reads it: its segments and per-customer rules are compiled by the engine's
// shared code, and a bundle the engine would refuse is refused here too.
import type { BundleOfferScope } from '../bundle/index.js';
import { dayNumber, isoDay } from '../days.js';
import {
  checkCustomerRule,
  compileCustomerRule,
  compileSegments,
  EngineLoadError,
  isCustomerRule,
  type CompiledPolicyRule,
  type CompiledSegment,
  type CustomerContact,
  type CustomerRuleContext,
} from '../engine/index.js';
import { bundleShapes, ExpressionCompiler } from '../expr/index.js';
import { CustomerModel, CustomerStoreBuilder, emptyCustomerDraft, type CustomerStore } from './customer-model.js';
import { columnsOfContacts, isColumns, rowFields, rowPackage } from './proposed-columns.js';
import { InternalError } from '../errors.js';
import { OptimizeInputError } from './input-error.js';
import type { BuildContext, CustomerBuildContext, HistoryContacts, Model } from './model-types.js';
import { ruleHandlers } from './rules/registry.js';
import { evaluateMemberships } from './segments.js';
import type { AnyOptimizeProblem } from './types.js';

export type { BuildContext, CustomerBuildContext, GlobalPart, HistoryContacts, Memberships, Model } from './model-types.js';

/** The bundle's segments and the policy's per-customer rules, compiled as the engine compiles them. */
function compileReading(problem: AnyOptimizeProblem, policyName: string): { segments: CompiledSegment[]; customerRules: (CompiledPolicyRule | null)[] } {
  const bundle = problem.bundle;
  const policy = bundle.policies.find((p) => p.name === policyName)!;
  try {
    const expressions = new ExpressionCompiler(bundleShapes(bundle.channels));
    const segments = compileSegments(bundle, expressions);
    const segmentByName = new Map(segments.map((s) => [s.name, s]));
    const segmentNamed = (name: string | null, place: string): CompiledSegment | null => {
      if (name === null) return null;
      const segment = segmentByName.get(name);
      if (!segment) throw new EngineLoadError(`segment '${name}' is not in the bundle`, place);
      return segment;
    };
    const offers = new Map(bundle.offers.map((o, index) => [o.name, { index }]));
    const customerRules = policy.rules.map((rule) => (isCustomerRule(rule) ? compileCustomerRule(policy.name, policy.channel, rule, offers, segmentNamed, expressions) : null));
    for (const rule of policy.rules) if (rule.segment !== null) segmentNamed(rule.segment, `policy '${policy.name}' rule '${rule.name}'`);
    return { segments, customerRules };
  } catch (error) {
    if (error instanceof EngineLoadError) throw new OptimizeInputError('policy', -1, null, error.message);
    throw error;
  }
}

function intern(map: Map<string, number>, key: string): number {
  let id = map.get(key);
  if (id === undefined) {
    id = map.size;
    map.set(key, id);
  }
  return id;
}

/** How a shard builds its model (optimize.ts). */
export interface ShardBuild {
  /** The whole input's horizon (absolute days): a shard keeps it, so its windows — and the
   *  names of their prices — are the ones of a run over every row. */
  horizon?: { d0: number; d1: number };
  /** The share of every capacity the shard gets: a window is dropped as never binding only
   *  when the shard's rows cannot reach its share. */
  capacityShare?: number;
}

export function buildModel(problem: AnyOptimizeProblem, shard: ShardBuild = {}): Model {
  const horizon = shard.horizon;
  const policy = problem.bundle.policies.find((p) => p.name === problem.policy);
  if (!policy) {
    const known = problem.bundle.policies.map((p) => p.name).join(', ') || 'none';
    throw new OptimizeInputError('policy', -1, null, `policy '${problem.policy}' is not in the bundle (policies: ${known})`);
  }
  const rules = policy.rules;
  const table = isColumns(problem.proposed) ? problem.proposed : columnsOfContacts(problem.proposed);
  const n = table.length;
  const offerIds = new Map<string, number>();
  for (const offer of problem.bundle.offers) intern(offerIds, offer.name);
  const bundleOffers = offerIds.size;
  const channelIds = new Map<string, number>();
  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  // The table's own ids map onto the model's: offers as the bundle numbers them, customers
  // in order of first appearance (history customers after them).
  const offerOf = Int32Array.from(table.offerNames, (name) => offerIds.get(name) ?? -1);
  const tableChannel = Int32Array.from(table.channelNames, (name) => intern(channelIds, name));
  const customerOf = new Int32Array(table.customerIds.length).fill(-1);
  const absDay = table.day;
  const score = table.score;
  let d0 = Infinity;
  let d1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = absDay[i]!;
    const o = offerOf[table.offer[i]!]!;
    if (o === -1 || o >= bundleOffers) throw new OptimizeInputError('proposed', i, 'offer', `offer '${table.offerNames[table.offer[i]!]}' is not an offer of the bundle`);
    if (!Number.isFinite(score[i]!)) throw new OptimizeInputError('proposed', i, 'score', `'score' must be a number, got ${JSON.stringify(score[i])}`);
    const local = table.customer[i]!;
    if (customerOf[local] === -1) {
      const id = table.customerIds[local]!;
      customerOf[local] = customerIds.length;
      customerIndex.set(id, customerIds.length);
      customerIds.push(id);
    }
    if (d < d0) d0 = d;
    if (d > d1) d1 = d;
  }
  // The model's ids are the table's when the table numbers them the same way (a table read
  // from a file interns customers and channels in order of first appearance too): its
  // columns are then used as they are, not copied (docs/optimization.md#memory).
  const offer = mappedColumn(table.offer, offerOf);
  const channel = mappedColumn(table.channel, tableChannel);
  const customer = mappedColumn(table.customer, customerOf);
  if (n === 0) d0 = d1 = problem.at ? dayNumber(problem.at) : 0;
  if (horizon && n > 0) {
    d0 = Math.min(d0, horizon.d0);
    d1 = Math.max(d1, horizon.d1);
  }
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
    pkg: new Int32Array(contacts.length),
    packageNames: [],
    channelNames: [],
  };
  // Named packages are interned; a contact without one has the default package (customer,
  // channel, date), named only when a rule reads it: a string per contact would cost more
  // than the contact's ids together (docs/optimization.md#memory).
  const packageIds = new Map<string, number>();
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
    history.pkg[hi] = r.package ? intern(packageIds, r.package) : -1;
    hi++;
  }
  history.packageNames = [...packageIds.keys()];
  history.channelNames = [...channelIds.keys()];

  const at = problem.at ?? (n > 0 ? isoDay(d0) : '1970-01-01');
  if (problem.at !== undefined && Number.isNaN(dayNumber(problem.at))) throw new OptimizeInputError('policy', -1, null, `'at' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(problem.at)}`);
  const { segments, customerRules } = compileReading(problem, policy.name);
  const segmentNames = new Set(rules.map((r) => r.segment).filter((s): s is string => s !== null));
  const wanted = segments.filter((s) => segmentNames.has(s.name));
  const memberships = evaluateMemberships(problem.bundle, segments, wanted, problem.audience, customerIndex, customerIds.length, at);

  // A policy has a few scopes, asked for once per row and rule: found by identity in a
  // short list, which is cheaper than a hash lookup.
  const maskScopes: BundleOfferScope[] = [];
  const masks: Uint8Array[] = [];
  const offerMask = (scope: BundleOfferScope): Uint8Array => {
    for (let i = 0; i < maskScopes.length; i++) if (maskScopes[i] === scope) return masks[i]!;
    const mask = new Uint8Array(offerIds.size);
    if (scope.offers === null) mask.fill(1);
    else
      for (const name of scope.offers) {
        const id = offerIds.get(name);
        if (id !== undefined) mask[id] = 1;
      }
    maskScopes.push(scope);
    masks.push(mask);
    return mask;
  };

  const model: Model = {
    problem: { bundle: problem.bundle, policy: problem.policy },
    table,
    rules,
    n,
    capacityShare: shard.capacityShare ?? 1,
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
    customerRules,
    // On shared memory: the solver threads read it (solve-pool.ts).
    forbidden: new Int32Array(new SharedArrayBuffer(4 * n)).fill(-1),
    removedUpFront: new Int32Array(rules.length),
    customerStore: null as unknown as CustomerStore, // set once every customer is built
    customers: [],
    // Customer models are numbered as the customers are (below): the same column.
    rowCustomerModel: customer,
    rowLocal: new Int32Array(n).fill(-1),
    parts: [],
    rowPartStart: new Int32Array(n + 1),
    rowPart: new Int32Array(0),
    rowPartEntry: new Int32Array(0),
    offerMask,
  };

  const lastMark = new Int32Array(n).fill(-1);
  const inSegment = (segment: string | null, c: number): boolean => segment === null || (memberships.get(segment)?.[c] ?? 0) === 1;
  const channelOf = (name: string | null): number => (name === null ? -1 : channelIds.get(name) ?? -2);
  // One proposed row as a candidate contact of the shared per-customer checks (reused). Its
  // package is named only when a check reads it: the row filters never do.
  let candidateRow = 0;
  const candidate: CustomerContact = {
    offer: 0,
    day: 0,
    channel: '',
    get package() {
      return rowPackage(table, candidateRow);
    },
    count: 1,
  };
  const rowContext: CustomerRuleContext = {
    history: [],
    packages: [],
    chosen: [],
    inSegment: (segment) => inSegment(segment.name, customer[candidateRow]!),
    contactFields: () => rowFields(table, candidateRow),
    reportError: () => undefined, // a failing where is false for the row, as in a decision
    offerName: (o) => problem.bundle.offers[o]?.name ?? '',
  };
  const build: BuildContext = {
    model,
    rowViolation: (row, rule) => {
      const compiled = customerRules[rule];
      if (!compiled) return null;
      candidate.offer = offer[row]!;
      candidate.day = absDay[row]!;
      candidate.channel = table.channelNames[table.channel[row]!]!;
      candidateRow = row;
      return checkCustomerRule(compiled, candidate, rowContext);
    },
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
  const order = rowsByCustomerAndDay(customer, absDay, customerIds.length);
  const historyOrder = Array.from({ length: hi }, (_, i) => i);
  historyOrder.sort((a, b) => history.customer[a]! - history.customer[b]! || history.day[a]! - history.day[b]!);
  const perCustomer = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => ruleHandlers[rule.type].customer !== undefined);
  const store = new CustomerStoreBuilder();
  let hp = 0;
  for (let start = 0; start < n; ) {
    const c = customer[order[start]!]!;
    let end = start;
    while (end < n && customer[order[end]!] === c) end++;
    const rows: number[] = [];
    for (let at = start; at < end; at++) rows.push(order[at]!);
    while (hp < hi && history.customer[historyOrder[hp]!]! < c) hp++;
    const customerHistory: number[] = [];
    let hq = hp;
    while (hq < hi && history.customer[historyOrder[hq]!] === c) customerHistory.push(historyOrder[hq++]!);
    const draft = emptyCustomerDraft(c, rows);
    const context: CustomerBuildContext = {
      build,
      customerModel: draft,
      history: customerHistory,
      forbidLocal: (local, rule) => build.forbid(rows[local]!, rule),
    };
    for (const { rule, index } of perCustomer) ruleHandlers[rule.type].customer!(rule as never, index, context);
    const id = store.append(draft, customerHistory);
    // Customers with proposed rows are numbered 0, 1, … before any history-only customer,
    // and are visited in that order: model id and customer index agree, which is what lets
    // rowCustomerModel be the customer column itself.
    if (id !== c) throw new InternalError(`customer model ${id} is customer ${c}: the customers are not numbered in row order`);
    for (let local = 0; local < rows.length; local++) model.rowLocal[rows[local]!] = local;
    start = end;
  }
  model.customerStore = store.finish();
  model.customers = Array.from({ length: model.customerStore.first.length - 1 }, (_, id) => new CustomerModel(model.customerStore, id));

  // 3. Global rules: capacity constraints that couple customers.
  rules.forEach((rule, index) => {
    const parts = ruleHandlers[rule.type].global?.(rule as never, index, build);
    if (parts) model.parts.push(...parts);
  });
  indexParts(model);
  return model;
}

/** `column` with every id mapped through `to`; the column itself when `to` maps every id to itself. */
function mappedColumn(column: Int32Array, to: Int32Array): Int32Array {
  let same = true;
  for (let id = 0; id < to.length && same; id++) same = to[id] === id;
  if (same) return column;
  const out = new Int32Array(column.length);
  for (let i = 0; i < column.length; i++) out[i] = to[column[i]!]!;
  return out;
}

function indexParts(model: Model): void {
  const counts = new Int32Array(model.n + 1);
  for (const part of model.parts) for (const r of part.rows) counts[r + 1]!++;
  for (let i = 0; i < model.n; i++) counts[i + 1]! += counts[i]!;
  const fill = counts.slice(0, model.n);
  model.rowPart = new Int32Array(counts[model.n]!);
  model.rowPartEntry = new Int32Array(counts[model.n]!);
  model.parts.forEach((part, p) => {
    for (let j = 0; j < part.rows.length; j++) {
      const r = part.rows[j]!;
      const at = fill[r]!++;
      model.rowPart[at] = p;
      model.rowPartEntry[at] = j;
    }
  });
  model.rowPartStart = counts;
}

/**
 * Row ids ordered by customer, then day, then row: a counting sort by customer (linear in
 * the rows, where a comparison sort of ten million rows takes most of a minute) and an
 * insertion sort of each customer's few rows by day.
 */
function rowsByCustomerAndDay(customer: Int32Array, day: Int32Array, customers: number): Int32Array {
  const n = customer.length;
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < n; i++) start[customer[i]! + 1]!++;
  for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
  const next = start.slice(0, customers);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[next[customer[i]!]!++] = i;
  for (let c = 0; c < customers; c++) {
    if (start[c + 1]! - start[c]! > 32) {
      // A customer with many rows: a comparison sort (insertion sort is quadratic).
      const group = order.subarray(start[c], start[c + 1]);
      group.set(Array.from(group).sort((a, b) => day[a]! - day[b]! || a - b));
      continue;
    }
    for (let a = start[c]! + 1; a < start[c + 1]!; a++) {
      const row = order[a]!;
      let b = a - 1;
      while (b >= start[c]! && day[order[b]!]! > day[row]!) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = row;
    }
  }
  return order;
}
