// Shadow prices per capacity rule (docs/optimization.md#shadow-prices-what-one-more-unit-buys):
// what one more unit of an offerCapacity or customCapacity bound buys. The scalable path
// reads them off the final Lagrangian prices; the exact path measures them by solving the
// MIP again with the bound moved by one unit, because an LP relaxation's duals at a
// degenerate optimum (the usual case: the cap is exactly filled) can be anything between
// what one unit more buys and what one unit less costs.
import { isoDay } from '../days.js';
import { CapacityState, indexByDay } from './capacity-state.js';
import { exactJob, solveLinearJobs, type LinearJob } from './exact.js';
import type { Prices } from './lagrangian.js';
import type { GlobalPart, Model } from './model.js';
import type { ReportWindow, ShadowPrice } from './types.js';

const EPS = 1e-7;
/** Window re-solves per run on the exact path (the rule-wide re-solves always run first). */
export const MAX_WINDOW_RESOLVES = 24;
/** Seconds the exact path's re-solves may take in all; the windows not reached are counted. */
export const RESOLVE_BUDGET_SECONDS = 10;

/** Per part and window: would some contact left out break this window (it is at capacity)? */
export function bindingWindows(model: Model, chosen: Uint8Array): Uint8Array[] {
  const state = new CapacityState(model, chosen);
  return model.parts.map((part, p) => {
    const binds = new Uint8Array(part.rhs.length);
    const byDay = state.hardByDay[p]!;
    const activity = state.activity[p]!;
    for (let j = 0; j < part.rows.length; j++) {
      const row = part.rows[j]!;
      const c = part.coef[j]!;
      if (chosen[row] || model.forbidden[row] !== -1 || c <= 0) continue;
      const d = model.day[row]!;
      for (let k = byDay.start[d]!; k < byDay.start[d + 1]!; k++) {
        const w = byDay.list[k]!;
        if (activity[w]! + c > part.rhs[w]! + EPS) binds[w] = 1;
      }
    }
    return binds;
  });
}

/** Per part and minimum window: is the minimum met with nothing to spare (lowering it could free a contact)? */
function tightMinimums(model: Model, chosen: Uint8Array): Uint8Array[] {
  const state = new CapacityState(model, chosen);
  return model.parts.map((part, p) => Uint8Array.from(part.minNeed, (need, w) => (Math.abs(state.minActivity[p]![w]! - need) <= EPS ? 1 : 0)));
}

function unitOf(part: GlobalPart): ShadowPrice['unit'] {
  return part.kind === 'count' ? 'contact' : part.kind === 'sum' ? 'sum' : 'average';
}

function calendarWindow(model: Model, rule: number, start: number, fallbackFrom: number): ReportWindow {
  const period = model.rules[rule]!.periodDays ?? null;
  if (period === null) return { from: isoDay(model.d0 + fallbackFrom), to: isoDay(model.d1) };
  return { from: isoDay(start), to: isoDay(start + period - 1) };
}

/** The parts of a rule that bound it from above, and the ones that bound it from below. */
interface RuleParts {
  rule: number;
  /** Parts whose hard windows are the rule's maximum (count, sum, avgMax). */
  upper: number[];
  /** The avg minimum (hard, priced like a maximum); count/sum minimums are the parts' min windows. */
  lowerHard: number[];
}

function capacityRules(model: Model): RuleParts[] {
  const out: RuleParts[] = [];
  model.rules.forEach((rule, index) => {
    if (rule.type !== 'offerCapacity' && rule.type !== 'customCapacity') return;
    const upper: number[] = [];
    const lowerHard: number[] = [];
    model.parts.forEach((part, p) => {
      if (part.rule !== index) return;
      if (part.kind === 'avgMin') lowerHard.push(p);
      else upper.push(p);
    });
    out.push({ rule: index, upper, lowerHard });
  });
  return out;
}

function hasMinimum(model: Model, parts: RuleParts): boolean {
  const rule = model.rules[parts.rule]!;
  if (rule.type === 'customCapacity' && rule.aggregate === 'avg') return rule.min !== null;
  return parts.upper.some((p) => model.parts[p]!.minFrom.length > 0);
}

function sorted(prices: ShadowPrice[]): ShadowPrice[] {
  return prices.sort((a, b) => b.price - a.price || (b.minimumPrice ?? 0) - (a.minimumPrice ?? 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** A price as the report gives it: 10 significant digits (sums of decimal scores carry binary noise further down), noise below 1e-9 as 0. */
function reported(value: number): number {
  return Math.abs(value) < 1e-9 ? 0 : Number(value.toPrecision(10));
}

/**
 * The scalable path: a window's price is its final Lagrangian price when the window is at
 * capacity in the selection, else 0 (a window with room for every contact left out is not
 * what holds the result back). The rule's price is the sum over its windows: to first
 * order, what raising the maximum in every window buys. An avg bound's price per unit of
 * the average is the window price times the contacts chosen in the window (raising `max`
 * by one lowers every coefficient v − max by one). A minimum's price is estimated from
 * the contact that costs most to keep: the lowest reduced score (score − capacity prices)
 * among the chosen contacts of a minimum window met exactly, negated; the largest over the
 * rule's windows.
 */
export function lagrangianShadowPrices(model: Model, chosen: Uint8Array, prices: Prices): ShadowPrice[] {
  const binds = bindingWindows(model, chosen);
  const tight = tightMinimums(model, chosen);
  const byDay = model.parts.map((p) => indexByDay(model.h, p.from, p.to));
  // Reduced scores: score − Σ coefficient × price of the windows the row is in.
  const reduced = (row: number): number => {
    let r = model.score[row]!;
    const d = model.day[row]!;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const p = model.rowPart[e]!;
      const index = byDay[p]!;
      const coef = model.parts[p]!.coef[model.rowPartEntry[e]!]!;
      for (let k = index.start[d]!; k < index.start[d + 1]!; k++) r -= coef * prices[p]![index.list[k]!]!;
    }
    return r;
  };
  const chosenIn = (part: GlobalPart, from: number, to: number): number => {
    let count = 0;
    for (const row of part.rows) if (chosen[row] && model.day[row]! >= from && model.day[row]! <= to) count++;
    return count;
  };
  const windowPrices = (p: number): { price: number; window: ReportWindow }[] => {
    const part = model.parts[p]!;
    const out: { price: number; window: ReportWindow }[] = [];
    for (let w = 0; w < part.rhs.length; w++) {
      if (!binds[p]![w]) continue;
      const lambda = prices[p]![w]!;
      const perUnit = part.kind === 'avgMax' || part.kind === 'avgMin' ? lambda * chosenIn(part, part.from[w]!, part.to[w]!) : lambda;
      out.push({ price: perUnit, window: calendarWindow(model, part.rule, part.start[w]!, part.from[w]!) });
    }
    return out;
  };
  return sorted(
    capacityRules(model).map((rp) => {
      const windows = rp.upper.flatMap(windowPrices);
      let minimumPrice: number | null = null;
      if (hasMinimum(model, rp)) {
        minimumPrice = 0;
        for (const w of rp.lowerHard.flatMap(windowPrices)) minimumPrice = Math.max(minimumPrice, w.price);
        for (const p of rp.upper) {
          const part = model.parts[p]!;
          for (let w = 0; w < part.minNeed.length; w++) {
            if (!tight[p]![w]) continue;
            for (let j = 0; j < part.rows.length; j++) {
              const row = part.rows[j]!;
              const c = part.coef[j]!;
              if (!chosen[row] || c <= 0 || model.day[row]! < part.minFrom[w]! || model.day[row]! > part.minTo[w]!) continue;
              minimumPrice = Math.max(minimumPrice, -reduced(row) / c);
            }
          }
        }
      }
      return entry(model, rp, 'lagrangian', windows, null, minimumPrice, 0);
    }),
  );
}

function entry(
  model: Model,
  rp: RuleParts,
  method: ShadowPrice['method'],
  windows: { price: number; window: ReportWindow }[],
  rulePrice: number | null,
  minimumPrice: number | null,
  unmeasured: number,
): ShadowPrice {
  const rule = model.rules[rp.rule]!;
  const first = rp.upper[0] ?? rp.lowerHard[0];
  let largest = 0;
  let sum = 0;
  let hardest: ReportWindow | null = null;
  for (const w of windows) {
    sum += w.price;
    if (w.price > largest + 1e-12) {
      largest = w.price;
      hardest = w.window;
    }
  }
  const watched = rp.upper.reduce((n, p) => n + model.parts[p]!.rhs.length, 0);
  return {
    rule: rule.name,
    type: rule.type as ShadowPrice['type'],
    unit: first === undefined ? (rule.type === 'offerCapacity' ? 'contact' : rule.type === 'customCapacity' && rule.aggregate === 'avg' ? 'average' : 'sum') : unitOf(model.parts[first]!),
    method,
    price: reported(Math.max(0, rulePrice ?? sum)),
    bindingWindows: windows.length,
    windows: watched,
    largestWindowPrice: reported(largest),
    sumOverWindows: reported(sum),
    hardestWindow: hardest,
    minimumPrice: minimumPrice === null ? null : reported(minimumPrice),
    unmeasuredWindows: unmeasured,
  };
}

/** The model with some bounds moved: `rhs` raised in windows, minimum needs or avg coefficients lowered. */
function relaxed(model: Model, change: Map<number, { windows: number[] | 'all'; minimums: boolean }>): Model {
  const parts = model.parts.map((part, p) => {
    const c = change.get(p);
    if (!c) return part;
    if (part.kind === 'avgMax' || part.kind === 'avgMin') {
      // Σ (v − max)·x ≤ 0 over a window: raising max by one lowers every coefficient by one,
      // in the windows moved only, so those windows become parts of their own.
      return part;
    }
    const rhs = Float64Array.from(part.rhs);
    const windows = c.windows === 'all' ? [...rhs.keys()] : c.windows;
    for (const w of windows) rhs[w] = rhs[w]! + 1;
    const minNeed = c.minimums ? Float64Array.from(part.minNeed, (need) => need - 1) : part.minNeed;
    return { ...part, rhs, minNeed };
  });
  // avg parts: the moved windows are split off with coefficients lowered by one.
  for (const [p, c] of change) {
    const part = model.parts[p]!;
    if (part.kind !== 'avgMax' && part.kind !== 'avgMin') continue;
    const windows = c.windows === 'all' ? [...part.rhs.keys()] : c.windows;
    const moved = new Set(windows);
    const keep = [...part.rhs.keys()].filter((w) => !moved.has(w));
    const pick = (list: number[]): Pick<GlobalPart, 'from' | 'to' | 'rhs' | 'start'> => ({
      from: Int32Array.from(list, (w) => part.from[w]!),
      to: Int32Array.from(list, (w) => part.to[w]!),
      rhs: Float64Array.from(list, (w) => part.rhs[w]!),
      start: Int32Array.from(list, (w) => part.start[w]!),
    });
    parts[p] = { ...part, ...pick(keep) };
    parts.push({ ...part, ...pick(windows), coef: Float64Array.from(part.coef, (v) => v - 1) });
  }
  return { ...model, parts };
}

/**
 * The exact path: every price is measured. The rule's price is the optimum with the
 * maximum raised by one in every window minus the optimum; a window's price is the same
 * with only that window raised (binding windows only; a rule with one binding window
 * reuses the rule's solve; at most MAX_WINDOW_RESOLVES window solves per run and within
 * the time budget, the others count as unmeasured); the minimum's price is the
 * optimum with every minimum window lowered by one minus the optimum (shortfall still
 * comes first). Null when HiGHS fails on the re-solves.
 */
export async function exactShadowPrices(model: Model, chosen: Uint8Array, objective: number, timeLimitSeconds: number): Promise<ShadowPrice[] | null> {
  const binds = bindingWindows(model, chosen);
  const rules = capacityRules(model);
  const jobs: LinearJob[] = [];
  interface Plan {
    rule: number | null;
    minimum: number | null;
    windows: { part: number; w: number; job: number }[];
    unmeasured: number;
  }
  const plans: Plan[] = rules.map(() => ({ rule: null, minimum: null, windows: [], unmeasured: 0 }));
  const job = (change: Map<number, { windows: number[] | 'all'; minimums: boolean }>): number => {
    jobs.push(exactJob(relaxed(model, change), false));
    return jobs.length - 1;
  };
  rules.forEach((rp, i) => {
    const binding = rp.upper.some((p) => binds[p]!.some((b) => b === 1));
    if (binding) plans[i]!.rule = job(new Map(rp.upper.map((p) => [p, { windows: 'all', minimums: false }])));
    if (hasMinimum(model, rp)) {
      const change = new Map<number, { windows: number[] | 'all'; minimums: boolean }>();
      for (const p of rp.upper) if (model.parts[p]!.minFrom.length > 0) change.set(p, { windows: [], minimums: true });
      for (const p of rp.lowerHard) change.set(p, { windows: 'all', minimums: false });
      plans[i]!.minimum = change.size === 0 ? null : job(change);
    }
  });
  let windowJobs = 0;
  rules.forEach((rp, i) => {
    // A rule with one binding window: that window's price is the rule's, no second solve.
    const bindingCount = rp.upper.reduce((n, p) => n + binds[p]!.reduce((a, b) => a + b, 0), 0);
    if (bindingCount === 1 && plans[i]!.rule !== null) {
      const p = rp.upper.find((q) => binds[q]!.includes(1))!;
      plans[i]!.windows.push({ part: p, w: binds[p]!.indexOf(1), job: plans[i]!.rule });
      return;
    }
    for (const p of rp.upper) {
      for (let w = 0; w < binds[p]!.length; w++) {
        if (!binds[p]![w]) continue;
        if (windowJobs >= MAX_WINDOW_RESOLVES) {
          plans[i]!.unmeasured++;
          continue;
        }
        windowJobs++;
        plans[i]!.windows.push({ part: p, w, job: job(new Map([[p, { windows: [w], minimums: false }]])) });
      }
    }
  });
  if (jobs.length === 0) return sorted(rules.map((rp) => entry(model, rp, 'resolve', [], 0, hasMinimum(model, rp) ? 0 : null, 0)));
  const results = await solveLinearJobs(jobs, timeLimitSeconds, RESOLVE_BUDGET_SECONDS);
  const gain = (index: number): number | null => {
    const r = results[index]!;
    return r.status === 'Optimal' ? Math.max(0, r.objective - objective) : null;
  };
  const out: ShadowPrice[] = [];
  for (const [i, rp] of rules.entries()) {
    const plan = plans[i]!;
    const rulePrice = plan.rule === null ? 0 : gain(plan.rule);
    if (rulePrice === null && results[plan.rule!]!.status !== 'Skipped') return null;
    const windows: { price: number; window: ReportWindow }[] = [];
    let unmeasured = plan.unmeasured;
    for (const w of plan.windows) {
      const g = gain(w.job);
      const part = model.parts[w.part]!;
      if (g === null) unmeasured++;
      else windows.push({ price: g, window: calendarWindow(model, part.rule, part.start[w.w]!, part.from[w.w]!) });
    }
    const minimumPrice = plan.minimum === null ? (hasMinimum(model, rp) ? 0 : null) : gain(plan.minimum);
    out.push({ ...entry(model, rp, 'resolve', windows, rulePrice ?? 0, minimumPrice, unmeasured), bindingWindows: windows.length + unmeasured });
  }
  return sorted(out);
}
