// Local search after the greedy fill (docs/optimization.md#how-it-works, "Local
// search"): moves that add one unchosen contact and make room for it — dropping the
// chosen contacts that block it (a conflicting contact, one of a full cap, a package of
// a full package cap, the cheapest contacts of a full capacity window, or adding
// contacts below an average's bound) and bringing an A contact it needs — then
// refilling the room left with the best contacts that fit; then rounds of ruin and
// recreate while work is left. A move is kept only when it improves the selection
// lexicographically (first a smaller total shortfall below the minimums, then a larger
// total score) and every rule it touched holds; anything else is undone from a journal,
// so between moves the selection always keeps every hard rule. The work is bounded by a
// budget proportional to the rows, and seeded, so runs are reproducible.
import { createRandom } from '../seeded-random.js';
import type { CapacityState } from './capacity-state.js';
import { canAddLocal, minimumCount, minimumShortfall } from './customer-model.js';
import type { Model } from './model.js';

const EPS = 1e-7;
/** Chosen rows whose removal cost is measured exactly when choosing what to drop. */
const EXACT_COSTS = 8;
/** Capacity windows holding more candidate rows than this are not searched for drops. */
const WINDOW_SCAN_LIMIT = 4_096;
/** Alternatives tried for the first drop decision of a move. */
const FIRST_CHOICES = 3;
/** How much worse (share of the best score) a ruin-and-recreate walk may go on from. */
const WALK_SLACK = 0.01;
/** Second insertions tried into the minimums a move left short. */
const CHAIN_TRIES = 4;
/** Helper rows brought in by dropping something of their customer, per window. */
const HELPER_TRIES = 4;
/** Rows a refill looks at in one capacity window. */
const REFILL_WINDOW_LIMIT = 512;

export interface LocalSearchSelection {
  chosen: Uint8Array;
  state: CapacityState;
}

export interface LocalSearchOptions {
  /** Work units (rows looked at) the search may spend; it stops when they are used. */
  work: number;
  /** Passes over the candidate rows at most (a pass that improves nothing ends it). */
  passes: number;
  /** Rounds of ruin and recreate after the first descent, while work is left. */
  rounds: number;
  /** Seed of the ruin choices (runs are reproducible). */
  seed: number;
}

export interface LocalSearchResult {
  moves: number;
  /** Ruin-and-recreate rounds that improved the selection. */
  rounds: number;
  work: number;
  shortfall: number;
  score: number;
}

/** One way a move was made, to replay the best. */
interface Way {
  helpers: boolean;
  forced: number;
  chain: number;
  shortfall: number;
  score: number;
}

/** The cost of dropping a contact: shortfall it opens and score it loses. */
interface DropCost {
  shortfall: number;
  score: number;
}

export function improveSelection(model: Model, selection: LocalSearchSelection, options: LocalSearchOptions): LocalSearchResult {
  const search = new LocalSearch(model, selection, options.work);
  return search.run(options);
}

class LocalSearch {
  private readonly chosen: Uint8Array;
  private readonly state: CapacityState;
  /** Undo log: row + 1 for an add, −(row + 1) for a removal. */
  private readonly journal: number[] = [];
  private readonly guarded: Uint8Array;
  private readonly guardList: number[] = [];
  /** Per part: index of the first scoped row on each horizon day (rows are sorted by day). */
  private readonly partDayStart: Int32Array[];
  /** Parts with coefficients of both signs (averages): room can also come from adding rows. */
  private readonly mixedPart: Uint8Array;
  /** Customers and windows a move touched, for its refill. */
  private readonly touchedCustomers = new Set<number>();
  private readonly touchedWindows: { part: number; from: number; to: number }[] = [];
  private score = 0;
  private customerShortfall = 0;
  /** Which alternative the first drop decision of an attempt takes, decisions so far, and
   *  how many alternatives that first decision had. */
  private forced = 0;
  private decisions = 0;
  private firstAlternatives = 0;
  private spent = 0;
  private moves = 0;
  private rounds = 0;

  constructor(
    private readonly model: Model,
    selection: LocalSearchSelection,
    private readonly budget: number,
  ) {
    this.chosen = selection.chosen;
    this.state = selection.state;
    this.guarded = new Uint8Array(model.n);
    for (let row = 0; row < model.n; row++) if (this.chosen[row]) this.score += model.score[row]!;
    for (const cm of model.customers) cm.mins.forEach((minimum, m) => (this.customerShortfall += minimumShortfall(minimum, minimumCount(cm, this.chosen, m))));
    this.mixedPart = Uint8Array.from(model.parts, (part) => (part.coef.some((c) => c < 0) && part.coef.some((c) => c > 0) ? 1 : 0));
    this.partDayStart = model.parts.map((part) => {
      const start = new Int32Array(model.h + 1);
      for (let j = 0; j < part.rows.length; j++) start[model.day[part.rows[j]!]! + 1]!++;
      for (let d = 0; d < model.h; d++) start[d + 1]! += start[d]!;
      return start;
    });
  }

  private get shortfall(): number {
    return this.state.minShortfall + this.customerShortfall;
  }

  private get exhausted(): boolean {
    return this.spent > this.budget;
  }

  run(options: LocalSearchOptions): LocalSearchResult {
    this.descend(options.passes);
    this.journal.length = 0;
    // Iterated local search: ruin part of the selection, rebuild it, descend again. The
    // walk may go on from a slightly worse selection (same shortfall, score within
    // WALK_SLACK); the best selection seen is what stays.
    const random = createRandom(options.seed).next;
    let bestShortfall = this.shortfall;
    let bestScore = this.score;
    let best: Uint8Array | null = null;
    for (let round = 0; round < options.rounds && !this.exhausted; round++) {
      const baseShortfall = this.shortfall;
      this.ruin(random);
      if (!this.windowsHold(0)) {
        // Dropping rows below an average's bound can break it: skip this ruin.
        this.undo(0);
        continue;
      }
      this.recreate(random);
      this.descend(options.passes);
      if (this.better(this.shortfall, this.score, bestShortfall, bestScore)) {
        bestShortfall = this.shortfall;
        bestScore = this.score;
        best = null;
        this.rounds++;
      } else if (this.shortfall <= baseShortfall + EPS && this.score >= bestScore * (1 - WALK_SLACK) - EPS) {
        best ??= this.snapshotBefore();
      } else this.undo(0);
      this.journal.length = 0;
    }
    if (best) this.restore(best);
    return { moves: this.moves, rounds: this.rounds, work: this.spent, shortfall: this.shortfall, score: this.score };
  }

  /** The chosen flags as they were before the changes in the journal. */
  private snapshotBefore(): Uint8Array {
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
  private restore(flags: Uint8Array): void {
    for (let row = 0; row < this.model.n; row++) if (this.chosen[row] && !flags[row]) this.flip(row, 0);
    for (let row = 0; row < this.model.n; row++) if (!this.chosen[row] && flags[row]) this.flip(row, 1);
  }

  private descend(passes: number): void {
    for (let pass = 0; pass < passes && !this.exhausted; pass++) {
      let improved = false;
      if (this.shortfall > EPS) for (const row of this.minimumCandidates()) if (!this.exhausted && this.tryMove(row)) improved = true;
      for (const row of this.dropCandidates()) if (!this.exhausted && this.tryDrop(row)) improved = true;
      for (const row of this.scoreCandidates()) if (!this.exhausted && this.tryMove(row)) improved = true;
      if (!improved) break;
    }
  }

  /** Drops the chosen rows of a random share of customers, or of a random span of days. */
  private ruin(random: () => number): void {
    const { model, chosen } = this;
    this.touchedCustomers.clear();
    this.touchedWindows.length = 0;
    const share = 0.1 + 0.2 * random();
    if (random() < 0.5 || model.h <= 1) {
      for (const cm of model.customers) {
        if (random() >= share) continue;
        for (const row of cm.rows) if (chosen[row]) this.removeCascade(row);
      }
    } else {
      const span = 1 + Math.floor(random() * Math.min(3, model.h));
      const from = Math.floor(random() * (model.h - span + 1));
      for (let row = 0; row < model.n; row++) if (chosen[row] && model.day[row]! >= from && model.day[row]! < from + span && random() < 0.5 + share) this.removeCascade(row);
    }
    this.spent += model.n;
  }

  /** Rebuilds after a ruin: minimum rows first, then every row by a jittered score. */
  private recreate(random: () => number): void {
    const { model, chosen } = this;
    if (this.shortfall > EPS) for (const row of this.minimumCandidates()) this.addIfBetter(row);
    const rows: number[] = [];
    for (let row = 0; row < model.n; row++) if (!chosen[row] && model.forbidden[row] === -1 && model.score[row]! > 0) rows.push(row);
    // Half the rounds put rows below an average's bound first: they make room for others.
    const lowFirst = random() < 0.5;
    const key = new Map(rows.map((row) => [row, model.score[row]! * (0.6 + 0.8 * random()) + (lowFirst && this.lowersMixedPart(row) ? 1e15 : 0)]));
    rows.sort((a, b) => key.get(b)! - key.get(a)! || a - b);
    for (const row of rows) this.addIfBetter(row);
    this.spent += model.n;
  }

  // ---- candidates -------------------------------------------------------------------

  /** Unchosen rows that count toward an unmet minimum, best score first. */
  private minimumCandidates(): number[] {
    const { model, chosen, state } = this;
    const out = new Set<number>();
    model.parts.forEach((part, p) => {
      for (let w = 0; w < part.minFrom.length; w++) {
        if (state.minActivity[p]![w]! >= part.minNeed[w]! - EPS) continue;
        const start = this.partDayStart[p]!;
        for (let j = start[part.minFrom[w]!]!; j < start[part.minTo[w]! + 1]!; j++) {
          const row = part.rows[j]!;
          if (!chosen[row] && part.coef[j]! > 0 && model.forbidden[row] === -1) out.add(row);
        }
        this.spent += start[part.minTo[w]! + 1]! - start[part.minFrom[w]!]!;
      }
    });
    for (const cm of model.customers) {
      for (let m = 0; m < cm.mins.length; m++) {
        const minimum = cm.mins[m]!;
        if (minimumShortfall(minimum, minimumCount(cm, chosen, m)) === 0) continue;
        for (const local of minimum.rows) {
          const row = cm.rows[local]!;
          if (!chosen[row] && model.forbidden[row] === -1) out.add(row);
        }
      }
    }
    return [...out].sort((a, b) => model.score[b]! - model.score[a]! || a - b);
  }

  /** Chosen rows that score nothing: dropping them may pay. */
  private dropCandidates(): number[] {
    const out: number[] = [];
    for (let row = 0; row < this.model.n; row++) if (this.chosen[row] && this.model.score[row]! <= 0) out.push(row);
    return out;
  }

  /** Unchosen positive rows, best score first. */
  private scoreCandidates(): number[] {
    const { model, chosen } = this;
    const out: number[] = [];
    for (let row = 0; row < model.n; row++) if (!chosen[row] && model.forbidden[row] === -1 && model.score[row]! > 0) out.push(row);
    this.spent += model.n;
    return out.sort((a, b) => model.score[b]! - model.score[a]! || a - b);
  }

  // ---- moves ------------------------------------------------------------------------

  private better(shortfall: number, score: number, baseShortfall: number, baseScore: number): boolean {
    if (shortfall < baseShortfall - EPS) return true;
    if (shortfall > baseShortfall + EPS) return false;
    return score > baseScore + EPS * Math.max(1, Math.abs(baseScore));
  }

  /**
   * Adds `row` making room for it, refills, and keeps the result when it is better.
   * When a way of adding it is not better but opened a minimum (dropped a contact a
   * minimum counted), a second insertion into that minimum is tried on top of it.
   */
  private tryMove(row: number): boolean {
    if (this.chosen[row]) return false;
    const mark = this.journal.length;
    const baseShortfall = this.shortfall;
    const baseScore = this.score;
    // Two ways to make room in a window that has contacts below an average's bound:
    // drop contacts above it, or also add contacts below it. Try both, keep the better.
    const ways = this.touchesMixedPart(row) ? [false, true] : [false];
    let best: Way | null = null;
    const consider = (way: Way): void => {
      if (!best || this.better(way.shortfall, way.score, best.shortfall, best.score)) best = way;
    };
    for (const helpers of ways) {
      // The first drop decision is also tried with its second and third best choice.
      for (let forced = 0; forced < FIRST_CHOICES; forced++) {
        if (this.attempt(row, helpers, forced, mark)) {
          consider({ helpers, forced, chain: -1, shortfall: this.shortfall, score: this.score });
          if (forced === 0 && !this.better(this.shortfall, this.score, baseShortfall, baseScore)) {
            for (const next of this.chainCandidates(mark)) {
              const inner = this.journal.length;
              if (this.chain(next, inner)) consider({ helpers, forced, chain: next, shortfall: this.shortfall, score: this.score });
              this.undo(inner);
            }
          }
        }
        this.undo(mark);
        this.releaseGuards();
        if (forced + 1 >= this.firstAlternatives) break;
      }
    }
    const way = best as Way | null;
    const kept = way !== null && this.better(way.shortfall, way.score, baseShortfall, baseScore);
    if (kept) {
      this.attempt(row, way.helpers, way.forced, mark);
      if (way.chain >= 0) this.chain(way.chain, this.journal.length);
      this.releaseGuards();
      this.moves++;
    }
    return kept;
  }

  /** One way of adding `row`: insert, refill; true when it ends feasible. */
  private attempt(row: number, helpers: boolean, forced: number, mark: number): boolean {
    this.forced = forced;
    this.decisions = 0;
    this.firstAlternatives = 0;
    this.touchedCustomers.clear();
    this.touchedWindows.length = 0;
    if (!this.insert(row, 0, helpers)) return false;
    this.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.refill();
    return this.windowsHold(mark);
  }

  /** The second link of a move: insert `row` (a minimum's row) on top, refill. */
  private chain(row: number, mark: number): boolean {
    this.forced = 0;
    this.decisions = 1;
    this.touchedCustomers.clear();
    this.touchedWindows.length = 0;
    if (!this.insert(row, 0, false)) return false;
    this.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.refill();
    return this.windowsHold(mark);
  }

  /**
   * Rows worth a second insertion after a move that did not pay on its own: rows of the
   * minimums it left short, then the best rows of the customers it dropped contacts of
   * (which may need their own room made).
   */
  private chainCandidates(mark: number): number[] {
    const { model, chosen } = this;
    const out = this.openedMinimumRows(mark).slice(0, CHAIN_TRIES);
    const own: number[] = [];
    for (const c of this.touchedCustomers) {
      for (const row of model.customers[c]!.rows) {
        if (!chosen[row] && !this.guarded[row] && model.forbidden[row] === -1 && model.score[row]! > 0 && !out.includes(row)) own.push(row);
      }
    }
    own.sort((a, b) => model.score[b]! - model.score[a]! || a - b);
    return out.concat(own.slice(0, CHAIN_TRIES));
  }

  /** Unchosen rows of the minimums left short by the rows dropped since `mark`, best first. */
  private openedMinimumRows(mark: number): number[] {
    const { model, chosen, state } = this;
    const out = new Set<number>();
    const take = (row: number): void => {
      if (!chosen[row] && !this.guarded[row] && model.forbidden[row] === -1) out.add(row);
    };
    for (let k = mark; k < this.journal.length; k++) {
      const entry = this.journal[k]!;
      if (entry > 0 || chosen[-entry - 1]) continue;
      const row = -entry - 1;
      const d = model.day[row]!;
      for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
        if (model.rowPartCoef[e]! <= 0) continue;
        const p = model.rowPart[e]!;
        const part = model.parts[p]!;
        const mins = state.minByDay[p]!;
        for (let i = mins.start[d]!; i < mins.start[d + 1]!; i++) {
          const w = mins.list[i]!;
          if (state.minActivity[p]![w]! >= part.minNeed[w]! - EPS) continue;
          const start = this.partDayStart[p]!;
          const hi = Math.min(start[part.minTo[w]! + 1]!, start[part.minFrom[w]!]! + REFILL_WINDOW_LIMIT);
          for (let j = start[part.minFrom[w]!]!; j < hi; j++) if (part.coef[j]! > 0) take(part.rows[j]!);
          this.spent += hi - start[part.minFrom[w]!]!;
        }
      }
      const cm = model.customers[model.rowCustomerModel[row]!]!;
      for (const m of cm.rowMins[model.rowLocal[row]!]!) {
        if (minimumShortfall(cm.mins[m]!, minimumCount(cm, chosen, m)) === 0) continue;
        for (const local of cm.mins[m]!.rows) take(cm.rows[local]!);
      }
    }
    return [...out].sort((a, b) => model.score[b]! - model.score[a]! || a - b);
  }

  private lowersMixedPart(row: number): boolean {
    const { model } = this;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) if (this.mixedPart[model.rowPart[e]!] && model.rowPartCoef[e]! < 0) return true;
    return false;
  }

  private touchesMixedPart(row: number): boolean {
    const { model } = this;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) if (this.mixedPart[model.rowPart[e]!]) return true;
    return false;
  }

  /** Drops a non-positive chosen row (and rows that needed it), refills, keeps it when better. */
  private tryDrop(row: number): boolean {
    if (!this.chosen[row]) return false;
    const mark = this.journal.length;
    const baseShortfall = this.shortfall;
    const baseScore = this.score;
    this.touchedCustomers.clear();
    this.touchedWindows.length = 0;
    this.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.guard(row);
    this.removeCascade(row);
    this.refill();
    this.releaseGuards();
    const kept = this.better(this.shortfall, this.score, baseShortfall, baseScore) && this.windowsHold(mark);
    if (kept) {
      this.moves++;
    } else this.undo(mark);
    return kept;
  }

  /**
   * Makes `row` chosen: brings an A row it needs (depth 0 only), drops the chosen rows
   * that block it. Returns false when it cannot (the caller undoes the changes).
   */
  private insert(row: number, depth: number, helpers: boolean): boolean {
    const { model, chosen } = this;
    if (chosen[row]) return true;
    if (model.forbidden[row] !== -1) return false;
    const c = model.rowCustomerModel[row]!;
    const cm = model.customers[c]!;
    const local = model.rowLocal[row]!;
    const rows = cm.rows;
    this.guard(row);
    this.spent += 1 + rows.length;

    for (const list of cm.requires[local]!) {
      if (list.some((a) => chosen[rows[a]!])) continue;
      if (depth > 0) return false;
      const options = list.map((a) => rows[a]!).filter((a) => model.forbidden[a] === -1 && !this.guarded[a]);
      options.sort((a, b) => model.score[b]! - model.score[a]! || a - b);
      let brought = false;
      for (const a of options.slice(0, 4)) {
        const mark = this.journal.length;
      if (this.insert(a, depth + 1, helpers)) {
          brought = true;
          break;
        }
        this.undo(mark);
      }
      if (!brought) return false;
    }

    for (const other of cm.conflicts[local]!) {
      const r = rows[other]!;
      if (!chosen[r]) continue;
      if (this.guarded[r]) return false;
      this.removeCascade(r);
    }

    for (const cap of cm.rowCaps[local]!) {
      const capRows = cm.capRows[cap]!;
      for (;;) {
        let used = 0;
        for (const l of capRows) if (chosen[rows[l]!]) used++;
        this.spent += capRows.length;
        if (used + 1 <= cm.capLimit[cap]!) break;
        const victim = this.cheapest(capRows.map((l) => rows[l]!).filter((r) => chosen[r] && !this.guarded[r]), null);
        if (victim < 0) return false;
        this.removeCascade(victim);
      }
    }

    const pkg = cm.pkgOf[local]!;
    for (const cap of cm.rowPkgCaps[local]!) {
      const capRows = cm.pkgCapRows[cap]!;
      for (;;) {
        const groups = new Map<number, number[]>();
        for (const l of capRows) {
          if (!chosen[rows[l]!]) continue;
          const p = cm.pkgOf[l]!;
          const group = groups.get(p);
          if (group) group.push(rows[l]!);
          else groups.set(p, [rows[l]!]);
        }
        this.spent += capRows.length;
        if (groups.has(pkg) || groups.size + 1 <= cm.pkgLimit[cap]!) break;
        const ranked: { group: number[]; cost: DropCost }[] = [];
        for (const group of groups.values()) if (!group.some((r) => this.guarded[r])) ranked.push({ group, cost: this.dropCost(group) });
        ranked.sort((a, b) => compareCost(a.cost, b.cost));
        const chosenGroup = this.decide(ranked);
        if (!chosenGroup) return false;
        for (const r of chosenGroup.group) this.removeCascade(r);
      }
    }

    // Customer rules hold now; the row goes in and its over-full windows are fixed.
    if (!canAddLocal(cm, chosen, local)) return false;
    for (const list of cm.requires[local]!) if (!list.some((x) => chosen[rows[x]!])) return false;
    this.flip(row, 1);
    this.journal.push(row + 1);
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const coef = model.rowPartCoef[e]!;
      if (coef <= 0) continue;
      const p = model.rowPart[e]!;
      const part = model.parts[p]!;
      const hard = this.state.hardByDay[p]!;
      const activity = this.state.activity[p]!;
      const d = model.day[row]!;
      for (let k = hard.start[d]!; k < hard.start[d + 1]!; k++) {
        const w = hard.list[k]!;
        if (activity[w]! <= part.rhs[w]! + EPS) continue;
        const start = this.partDayStart[p]!;
        const lo = start[part.from[w]!]!;
        const hi = start[part.to[w]! + 1]!;
        if (hi - lo > WINDOW_SCAN_LIMIT) return false;
        if (helpers && this.mixedPart[p]) this.addHelpers(p, w, lo, hi);
        while (activity[w]! > part.rhs[w]! + EPS) {
          const candidates: number[] = [];
          const weights: number[] = [];
          for (let j = lo; j < hi; j++) {
            const r = part.rows[j]!;
            if (chosen[r] && part.coef[j]! > 0 && !this.guarded[r]) {
              candidates.push(r);
              weights.push(part.coef[j]!);
            }
          }
          this.spent += hi - lo;
          const victim = this.cheapest(candidates, weights);
          if (victim < 0) return false;
          this.removeCascade(victim);
          this.touchedWindows.push({ part: p, from: part.from[w]!, to: part.to[w]! });
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
    const { model, chosen } = this;
    const part = model.parts[p]!;
    const activity = this.state.activity[p]!;
    const options: number[] = [];
    for (let j = lo; j < hi; j++) {
      const r = part.rows[j]!;
      if (!chosen[r] && part.coef[j]! < 0 && model.forbidden[r] === -1 && !this.guarded[r]) options.push(j);
    }
    this.spent += hi - lo;
    options.sort((a, b) => model.score[part.rows[b]!]! / -part.coef[b]! - model.score[part.rows[a]!]! / -part.coef[a]! || a - b);
    for (const j of options) {
      if (activity[w]! <= part.rhs[w]! + EPS) return;
      const r = part.rows[j]!;
      if (!this.canAdd(r)) continue;
      this.flip(r, 1);
      this.journal.push(r + 1);
      this.guard(r);
      this.touchedCustomers.add(model.rowCustomerModel[r]!);
    }
    // Rows that fit once their customer drops something (at most a few tries).
    let tries = 0;
    for (const j of options) {
      if (activity[w]! <= part.rhs[w]! + EPS || tries >= HELPER_TRIES) return;
      const r = part.rows[j]!;
      if (chosen[r] || this.guarded[r]) continue;
      tries++;
      const mark = this.journal.length;
      const before = activity[w]!;
      if (this.insert(r, 1, false) && activity[w]! < before - EPS) {
        this.touchedCustomers.add(model.rowCustomerModel[r]!);
        continue;
      }
      this.undo(mark);
    }
  }

  /**
   * The chosen row whose drop costs least (shortfall first, then score, per unit of
   * `weights` when given), or −1. Exact costs for the few rows the score says are cheapest.
   */
  private cheapest(candidates: number[], weights: number[] | null): number {
    if (candidates.length === 0) return -1;
    const { score } = this.model;
    const key = (j: number): number => score[candidates[j]!]! / (weights ? weights[j]! : 1);
    let order = candidates.map((_, j) => j);
    if (order.length > EXACT_COSTS) {
      order.sort((a, b) => key(a) - key(b) || candidates[a]! - candidates[b]!);
      order = order.slice(0, EXACT_COSTS);
    }
    const ranked = order.map((j) => {
      const cost = this.dropCost([candidates[j]!]);
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

  /** What dropping the rows (and the rows that need them) would cost, measured and undone. */
  private dropCost(group: number[]): DropCost {
    const mark = this.journal.length;
    const shortfall = this.shortfall;
    const score = this.score;
    for (const r of group) this.removeCascade(r);
    const cost = { shortfall: this.shortfall - shortfall, score: score - this.score };
    this.undo(mark);
    return cost;
  }

  /** Adds the best rows that now fit to the customers and windows a move touched. */
  private refill(): void {
    const { model, chosen } = this;
    const rows = new Set<number>();
    for (const c of this.touchedCustomers) for (const row of model.customers[c]!.rows) if (!chosen[row] && !this.guarded[row] && model.forbidden[row] === -1) rows.add(row);
    for (const { part: p, from, to } of this.touchedWindows) {
      const part = model.parts[p]!;
      const start = this.partDayStart[p]!;
      let seen = 0;
      for (let j = start[from]!; j < start[to + 1]! && seen < REFILL_WINDOW_LIMIT; j++, seen++) {
        const row = part.rows[j]!;
        if (!chosen[row] && !this.guarded[row] && model.forbidden[row] === -1) rows.add(row);
      }
      this.spent += seen;
    }
    const order = [...rows].sort((a, b) => model.score[b]! - model.score[a]! || a - b);
    for (const row of order) this.addIfBetter(row);
  }

  /** Adds a row (with an A row it needs, when one fits) if that improves the selection. */
  private addIfBetter(row: number): void {
    const { model, chosen } = this;
    if (chosen[row]) return;
    const mark = this.journal.length;
    const baseShortfall = this.shortfall;
    const baseScore = this.score;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const local = model.rowLocal[row]!;
    this.spent += 1 + cm.rows.length;
    for (const list of cm.requires[local]!) {
      if (list.some((a) => chosen[cm.rows[a]!])) continue;
      let brought = false;
      for (const a of list) {
        const r = cm.rows[a]!;
        if (model.forbidden[r] === -1 && this.canAdd(r)) {
          this.flip(r, 1);
          this.journal.push(r + 1);
          brought = true;
          break;
        }
      }
      if (!brought) {
        this.undo(mark);
        return;
      }
    }
    if (!this.canAdd(row)) {
      this.undo(mark);
      return;
    }
    this.flip(row, 1);
    this.journal.push(row + 1);
    if (!this.better(this.shortfall, this.score, baseShortfall, baseScore)) this.undo(mark);
  }

  // ---- state ------------------------------------------------------------------------

  /** Would adding the row keep every hard rule? */
  private canAdd(row: number): boolean {
    const { model, chosen } = this;
    if (chosen[row] || model.forbidden[row] !== -1) return false;
    if (!this.state.canAdd(row)) return false;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const local = model.rowLocal[row]!;
    if (!canAddLocal(cm, chosen, local)) return false;
    for (const list of cm.requires[local]!) if (!list.some((a) => chosen[cm.rows[a]!])) return false;
    return true;
  }

  /** Does every capacity window that a change since `mark` touched still hold? */
  private windowsHold(mark: number): boolean {
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
  private removeCascade(row: number): void {
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
      for (const list of cm.requires[i]!) {
        if (list.includes(local) && !list.some((a) => chosen[cm.rows[a]!])) {
          this.removeCascade(other);
          break;
        }
      }
    }
  }

  /** Sets a row's flag and every running total (no journal). */
  private flip(row: number, on: 0 | 1): void {
    const { model, chosen } = this;
    chosen[row] = on;
    this.state.apply(row, on ? 1 : -1);
    this.score += on ? model.score[row]! : -model.score[row]!;
    const cm = model.customers[model.rowCustomerModel[row]!]!;
    const mins = cm.rowMins[model.rowLocal[row]!]!;
    for (const m of mins) {
      const after = minimumCount(cm, chosen, m);
      const before = on ? after - 1 : after + 1;
      this.customerShortfall += minimumShortfall(cm.mins[m]!, after) - minimumShortfall(cm.mins[m]!, before);
      this.spent += cm.mins[m]!.rows.length;
    }
    this.spent += 1;
  }

  private undo(mark: number): void {
    while (this.journal.length > mark) {
      const entry = this.journal.pop()!;
      if (entry > 0) this.flip(entry - 1, 0);
      else this.flip(-entry - 1, 1);
    }
  }

  private guard(row: number): void {
    if (this.guarded[row]) return;
    this.guarded[row] = 1;
    this.guardList.push(row);
  }

  private releaseGuards(): void {
    for (const row of this.guardList) this.guarded[row] = 0;
    this.guardList.length = 0;
  }
}


function compareCost(a: DropCost, b: DropCost): number {
  if (a.shortfall < b.shortfall - EPS) return -1;
  if (a.shortfall > b.shortfall + EPS) return 1;
  return a.score - b.score;
}
