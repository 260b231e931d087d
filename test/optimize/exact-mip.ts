// The exact MIP of a contact optimization problem, solved with HiGHS: the test oracle
// for optimality. Built from docs/optimization-semantics.md, independently of
// src/optimize/ (it shares only segment membership, scopes and window enumeration with
// the checker, whose unit tests pin those down).
//
// Variables: x_i binary per proposed row; s_k ≥ 0 shortfall per minimum window;
// y_k ∈ [0,1] per (customer, window, new package) for maxPackages. Lexicographic
// objective: phase 1 minimises Σ s; phase 2 maximises Σ score·x with Σ s fixed at
// that minimum.
import type { BundlePolicyRule } from '../../src/bundle/types.js';
import { checkPrepared, prepareProblem, type Contact, type DayWindow, type PreparedProblem } from './checker.js';
import type { OptimizeProblem } from './contract.js';

type Sense = '<=' | '>=';

interface LinearConstraint {
  terms: Map<string, number>;
  sense: Sense;
  rhs: number;
  origin: string;
}

export interface MipModel {
  binaries: string[];
  continuous: { name: string; upper: number | null }[];
  constraints: LinearConstraint[];
  shortfallVars: string[];
  /** Rows no solution may choose (exclusions, filters, windows already full). */
  forbidden: Set<number>;
}

export interface MipSolution {
  /** Largest total score among the solutions with the least total shortfall. */
  objective: number;
  /** Least total shortfall below the minimums. */
  shortfall: number;
  /** Indexes of the chosen proposed rows, ascending. */
  chosen: number[];
  /** Size of the model, for information. */
  variables: number;
  constraints: number;
}

const x = (i: number): string => `x${i}`;

function addTerm(terms: Map<string, number>, name: string, coefficient: number): void {
  terms.set(name, (terms.get(name) ?? 0) + coefficient);
}

/** Builds the MIP's variables and constraints (without objective). */
export function buildMip(problem: OptimizeProblem): MipModel {
  const prepared = prepareProblem(problem);
  const model: MipModel = {
    binaries: problem.proposed.map((_, i) => x(i)),
    continuous: [],
    constraints: [],
    shortfallVars: [],
    forbidden: new Set(),
  };
  const seen = new Set<string>();
  const add = (terms: Map<string, number>, sense: Sense, rhs: number, origin: string): void => {
    for (const [name, coefficient] of terms) if (coefficient === 0) terms.delete(name);
    if (terms.size === 0) {
      if ((sense === '<=' && rhs < -1e-12) || (sense === '>=' && rhs > 1e-12)) throw new Error(`constant constraint cannot hold: ${origin}`);
      return;
    }
    const key = `${[...terms].map(([n, c]) => `${n}:${c}`).sort().join(',')}${sense}${rhs}`;
    if (seen.has(key)) return;
    seen.add(key);
    model.constraints.push({ terms, sense, rhs, origin });
  };
  const forbid = (i: number): void => {
    model.forbidden.add(i);
  };
  const newShortfall = (): string => {
    const name = `s${model.shortfallVars.length}`;
    model.shortfallVars.push(name);
    model.continuous.push({ name, upper: null });
    return name;
  };
  let packageVars = 0;
  const newPackageVar = (): string => {
    const name = `y${packageVars++}`;
    model.continuous.push({ name, upper: 1 });
    return name;
  };

  for (const rule of prepared.policy.rules) {
    buildRule(prepared, rule, { add, forbid, newShortfall, newPackageVar });
  }
  for (const i of model.forbidden) add(new Map([[x(i), 1]]), '<=', 0, 'forbidden');
  return model;
}

interface Builder {
  add(terms: Map<string, number>, sense: Sense, rhs: number, origin: string): void;
  forbid(i: number): void;
  newShortfall(): string;
  newPackageVar(): string;
}

function rowsIn(rows: Contact[], w: DayWindow): Contact[] {
  return rows.filter((c) => c.day >= w.start && c.day <= w.end);
}

function historyIn(history: Contact[], w: DayWindow): Contact[] {
  return w.withHistory ? history.filter((c) => c.day >= w.start && c.day <= w.end) : [];
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function sumOf(rows: Contact[], coefficient: (c: Contact) => number = () => 1): Map<string, number> {
  const terms = new Map<string, number>();
  for (const c of rows) addTerm(terms, x(c.index), coefficient(c));
  return terms;
}

/** Count rules: Σx ≤ max − history (all rows forbidden when history is over max); Σx + s ≥ min − history. */
function countConstraints(
  prepared: PreparedProblem,
  rule: BundlePolicyRule,
  b: Builder,
  groupKey: (c: Contact) => string,
  bounds: (w: DayWindow) => { min: number; max: number | null },
  minimumGroups: string[],
): void {
  const scoped = prepared.proposedContacts.filter((c) => prepared.inScope(rule, c));
  const history = groupBy(prepared.historyContacts.filter((c) => prepared.inScope(rule, c)), groupKey);
  const byGroup = groupBy(scoped, groupKey);
  for (const [group, rows] of byGroup) {
    for (const w of prepared.maximumWindows(rule, rows.map((c) => c.day))) {
      const { max } = bounds(w);
      if (max === null) continue;
      const inside = rowsIn(rows, w);
      const room = max - historyIn(history.get(group) ?? [], w).length;
      if (inside.length <= room) continue;
      b.add(sumOf(inside), '<=', Math.max(0, room), `${rule.name} max ${group}`);
    }
  }
  for (const group of minimumGroups) {
    for (const w of prepared.minimumWindows(rule)) {
      const { min } = bounds(w);
      const need = min - historyIn(history.get(group) ?? [], w).length;
      if (need <= 0) continue;
      const terms = sumOf(rowsIn(byGroup.get(group) ?? [], w));
      terms.set(b.newShortfall(), 1);
      b.add(terms, '>=', need, `${rule.name} min ${group}`);
    }
  }
}

function capacityBounds(rule: BundlePolicyRule & { type: 'offerCapacity' }, w: DayWindow, dayOf: (date: string) => number): { min: number; max: number | null } {
  const e = rule.exceptions.find((e) => w.matchDay >= dayOf(e.from) && w.matchDay <= dayOf(e.to));
  return e ? { min: e.min, max: e.max } : { min: rule.min, max: rule.max };
}

function dayOfDate(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function buildRule(prepared: PreparedProblem, rule: BundlePolicyRule, b: Builder): void {
  const proposed = prepared.proposedContacts;
  const history = prepared.historyContacts;
  switch (rule.type) {
    case 'customersIn':
      for (const c of proposed) {
        if (rule.offers.offers !== null && !rule.offers.offers.includes(c.offer)) continue;
        if (rule.channel !== null && c.channel !== rule.channel) continue;
        const member = rule.segment === null || prepared.isMember(c.customerId, rule.segment);
        if (member === (rule.mode === 'exclude')) b.forbid(c.index);
      }
      return;
    case 'interactionsWhere':
      for (const c of proposed) {
        if (!prepared.inScope(rule, c)) continue;
        if (prepared.whereHolds(rule, c.index) === (rule.mode === 'exclude')) b.forbid(c.index);
      }
      return;
    case 'offerCapacity': {
      const needsMin = rule.min > 0 || rule.exceptions.some((e) => e.min > 0);
      countConstraints(prepared, rule, b, () => '', (w) => capacityBounds(rule, w, dayOfDate), needsMin ? [''] : []);
      return;
    }
    case 'customerOfferCount': {
      const customers = rule.min > 0 ? prepared.plannedCustomers.filter((id) => rule.segment === null || prepared.isMember(id, rule.segment)) : [];
      countConstraints(prepared, rule, b, (c) => c.customerId, () => ({ min: rule.min, max: rule.max }), customers);
      return;
    }
    case 'maxDuplicateOffers':
      countConstraints(prepared, rule, b, (c) => `${c.customerId}|${c.offer}`, () => ({ min: 0, max: rule.max }), []);
      return;
    case 'customCapacity': {
      const scoped = proposed.filter((c) => prepared.inScope(rule, c));
      const value = (c: Contact): number => {
        const v = prepared.problem.proposed[c.index]!.fields[rule.field];
        if (typeof v !== 'number') throw new Error(`row ${c.index} has no number in ${rule.field}`);
        return v;
      };
      for (const w of prepared.maximumWindows(rule, scoped.map((c) => c.day))) {
        const inside = rowsIn(scoped, w);
        if (rule.aggregate === 'sum' && rule.max !== null) b.add(sumOf(inside, value), '<=', rule.max, `${rule.name} sum max`);
        if (rule.aggregate === 'avg') {
          if (rule.max !== null) b.add(sumOf(inside, (c) => value(c) - rule.max!), '<=', 0, `${rule.name} avg max`);
          if (rule.min !== null) b.add(sumOf(inside, (c) => value(c) - rule.min!), '>=', 0, `${rule.name} avg min`);
        }
      }
      if (rule.aggregate === 'sum' && rule.min !== null && rule.min > 0) {
        const min = rule.min;
        for (const w of prepared.minimumWindows(rule)) {
          const terms = sumOf(rowsIn(scoped, w), value);
          terms.set(b.newShortfall(), 1);
          b.add(terms, '>=', min, `${rule.name} sum min`);
        }
      }
      return;
    }
    case 'maxPackages': {
      const scoped = groupBy(proposed.filter((c) => prepared.inScope(rule, c)), (c) => c.customerId);
      const past = groupBy(history.filter((c) => prepared.inScope(rule, c)), (c) => c.customerId);
      for (const [customerId, rows] of scoped) {
        for (const w of prepared.maximumWindows(rule, rows.map((c) => c.day))) {
          const inside = rowsIn(rows, w);
          const historyPackages = new Set(historyIn(past.get(customerId) ?? [], w).map((c) => c.package));
          if (historyPackages.size > rule.max) {
            b.add(sumOf(inside), '<=', 0, `${rule.name} history over max ${customerId}`);
            continue;
          }
          const fresh = groupBy(inside.filter((c) => !historyPackages.has(c.package)), (c) => c.package);
          const room = rule.max - historyPackages.size;
          if (fresh.size <= room) continue;
          const total = new Map<string, number>();
          for (const members of fresh.values()) {
            if (members.length === 1) {
              total.set(x(members[0]!.index), 1);
              continue;
            }
            const y = b.newPackageVar();
            total.set(y, 1);
            for (const c of members) b.add(new Map([[y, 1], [x(c.index), -1]]), '>=', 0, `${rule.name} package indicator`);
          }
          b.add(total, '<=', room, `${rule.name} packages ${customerId}`);
        }
      }
      return;
    }
    case 'neverAWithB':
    case 'neverAFollowedByB': {
      const all = [...proposed, ...history];
      for (const a of all) {
        if (!prepared.inScope(rule, a, rule.a)) continue;
        for (const bc of all) {
          if (a === bc || a.customerId !== bc.customerId || !prepared.inScope(rule, bc, rule.b)) continue;
          if (a.source === 'history' && bc.source === 'history') continue;
          const gap = bc.day - a.day;
          const near = rule.type === 'neverAWithB' ? rule.periodDays === null || Math.abs(gap) <= rule.periodDays - 1 : gap >= 0 && (rule.periodDays === null || gap <= rule.periodDays - 1);
          if (!near) continue;
          if (a.source === 'history') b.forbid(bc.index);
          else if (bc.source === 'history') b.forbid(a.index);
          else b.add(new Map([[x(a.index), 1], [x(bc.index), 1]]), '<=', 1, `${rule.name} pair`);
        }
      }
      return;
    }
    case 'bOnlyWithA': {
      for (const bc of proposed) {
        if (!prepared.inScope(rule, bc, rule.b)) continue;
        const supports = (a: Contact): boolean => {
          if (a === bc || a.customerId !== bc.customerId || !prepared.inScope(rule, a, rule.a)) return false;
          const gap = bc.day - a.day;
          return gap >= 0 && (rule.periodDays === null || gap <= rule.periodDays - 1);
        };
        if (history.some(supports)) continue;
        const terms = new Map<string, number>([[x(bc.index), 1]]);
        for (const a of proposed) if (supports(a)) addTerm(terms, x(a.index), -1);
        b.add(terms, '<=', 0, `${rule.name} needs A`);
      }
      return;
    }
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(17).replace(/\.?0+$/, '');
}

function formatTerms(terms: Map<string, number>): string {
  const parts: string[] = [];
  for (const [name, coefficient] of terms) {
    const sign = coefficient < 0 ? '-' : '+';
    parts.push(`${sign} ${formatNumber(Math.abs(coefficient))} ${name}`);
  }
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(' '));
  return lines.join('\n   ');
}

/** The model as CPLEX LP text with the given objective and extra constraints. */
export function toLpText(model: MipModel, sense: 'Maximize' | 'Minimize', objective: Map<string, number>, extra: LinearConstraint[] = [], relax = false): string {
  // Every variable appears in the objective (with 0 when unused) so the reader declares it.
  const full = new Map<string, number>();
  for (const name of model.binaries) full.set(name, 0);
  for (const v of model.continuous) full.set(v.name, 0);
  for (const [name, coefficient] of objective) full.set(name, coefficient);
  const lines = [sense, ` obj: ${formatTerms(full)}`, 'Subject To'];
  [...model.constraints, ...extra].forEach((c, k) => lines.push(` c${k}: ${formatTerms(c.terms)} ${c.sense} ${formatNumber(c.rhs)}`));
  if (model.constraints.length + extra.length === 0) lines.push(` c0: ${model.binaries[0] ?? 'x0'} >= 0`);
  lines.push('Bounds');
  for (const name of model.binaries) lines.push(` 0 <= ${name} <= 1`);
  for (const v of model.continuous) lines.push(v.upper === null ? ` ${v.name} >= 0` : ` 0 <= ${v.name} <= ${v.upper}`);
  if (!relax && model.binaries.length > 0) {
    lines.push('Binary');
    for (let i = 0; i < model.binaries.length; i += 20) lines.push(` ${model.binaries.slice(i, i + 20).join(' ')}`);
  }
  lines.push('End');
  return lines.join('\n');
}

interface HighsResult {
  Status: string;
  ObjectiveValue: number;
  Columns: Record<string, { Primal: number }>;
}

interface HighsSolver {
  solve(lp: string, options?: Record<string, unknown>): HighsResult;
}

let highsInstance: Promise<HighsSolver> | null = null;
let solvesOnInstance = 0;

async function highs(): Promise<HighsSolver> {
  // A fresh WASM instance now and then keeps the heap from growing across many solves.
  if (highsInstance === null || solvesOnInstance >= 200) {
    solvesOnInstance = 0;
    highsInstance = import('highs').then((module) => (module.default as unknown as () => Promise<HighsSolver>)());
  }
  solvesOnInstance++;
  return highsInstance;
}

const SOLVE_OPTIONS = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9, time_limit: 30 };

async function solve(lp: string): Promise<HighsResult> {
  const solver = await highs();
  const result = solver.solve(lp, SOLVE_OPTIONS);
  if (result.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${result.Status}`);
  return result;
}

/** Solves the exact MIP: least shortfall first, then the largest score. */
export async function solveExact(problem: OptimizeProblem): Promise<MipSolution> {
  const model = buildMip(problem);
  let shortfall = 0;
  const extra: LinearConstraint[] = [];
  if (model.shortfallVars.length > 0) {
    const phase1 = await solve(toLpText(model, 'Minimize', new Map(model.shortfallVars.map((s) => [s, 1]))));
    shortfall = Math.max(0, phase1.ObjectiveValue);
    extra.push({ terms: new Map(model.shortfallVars.map((s) => [s, 1])), sense: '<=', rhs: shortfall + 1e-7 * Math.max(1, shortfall), origin: 'shortfall fixed' });
  }
  const scores = new Map(problem.proposed.map((p, i) => [x(i), p.score]));
  const phase2 = await solve(toLpText(model, 'Maximize', scores, extra));
  const chosen = problem.proposed.map((_, i) => i).filter((i) => (phase2.Columns[x(i)]?.Primal ?? 0) > 0.5);
  const objective = chosen.reduce((total, i) => total + problem.proposed[i]!.score, 0);
  return { objective, shortfall, chosen, variables: model.binaries.length + model.continuous.length, constraints: model.constraints.length };
}

/**
 * Brute force over every subset (tiny instances only): the lexicographic optimum by
 * the checker. Cross-checks the checker and the MIP against each other.
 */
export function bruteForceOptimum(problem: OptimizeProblem): { objective: number; shortfall: number; chosen: number[] } {
  const n = problem.proposed.length;
  if (n > 16) throw new Error('brute force is for at most 16 rows');
  const prepared = prepareProblem(problem);
  let best: { objective: number; shortfall: number; chosen: number[] } | null = null;
  for (let mask = 0; mask < 1 << n; mask++) {
    const chosen: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) chosen.push(i);
    const result = checkPrepared(prepared, chosen);
    if (result.violations.length > 0) continue;
    const better =
      best === null ||
      result.totalShortfall < best.shortfall - 1e-9 ||
      (Math.abs(result.totalShortfall - best.shortfall) <= 1e-9 && result.objective > best.objective + 1e-9);
    if (better) best = { objective: result.objective, shortfall: result.totalShortfall, chosen };
  }
  if (best === null) throw new Error('no feasible subset (the empty set should always be feasible)');
  return best;
}
