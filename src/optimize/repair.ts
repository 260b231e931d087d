// From prices to a feasible selection (docs/optimization.md#how-it-works): every customer's subproblem
// on reduced scores (minimums weighted lexicographically), then a repair that drops the
// lowest-value contacts from over-full capacity windows, a fill toward unmet minimums,
// and a greedy fill in score order while every rule still holds.
import { CapacityState, indexByDay, partDayStarts } from './capacity-state.js';
import { canAddLocal, minimumCount, requirementsMet } from './customer-model.js';
import { reducedScores, type Prices } from './lagrangian.js';
import { improveSelection, type LocalSearchOptions } from './local-search.js';
import type { Model } from './model.js';
import { sortRowsByKey } from './row-order.js';
import type { SolvePool } from './solve-pool.js';
import { SubproblemScratch, solveCustomer } from './subproblem.js';

export interface Selection {
  chosen: Uint8Array;
  state: CapacityState;
}

/** Penalty per contact short of a customer minimum: more than any score sum can give back. */
export function minimumPenalty(model: Model): number {
  let total = 1;
  for (let i = 0; i < model.n; i++) total += Math.abs(model.score[i]!);
  return total;
}

export function selectByPrices(
  model: Model,
  prices: Prices,
  nodeLimit: number,
  search?: LocalSearchOptions,
  progress: (done: number, total: number, phase: string) => void = () => undefined,
  /** Solve the customers on two threads (solve-pool.ts); the selection's flags are then the pool's. */
  pool: SolvePool | null = null,
): Selection {
  const reduced = pool ? pool.reduced : new Float64Array(model.n);
  reducedScores(model, prices, model.parts.map((p) => indexByDay(model.h, p.from, p.to)), reduced);
  const chosen = pool ? pool.chosen : new Uint8Array(model.n);
  const penalty = minimumPenalty(model);
  const list = model.customers.map((_, c) => c);
  progress(0, list.length, 'repair');
  if (pool) {
    chosen.fill(0);
    pool.solve(null, penalty, nodeLimit, 0, (done) => progress(done, list.length, 'repair'));
  } else {
    const scratch = new SubproblemScratch();
    for (const c of list) {
      solveCustomer(model.customers[c]!, reduced, model.forbidden, chosen, scratch, { penalty, nodeLimit });
      if ((c & 0x3fff) === 0x3fff) progress(c + 1, list.length, 'repair');
    }
  }
  const state = new CapacityState(model, chosen);
  const selection = { chosen, state };
  repairCapacity(model, selection, reduced);
  fillMinimums(model, selection);
  fillGreedy(model, selection, list, reduced);
  progress(list.length, list.length, 'repair');
  if (search) {
    progress(0, 1, 'search');
    // The reduced scores are spent: their buffer becomes the search's sort keys.
    improveSelection(model, selection, search, reduced);
    progress(1, 1, 'search');
  }
  return selection;
}

/** Removes a row, and any row of its customer that needed it (bOnlyWithA). */
export function removeRow(model: Model, selection: Selection, row: number): void {
  if (!selection.chosen[row]) return;
  selection.chosen[row] = 0;
  selection.state.apply(row, -1);
  const cm = model.customers[model.rowCustomerModel[row]!]!;
  const local = model.rowLocal[row]!;
  for (let i = 0; i < cm.rows.length; i++) {
    const other = cm.rows[i]!;
    if (!selection.chosen[other]) continue;
    for (const q of cm.requirementsOf(i)) {
      if (cm.requirementRows(q).includes(local) && !cm.requirementMet(q, selection.chosen)) {
        removeRow(model, selection, other);
        break;
      }
    }
  }
}

function addRow(selection: Selection, row: number): void {
  selection.chosen[row] = 1;
  selection.state.apply(row, 1);
}

/** Adds a row when every rule allows it, bringing along an A row it needs if that pays. */
export function tryAdd(model: Model, selection: Selection, row: number, mustPay: boolean, depth = 0): boolean {
  const { chosen, state } = selection;
  if (chosen[row] || model.forbidden[row] !== -1) return false;
  const cm = model.customers[model.rowCustomerModel[row]!]!;
  const local = model.rowLocal[row]!;
  if (!state.canAdd(row) || !canAddLocal(cm, chosen, local)) return false;
  const unmet = Array.from(cm.requirementsOf(local)).filter((q) => !cm.requirementMet(q, chosen));
  if (unmet.length === 0) {
    addRow(selection, row);
    return true;
  }
  if (unmet.length > 1 || depth > 2) return false;
  const options = Array.from(cm.requirementRows(unmet[0]!), (a) => cm.rows[a]!).sort((a, b) => model.score[b]! - model.score[a]!);
  for (const a of options) {
    if (mustPay && model.score[a]! + model.score[row]! <= 0) break;
    if (!tryAdd(model, selection, a, false, depth + 1)) continue;
    if (canAddLocal(cm, chosen, local) && state.canAdd(row)) {
      addRow(selection, row);
      return true;
    }
    removeRow(model, selection, a);
  }
  return false;
}

/** Drops contacts from over-full windows, lowest reduced score first, until all hold. */
export function repairCapacity(model: Model, selection: Selection, reduced: Float64Array): void {
  const { chosen, state } = selection;
  // Buffers sized once for every pass: the candidates in the order found, and (per
  // position) the negated removal key and the order to remove them in.
  const seen = new Uint8Array(model.n);
  let candidates: Int32Array = new Int32Array(0);
  let negatedKey: Float64Array = new Float64Array(0);
  let order: Int32Array = new Int32Array(0);
  let dayStarts: Int32Array[] | null = null;
  for (let pass = 0; pass < 50; pass++) {
    const violations = state.violations();
    if (violations.length === 0) return;
    // A window's rows, in the order of its part's rows (which are in day order).
    dayStarts ??= partDayStarts(model);
    let count = 0;
    for (const { part, window } of violations) {
      const p = model.parts[part]!;
      const start = dayStarts[part]!;
      const end = start[Math.min(model.h, Math.max(0, p.to[window]! + 1))]!;
      for (let j = start[Math.min(model.h, Math.max(0, p.from[window]!))]!; j < end; j++) {
        const row = p.rows[j]!;
        if (chosen[row] && !seen[row] && p.coef[j]! > 0) {
          seen[row] = 1;
          if (count === candidates.length) {
            candidates = grown(candidates, model.n);
            negatedKey = new Float64Array(candidates.length);
            order = new Int32Array(candidates.length);
          }
          candidates[count++] = row;
        }
      }
    }
    // Lowest key first, and in the order found among equal keys (a stable sort): best
    // negated key first, ties by position.
    for (let k = 0; k < count; k++) {
      seen[candidates[k]!] = 0;
      negatedKey[k] = -removalKey(model, chosen, reduced, candidates[k]!);
      order[k] = k;
    }
    sortRowsByKey(order, count, negatedKey);
    for (let k = 0; k < count; k++) {
      const row = candidates[order[k]!]!;
      if (chosen[row] && state.inViolatedWindow(row)) removeRow(model, selection, row);
    }
  }
  if (state.violations().length > 0) {
    // Last resort, never expected: drop every positive contributor to a violated window.
    for (const { part } of state.violations()) {
      const p = model.parts[part]!;
      for (let j = 0; j < p.rows.length; j++) if (p.coef[j]! > 0) removeRow(model, selection, p.rows[j]!);
    }
  }
}

/** `list` in a buffer twice as long (at most `limit`), its values kept. */
function grown(list: Int32Array, limit: number): Int32Array {
  const next = new Int32Array(Math.min(limit, Math.max(1024, 2 * list.length)));
  next.set(list);
  return next;
}

// Keep contacts a customer minimum needs: they go last.
function removalKey(model: Model, chosen: Uint8Array, reduced: Float64Array, row: number): number {
  const cm = model.customers[model.rowCustomerModel[row]!]!;
  const local = model.rowLocal[row]!;
  for (const m of cm.minsOf(local)) if (minimumCount(cm, chosen, m) <= cm.minNeed(m)) return reduced[row]! + 1e12;
  return reduced[row]!;
}

/** Adds contacts toward unmet minimums (global windows, then customers), best score first. */
export function fillMinimums(model: Model, selection: Selection): void {
  const { chosen, state } = selection;
  model.parts.forEach((part, p) => {
    // Counts fill with the best scores; sums with the largest values first. Sorted only
    // when a window falls short: the part may hold every row of the input.
    let order: number[] | null = null;
    for (let w = 0; w < part.minFrom.length; w++) {
      if (state.minActivity[p]![w]! >= part.minNeed[w]! - 1e-9) continue;
      order ??= Array.from(part.rows.keys()).sort((a, b) =>
        part.kind === 'sum' ? part.coef[b]! - part.coef[a]! || model.score[part.rows[b]!]! - model.score[part.rows[a]!]! : model.score[part.rows[b]!]! - model.score[part.rows[a]!]!,
      );
      for (const j of order) {
        if (state.minActivity[p]![w]! >= part.minNeed[w]! - 1e-9) break;
        const row = part.rows[j]!;
        const d = model.day[row]!;
        if (part.coef[j]! <= 0 || d < part.minFrom[w]! || d > part.minTo[w]!) continue;
        tryAdd(model, selection, row, false);
      }
    }
  });
  for (const cm of model.customers) {
    for (let m = 0; m < cm.minCount; m++) {
      const need = cm.minNeed(m);
      if (minimumCount(cm, chosen, m) >= need) continue;
      const rows = Array.from(cm.minRows(m), (l) => cm.rows[l]!).sort((a, b) => model.score[b]! - model.score[a]!);
      for (const row of rows) {
        if (minimumCount(cm, chosen, m) >= need) break;
        tryAdd(model, selection, row, false);
      }
    }
  }
}

/** Greedy fill: every unchosen positive row in order (reduced score when priced, else
 *  score), added when all rules allow. */
export function fillGreedy(model: Model, selection: Selection, customers?: readonly number[], order: Float64Array = model.score): void {
  const rows = new Int32Array(model.n);
  let length = 0;
  const list = customers ?? model.customers.map((_, c) => c);
  for (const c of list) for (const row of model.customers[c]!.rows) if (!selection.chosen[row] && model.forbidden[row] === -1 && model.score[row]! > 0) rows[length++] = row;
  sortRowsByKey(rows, length, order);
  for (let k = 0; k < length; k++) tryAdd(model, selection, rows[k]!, true);
  // A row that needed an A row added later in the pass gets a second chance.
  for (let k = 0; k < length; k++) {
    const row = rows[k]!;
    if (selection.chosen[row]) continue;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    if (cm.hasRequirements(model.rowLocal[row]!)) tryAdd(model, selection, row, true);
  }
}

/** Does every customer's selection keep its requirements? (used by the final check) */
export function allRequirementsMet(model: Model, chosen: Uint8Array): boolean {
  return model.customers.every((cm) => requirementsMet(cm, chosen));
}
