// One customer's share of the problem (docs/optimization-semantics.md#the-ten-rules, the per-customer ones): the customer's
// candidate rows and the rules that only look at this customer — count caps in rolling
// windows, distinct-package caps, pairs that cannot both be chosen, rows that need
// another row, and minimums. The per-customer solver, the repair and the final check
// all read this one structure.
//
// Memory layout (docs/optimization.md#memory): a rule handler fills a CustomerDraft of
// plain lists for one customer at a time; the finished draft is appended to the
// CustomerStore, which holds every customer's lists in flat typed arrays (one offsets
// array and one values array per kind, over all customers). A CustomerModel is a small
// view of one customer: its rows and where its caps, package caps and minimums start in
// the store. Ten million rows would otherwise mean tens of millions of small JS arrays.

/** A minimum while it is built: at least `need` of `rows` chosen (history already subtracted). */
export interface CustomerMinimum {
  rule: number;
  rows: number[];
  /** The largest need among the windows holding exactly these rows. */
  need: number;
  start: number;
  end: number;
  /** Every calendar window holding exactly these rows: its first and last day and need. */
  windows: { start: number; end: number; need: number }[];
}

/** One customer's rules while the rule handlers add them (local row ids: positions in `rows`). */
export interface CustomerDraft {
  customer: number;
  /** Global row ids of the customer's rows, sorted by day (local index = position). */
  rows: number[];
  caps: { rule: number; rows: number[]; limit: number }[];
  pkgOf: number[];
  pkgCaps: { rule: number; rows: number[]; limit: number }[];
  /** Per row: the rows it cannot be chosen with, and the rule of each pair (empty until the
   *  customer's first conflict: most customers have none). */
  conflicts: number[][];
  conflictRule: number[][];
  /** Requirements: row `row` may be chosen only with one of `candidates`. */
  requirements: { row: number; rule: number; candidates: number[] }[];
  mins: CustomerMinimum[];
}

export function emptyCustomerDraft(customer: number, rows: number[]): CustomerDraft {
  const k = rows.length;
  return {
    customer,
    rows,
    caps: [],
    pkgOf: new Array<number>(k).fill(0),
    pkgCaps: [],
    conflicts: [],
    conflictRule: [],
    requirements: [],
    mins: [],
  };
}

export function addCap(draft: CustomerDraft, rule: number, rows: number[], limit: number): void {
  draft.caps.push({ rule, rows, limit });
}

export function addPackageCap(draft: CustomerDraft, rule: number, rows: number[], limit: number): void {
  draft.pkgCaps.push({ rule, rows, limit });
}

export function addConflict(draft: CustomerDraft, rule: number, a: number, b: number): void {
  if (a === b) return;
  if (draft.conflicts.length === 0) {
    draft.conflicts = Array.from({ length: draft.rows.length }, () => []);
    draft.conflictRule = Array.from({ length: draft.rows.length }, () => []);
  }
  if (draft.conflicts[a]!.includes(b)) return;
  draft.conflicts[a]!.push(b);
  draft.conflictRule[a]!.push(rule);
  draft.conflicts[b]!.push(a);
  draft.conflictRule[b]!.push(rule);
}

/** Row `b` may be chosen only together with one of `candidates`. */
export function addRequirement(draft: CustomerDraft, rule: number, b: number, candidates: number[]): void {
  draft.requirements.push({ row: b, rule, candidates });
}

export function addMinimum(draft: CustomerDraft, minimum: CustomerMinimum): void {
  draft.mins.push(minimum);
}

type TypedColumn = Int32Array | Float64Array;

/** Values a column grows by at a time. */
const CHUNK = 1 << 16;

/**
 * A growing typed array held as fixed-size chunks, joined into one exact array by
 * `finish`. Doubling one array would hold up to twice the values while the model is
 * built, and three times while it is trimmed; chunks hold the values once, plus one
 * chunk (docs/optimization.md#memory).
 */
class GrowingColumn<T extends TypedColumn> {
  private chunks: T[] = [];
  private current: T;
  private fill = 0;
  length = 0;
  constructor(private readonly make: (size: number) => T) {
    this.current = make(CHUNK);
  }
  push(value: number): void {
    if (this.fill === CHUNK) {
      this.chunks.push(this.current);
      this.current = this.make(CHUNK);
      this.fill = 0;
    }
    this.current[this.fill++] = value;
    this.length++;
  }
  /** The values in one array, on shared memory: the solver threads read the store as it is (solve-pool.ts). */
  finish(): T {
    const Typed = this.current.constructor as new (buffer: SharedArrayBuffer) => T;
    const out = new Typed(new SharedArrayBuffer(this.length * this.current.BYTES_PER_ELEMENT));
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(this.current.subarray(0, this.fill), at);
    this.chunks = [];
    this.current = this.make(0);
    this.fill = 0;
    return out;
  }
}

/** Ints: offsets, rule and window indexes. */
class IntColumn extends GrowingColumn<Int32Array> {
  constructor() {
    super((size) => new Int32Array(size));
  }
}

/** Doubles: limits and needs (counts, but kept exact whatever they are). */
class FloatColumn extends GrowingColumn<Float64Array> {
  constructor() {
    super((size) => new Float64Array(size));
  }
}

/** Lists in CSR form: list `i` is `items[start[i] .. start[i + 1])`. */
class ListsColumn {
  readonly start = new IntColumn();
  readonly items = new IntColumn();
  constructor() {
    this.start.push(0);
  }
  /** Closes list `this.start.length - 1`. */
  close(): void {
    this.start.push(this.items.length);
  }
  finish(): IntLists {
    return { start: this.start.finish(), items: this.items.finish() };
  }
}

export interface IntLists {
  start: Int32Array;
  items: Int32Array;
}

/**
 * Per-position lists that few customers have any of (conflicts, requirements): a start per
 * position would cost 4 bytes a row for nothing. `at[model]` is -1 when none of the
 * customer's rows has a list; otherwise the customer's `k` rows have their `k + 1` starts
 * at `start[at[model]] ..` (list of local row `i`: `items[start[at + i] .. start[at + i + 1])`).
 */
export interface SparseRowLists {
  at: Int32Array;
  start: Int32Array;
  items: Int32Array;
}

/** Sparse per-position lists while they are built, one customer at a time. */
class SparseRowListsColumn {
  private readonly at = new IntColumn();
  private readonly start = new IntColumn();
  readonly items = new IntColumn();
  /** Appends one customer's rows' lists (`lists[i]` for local row `i`; all may be empty). */
  append(lists: readonly (readonly number[])[]): void {
    if (lists.every((list) => list.length === 0)) {
      this.at.push(-1);
      return;
    }
    this.at.push(this.start.length);
    this.start.push(this.items.length);
    for (const list of lists) {
      for (const v of list) this.items.push(v);
      this.start.push(this.items.length);
    }
  }
  finish(): SparseRowLists {
    return { at: this.at.finish(), start: this.start.finish(), items: this.items.finish() };
  }
}

const EMPTY = new Int32Array(0);

function listOf(lists: IntLists, i: number): Int32Array {
  const a = lists.start[i]!;
  const b = lists.start[i + 1]!;
  return a === b ? EMPTY : lists.items.subarray(a, b);
}

/** The list of local row `i` of customer model `id`. */
function sparseListOf(lists: SparseRowLists, id: number, i: number): Int32Array {
  const at = lists.at[id]!;
  if (at === -1) return EMPTY;
  const a = lists.start[at + i]!;
  const b = lists.start[at + i + 1]!;
  return a === b ? EMPTY : lists.items.subarray(a, b);
}

/** Every customer's rules in flat arrays; positions are rows in customer-then-day order. */
export interface CustomerStore {
  /** Per position: the global row. Per customer model `c`: positions `first[c] .. first[c + 1]`. */
  rowAt: Int32Array;
  first: Int32Array;
  /** Per position: the row's package id (local to its customer). */
  pkgOf: Int32Array;
  /** Caps (ids global; a customer's are `capFirst[c] ..`): limit, rule, rows (local). */
  capFirst: Int32Array;
  capLimit: Float64Array;
  capRule: Int32Array;
  capRows: IntLists;
  /** Per position: the local ids of its caps. */
  rowCaps: IntLists;
  pkgFirst: Int32Array;
  pkgLimit: Float64Array;
  pkgRule: Int32Array;
  pkgRows: IntLists;
  rowPkgCaps: IntLists;
  /** Per position: local rows it conflicts with; `conflictRule` is parallel to the items. */
  conflicts: SparseRowLists;
  conflictRule: Int32Array;
  /** Per position: global requirement ids; per requirement its candidate local rows and rule. */
  rowRequirements: SparseRowLists;
  requirementRows: IntLists;
  requirementRule: Int32Array;
  /** Minimums (ids global): rule, need, rows (local), and windows (first day, last day, need). */
  minFirst: Int32Array;
  minRule: Int32Array;
  minNeed: Float64Array;
  minRows: IntLists;
  minWindowFirst: Int32Array;
  windowStart: Int32Array;
  windowEnd: Int32Array;
  windowNeed: Float64Array;
  /** Per position: local ids of its minimums. */
  rowMins: IntLists;
  /** Per customer model: its history contact indexes, sorted by day. */
  history: IntLists;
}

/** One customer's view of the store; local ids (rows, caps, minimums) count from 0. A view
 *  holds only its rows and id (one per customer: ten million rows mean a million views);
 *  where it starts in the store is read from the store when asked. */
export class CustomerModel {
  readonly rows: Int32Array;

  constructor(
    readonly store: CustomerStore,
    /** Model id (index in model.customers), which is also the customer index. */
    readonly id: number,
  ) {
    this.rows = store.rowAt.subarray(store.first[id], store.first[id + 1]);
  }

  /** Customer index: the model id (customers with rows are numbered first, in row order). */
  get customer(): number {
    return this.id;
  }
  /** Where the customer starts in the store: its first position, cap, package cap and minimum
   *  (the per-customer solver reads the store directly in its innermost loops). */
  get pos(): number {
    return this.store.first[this.id]!;
  }
  get capBase(): number {
    return this.store.capFirst[this.id]!;
  }
  get pkgBase(): number {
    return this.store.pkgFirst[this.id]!;
  }
  get minBase(): number {
    return this.store.minFirst[this.id]!;
  }
  get capCount(): number {
    return this.store.capFirst[this.id + 1]! - this.store.capFirst[this.id]!;
  }
  get pkgCapCount(): number {
    return this.store.pkgFirst[this.id + 1]! - this.store.pkgFirst[this.id]!;
  }
  get minCount(): number {
    return this.store.minFirst[this.id + 1]! - this.store.minFirst[this.id]!;
  }

  pkgOf(i: number): number {
    return this.store.pkgOf[this.pos + i]!;
  }
  capLimit(cap: number): number {
    return this.store.capLimit[this.capBase + cap]!;
  }
  capRule(cap: number): number {
    return this.store.capRule[this.capBase + cap]!;
  }
  capRows(cap: number): Int32Array {
    return listOf(this.store.capRows, this.capBase + cap);
  }
  capsOf(i: number): Int32Array {
    return listOf(this.store.rowCaps, this.pos + i);
  }
  pkgLimit(cap: number): number {
    return this.store.pkgLimit[this.pkgBase + cap]!;
  }
  pkgRule(cap: number): number {
    return this.store.pkgRule[this.pkgBase + cap]!;
  }
  pkgCapRows(cap: number): Int32Array {
    return listOf(this.store.pkgRows, this.pkgBase + cap);
  }
  pkgCapsOf(i: number): Int32Array {
    return listOf(this.store.rowPkgCaps, this.pos + i);
  }
  conflictsOf(i: number): Int32Array {
    return sparseListOf(this.store.conflicts, this.id, i);
  }
  /** The rule of the `j`-th conflict of row `i`. */
  conflictRule(i: number, j: number): number {
    const conflicts = this.store.conflicts;
    return this.store.conflictRule[conflicts.start[conflicts.at[this.id]! + i]! + j]!;
  }
  /** Requirement ids of row `i` (each: at least one of `requirementRows(q)` chosen with it). */
  requirementsOf(i: number): Int32Array {
    return sparseListOf(this.store.rowRequirements, this.id, i);
  }
  hasRequirements(i: number): boolean {
    const { at, start } = this.store.rowRequirements;
    const base = at[this.id]!;
    return base !== -1 && start[base + i + 1]! > start[base + i]!;
  }
  requirementRows(q: number): Int32Array {
    return listOf(this.store.requirementRows, q);
  }
  requirementRule(q: number): number {
    return this.store.requirementRule[q]!;
  }
  /** Is requirement `q` met by the chosen flags (global rows)? */
  requirementMet(q: number, chosen: Uint8Array): boolean {
    const { start, items } = this.store.requirementRows;
    for (let j = start[q]!; j < start[q + 1]!; j++) if (chosen[this.rows[items[j]!]!]) return true;
    return false;
  }
  minsOf(i: number): Int32Array {
    return listOf(this.store.rowMins, this.pos + i);
  }
  hasMinimums(i: number): boolean {
    const start = this.store.rowMins.start;
    return start[this.pos + i + 1]! > start[this.pos + i]!;
  }
  minRule(m: number): number {
    return this.store.minRule[this.minBase + m]!;
  }
  minNeed(m: number): number {
    return this.store.minNeed[this.minBase + m]!;
  }
  minRows(m: number): Int32Array {
    return listOf(this.store.minRows, this.minBase + m);
  }
  /** The calendar windows of minimum `m`: first day, last day and need of each. */
  minWindows(m: number): { start: number; end: number; need: number }[] {
    const s = this.store;
    const out: { start: number; end: number; need: number }[] = [];
    for (let w = s.minWindowFirst[this.minBase + m]!; w < s.minWindowFirst[this.minBase + m + 1]!; w++) out.push({ start: s.windowStart[w]!, end: s.windowEnd[w]!, need: s.windowNeed[w]! });
    return out;
  }
  /** Shortfall of minimum `m` for `count` chosen rows, summed over its windows. */
  minShortfall(m: number, count: number): number {
    const s = this.store;
    let total = 0;
    for (let w = s.minWindowFirst[this.minBase + m]!; w < s.minWindowFirst[this.minBase + m + 1]!; w++) {
      const need = s.windowNeed[w]!;
      if (count < need) total += need - count;
    }
    return total;
  }
  /** Total shortfall of every minimum with nothing chosen. */
  emptyShortfall(): number {
    let total = 0;
    for (let m = 0; m < this.minCount; m++) total += this.minShortfall(m, 0);
    return total;
  }
  /** History contact indexes of the customer, sorted by day. */
  history(): Int32Array {
    return listOf(this.store.history, this.id);
  }
}

/** Appends finished drafts, customer by customer, into the flat store. */
export class CustomerStoreBuilder {
  private readonly rowAt = new IntColumn();
  private readonly first = new IntColumn();
  private readonly pkgOf = new IntColumn();
  private readonly capFirst = new IntColumn();
  private readonly capLimit = new FloatColumn();
  private readonly capRule = new IntColumn();
  private readonly capRows = new ListsColumn();
  private readonly rowCaps = new ListsColumn();
  private readonly pkgFirst = new IntColumn();
  private readonly pkgLimit = new FloatColumn();
  private readonly pkgRule = new IntColumn();
  private readonly pkgRows = new ListsColumn();
  private readonly rowPkgCaps = new ListsColumn();
  private readonly conflicts = new SparseRowListsColumn();
  private readonly conflictRule = new IntColumn();
  private readonly rowRequirements = new SparseRowListsColumn();
  private readonly requirementRows = new ListsColumn();
  private readonly requirementRule = new IntColumn();
  private readonly minFirst = new IntColumn();
  private readonly minRule = new IntColumn();
  private readonly minNeed = new FloatColumn();
  private readonly minRows = new ListsColumn();
  private readonly minWindowFirst = new IntColumn();
  private readonly windowStart = new IntColumn();
  private readonly windowEnd = new IntColumn();
  private readonly windowNeed = new FloatColumn();
  private readonly rowMins = new ListsColumn();
  private readonly history = new ListsColumn();
  private customers = 0;
  private starts = new Int32Array(64);
  private ids = new Int32Array(256);

  private scratchStarts(size: number): Int32Array {
    if (this.starts.length < size) this.starts = new Int32Array(Math.max(size, this.starts.length * 2));
    return this.starts;
  }
  private scratchIds(size: number): Int32Array {
    if (this.ids.length < size) this.ids = new Int32Array(Math.max(size, this.ids.length * 2));
    return this.ids;
  }

  constructor() {
    this.first.push(0);
    this.capFirst.push(0);
    this.pkgFirst.push(0);
    this.minFirst.push(0);
    this.minWindowFirst.push(0);
  }

  /** Appends one customer; returns its model id. */
  append(draft: CustomerDraft, history: readonly number[]): number {
    const k = draft.rows.length;
    for (let i = 0; i < k; i++) {
      this.rowAt.push(draft.rows[i]!);
      this.pkgOf.push(draft.pkgOf[i]!);
    }
    this.first.push(this.rowAt.length);

    // Per-row lists are built by walking the per-customer items once per kind, in the
    // order the handlers added them (the solver's order of checks depends on it): counted
    // per row first, then filled into the builder's scratch, without a list per row.
    const perRow = (lists: ListsColumn, items: readonly { rows: readonly number[] }[]): void => {
      const at = this.scratchStarts(k + 1);
      at.fill(0, 0, k + 1);
      for (const item of items) for (const r of item.rows) at[r + 1]!++;
      for (let i = 0; i < k; i++) at[i + 1]! += at[i]!;
      const ids = this.scratchIds(at[k]!);
      items.forEach((item, id) => {
        for (const r of item.rows) ids[at[r]!++] = id;
      });
      // at[i] is now the end of row i's list (and the start of row i + 1's).
      for (let i = 0, e = 0; i < k; i++) {
        for (; e < at[i]!; e++) lists.items.push(ids[e]!);
        lists.close();
      }
    };
    for (const cap of draft.caps) {
      this.capLimit.push(cap.limit);
      this.capRule.push(cap.rule);
      for (const r of cap.rows) this.capRows.items.push(r);
      this.capRows.close();
    }
    this.capFirst.push(this.capLimit.length);
    perRow(this.rowCaps, draft.caps);
    for (const cap of draft.pkgCaps) {
      this.pkgLimit.push(cap.limit);
      this.pkgRule.push(cap.rule);
      for (const r of cap.rows) this.pkgRows.items.push(r);
      this.pkgRows.close();
    }
    this.pkgFirst.push(this.pkgLimit.length);
    perRow(this.rowPkgCaps, draft.pkgCaps);

    this.conflicts.append(draft.conflicts);
    for (const rules of draft.conflictRule) for (const rule of rules) this.conflictRule.push(rule);

    const base = this.requirementRule.length;
    const byRow: number[][] = draft.requirements.length === 0 ? [] : Array.from({ length: k }, () => []);
    draft.requirements.forEach((q, id) => {
      this.requirementRule.push(q.rule);
      for (const a of q.candidates) this.requirementRows.items.push(a);
      this.requirementRows.close();
      byRow[q.row]!.push(base + id);
    });
    this.rowRequirements.append(byRow);

    for (const minimum of draft.mins) {
      this.minRule.push(minimum.rule);
      this.minNeed.push(minimum.need);
      for (const r of minimum.rows) this.minRows.items.push(r);
      this.minRows.close();
      for (const w of minimum.windows) {
        this.windowStart.push(w.start);
        this.windowEnd.push(w.end);
        this.windowNeed.push(w.need);
      }
      this.minWindowFirst.push(this.windowStart.length);
    }
    this.minFirst.push(this.minRule.length);
    perRow(this.rowMins, draft.mins);

    for (const h of history) this.history.items.push(h);
    this.history.close();
    return this.customers++;
  }

  finish(): CustomerStore {
    return {
      rowAt: this.rowAt.finish(),
      first: this.first.finish(),
      pkgOf: this.pkgOf.finish(),
      capFirst: this.capFirst.finish(),
      capLimit: this.capLimit.finish(),
      capRule: this.capRule.finish(),
      capRows: this.capRows.finish(),
      rowCaps: this.rowCaps.finish(),
      pkgFirst: this.pkgFirst.finish(),
      pkgLimit: this.pkgLimit.finish(),
      pkgRule: this.pkgRule.finish(),
      pkgRows: this.pkgRows.finish(),
      rowPkgCaps: this.rowPkgCaps.finish(),
      conflicts: this.conflicts.finish(),
      conflictRule: this.conflictRule.finish(),
      rowRequirements: this.rowRequirements.finish(),
      requirementRows: this.requirementRows.finish(),
      requirementRule: this.requirementRule.finish(),
      minFirst: this.minFirst.finish(),
      minRule: this.minRule.finish(),
      minNeed: this.minNeed.finish(),
      minRows: this.minRows.finish(),
      minWindowFirst: this.minWindowFirst.finish(),
      windowStart: this.windowStart.finish(),
      windowEnd: this.windowEnd.finish(),
      windowNeed: this.windowNeed.finish(),
      rowMins: this.rowMins.finish(),
      history: this.history.finish(),
    };
  }
}

// The checks below read the chosen flags of global rows (`chosen[model.rows[local]]`),
// so the repair and the fill work on one flag array for every customer.

/** Is every requirement of the customer's chosen rows met? */
export function requirementsMet(model: CustomerModel, chosen: Uint8Array): boolean {
  const rows = model.rows;
  for (let i = 0; i < rows.length; i++) {
    if (!chosen[rows[i]!]) continue;
    for (const q of model.requirementsOf(i)) if (!model.requirementMet(q, chosen)) return false;
  }
  return true;
}

function capUsed(model: CustomerModel, chosen: Uint8Array, cap: number): number {
  const rows = model.rows;
  let used = 0;
  for (const r of model.capRows(cap)) if (chosen[rows[r]!]) used++;
  return used;
}

/** Can local row `i` join the chosen set without breaking a cap or a conflict? (Requirements aside.) */
export function canAddLocal(model: CustomerModel, chosen: Uint8Array, i: number): boolean {
  const rows = model.rows;
  for (const c of model.conflictsOf(i)) if (chosen[rows[c]!]) return false;
  for (const cap of model.capsOf(i)) if (capUsed(model, chosen, cap) + 1 > model.capLimit(cap)) return false;
  for (const cap of model.pkgCapsOf(i)) if (!packageFits(model, chosen, cap, i)) return false;
  return true;
}

function packageFits(model: CustomerModel, chosen: Uint8Array, cap: number, i: number): boolean {
  const pkg = model.pkgOf(i);
  const rows = model.pkgCapRows(cap);
  let distinct = 0;
  for (let a = 0; a < rows.length; a++) {
    const r = rows[a]!;
    if (!chosen[model.rows[r]!]) continue;
    const p = model.pkgOf(r);
    if (p === pkg) return true;
    // count p once: only at its first chosen occurrence in the list
    let first = true;
    for (let b = 0; b < a; b++) if (chosen[model.rows[rows[b]!]!] && model.pkgOf(rows[b]!) === p) first = false;
    if (first) distinct++;
  }
  return distinct + 1 <= model.pkgLimit(cap);
}

/** The rules that adding local row `i` would break (for the report). */
export function blockingRulesLocal(model: CustomerModel, chosen: Uint8Array, i: number, out: Set<number>): void {
  const rows = model.rows;
  const conflicts = model.conflictsOf(i);
  for (let j = 0; j < conflicts.length; j++) if (chosen[rows[conflicts[j]!]!]) out.add(model.conflictRule(i, j));
  for (const cap of model.capsOf(i)) if (capUsed(model, chosen, cap) + 1 > model.capLimit(cap)) out.add(model.capRule(cap));
  for (const cap of model.pkgCapsOf(i)) if (!packageFits(model, chosen, cap, i)) out.add(model.pkgRule(cap));
  for (const q of model.requirementsOf(i)) if (!model.requirementMet(q, chosen)) out.add(model.requirementRule(q));
}

/** Is every cap and conflict of the customer kept by the chosen rows? */
export function customerFeasible(model: CustomerModel, chosen: Uint8Array): boolean {
  const rows = model.rows;
  for (let c = 0; c < model.capCount; c++) if (capUsed(model, chosen, c) > model.capLimit(c)) return false;
  for (let c = 0; c < model.pkgCapCount; c++) {
    const seen = new Set<number>();
    for (const r of model.pkgCapRows(c)) if (chosen[rows[r]!]) seen.add(model.pkgOf(r));
    if (seen.size > model.pkgLimit(c)) return false;
  }
  for (let i = 0; i < rows.length; i++) {
    if (!chosen[rows[i]!]) continue;
    for (const j of model.conflictsOf(i)) if (chosen[rows[j]!]) return false;
  }
  return requirementsMet(model, chosen);
}

/** Count of chosen rows of minimum `m`. */
export function minimumCount(model: CustomerModel, chosen: Uint8Array, m: number): number {
  let count = 0;
  for (const r of model.minRows(m)) if (chosen[model.rows[r]!]) count++;
  return count;
}
