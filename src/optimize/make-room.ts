// Make-room moves of the local search (docs/optimization.md#how-it-works): add one
// unchosen contact and make room for it — bring an A contact it needs, drop the chosen
// contacts that block it (a conflicting contact, one of a full cap, a package of a full
// package cap, the cheapest contacts of a full capacity window, or add contacts below an
// average's bound) — then refill the room left with the best contacts that fit. Every
// change goes through the SelectionJournal, so the driver (local-search.ts) can undo a
// move that does not pay.
import { canAddLocal } from './customer-model.js';
import { compareCost, EPS, REFILL_WINDOW_LIMIT, type DropCost, type SelectionJournal } from './selection-journal.js';

/** Chosen rows whose removal cost is measured exactly when choosing what to drop. */
const EXACT_COSTS = 8;
/** Capacity windows holding more candidate rows than this are not searched for drops. */
const WINDOW_SCAN_LIMIT = 4_096;
/** Helper rows brought in by dropping something of their customer, per window. */
const HELPER_TRIES = 4;

export class RoomMaker {
  /** Which alternative the first drop decision of an attempt takes, decisions so far, and
   *  how many alternatives that first decision had. */
  forced = 0;
  decisions = 0;
  firstAlternatives = 0;

  constructor(private readonly j: SelectionJournal) {}

  /**
   * Makes `row` chosen: brings an A row it needs (depth 0 only), drops the chosen rows
   * that block it. Returns false when it cannot (the caller undoes the changes).
   */
  insert(row: number, depth: number, helpers: boolean): boolean {
    const { model, chosen } = this.j;
    if (chosen[row]) return true;
    if (model.forbidden[row] !== -1) return false;
    const c = model.rowCustomerModel[row]!;
    const cm = model.customers[c]!;
    const local = model.rowLocal[row]!;
    const rows = cm.rows;
    this.j.guard(row);
    this.j.spent += 1 + rows.length;

    for (const q of cm.requirementsOf(local)) {
      if (cm.requirementMet(q, chosen)) continue;
      if (depth > 0) return false;
      const options = Array.from(cm.requirementRows(q), (a) => rows[a]!).filter((a) => model.forbidden[a] === -1 && !this.j.guarded[a]);
      options.sort((a, b) => model.score[b]! - model.score[a]! || a - b);
      let brought = false;
      for (const a of options.slice(0, 4)) {
        const mark = this.j.journal.length;
        if (this.insert(a, depth + 1, helpers)) {
          brought = true;
          break;
        }
        this.j.undo(mark);
      }
      if (!brought) return false;
    }

    for (const other of cm.conflictsOf(local)) {
      const r = rows[other]!;
      if (!chosen[r]) continue;
      if (this.j.guarded[r]) return false;
      this.j.removeCascade(r);
    }

    for (const cap of cm.capsOf(local)) {
      const capRows = cm.capRows(cap);
      for (;;) {
        let used = 0;
        for (const l of capRows) if (chosen[rows[l]!]) used++;
        this.j.spent += capRows.length;
        if (used + 1 <= cm.capLimit(cap)) break;
        const victim = this.cheapest(Array.from(capRows, (l) => rows[l]!).filter((r) => chosen[r] && !this.j.guarded[r]), null);
        if (victim < 0) return false;
        this.j.removeCascade(victim);
      }
    }

    const pkg = cm.pkgOf(local);
    for (const cap of cm.pkgCapsOf(local)) {
      const capRows = cm.pkgCapRows(cap);
      for (;;) {
        const groups = new Map<number, number[]>();
        for (const l of capRows) {
          if (!chosen[rows[l]!]) continue;
          const p = cm.pkgOf(l);
          const group = groups.get(p);
          if (group) group.push(rows[l]!);
          else groups.set(p, [rows[l]!]);
        }
        this.j.spent += capRows.length;
        if (groups.has(pkg) || groups.size + 1 <= cm.pkgLimit(cap)) break;
        const ranked: { group: number[]; cost: DropCost }[] = [];
        for (const group of groups.values()) if (!group.some((r) => this.j.guarded[r])) ranked.push({ group, cost: this.j.dropCost(group) });
        ranked.sort((a, b) => compareCost(a.cost, b.cost));
        const chosenGroup = this.decide(ranked);
        if (!chosenGroup) return false;
        for (const r of chosenGroup.group) this.j.removeCascade(r);
      }
    }

    // Customer rules hold now; the row goes in and its over-full windows are fixed.
    if (!canAddLocal(cm, chosen, local)) return false;
    for (const q of cm.requirementsOf(local)) if (!cm.requirementMet(q, chosen)) return false;
    this.j.flip(row, 1);
    this.j.journal.push(row + 1);
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const p = model.rowPart[e]!;
      const part = model.parts[p]!;
      const coef = part.coef[model.rowPartEntry[e]!]!;
      if (coef <= 0) continue;
      const hard = this.j.state.hardByDay[p]!;
      const activity = this.j.state.activity[p]!;
      const d = model.day[row]!;
      for (let k = hard.start[d]!; k < hard.start[d + 1]!; k++) {
        const w = hard.list[k]!;
        if (activity[w]! <= part.rhs[w]! + EPS) continue;
        const start = this.j.partDayStart[p]!;
        const lo = start[part.from[w]!]!;
        const hi = start[part.to[w]! + 1]!;
        if (hi - lo > WINDOW_SCAN_LIMIT) return false;
        if (helpers && this.j.mixedPart[p]) this.addHelpers(p, w, lo, hi);
        while (activity[w]! > part.rhs[w]! + EPS) {
          const candidates: number[] = [];
          const weights: number[] = [];
          for (let j = lo; j < hi; j++) {
            const r = part.rows[j]!;
            if (chosen[r] && part.coef[j]! > 0 && !this.j.guarded[r]) {
              candidates.push(r);
              weights.push(part.coef[j]!);
            }
          }
          this.j.spent += hi - lo;
          const victim = this.cheapest(candidates, weights);
          if (victim < 0) return false;
          this.j.removeCascade(victim);
          this.j.touchedWindows.push({ part: p, from: part.from[w]!, to: part.to[w]! });
        }
      }
    }
    return chosen[row] === 1;
  }
  /**
   * Adds unchosen rows with a negative coefficient in window `w` of part `p` (values
   * below an average's bound), best score per unit first, until the window holds.
   */
  private addHelpers(p: number, w: number, lo: number, hi: number): void {
    const { model, chosen } = this.j;
    const part = model.parts[p]!;
    const activity = this.j.state.activity[p]!;
    const options: number[] = [];
    for (let j = lo; j < hi; j++) {
      const r = part.rows[j]!;
      if (!chosen[r] && part.coef[j]! < 0 && model.forbidden[r] === -1 && !this.j.guarded[r]) options.push(j);
    }
    this.j.spent += hi - lo;
    options.sort((a, b) => model.score[part.rows[b]!]! / -part.coef[b]! - model.score[part.rows[a]!]! / -part.coef[a]! || a - b);
    for (const j of options) {
      if (activity[w]! <= part.rhs[w]! + EPS) return;
      const r = part.rows[j]!;
      if (!this.j.canAdd(r)) continue;
      this.j.flip(r, 1);
      this.j.journal.push(r + 1);
      this.j.guard(r);
      this.j.touchedCustomers.add(model.rowCustomerModel[r]!);
    }
    // Rows that fit once their customer drops something (at most a few tries).
    let tries = 0;
    for (const j of options) {
      if (activity[w]! <= part.rhs[w]! + EPS || tries >= HELPER_TRIES) return;
      const r = part.rows[j]!;
      if (chosen[r] || this.j.guarded[r]) continue;
      tries++;
      const mark = this.j.journal.length;
      const before = activity[w]!;
      if (this.insert(r, 1, false) && activity[w]! < before - EPS) {
        this.j.touchedCustomers.add(model.rowCustomerModel[r]!);
        continue;
      }
      this.j.undo(mark);
    }
  }
  /**
   * The chosen row whose drop costs least (shortfall first, then score, per unit of
   * `weights` when given), or −1. Exact costs for the few rows the score says are cheapest.
   */
  private cheapest(candidates: number[], weights: number[] | null): number {
    if (candidates.length === 0) return -1;
    const { score } = this.j.model;
    const key = (j: number): number => score[candidates[j]!]! / (weights ? weights[j]! : 1);
    let order = candidates.map((_, j) => j);
    if (order.length > EXACT_COSTS) {
      order.sort((a, b) => key(a) - key(b) || candidates[a]! - candidates[b]!);
      order = order.slice(0, EXACT_COSTS);
    }
    const ranked = order.map((j) => {
      const cost = this.j.dropCost([candidates[j]!]);
      const weight = weights ? weights[j]! : 1;
      return { row: candidates[j]!, cost: { shortfall: cost.shortfall / weight, score: cost.score / weight } };
    });
    ranked.sort((a, b) => compareCost(a.cost, b.cost) || a.row - b.row);
    return this.decide(ranked)?.row ?? -1;
  }
  /**
   * Picks among alternatives ranked best first: the best, except at the first decision
   * of an attempt that explores the `forced`-th alternative instead.
   */
  private decide<T>(ranked: T[]): T | undefined {
    if (this.decisions++ === 0) {
      this.firstAlternatives = ranked.length;
      if (this.forced > 0) return ranked[this.forced];
    }
    return ranked[0];
  }
  /** Adds the best rows that now fit to the customers and windows a move touched. */
  refill(): void {
    const { model, chosen } = this.j;
    const rows = new Set<number>();
    for (const c of this.j.touchedCustomers) for (const row of model.customers[c]!.rows) if (!chosen[row] && !this.j.guarded[row] && model.forbidden[row] === -1) rows.add(row);
    for (const { part: p, from, to } of this.j.touchedWindows) {
      const part = model.parts[p]!;
      const start = this.j.partDayStart[p]!;
      let seen = 0;
      for (let j = start[from]!; j < start[to + 1]! && seen < REFILL_WINDOW_LIMIT; j++, seen++) {
        const row = part.rows[j]!;
        if (!chosen[row] && !this.j.guarded[row] && model.forbidden[row] === -1) rows.add(row);
      }
      this.j.spent += seen;
    }
    const order = [...rows].sort((a, b) => model.score[b]! - model.score[a]! || a - b);
    for (const row of order) this.addIfBetter(row);
  }
  /** Adds a row (with an A row it needs, when one fits) if that improves the selection. */
  addIfBetter(row: number): void {
    const { model, chosen } = this.j;
    if (chosen[row]) return;
    const mark = this.j.journal.length;
    const baseShortfall = this.j.shortfall;
    const baseScore = this.j.score;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const local = model.rowLocal[row]!;
    this.j.spent += 1 + cm.rows.length;
    for (const q of cm.requirementsOf(local)) {
      if (cm.requirementMet(q, chosen)) continue;
      let brought = false;
      for (const a of cm.requirementRows(q)) {
        const r = cm.rows[a]!;
        if (model.forbidden[r] === -1 && this.j.canAdd(r)) {
          this.j.flip(r, 1);
          this.j.journal.push(r + 1);
          brought = true;
          break;
        }
      }
      if (!brought) {
        this.j.undo(mark);
        return;
      }
    }
    if (!this.j.canAdd(row)) {
      this.j.undo(mark);
      return;
    }
    this.j.flip(row, 1);
    this.j.journal.push(row + 1);
    if (!this.j.better(this.j.shortfall, this.j.score, baseShortfall, baseScore)) this.j.undo(mark);
  }
}
