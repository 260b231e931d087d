// Contact optimization (docs/optimization.md): the library entry point. Builds the model, then either
// solves small inputs exactly with HiGHS or runs the scalable path — capacity prices by
// Lagrangian relaxation, per-customer subproblems, repair and greedy fill — checks every
// hard rule once more and reports objective, bound and gap.
import { linearBound, solveExact } from './exact.js';
import { coupledCustomers, dualBound, searchPrices, zeroPrices, type Prices } from './lagrangian.js';
import { buildModel, type Model } from './model.js';
import { columnsOfContacts, isColumns, takeRows } from './proposed-columns.js';
import { selectByPrices } from './repair.js';
import { SolvePool } from './solve-pool.js';
import { buildReport } from './report.js';
import { customerShard, exportPrices, importPrices, scaleCapacities } from './shard.js';
import { exactShadowPrices, lagrangianShadowPrices } from './shadow-prices.js';
import type { AnyOptimizeProblem, OptimizeOptions, OptimizeResult } from './types.js';
import { verifySelection } from './verify.js';

/** Candidate rows up to which the exact MIP is tried (exact: 'auto'). */
export const EXACT_MAX_ROWS = 2_500;
/** Candidate rows up to which the LP relaxation bound is computed. */
export const LP_MAX_ROWS = 60_000;
const NODE_LIMIT = 4_000;
/** Local search budget: work units (rows looked at) per proposed row, plus a base. */
const SEARCH_WORK_PER_ROW = 4;
const SEARCH_WORK_BASE = 2_000_000;
const SEARCH_PASSES = 8;
const SEARCH_ROUNDS = 200;

export async function optimizeContacts(problem: AnyOptimizeProblem, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const startedAt = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const seed = options.seed ?? 1;

  // A shard keeps only its customers' rows; indexes map back to the input.
  let work = problem;
  let original: number[] | null = null;
  let horizon: { d0: number; d1: number } | undefined;
  if (options.shard) {
    const { index, count } = options.shard;
    const table = isColumns(problem.proposed) ? problem.proposed : columnsOfContacts(problem.proposed);
    const inShard = Uint8Array.from(table.customerIds, (id) => (customerShard(id, count) === index ? 1 : 0));
    original = [];
    for (let row = 0; row < table.length; row++) if (inShard[table.customer[row]!]) original.push(row);
    work = { ...problem, proposed: takeRows(table, original) };
    // The whole input's horizon: a shard whose customers start a day later must still
    // have the windows (and so the prices) of the whole run.
    if (table.length > 0) {
      let d0 = Infinity;
      let d1 = -Infinity;
      for (let row = 0; row < table.length; row++) {
        if (table.day[row]! < d0) d0 = table.day[row]!;
        if (table.day[row]! > d1) d1 = table.day[row]!;
      }
      horizon = { d0, d1 };
    }
  }

  progress(0, 1, 'model');
  // A shard takes a little more than its share; the merge run trims the excess.
  const share = options.shard ? Math.min(1, 1.15 / options.shard.count) : 1;
  const model = buildModel(work, { ...(horizon ? { horizon } : {}), capacityShare: share });
  if (options.releaseInputs) {
    for (const given of [problem, work]) {
      given.history = [];
      given.audience = [];
    }
  }
  progress(1, 1, 'model');
  if (options.shard) scaleCapacities(model, share);
  const candidates = countCandidates(model);

  let chosen: Uint8Array | null = null;
  let upperBound = Infinity;
  let boundMethod: 'exact' | 'lp' | 'lagrangian' = 'lagrangian';
  let method: 'exact' | 'lagrangian' = 'lagrangian';
  let iterations = 0;
  let prices: Prices = options.prices ? importPrices(model, options.prices) : zeroPrices(model);

  if ((options.exact ?? 'auto') === 'auto' && candidates <= EXACT_MAX_ROWS) {
    progress(0, 1, 'exact');
    const exact = await solveExact(model, 30).catch(() => null);
    if (exact && selectionHolds(model, exact.chosen)) {
      chosen = exact.chosen;
      upperBound = scoreOf(model, chosen);
      boundMethod = 'exact';
      method = 'exact';
    }
    progress(1, 1, 'exact');
  }

  // Large models solve their customers on two threads; the choice is the same.
  const pool = chosen ? null : SolvePool.create(model, options.threads);
  try {
    if (!chosen) {
      const fixedPrices = Boolean(options.shard && options.prices);
      if (model.parts.length > 0 && !fixedPrices) {
        const many = coupledCustomers(model).reduce((a, b) => a + b, 0);
        const search = searchPrices(model, {
          sampleIterations: many > 20_000 ? 60 : 0,
          fullIterations: many > 20_000 ? 4 : 60,
          sampleShare: many > 20_000 ? Math.max(0.05, 10_000 / many) : 1,
          seed,
          ...(options.prices ? { start: prices } : {}),
          nodeLimit: NODE_LIMIT,
          onIteration: (done, total) => progress(done, total, 'prices'),
          pool,
        });
        prices = search.prices;
        iterations = search.iterations;
        upperBound = search.bound;
      }
      // A shard on given prices searches none: its bound is the dual at those prices (on its
      // share of every capacity), or each customer's own optimum when that is lower.
      if (fixedPrices && model.parts.length > 0) upperBound = dualBound(model, prices, NODE_LIMIT, pool);
      // With capacity rules left unpriced this is still an upper bound (they only remove options).
      if (!Number.isFinite(upperBound) || fixedPrices) upperBound = Math.min(upperBound, dualBound(model, zeroPrices(model), NODE_LIMIT, pool));
      chosen = selectByPrices(
        model,
        prices,
        NODE_LIMIT,
        { work: SEARCH_WORK_PER_ROW * model.n + SEARCH_WORK_BASE, passes: SEARCH_PASSES, rounds: SEARCH_ROUNDS, seed },
        progress,
        pool,
      ).chosen;
      if (candidates <= LP_MAX_ROWS && model.parts.length > 0) {
        progress(0, 1, 'bound');
        const lp = await linearBound(model, 60).catch(() => null);
        if (lp !== null && lp < upperBound) {
          upperBound = lp;
          boundMethod = 'lp';
        }
        progress(1, 1, 'bound');
      }
    }
  } finally {
    await pool?.close();
  }

  const picked: number[] = [];
  for (let row = 0; row < model.n; row++) if (chosen[row]) picked.push(original ? original[row]! : row);
  options.onChosen?.(picked);
  verifySelection(model, chosen);
  // What one more unit of each capacity buys: measured by re-solving on the exact path,
  // read off the final prices otherwise (and when the re-solves fail).
  let shadowPrices = null;
  if (method === 'exact') {
    progress(0, 1, 'shadow prices');
    shadowPrices = await exactShadowPrices(model, chosen, scoreOf(model, chosen), 30).catch(() => null);
    progress(1, 1, 'shadow prices');
  }
  shadowPrices ??= lagrangianShadowPrices(model, chosen, prices);
  const report = buildReport({ model, chosen, upperBound, boundMethod, method, iterations, startedAt, now: performance.now(), shadowPrices });
  if (options.shard) report.shard = { ...options.shard };
  return { chosen: picked, report, prices: exportPrices(model, prices) };
}

function countCandidates(model: Model): number {
  let count = 0;
  for (let row = 0; row < model.n; row++) if (model.forbidden[row] === -1) count++;
  return count;
}

function scoreOf(model: Model, chosen: Uint8Array): number {
  let total = 0;
  for (let row = 0; row < model.n; row++) if (chosen[row]) total += model.score[row]!;
  return total;
}

/** A HiGHS answer is used only if it passes the same checks as ours (tolerances differ). */
function selectionHolds(model: Model, chosen: Uint8Array): boolean {
  try {
    verifySelection(model, chosen);
    return true;
  } catch {
    return false;
  }
}

