// Capacity prices by Lagrangian relaxation (docs/optimization.md#how-it-works): the global capacity
// windows are priced, every customer then solves its own subproblem on reduced scores
// (score − Σ price × coefficient), and prices move by subgradient steps toward clearing
// each window. Prices are first estimated on a sample of customers with scaled
// capacities, then refined on all customers, where each pass also gives a valid upper
// bound (the Lagrangian dual: Σ subproblem bounds + Σ price × capacity).
import { indexByDay, type DayIndex } from './capacity-state.js';
import type { Model } from './model.js';
import type { SolvePool } from './solve-pool.js';
import { SubproblemScratch, solveCustomer } from './subproblem.js';

export type Prices = Float64Array[];

export function zeroPrices(model: Model): Prices {
  return model.parts.map((p) => new Float64Array(p.rhs.length));
}

/** Reduced scores under the prices: of every row, or of `rows` only (the others are left as they are). */
export function reducedScores(model: Model, prices: Prices, byDay: DayIndex[], out: Float64Array, rows?: Int32Array): void {
  const dayPrice = model.parts.map((_, p) => {
    const price = new Float64Array(model.h);
    const index = byDay[p]!;
    for (let d = 0; d < model.h; d++) {
      let sum = 0;
      for (let k = index.start[d]!; k < index.start[d + 1]!; k++) sum += prices[p]![index.list[k]!]!;
      price[d] = sum;
    }
    return price;
  });
  const coef = model.parts.map((part) => part.coef);
  const { score, day, rowPartStart, rowPart, rowPartEntry } = model;
  const count = rows ? rows.length : model.n;
  for (let i = 0; i < count; i++) {
    const row = rows ? rows[i]! : i;
    let r = score[row]!;
    const d = day[row]!;
    for (let e = rowPartStart[row]!; e < rowPartStart[row + 1]!; e++) {
      const p = rowPart[e]!;
      r -= coef[p]![rowPartEntry[e]!]! * dayPrice[p]![d]!;
    }
    out[row] = r;
  }
}

export interface PriceSearch {
  prices: Prices;
  /** Best (lowest) dual bound seen on all customers; Infinity when none was computed. */
  bound: number;
  iterations: number;
}

export interface PriceSearchOptions {
  sampleIterations: number;
  fullIterations: number;
  /** Share of customers in the price-estimation sample. */
  sampleShare: number;
  seed: number;
  start?: Prices;
  nodeLimit: number;
  onIteration?: (done: number, total: number) => void;
  /** Solve the customers on two threads (solve-pool.ts). */
  pool?: SolvePool | null;
}

/** Customers whose rows touch a capacity window (the others never change with prices). */
export function coupledCustomers(model: Model): Uint8Array {
  const coupled = new Uint8Array(model.customers.length);
  model.customers.forEach((cm, c) => {
    for (const row of cm.rows) if (model.rowPartStart[row + 1]! > model.rowPartStart[row]!) coupled[c] = 1;
  });
  return coupled;
}

/**
 * The Lagrangian dual at fixed `prices`: every customer's best with the capacity
 * coefficients priced in (or its subproblem bound), plus Σ price × capacity. An upper
 * bound on the objective for any prices ≥ 0; at zero prices, each customer's own optimum.
 */
export function dualBound(model: Model, prices: Prices, nodeLimit: number, pool: SolvePool | null = null): number {
  const reduced = pool ? pool.reduced : new Float64Array(model.n);
  reducedScores(model, prices, model.parts.map((p) => indexByDay(model.h, p.from, p.to)), reduced);
  let total = 0;
  if (pool) total = pool.solve(null, 0, nodeLimit);
  else {
    const sink = new Uint8Array(model.n);
    const scratch = new SubproblemScratch();
    for (const cm of model.customers) total += solveCustomer(cm, reduced, model.forbidden, sink, scratch, { penalty: 0, nodeLimit }).bound;
  }
  model.parts.forEach((part, p) => {
    for (let w = 0; w < part.rhs.length; w++) total += prices[p]![w]! * part.rhs[w]!;
  });
  return total;
}

export function searchPrices(model: Model, options: PriceSearchOptions): PriceSearch {
  const parts = model.parts;
  const prices = options.start ?? zeroPrices(model);
  if (parts.length === 0) return { prices, bound: Infinity, iterations: 0 };
  const byDay = parts.map((p) => indexByDay(model.h, p.from, p.to));
  const pool = options.pool ?? null;
  const reduced = pool ? pool.reduced : new Float64Array(model.n);
  const chosen = pool ? pool.chosen : new Uint8Array(model.n);
  const scratch = new SubproblemScratch();
  const coupled = coupledCustomers(model);
  const all = model.customers.map((_, c) => c).filter((c) => coupled[c]);

  // The constant part of the bound: customers no capacity touches.
  let fixedBound = 0;
  model.customers.forEach((cm, c) => {
    if (coupled[c]) return;
    fixedBound += solveCustomer(cm, model.score, model.forbidden, chosen, scratch, { penalty: 0, nodeLimit: options.nodeLimit }).bound;
  });

  // Step scales: a price moves in score units per unit of coefficient.
  const scale = parts.map((part) => {
    let scoreSum = 0;
    let coefSum = 0;
    for (let j = 0; j < part.rows.length; j++) {
      scoreSum += Math.abs(model.score[part.rows[j]!]!);
      coefSum += Math.abs(part.coef[j]!);
    }
    return part.rows.length === 0 || coefSum === 0 ? 0 : scoreSum / coefSum;
  });

  const sampleSize = Math.max(1, Math.round(all.length * options.sampleShare));
  const sample = sampleSize >= all.length ? all : pickSample(all, sampleSize, options.seed);
  let bound = Infinity;
  let iterations = 0;
  const total = (sample === all ? 0 : options.sampleIterations) + options.fullIterations;
  // Per-window step sizes, adapted like Rprop: grow while the window stays on one side
  // of its capacity, halve when it crosses — a bisection on each window's clearing price.
  const step = parts.map((part, p) => new Float64Array(part.rhs.length).fill(0.25 * scale[p]!));
  const lastSign = parts.map((part) => new Int8Array(part.rhs.length));
  const run = (customers: number[], steps: number, full: boolean): void => {
    const inSample = new Uint8Array(model.n);
    for (const c of customers) for (const row of model.customers[c]!.rows) inSample[row] = 1;
    // Capacity share of the customers solved, per part (1 on all customers).
    const share = parts.map((part) => {
      if (full) return 1;
      let k = 0;
      for (const row of part.rows) if (inSample[row]) k++;
      return part.rows.length === 0 ? 1 : k / part.rows.length;
    });
    // A sample pass reads only its customers' rows: their reduced scores are the only ones
    // computed, and each window sums only their entries (the others are never chosen).
    const sampleRows = full ? undefined : rowsOf(model, customers);
    const entries = parts.map((part) => (full ? { rows: part.rows, coef: part.coef } : entriesOf(part.rows, part.coef, inSample)));
    for (let t = 0; t < steps; t++) {
      reducedScores(model, prices, byDay, reduced, sampleRows);
      let sum = fixedBound;
      if (sampleRows) for (let i = 0; i < sampleRows.length; i++) chosen[sampleRows[i]!] = 0;
      else chosen.fill(0);
      if (pool) sum = pool.solve(customers, 0, options.nodeLimit, sum);
      else for (const c of customers) sum += solveCustomer(model.customers[c]!, reduced, model.forbidden, chosen, scratch, { penalty: 0, nodeLimit: options.nodeLimit }).bound;
      if (full) {
        let dual = sum;
        parts.forEach((part, p) => {
          for (let w = 0; w < part.rhs.length; w++) dual += prices[p]![w]! * part.rhs[w]!;
        });
        if (dual < bound) bound = dual;
      }
      parts.forEach((part, p) => {
        const activity = windowSums(model, entries[p]!.rows, entries[p]!.coef, chosen, part.from, part.to);
        const price = prices[p]!;
        const delta = step[p]!;
        const signs = lastSign[p]!;
        for (let w = 0; w < part.rhs.length; w++) {
          const gap = activity[w]! - part.rhs[w]! * share[p]!;
          const sign = gap > 1e-9 ? 1 : gap < -1e-9 ? -1 : 0;
          if (sign <= 0 && price[w] === 0) {
            signs[w] = 0;
            continue;
          }
          if (sign * signs[w]! < 0) delta[w]! *= 0.5;
          else if (sign !== 0 && sign === signs[w]) delta[w]! *= 1.2;
          price[w] = Math.max(0, price[w]! + sign * delta[w]!);
          signs[w] = sign;
        }
      });
      iterations++;
      options.onIteration?.(iterations, total);
    }
  };
  if (sample !== all && options.sampleIterations > 0) {
    run(sample, options.sampleIterations, false);
    // The sample's prices are close; let the full passes move them a few percent.
    parts.forEach((_, p) => {
      for (let w = 0; w < step[p]!.length; w++) step[p]![w] = Math.max(step[p]![w]!, 0.02 * prices[p]![w]!);
    });
  }
  run(all, options.fullIterations, true);
  return { prices, bound, iterations };
}

/** Per window: Σ coef over the flagged rows. */
export function windowSums(model: Model, rows: Int32Array, coef: Float64Array, flags: Uint8Array, from: Int32Array, to: Int32Array): Float64Array {
  const prefix = new Float64Array(model.h + 1);
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    if (flags[row]) prefix[model.day[row]! + 1]! += coef[j]!;
  }
  for (let d = 0; d < model.h; d++) prefix[d + 1]! += prefix[d]!;
  const out = new Float64Array(from.length);
  for (let w = 0; w < from.length; w++) out[w] = prefix[to[w]! + 1]! - prefix[from[w]!]!;
  return out;
}

/** The rows of `customers`. */
function rowsOf(model: Model, customers: number[]): Int32Array {
  let count = 0;
  for (const c of customers) count += model.customers[c]!.rows.length;
  const out = new Int32Array(count);
  let at = 0;
  for (const c of customers) {
    out.set(model.customers[c]!.rows, at);
    at += model.customers[c]!.rows.length;
  }
  return out;
}

/** A part's entries (rows and coefficients) whose row is flagged. */
function entriesOf(rows: Int32Array, coef: Float64Array, flags: Uint8Array): { rows: Int32Array; coef: Float64Array } {
  let count = 0;
  for (let j = 0; j < rows.length; j++) if (flags[rows[j]!]) count++;
  const outRows = new Int32Array(count);
  const outCoef = new Float64Array(count);
  let at = 0;
  for (let j = 0; j < rows.length; j++) {
    if (!flags[rows[j]!]) continue;
    outRows[at] = rows[j]!;
    outCoef[at++] = coef[j]!;
  }
  return { rows: outRows, coef: outCoef };
}

/** A seeded sample of customers (xorshift), reproducible for a given seed. */
function pickSample(all: number[], size: number, seed: number): number[] {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const copy = all.slice();
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, size).sort((a, b) => a - b);
}
