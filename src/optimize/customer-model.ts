// One customer's share of the problem (docs/optimization-semantics.md#the-ten-rules, the per-customer ones): the customer's
// candidate rows and the rules that only look at this customer — count caps in rolling
// windows, distinct-package caps, pairs that cannot both be chosen, rows that need
// another row, and minimums. The per-customer solver, the repair and the final check
// all read this one structure.

export interface CustomerModel {
  /** Customer index. */
  customer: number;
  /** Global row ids of the customer's rows, sorted by day (local index = position). */
  rows: number[];
  /** Linear caps: at most `capLimit[c]` of `capRows[c]` chosen. */
  capLimit: number[];
  capRule: number[];
  capRows: number[][];
  rowCaps: number[][];
  /** Package caps: at most `pkgLimit[c]` distinct packages among chosen `pkgCapRows[c]`. */
  pkgOf: number[];
  pkgLimit: number[];
  pkgRule: number[];
  pkgCapRows: number[][];
  rowPkgCaps: number[][];
  /** Pairs that cannot both be chosen, per row, with the rule each pair comes from. */
  conflicts: number[][];
  conflictRule: number[][];
  /** Per row, lists of rows of which at least one must be chosen with it (bOnlyWithA). */
  requires: number[][][];
  requireRule: number[][];
  /** Minimums: at least `need` of `rows` chosen (history already subtracted). */
  mins: CustomerMinimum[];
  rowMins: number[][];
}

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

/** Shortfall of one minimum for `count` chosen rows, summed over its windows. */
export function minimumShortfall(minimum: CustomerMinimum, count: number): number {
  let total = 0;
  for (const w of minimum.windows) if (count < w.need) total += w.need - count;
  return total;
}

// Most rows have no cap, conflict or requirement: their lists are one shared, frozen empty
// array until something is added (a list per row and kind would cost more than the row).
const NONE: never[] = Object.freeze([]) as never[];

function append<T>(lists: T[][], at: number, value: T): void {
  const list = lists[at]!;
  if (list === NONE) lists[at] = [value];
  else list.push(value);
}

export function emptyCustomerModel(customer: number, rows: number[]): CustomerModel {
  const k = rows.length;
  const lists = (): number[][] => new Array<number[]>(k).fill(NONE);
  return {
    customer,
    rows,
    capLimit: [],
    capRule: [],
    capRows: [],
    rowCaps: lists(),
    pkgOf: new Array<number>(k).fill(0),
    pkgLimit: [],
    pkgRule: [],
    pkgCapRows: [],
    rowPkgCaps: lists(),
    conflicts: lists(),
    conflictRule: lists(),
    requires: lists() as unknown as number[][][],
    requireRule: lists(),
    mins: [],
    rowMins: lists(),
  };
}

/**
 * Trims every list of a finished customer model to its length: arrays grown by push keep
 * spare room (a two-element list holds room for about twenty), which over a million
 * customers is most of the model's memory.
 */
export function compactCustomerModel(model: CustomerModel): void {
  const trim = <T>(lists: T[][]): T[][] => {
    for (let i = 0; i < lists.length; i++) if (lists[i] !== NONE) lists[i] = lists[i]!.slice();
    return lists.slice();
  };
  model.capLimit = model.capLimit.slice();
  model.capRule = model.capRule.slice();
  model.capRows = trim(model.capRows);
  model.rowCaps = trim(model.rowCaps);
  model.pkgLimit = model.pkgLimit.slice();
  model.pkgRule = model.pkgRule.slice();
  model.pkgCapRows = trim(model.pkgCapRows);
  model.rowPkgCaps = trim(model.rowPkgCaps);
  model.conflicts = trim(model.conflicts);
  model.conflictRule = trim(model.conflictRule);
  for (const lists of model.requires) if (lists !== NONE) trim(lists);
  model.requires = trim(model.requires);
  model.requireRule = trim(model.requireRule);
  for (const minimum of model.mins) minimum.rows = minimum.rows.slice();
  model.mins = model.mins.slice();
  model.rowMins = trim(model.rowMins);
}

export function addCap(model: CustomerModel, rule: number, rows: number[], limit: number): void {
  const id = model.capLimit.length;
  model.capLimit.push(limit);
  model.capRule.push(rule);
  model.capRows.push(rows);
  for (const r of rows) append(model.rowCaps, r, id);
}

export function addPackageCap(model: CustomerModel, rule: number, rows: number[], limit: number): void {
  const id = model.pkgLimit.length;
  model.pkgLimit.push(limit);
  model.pkgRule.push(rule);
  model.pkgCapRows.push(rows);
  for (const r of rows) append(model.rowPkgCaps, r, id);
}

export function addConflict(model: CustomerModel, rule: number, a: number, b: number): void {
  if (a === b || model.conflicts[a]!.includes(b)) return;
  append(model.conflicts, a, b);
  append(model.conflictRule, a, rule);
  append(model.conflicts, b, a);
  append(model.conflictRule, b, rule);
}

/** Row `b` may be chosen only together with one of `candidates`. */
export function addRequirement(model: CustomerModel, rule: number, b: number, candidates: number[]): void {
  append(model.requires, b, candidates);
  append(model.requireRule, b, rule);
}

export function addMinimum(model: CustomerModel, minimum: CustomerMinimum): void {
  const id = model.mins.length;
  model.mins.push(minimum);
  for (const r of minimum.rows) append(model.rowMins, r, id);
}

// The checks below read the chosen flags of global rows (`chosen[model.rows[local]]`),
// so the repair and the fill work on one flag array for every customer.

/** Is every requirement of the customer's chosen rows met? */
export function requirementsMet(model: CustomerModel, chosen: Uint8Array): boolean {
  const rows = model.rows;
  for (let i = 0; i < rows.length; i++) {
    if (!chosen[rows[i]!]) continue;
    for (const list of model.requires[i]!) if (!list.some((a) => chosen[rows[a]!])) return false;
  }
  return true;
}

/** Can local row `i` join the chosen set without breaking a cap or a conflict? (Requirements aside.) */
export function canAddLocal(model: CustomerModel, chosen: Uint8Array, i: number): boolean {
  const rows = model.rows;
  for (const c of model.conflicts[i]!) if (chosen[rows[c]!]) return false;
  for (const cap of model.rowCaps[i]!) {
    let used = 0;
    for (const r of model.capRows[cap]!) if (chosen[rows[r]!]) used++;
    if (used + 1 > model.capLimit[cap]!) return false;
  }
  for (const cap of model.rowPkgCaps[i]!) if (!packageFits(model, chosen, cap, i)) return false;
  return true;
}

function packageFits(model: CustomerModel, chosen: Uint8Array, cap: number, i: number): boolean {
  const pkg = model.pkgOf[i]!;
  const rows = model.pkgCapRows[cap]!;
  let distinct = 0;
  for (let a = 0; a < rows.length; a++) {
    const r = rows[a]!;
    if (!chosen[model.rows[r]!]) continue;
    const p = model.pkgOf[r]!;
    if (p === pkg) return true;
    // count p once: only at its first chosen occurrence in the list
    let first = true;
    for (let b = 0; b < a; b++) if (chosen[model.rows[rows[b]!]!] && model.pkgOf[rows[b]!] === p) first = false;
    if (first) distinct++;
  }
  return distinct + 1 <= model.pkgLimit[cap]!;
}

/** The rules that adding local row `i` would break (for the report). */
export function blockingRulesLocal(model: CustomerModel, chosen: Uint8Array, i: number, out: Set<number>): void {
  const rows = model.rows;
  for (let j = 0; j < model.conflicts[i]!.length; j++) if (chosen[rows[model.conflicts[i]![j]!]!]) out.add(model.conflictRule[i]![j]!);
  for (const cap of model.rowCaps[i]!) {
    let used = 0;
    for (const r of model.capRows[cap]!) if (chosen[rows[r]!]) used++;
    if (used + 1 > model.capLimit[cap]!) out.add(model.capRule[cap]!);
  }
  for (const cap of model.rowPkgCaps[i]!) if (!packageFits(model, chosen, cap, i)) out.add(model.pkgRule[cap]!);
  const needs = model.requires[i]!;
  for (let j = 0; j < needs.length; j++) if (!needs[j]!.some((a) => chosen[rows[a]!])) out.add(model.requireRule[i]![j]!);
}

/** Is every cap and conflict of the customer kept by the chosen rows? */
export function customerFeasible(model: CustomerModel, chosen: Uint8Array): boolean {
  const rows = model.rows;
  for (let c = 0; c < model.capLimit.length; c++) {
    let used = 0;
    for (const r of model.capRows[c]!) if (chosen[rows[r]!]) used++;
    if (used > model.capLimit[c]!) return false;
  }
  for (let c = 0; c < model.pkgLimit.length; c++) {
    const seen = new Set<number>();
    for (const r of model.pkgCapRows[c]!) if (chosen[rows[r]!]) seen.add(model.pkgOf[r]!);
    if (seen.size > model.pkgLimit[c]!) return false;
  }
  for (let i = 0; i < rows.length; i++) {
    if (!chosen[rows[i]!]) continue;
    for (const j of model.conflicts[i]!) if (chosen[rows[j]!]) return false;
  }
  return requirementsMet(model, chosen);
}

/** Count of chosen rows of minimum `m`. */
export function minimumCount(model: CustomerModel, chosen: Uint8Array, m: number): number {
  let count = 0;
  for (const r of model.mins[m]!.rows) if (chosen[model.rows[r]!]) count++;
  return count;
}
