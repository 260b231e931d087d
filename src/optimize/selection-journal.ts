// The local search's working selection and its undo journal (docs/optimization.md#how-it-works):
// the chosen flags with every running total kept in step (capacity activity, score,
// shortfall below the customers' minimums, work spent), a journal of the changes so a
// move that does not pay is undone exactly, the rows a move must not drop (guards), and
// what a move touched (for its refill). Moves (make-room.ts) and the search driver
// (local-search.ts) change the selection only through it, so between moves it always
// keeps every hard rule.
import { partDayStarts, type CapacityState } from './capacity-state.js';
import { canAddLocal, minimumCount } from './customer-model.js';
import type { Model } from './model-types.js';

export const EPS = 1e-7;
/** Rows a refill (or a minimum's second insertion) looks at in one capacity window. */
export const REFILL_WINDOW_LIMIT = 512;

export interface LocalSearchSelection {
  chosen: Uint8Array;
  state: CapacityState;
}

/** The cost of dropping a contact: shortfall it opens and score it loses. */
export interface DropCost {
  shortfall: number;
  score: number;
}

export function compareCost(a: DropCost, b: DropCost): number {
  if (a.shortfall < b.shortfall - EPS) return -1;
  if (a.shortfall > b.shortfall + EPS) return 1;
  return a.score - b.score;
}

export class SelectionJournal {
  readonly chosen: Uint8Array;
  readonly state: CapacityState;
  /** Undo log: row + 1 for an add, −(row + 1) for a removal. */
  readonly journal: number[] = [];
  readonly guarded: Uint8Array;
  private readonly guardList: number[] = [];
  /** Per part: index of the first scoped row on each horizon day (rows are sorted by day). */
  readonly partDayStart: Int32Array[];
  /** Parts with coefficients of both signs (averages): room can also come from adding rows. */
  readonly mixedPart: Uint8Array;
  /** Customers and windows a move touched, for its refill. */
  readonly touchedCustomers = new Set<number>();
  readonly touchedWindows: { part: number; from: number; to: number }[] = [];
  score = 0;
  customerShortfall = 0;
  /** Work spent (rows looked at): the search stops when its budget is used. */
  spent = 0;

  constructor(
    readonly model: Model,
    selection: LocalSearchSelection,
  ) {
    this.chosen = selection.chosen;
    this.state = selection.state;
    this.guarded = new Uint8Array(model.n);
    for (let row = 0; row < model.n; row++) if (this.chosen[row]) this.score += model.score[row]!;
    for (const cm of model.customers) for (let m = 0; m < cm.minCount; m++) this.customerShortfall += cm.minShortfall(m, minimumCount(cm, this.chosen, m));
    this.mixedPart = Uint8Array.from(model.parts, (part) => (part.coef.some((c) => c < 0) && part.coef.some((c) => c > 0) ? 1 : 0));
    this.partDayStart = partDayStarts(model);
  }

  /** Total shortfall below every minimum, capacity and per customer. */
  get shortfall(): number {
    return this.state.minShortfall + this.customerShortfall;
  }

  /** Journal position: undo(mark) goes back to it. */
  get mark(): number {
    return this.journal.length;
  }

  /** Chooses a row and records it. */
  add(row: number): void {
    this.flip(row, 1);
    this.journal.push(row + 1);
  }

  /** Lexicographically better: a smaller shortfall first, then a larger score. */
  better(shortfall: number, score: number, baseShortfall: number, baseScore: number): boolean {
    if (shortfall < baseShortfall - EPS) return true;
    if (shortfall > baseShortfall + EPS) return false;
    return score > baseScore + EPS * Math.max(1, Math.abs(baseScore));
  }
  /** The chosen flags as they were before the changes in the journal. */
  snapshotBefore(): Uint8Array {
    const copy = this.chosen.slice();
    for (let k = this.journal.length - 1; k >= 0; k--) {
      const entry = this.journal[k]!;
      if (entry > 0) copy[entry - 1] = 0;
      else copy[-entry - 1] = 1;
    }
    this.spent += this.model.n;
    return copy;
  }
  /** Goes back to a selection kept by `snapshotBefore`. */
  restore(flags: Uint8Array): void {
    for (let row = 0; row < this.model.n; row++) if (this.chosen[row] && !flags[row]) this.flip(row, 0);
    for (let row = 0; row < this.model.n; row++) if (!this.chosen[row] && flags[row]) this.flip(row, 1);
  }
  /** Would adding the row keep every hard rule? */
  canAdd(row: number): boolean {
    const { model, chosen } = this;
    if (chosen[row] || model.forbidden[row] !== -1) return false;
    if (!this.state.canAdd(row)) return false;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const local = model.rowLocal[row]!;
    if (!canAddLocal(cm, chosen, local)) return false;
    for (const q of cm.requirementsOf(local)) if (!cm.requirementMet(q, chosen)) return false;
    return true;
  }
  /** Does every capacity window that a change since `mark` touched still hold? */
  windowsHold(mark: number): boolean {
    const { model, state } = this;
    for (let k = mark; k < this.journal.length; k++) {
      const entry = this.journal[k]!;
      const row = entry > 0 ? entry - 1 : -entry - 1;
      const d = model.day[row]!;
      for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
        const p = model.rowPart[e]!;
        const hard = state.hardByDay[p]!;
        const rhs = model.parts[p]!.rhs;
        const activity = state.activity[p]!;
        for (let i = hard.start[d]!; i < hard.start[d + 1]!; i++) if (activity[hard.list[i]!]! > rhs[hard.list[i]!]! + EPS) return false;
      }
    }
    return true;
  }
  /** Removes a row and every chosen row of its customer left without a required A row. */
  removeCascade(row: number): void {
    const { model, chosen } = this;
    if (!chosen[row]) return;
    this.flip(row, 0);
    this.journal.push(-(row + 1));
    const c = model.rowCustomerModel[row]!;
    this.touchedCustomers.add(c);
    const cm = model.customers[c]!;
    const local = model.rowLocal[row]!;
    for (let i = 0; i < cm.rows.length; i++) {
      const other = cm.rows[i]!;
      if (!chosen[other]) continue;
      for (const q of cm.requirementsOf(i)) {
        if (cm.requirementRows(q).includes(local) && !cm.requirementMet(q, chosen)) {
          this.removeCascade(other);
          break;
        }
      }
    }
  }
  /** Sets a row's flag and every running total (no journal). */
  flip(row: number, on: 0 | 1): void {
    const { model, chosen } = this;
    chosen[row] = on;
    this.state.apply(row, on ? 1 : -1);
    this.score += on ? model.score[row]! : -model.score[row]!;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const mins = cm.minsOf(model.rowLocal[row]!);
    for (const m of mins) {
      const after = minimumCount(cm, chosen, m);
      const before = on ? after - 1 : after + 1;
      this.customerShortfall += cm.minShortfall(m, after) - cm.minShortfall(m, before);
      this.spent += cm.minRows(m).length;
    }
    this.spent += 1;
  }
  undo(mark: number): void {
    while (this.journal.length > mark) {
      const entry = this.journal.pop()!;
      if (entry > 0) this.flip(entry - 1, 0);
      else this.flip(-entry - 1, 1);
    }
  }
  guard(row: number): void {
    if (this.guarded[row]) return;
    this.guarded[row] = 1;
    this.guardList.push(row);
  }
  releaseGuards(): void {
    for (const row of this.guardList) this.guarded[row] = 0;
    this.guardList.length = 0;
  }
  /** What dropping the rows (and the rows that need them) would cost, measured and undone. */
  dropCost(group: number[]): DropCost {
    const mark = this.journal.length;
    const shortfall = this.shortfall;
    const score = this.score;
    for (const r of group) this.removeCascade(r);
    const cost = { shortfall: this.shortfall - shortfall, score: score - this.score };
    this.undo(mark);
    return cost;
  }
  lowersMixedPart(row: number): boolean {
    const { model } = this;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const p = model.rowPart[e]!;
      if (this.mixedPart[p] && model.parts[p]!.coef[model.rowPartEntry[e]!]! < 0) return true;
    }
    return false;
  }
  touchesMixedPart(row: number): boolean {
    const { model } = this;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) if (this.mixedPart[model.rowPart[e]!]) return true;
    return false;
  }
}
