// Exact answers for small inputs (docs/optimization-semantics.md#objective-and-bound): the whole problem as a MIP
// (or its LP relaxation, for the bound) solved by HiGHS. HiGHS blocks while it solves,
// so it runs in a worker thread that loads it once, runs a list of solves (the optimum,
// then the re-solves that measure shadow prices) and is ended (~1 M variables is its
// memory ceiling; callers only send small models).
import { Worker } from 'node:worker_threads';
import { endWorker } from '../worker-end.js';
import type { Model } from './model.js';

export interface LinearSolution {
  status: string;
  objective: number;
  /** Primal values by variable name. */
  values: Map<string, number>;
}

/** One solve in the worker: an optional shortfall stage, then the score stage with the
 *  stage-one optimum put in for SHORTFALL_CAP (the lexicographic objective). */
export interface LinearJob {
  shortfall: string | null;
  score: string;
  /** Send the primal values back (the re-solves for shadow prices need the objective only). */
  values: boolean;
}

/** Placeholder for the stage-one optimum in a score-stage model (see LinearJob). */
export const SHORTFALL_CAP = '__SHORTFALL_CAP__';

// Plain CommonJS so it runs as an eval worker both from dist/ and under the test runner.
// HiGHS is loaded once per worker and runs every job; jobs past the deadline are skipped.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const load = createRequire(workerData.base)('highs');
load().then((highs) => {
  const results = [];
  const solve = (lp) => highs.solve(lp, workerData.options);
  for (const job of workerData.jobs) {
    if (Date.now() > workerData.deadline) { results.push({ status: 'Skipped', objective: NaN, values: {} }); continue; }
    try {
      let score = job.score;
      if (job.shortfall !== null) {
        const first = solve(job.shortfall);
        if (first.Status !== 'Optimal') { results.push({ status: first.Status, objective: NaN, values: {} }); continue; }
        score = score.split(workerData.cap).join(String(first.ObjectiveValue + 1e-6));
      }
      const result = solve(score);
      const values = {};
      if (job.values) for (const [name, column] of Object.entries(result.Columns || {})) values[name] = column.Primal;
      results.push({ status: result.Status, objective: result.ObjectiveValue, values });
    } catch (error) {
      results.push({ status: 'Error', objective: NaN, values: {}, error: String(error && error.message || error) });
    }
  }
  parentPort.postMessage(results);
});
`;

/** Solves an LP-format model in a worker, which ends on its own once it has posted the solution. */
export async function solveLinear(lp: string, timeLimitSeconds: number): Promise<LinearSolution> {
  const [solution] = await solveLinearJobs([{ shortfall: null, score: lp, values: true }], timeLimitSeconds, Infinity);
  return solution!;
}

/**
 * Runs the jobs in order in one worker (HiGHS loads once); each solve has the time limit,
 * and jobs not started within `budgetSeconds` come back with status 'Skipped'.
 */
export function solveLinearJobs(jobs: LinearJob[], timeLimitSeconds: number, budgetSeconds: number): Promise<LinearSolution[]> {
  return new Promise((resolve, reject) => {
    const deadline = Number.isFinite(budgetSeconds) ? Date.now() + budgetSeconds * 1000 : Number.MAX_SAFE_INTEGER;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { base: import.meta.url, jobs, deadline, cap: SHORTFALL_CAP, options: { time_limit: timeLimitSeconds, output_flag: false, mip_rel_gap: 1e-9 } },
    });
    let settled = false;
    worker.once('message', (message: { status: string; objective: number; values: Record<string, number> }[]) => {
      settled = true;
      void endWorker(worker); // it leaves once it has posted
      resolve(message.map((m) => ({ status: m.status, objective: m.objective, values: new Map(Object.entries(m.values)) })));
    });
    worker.once('error', (error) => {
      settled = true;
      void endWorker(worker);
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`HiGHS worker exited with code ${code}`));
    });
  });
}

function term(coef: number, name: string): string {
  const c = Number(coef.toPrecision(15));
  return `${c < 0 ? '-' : '+'} ${Math.abs(c)} ${name}`;
}

export interface LinearModelOptions {
  integer: boolean;
  /** 'shortfall': minimise total shortfall; 'score': maximise score (with shortfall ≤ cap). */
  objective: 'shortfall' | 'score';
  /** A number, or SHORTFALL_CAP for a job whose shortfall stage fills it in. */
  shortfallCap?: number | typeof SHORTFALL_CAP;
  withMinimums: boolean;
}

/** The whole problem in CPLEX LP format (variables x<row>, package y, shortfall s). */
export function linearModel(model: Model, options: LinearModelOptions): { lp: string; variables: number } {
  const rows: number[] = [];
  for (let i = 0; i < model.n; i++) if (model.forbidden[i] === -1) rows.push(i);
  const x = (row: number): string => `x${row}`;
  const constraints: string[] = [];
  const shortfalls: string[] = [];
  const packageVars: string[] = [];
  let next = 0;
  const add = (terms: string[], sense: '<=' | '>=', rhs: number | typeof SHORTFALL_CAP): void => {
    if (terms.length > 0) constraints.push(` c${next++}: ${terms.join(' ')} ${sense} ${typeof rhs === 'number' ? Number(rhs.toPrecision(15)) : rhs}`);
  };
  const live = (row: number): boolean => model.forbidden[row] === -1;
  model.customers.forEach((cm, c) => {
    const g = (l: number): number => cm.rows[l]!;
    for (let k = 0; k < cm.capCount; k++) add(Array.from(cm.capRows(k)).filter((l) => live(g(l))).map((l) => term(1, x(g(l)))), '<=', cm.capLimit(k));
    for (let k = 0; k < cm.pkgCapCount; k++) {
      const limit = cm.pkgLimit(k);
      const byPackage = new Map<number, number[]>();
      for (const l of cm.pkgCapRows(k)) {
        if (!live(g(l))) continue;
        const list = byPackage.get(cm.pkgOf(l)) ?? [];
        list.push(l);
        byPackage.set(cm.pkgOf(l), list);
      }
      const ys: string[] = [];
      for (const [pkg, locals] of byPackage) {
        const y = `y${c}_${k}_${pkg}`;
        packageVars.push(y);
        ys.push(term(1, y));
        for (const l of locals) add([term(1, x(g(l))), term(-1, y)], '<=', 0);
      }
      add(ys, '<=', limit);
    }
    cm.rows.forEach((row, l) => {
      if (!live(row)) return;
      for (const other of cm.conflictsOf(l)) if (other > l && live(g(other))) add([term(1, x(row)), term(1, x(g(other)))], '<=', 1);
      for (const q of cm.requirementsOf(l)) add([term(1, x(row)), ...Array.from(cm.requirementRows(q)).filter((a) => live(g(a))).map((a) => term(-1, x(g(a))))], '<=', 0);
    });
    if (options.withMinimums) {
      for (let m = 0; m < cm.minCount; m++) {
        for (const w of cm.minWindows(m)) {
          const s = `s${shortfalls.length}`;
          shortfalls.push(s);
          add([...Array.from(cm.minRows(m)).filter((l) => live(g(l))).map((l) => term(1, x(g(l)))), term(1, s)], '>=', w.need);
        }
      }
    }
  });
  model.parts.forEach((part) => {
    for (let w = 0; w < part.rhs.length; w++) {
      const terms: string[] = [];
      for (let j = 0; j < part.rows.length; j++) {
        const d = model.day[part.rows[j]!]!;
        if (d >= part.from[w]! && d <= part.to[w]! && part.coef[j] !== 0) terms.push(term(part.coef[j]!, x(part.rows[j]!)));
      }
      add(terms, '<=', part.rhs[w]!);
    }
    if (options.withMinimums) {
      for (let w = 0; w < part.minFrom.length; w++) {
        const terms: string[] = [];
        for (let j = 0; j < part.rows.length; j++) {
          const d = model.day[part.rows[j]!]!;
          if (d >= part.minFrom[w]! && d <= part.minTo[w]! && part.coef[j] !== 0) terms.push(term(part.coef[j]!, x(part.rows[j]!)));
        }
        const s = `s${shortfalls.length}`;
        shortfalls.push(s);
        add([...terms, term(1, s)], '>=', part.minNeed[w]!);
      }
    }
  });
  if (options.objective === 'score' && options.shortfallCap !== undefined && shortfalls.length > 0) {
    add(shortfalls.map((s) => term(1, s)), '<=', options.shortfallCap);
  }
  const objectiveTerms =
    options.objective === 'shortfall'
      ? shortfalls.map((s) => term(1, s))
      : rows.filter((row) => model.score[row] !== 0).map((row) => term(model.score[row]!, x(row)));
  const firstVariable = rows.length > 0 ? x(rows[0]!) : shortfalls[0] ?? 'x_none';
  const lines = [
    options.objective === 'shortfall' ? 'Minimize' : 'Maximize',
    ` obj: ${objectiveTerms.length > 0 ? objectiveTerms.join(' ') : `0 ${firstVariable}`}`,
    'Subject To',
    ...(constraints.length > 0 ? constraints : [` c0: ${firstVariable} >= 0`]),
    'Bounds',
    ...rows.map((row) => ` 0 <= ${x(row)} <= 1`),
    ...packageVars.map((y) => ` 0 <= ${y} <= 1`),
    ...shortfalls.map((s) => ` ${s} >= 0`),
  ];
  if (rows.length === 0 && shortfalls.length === 0) lines.push(` 0 <= ${firstVariable} <= 0`);
  if (options.integer && rows.length + packageVars.length > 0) lines.push('General', ` ${[...rows.map(x), ...packageVars].join(' ')}`);
  lines.push('End');
  return { lp: lines.join('\n'), variables: rows.length + packageVars.length + shortfalls.length };
}

/** The exact optimum as one worker job: least total shortfall first, then the largest score. */
export function exactJob(model: Model, values: boolean): LinearJob {
  const hasMinimums = model.parts.some((p) => p.minFrom.length > 0) || model.customers.some((c) => c.minCount > 0);
  return {
    shortfall: hasMinimums ? linearModel(model, { integer: true, objective: 'shortfall', withMinimums: true }).lp : null,
    score: linearModel(model, { integer: true, objective: 'score', withMinimums: hasMinimums, ...(hasMinimums ? { shortfallCap: SHORTFALL_CAP } : {}) }).lp,
    values,
  };
}

/** The exact optimum: least total shortfall first, then the largest score. Null when HiGHS gives up. */
export async function solveExact(model: Model, timeLimitSeconds: number): Promise<{ chosen: Uint8Array; objective: number } | null> {
  const [second] = await solveLinearJobs([exactJob(model, true)], timeLimitSeconds, Infinity);
  if (second!.status !== 'Optimal') return null;
  const chosen = new Uint8Array(model.n);
  for (let row = 0; row < model.n; row++) if (model.forbidden[row] === -1 && (second!.values.get(`x${row}`) ?? 0) > 0.5) chosen[row] = 1;
  return { chosen, objective: second!.objective };
}

/** The LP relaxation's optimum (minimums left out): an upper bound on the score. */
export async function linearBound(model: Model, timeLimitSeconds: number): Promise<number | null> {
  const solution = await solveLinear(linearModel(model, { integer: false, objective: 'score', withMinimums: false }).lp, timeLimitSeconds);
  return solution.status === 'Optimal' ? solution.objective + 1e-7 * Math.max(1, Math.abs(solution.objective)) : null;
}
