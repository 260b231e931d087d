// The local search driver after the greedy fill (docs/optimization.md#how-it-works):
// passes of make-room moves (make-room.ts) over the rows that can help — first those
// counting toward an unmet minimum, then chosen rows that score nothing, then the best
// unchosen rows — then rounds of ruin and recreate while work is left. A move is kept
// only when it improves the selection lexicographically (first a smaller total shortfall
// below the minimums, then a larger total score) and every rule it touched holds;
// anything else is undone from the journal (selection-journal.ts), so between moves the
// selection always keeps every hard rule. The work is bounded by a budget proportional
// to the rows, and seeded, so runs are reproducible.
import { createRandom } from '../seeded-random.js';
import { minimumCount } from './customer-model.js';
import { RoomMaker } from './make-room.js';
import type { Model } from './model-types.js';
import { sortRowsByKey } from './row-order.js';
import { EPS, REFILL_WINDOW_LIMIT, SelectionJournal, type LocalSearchSelection } from './selection-journal.js';

export type { LocalSearchSelection } from './selection-journal.js';

/** Alternatives tried for the first drop decision of a move. */
const FIRST_CHOICES = 3;
/** How much worse (share of the best score) a ruin-and-recreate walk may go on from. */
const WALK_SLACK = 0.01;
/** Second insertions tried into the minimums a move left short. */
const CHAIN_TRIES = 4;

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

/**
 * Improves the selection in place. `keys`, when given, is a buffer of one number per row
 * the search may overwrite (the caller's reduced scores once they are no longer needed),
 * so a run holds no second one.
 */
export function improveSelection(model: Model, selection: LocalSearchSelection, options: LocalSearchOptions, keys?: Float64Array): LocalSearchResult {
  const search = new LocalSearch(model, selection, options.work, keys ?? new Float64Array(model.n));
  return search.run(options);
}

class LocalSearch {
  private readonly j: SelectionJournal;
  private readonly room: RoomMaker;
  private moves = 0;
  private rounds = 0;
  /** The candidate list being worked through (rows, `listLength` of them): a pass's lists
   *  and a rebuild's order are made one after the other, so they share one buffer sized
   *  once, rather than an array (and a map of sort keys) per round. */
  private readonly list: Int32Array;
  private listLength = 0;
  /** Per row: a listed flag (to list a row once), cleared after each list is made. */
  private readonly listed: Uint8Array;

  constructor(
    private readonly model: Model,
    selection: LocalSearchSelection,
    private readonly budget: number,
    /** Per row: the jittered sort key of a rebuild. */
    private readonly keys: Float64Array,
  ) {
    this.j = new SelectionJournal(model, selection);
    this.room = new RoomMaker(this.j);
    this.list = new Int32Array(model.n);
    this.listed = new Uint8Array(model.n);
  }

  private get exhausted(): boolean {
    return this.j.spent > this.budget;
  }

  run(options: LocalSearchOptions): LocalSearchResult {
    this.descend(options.passes);
    this.j.journal.length = 0;
    // Iterated local search: ruin part of the selection, rebuild it, descend again. The
    // walk may go on from a slightly worse selection (same shortfall, score within
    // WALK_SLACK); the best selection seen is what stays.
    const random = createRandom(options.seed).next;
    let bestShortfall = this.j.shortfall;
    let bestScore = this.j.score;
    let best: Uint8Array | null = null;
    for (let round = 0; round < options.rounds && !this.exhausted; round++) {
      const baseShortfall = this.j.shortfall;
      this.ruin(random);
      if (!this.j.windowsHold(0)) {
        // Dropping rows below an average's bound can break it: skip this ruin.
        this.j.undo(0);
        continue;
      }
      this.recreate(random);
      this.descend(options.passes);
      if (this.j.better(this.j.shortfall, this.j.score, bestShortfall, bestScore)) {
        bestShortfall = this.j.shortfall;
        bestScore = this.j.score;
        best = null;
        this.rounds++;
      } else if (this.j.shortfall <= baseShortfall + EPS && this.j.score >= bestScore * (1 - WALK_SLACK) - EPS) {
        best ??= this.j.snapshotBefore();
      } else this.j.undo(0);
      this.j.journal.length = 0;
    }
    if (best) this.j.restore(best);
    return { moves: this.moves, rounds: this.rounds, work: this.j.spent, shortfall: this.j.shortfall, score: this.j.score };
  }

  private descend(passes: number): void {
    const { list } = this;
    for (let pass = 0; pass < passes && !this.exhausted; pass++) {
      let improved = false;
      if (this.j.shortfall > EPS) {
        this.listMinimumCandidates();
        for (let k = 0; k < this.listLength; k++) if (!this.exhausted && this.tryMove(list[k]!)) improved = true;
      }
      this.listDropCandidates();
      for (let k = 0; k < this.listLength; k++) if (!this.exhausted && this.tryDrop(list[k]!)) improved = true;
      this.listScoreCandidates();
      for (let k = 0; k < this.listLength; k++) if (!this.exhausted && this.tryMove(list[k]!)) improved = true;
      if (!improved) break;
    }
  }

  /** Drops the chosen rows of a random share of customers, or of a random span of days. */
  private ruin(random: () => number): void {
    const { model } = this;
    const { chosen } = this.j;
    this.j.touchedCustomers.clear();
    this.j.touchedWindows.length = 0;
    const share = 0.1 + 0.2 * random();
    if (random() < 0.5 || model.h <= 1) {
      for (const cm of model.customers) {
        if (random() >= share) continue;
        for (const row of cm.rows) if (chosen[row]) this.j.removeCascade(row);
      }
    } else {
      const span = 1 + Math.floor(random() * Math.min(3, model.h));
      const from = Math.floor(random() * (model.h - span + 1));
      for (let row = 0; row < model.n; row++) if (chosen[row] && model.day[row]! >= from && model.day[row]! < from + span && random() < 0.5 + share) this.j.removeCascade(row);
    }
    this.j.spent += model.n;
  }

  /** Rebuilds after a ruin: minimum rows first, then every row by a jittered score. */
  private recreate(random: () => number): void {
    const { model, list, keys } = this;
    const { chosen } = this.j;
    if (this.j.shortfall > EPS) {
      this.listMinimumCandidates();
      for (let k = 0; k < this.listLength; k++) this.room.addIfBetter(list[k]!);
    }
    let length = 0;
    for (let row = 0; row < model.n; row++) if (!chosen[row] && model.forbidden[row] === -1 && model.score[row]! > 0) list[length++] = row;
    // Half the rounds put rows below an average's bound first: they make room for others.
    const lowFirst = random() < 0.5;
    for (let k = 0; k < length; k++) {
      const row = list[k]!;
      keys[row] = model.score[row]! * (0.6 + 0.8 * random()) + (lowFirst && this.j.lowersMixedPart(row) ? 1e15 : 0);
    }
    sortRowsByKey(list, length, keys);
    this.listLength = length;
    for (let k = 0; k < length; k++) this.room.addIfBetter(list[k]!);
    this.j.spent += model.n;
  }

  // ---- candidates -------------------------------------------------------------------

  /** Lists the unchosen rows that count toward an unmet minimum, best score first. */
  private listMinimumCandidates(): void {
    const { model, list, listed } = this;
    const { chosen, state } = this.j;
    let length = 0;
    const add = (row: number): void => {
      if (listed[row]) return;
      listed[row] = 1;
      list[length++] = row;
    };
    model.parts.forEach((part, p) => {
      for (let w = 0; w < part.minFrom.length; w++) {
        if (state.minActivity[p]![w]! >= part.minNeed[w]! - EPS) continue;
        const start = this.j.partDayStart[p]!;
        for (let j = start[part.minFrom[w]!]!; j < start[part.minTo[w]! + 1]!; j++) {
          const row = part.rows[j]!;
          if (!chosen[row] && part.coef[j]! > 0 && model.forbidden[row] === -1) add(row);
        }
        this.j.spent += start[part.minTo[w]! + 1]! - start[part.minFrom[w]!]!;
      }
    });
    for (const cm of model.customers) {
      for (let m = 0; m < cm.minCount; m++) {
        if (cm.minShortfall(m, minimumCount(cm, chosen, m)) === 0) continue;
        for (const local of cm.minRows(m)) {
          const row = cm.rows[local]!;
          if (!chosen[row] && model.forbidden[row] === -1) add(row);
        }
      }
    }
    for (let k = 0; k < length; k++) listed[list[k]!] = 0;
    sortRowsByKey(list, length, model.score);
    this.listLength = length;
  }

  /** Lists the chosen rows that score nothing: dropping them may pay. */
  private listDropCandidates(): void {
    const { model, list } = this;
    let length = 0;
    for (let row = 0; row < model.n; row++) if (this.j.chosen[row] && model.score[row]! <= 0) list[length++] = row;
    this.listLength = length;
  }

  /** Lists the unchosen positive rows, best score first. */
  private listScoreCandidates(): void {
    const { model, list } = this;
    const { chosen } = this.j;
    let length = 0;
    for (let row = 0; row < model.n; row++) if (!chosen[row] && model.forbidden[row] === -1 && model.score[row]! > 0) list[length++] = row;
    this.j.spent += model.n;
    sortRowsByKey(list, length, model.score);
    this.listLength = length;
  }

  // ---- moves ------------------------------------------------------------------------

  /**
   * Adds `row` making room for it, refills, and keeps the result when it is better.
   * When a way of adding it is not better but opened a minimum (dropped a contact a
   * minimum counted), a second insertion into that minimum is tried on top of it.
   */
  private tryMove(row: number): boolean {
    if (this.j.chosen[row]) return false;
    const mark = this.j.journal.length;
    const baseShortfall = this.j.shortfall;
    const baseScore = this.j.score;
    // Two ways to make room in a window that has contacts below an average's bound:
    // drop contacts above it, or also add contacts below it. Try both, keep the better.
    const ways = this.j.touchesMixedPart(row) ? [false, true] : [false];
    let best: Way | null = null;
    const consider = (way: Way): void => {
      if (!best || this.j.better(way.shortfall, way.score, best.shortfall, best.score)) best = way;
    };
    for (const helpers of ways) {
      // The first drop decision is also tried with its second and third best choice.
      for (let forced = 0; forced < FIRST_CHOICES; forced++) {
        if (this.attempt(row, helpers, forced, mark)) {
          consider({ helpers, forced, chain: -1, shortfall: this.j.shortfall, score: this.j.score });
          if (forced === 0 && !this.j.better(this.j.shortfall, this.j.score, baseShortfall, baseScore)) {
            for (const next of this.chainCandidates(mark)) {
              const inner = this.j.journal.length;
              if (this.chain(next, inner)) consider({ helpers, forced, chain: next, shortfall: this.j.shortfall, score: this.j.score });
              this.j.undo(inner);
            }
          }
        }
        this.j.undo(mark);
        this.j.releaseGuards();
        if (forced + 1 >= this.room.firstAlternatives) break;
      }
    }
    const way = best as Way | null;
    const kept = way !== null && this.j.better(way.shortfall, way.score, baseShortfall, baseScore);
    if (kept) {
      this.attempt(row, way.helpers, way.forced, mark);
      if (way.chain >= 0) this.chain(way.chain, this.j.journal.length);
      this.j.releaseGuards();
      this.moves++;
    }
    return kept;
  }

  /** One way of adding `row`: insert, refill; true when it ends feasible. */
  private attempt(row: number, helpers: boolean, forced: number, mark: number): boolean {
    this.room.forced = forced;
    this.room.decisions = 0;
    this.room.firstAlternatives = 0;
    this.j.touchedCustomers.clear();
    this.j.touchedWindows.length = 0;
    if (!this.room.insert(row, 0, helpers)) return false;
    this.j.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.room.refill();
    return this.j.windowsHold(mark);
  }

  /** The second link of a move: insert `row` (a minimum's row) on top, refill. */
  private chain(row: number, mark: number): boolean {
    this.room.forced = 0;
    this.room.decisions = 1;
    this.j.touchedCustomers.clear();
    this.j.touchedWindows.length = 0;
    if (!this.room.insert(row, 0, false)) return false;
    this.j.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.room.refill();
    return this.j.windowsHold(mark);
  }

  /**
   * Rows worth a second insertion after a move that did not pay on its own: rows of the
   * minimums it left short, then the best rows of the customers it dropped contacts of
   * (which may need their own room made).
   */
  private chainCandidates(mark: number): number[] {
    const { model } = this;
    const { chosen } = this.j;
    const out = this.openedMinimumRows(mark).slice(0, CHAIN_TRIES);
    const own: number[] = [];
    for (const c of this.j.touchedCustomers) {
      for (const row of model.customers[c]!.rows) {
        if (!chosen[row] && !this.j.guarded[row] && model.forbidden[row] === -1 && model.score[row]! > 0 && !out.includes(row)) own.push(row);
      }
    }
    own.sort((a, b) => model.score[b]! - model.score[a]! || a - b);
    return out.concat(own.slice(0, CHAIN_TRIES));
  }

  /** Unchosen rows of the minimums left short by the rows dropped since `mark`, best first. */
  private openedMinimumRows(mark: number): number[] {
    const { model } = this;
    const { chosen, state } = this.j;
    const out = new Set<number>();
    const take = (row: number): void => {
      if (!chosen[row] && !this.j.guarded[row] && model.forbidden[row] === -1) out.add(row);
    };
    for (let k = mark; k < this.j.journal.length; k++) {
      const entry = this.j.journal[k]!;
      if (entry > 0 || chosen[-entry - 1]) continue;
      const row = -entry - 1;
      const d = model.day[row]!;
      for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
        const p = model.rowPart[e]!;
        const part = model.parts[p]!;
        if (part.coef[model.rowPartEntry[e]!]! <= 0) continue;
        const mins = state.minByDay[p]!;
        for (let i = mins.start[d]!; i < mins.start[d + 1]!; i++) {
          const w = mins.list[i]!;
          if (state.minActivity[p]![w]! >= part.minNeed[w]! - EPS) continue;
          const start = this.j.partDayStart[p]!;
          const hi = Math.min(start[part.minTo[w]! + 1]!, start[part.minFrom[w]!]! + REFILL_WINDOW_LIMIT);
          for (let j = start[part.minFrom[w]!]!; j < hi; j++) if (part.coef[j]! > 0) take(part.rows[j]!);
          this.j.spent += hi - start[part.minFrom[w]!]!;
        }
      }
      const cm = model.customers[model.rowCustomerModel[row]!]!;
      for (const m of cm.minsOf(model.rowLocal[row]!)) {
        if (cm.minShortfall(m, minimumCount(cm, chosen, m)) === 0) continue;
        for (const local of cm.minRows(m)) take(cm.rows[local]!);
      }
    }
    return [...out].sort((a, b) => model.score[b]! - model.score[a]! || a - b);
  }

  /** Drops a non-positive chosen row (and rows that needed it), refills, keeps it when better. */
  private tryDrop(row: number): boolean {
    if (!this.j.chosen[row]) return false;
    const mark = this.j.journal.length;
    const baseShortfall = this.j.shortfall;
    const baseScore = this.j.score;
    this.j.touchedCustomers.clear();
    this.j.touchedWindows.length = 0;
    this.j.touchedCustomers.add(this.model.rowCustomerModel[row]!);
    this.j.guard(row);
    this.j.removeCascade(row);
    this.room.refill();
    this.j.releaseGuards();
    const kept = this.j.better(this.j.shortfall, this.j.score, baseShortfall, baseScore) && this.j.windowsHold(mark);
    if (kept) {
      this.moves++;
    } else this.j.undo(mark);
    return kept;
  }
}
