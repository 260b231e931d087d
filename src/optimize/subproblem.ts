// The per-customer subproblem (docs/optimization.md#how-it-works): choose a customer's rows to maximise
// the sum of reduced scores (score minus capacity prices) under the customer's own rules.
// Solved exactly by depth-first branch and bound (include-first in score order, so the
// first dive is the greedy answer); a node limit turns it into a heuristic whose bound
// stays valid. Minimums enter as a large penalty per missing contact (lexicographic).
import type { CustomerModel } from './customer-model.js';

export interface SubproblemResult {
  /** Σ reduced scores of the chosen rows − penalty × shortfall. */
  value: number;
  /** An upper bound on `value` over every feasible choice (= value when solved exactly). */
  bound: number;
  exact: boolean;
}

/** Reusable buffers, so 100,000 customers do not allocate 100,000 times. */
export class SubproblemScratch {
  capUse = new Int32Array(64);
  pkgCount = new Int32Array(256);
  pkgDistinct = new Int32Array(64);
  conflictUse = new Int32Array(64);
  chosen = new Uint8Array(64);
  best = new Uint8Array(64);
  minCount = new Int32Array(64);
  wanted = new Uint8Array(64);
  candidates = new Int32Array(64);
  reduced = new Float64Array(64);
  suffix = new Float64Array(65);
  readonly search = new BranchAndBound();

  prepare(k: number, caps: number, pkgCells: number, pkgCaps: number, mins: number): void {
    if (this.capUse.length < caps) this.capUse = new Int32Array(caps * 2);
    if (this.pkgCount.length < pkgCells) this.pkgCount = new Int32Array(pkgCells * 2);
    if (this.pkgDistinct.length < pkgCaps) this.pkgDistinct = new Int32Array(pkgCaps * 2);
    if (this.conflictUse.length < k) {
      this.conflictUse = new Int32Array(k * 2);
      this.chosen = new Uint8Array(k * 2);
      this.best = new Uint8Array(k * 2);
      this.wanted = new Uint8Array(k * 2);
      this.candidates = new Int32Array(k * 2);
      this.reduced = new Float64Array(k * 2);
      this.suffix = new Float64Array(k * 2 + 1);
    }
    if (this.minCount.length < mins) this.minCount = new Int32Array(mins * 2);
    this.capUse.fill(0, 0, caps);
    this.pkgCount.fill(0, 0, pkgCells);
    this.pkgDistinct.fill(0, 0, pkgCaps);
    this.conflictUse.fill(0, 0, k);
    this.chosen.fill(0, 0, k);
    this.best.fill(0, 0, k);
    this.minCount.fill(0, 0, mins);
  }
}

/**
 * The depth-first branch and bound over one customer's candidates (include first, in
 * reduced-score order). One per scratch, its state set for each customer: functions
 * made afresh for each of millions of customers would be garbage to collect.
 */
class BranchAndBound {
  private model!: CustomerModel;
  private store!: CustomerModel['store'];
  private nodeLimit = 0;
  private useMins = false;
  private penalty = 0;
  private packages = 0;
  private m = 0;
  private k = 0;
  private hasRequirements = false;
  private pos = 0;
  private capBase = 0;
  private pkgBase = 0;
  private conflictAt = -1;
  private requirementAt = -1;
  private scratch!: SubproblemScratch;
  private nodes = 0;
  bestValue = -Infinity;
  complete = true;

  start(model: CustomerModel, nodeLimit: number, useMins: boolean, penalty: number, packages: number, m: number, hasRequirements: boolean, scratch: SubproblemScratch): void {
    this.model = model;
    this.store = model.store;
    this.nodeLimit = nodeLimit;
    this.useMins = useMins;
    this.penalty = penalty;
    this.packages = packages;
    this.m = m;
    this.k = model.rows.length;
    this.hasRequirements = hasRequirements;
    this.pos = model.pos;
    this.capBase = model.capBase;
    this.pkgBase = model.pkgBase;
    this.conflictAt = model.store.conflicts.at[model.id]!;
    this.requirementAt = model.store.rowRequirements.at[model.id]!;
    this.scratch = scratch;
    this.nodes = 0;
    this.bestValue = -Infinity;
    this.complete = true;
  }

  private canAdd(i: number): boolean {
    const { rowCaps, rowPkgCaps, capLimit, pkgLimit, pkgOf } = this.store;
    const { capUse, pkgCount, pkgDistinct, conflictUse } = this.scratch;
    if (conflictUse[i]! > 0) return false;
    const at = this.pos + i;
    for (let e = rowCaps.start[at]!; e < rowCaps.start[at + 1]!; e++) {
      const c = rowCaps.items[e]!;
      if (capUse[c]! >= capLimit[this.capBase + c]!) return false;
    }
    const p = pkgOf[at]!;
    for (let e = rowPkgCaps.start[at]!; e < rowPkgCaps.start[at + 1]!; e++) {
      const c = rowPkgCaps.items[e]!;
      if (pkgCount[c * this.packages + p] === 0 && pkgDistinct[c]! >= pkgLimit[this.pkgBase + c]!) return false;
    }
    return true;
  }

  private add(i: number, delta: 1 | -1): void {
    const { rowCaps, rowPkgCaps, conflicts, rowMins, pkgOf } = this.store;
    const { capUse, pkgCount, pkgDistinct, conflictUse, chosen, minCount } = this.scratch;
    chosen[i] = delta === 1 ? 1 : 0;
    const at = this.pos + i;
    const conflictAt = this.conflictAt;
    if (conflictAt !== -1) for (let e = conflicts.start[conflictAt + i]!; e < conflicts.start[conflictAt + i + 1]!; e++) conflictUse[conflicts.items[e]!]! += delta;
    for (let e = rowCaps.start[at]!; e < rowCaps.start[at + 1]!; e++) capUse[rowCaps.items[e]!]! += delta;
    const p = pkgOf[at]!;
    for (let e = rowPkgCaps.start[at]!; e < rowPkgCaps.start[at + 1]!; e++) {
      const c = rowPkgCaps.items[e]!;
      const cell = c * this.packages + p;
      if (delta === 1 ? pkgCount[cell]!++ === 0 : --pkgCount[cell]! === 0) pkgDistinct[c]! += delta;
    }
    if (this.useMins) for (let e = rowMins.start[at]!; e < rowMins.start[at + 1]!; e++) minCount[rowMins.items[e]!]! += delta;
  }

  private shortfall(): number {
    const minCount = this.scratch.minCount;
    let total = 0;
    for (let mm = 0; mm < this.model.minCount; mm++) total += this.model.minShortfall(mm, minCount[mm]!);
    return total;
  }

  private requirementsHold(): boolean {
    const requirementAt = this.requirementAt;
    if (requirementAt === -1) return true;
    const { rowRequirements, requirementRows } = this.store;
    const { candidates, chosen } = this.scratch;
    for (let j = 0; j < this.m; j++) {
      const i = candidates[j]!;
      if (!chosen[i]) continue;
      for (let e = rowRequirements.start[requirementAt + i]!; e < rowRequirements.start[requirementAt + i + 1]!; e++) {
        const q = rowRequirements.items[e]!;
        let ok = false;
        for (let f = requirementRows.start[q]!; f < requirementRows.start[q + 1]!; f++) if (chosen[requirementRows.items[f]!]) ok = true;
        if (!ok) return false;
      }
    }
    return true;
  }

  dive(j: number, current: number): void {
    if (++this.nodes > this.nodeLimit) {
      this.complete = false;
      return;
    }
    const { suffix, candidates, chosen, best } = this.scratch;
    if (current + suffix[j]! <= this.bestValue + 1e-12) return;
    if (j === this.m) {
      if (this.hasRequirements && !this.requirementsHold()) return;
      const value = this.useMins ? current - this.penalty * this.shortfall() : current;
      if (value > this.bestValue) {
        this.bestValue = value;
        for (let x = 0; x < this.k; x++) best[x] = chosen[x]!;
      }
      return;
    }
    const i = candidates[j]!;
    if (this.canAdd(i)) {
      this.add(i, 1);
      this.dive(j + 1, current + this.scratch.reduced[j]!);
      this.add(i, -1);
    }
    this.dive(j + 1, current);
  }
}

export interface SubproblemOptions {
  /** Penalty per contact missing from a minimum (0: minimums ignored). */
  penalty: number;
  nodeLimit: number;
}

/**
 * Solves one customer. `reduced` and `forbidden` are indexed by global row; the chosen
 * rows are written to `chosenOut` (global row flags, only this customer's rows touched).
 */
export function solveCustomer(
  model: CustomerModel,
  reduced: Float64Array,
  forbidden: Int32Array,
  chosenOut: Uint8Array,
  scratch: SubproblemScratch,
  options: SubproblemOptions,
): SubproblemResult {
  const rows = model.rows;
  const k = rows.length;
  const penalty = options.penalty;
  const useMins = penalty > 0 && model.minCount > 0;
  const store = model.store;
  const pos = model.pos;
  const { rowRequirements, requirementRows, pkgOf } = store;
  // Where the customer's rows' requirement starts are (-1: it has none).
  const requirementAt = rowRequirements.at[model.id]!;
  // Candidates: rows that can help — positive ones, the A rows a positive row needs,
  // and, when minimums count, the rows of a minimum.
  let packages = 0;
  for (let i = 0; i < k; i++) if (pkgOf[pos + i]! + 1 > packages) packages = pkgOf[pos + i]! + 1;
  const pkgCaps = model.pkgCapCount;
  scratch.prepare(k, model.capCount, pkgCaps * packages, pkgCaps, model.minCount);
  const { best, wanted, candidates, suffix } = scratch;
  const r = scratch.reduced;
  wanted.fill(0, 0, k);
  let any = false;
  for (let i = 0; i < k; i++) {
    const row = rows[i]!;
    chosenOut[row] = 0;
    if (forbidden[row] !== -1) continue;
    if (reduced[row]! > 0 || (useMins && model.hasMinimums(i))) {
      wanted[i] = 1;
      any = true;
    }
  }
  if (!any) return { value: useMins ? -penalty * model.emptyShortfall() : 0, bound: 0, exact: true };
  let hasRequirements = false;
  for (let i = 0; i < k; i++) {
    if (!wanted[i] || !model.hasRequirements(i)) continue;
    hasRequirements = true;
    for (let e = rowRequirements.start[requirementAt + i]!; e < rowRequirements.start[requirementAt + i + 1]!; e++) {
      const q = rowRequirements.items[e]!;
      for (let f = requirementRows.start[q]!; f < requirementRows.start[q + 1]!; f++) {
        const a = requirementRows.items[f]!;
        if (forbidden[rows[a]!] === -1) wanted[a] = 1;
      }
    }
  }
  let m = 0;
  for (let i = 0; i < k; i++) {
    if (!wanted[i]) continue;
    // insertion by reduced score, descending (k is small)
    const value = reduced[rows[i]!]!;
    let j = m++;
    while (j > 0 && r[j - 1]! < value) {
      candidates[j] = candidates[j - 1]!;
      r[j] = r[j - 1]!;
      j--;
    }
    candidates[j] = i;
    r[j] = value;
  }
  suffix[m] = 0;
  for (let j = m - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + Math.max(0, r[j]!);

  const search = scratch.search;
  search.start(model, options.nodeLimit, useMins, penalty, packages, m, hasRequirements, scratch);
  search.dive(0, 0);
  let bestValue = search.bestValue;
  const complete = search.complete;
  if (bestValue === -Infinity) {
    // Node limit hit before any leaf: take nothing (always feasible).
    bestValue = useMins ? -penalty * model.emptyShortfall() : 0;
    best.fill(0, 0, k);
  }
  for (let i = 0; i < k; i++) if (best[i]) chosenOut[rows[i]!] = 1;
  return { value: bestValue, bound: complete ? bestValue : Math.max(bestValue, suffix[0]!), exact: complete };
}
