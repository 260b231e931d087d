// The independent feasibility checker for contact optimization (docs/optimization-semantics.md and
// docs/optimization-semantics.md). Written from the documents only, never from
// src/optimize/: given a problem and a chosen set of proposed rows it says which rule
// is broken where, which minimums are short, and the objective.
//
// Clarity over speed: every window and every pair is enumerated by brute force.
import type { AttributeDeclaration, BundleBody, BundleOfferScope, BundleOptimizationPolicy, BundlePolicyRule, PolicyRuleType } from '../../src/bundle/types.js';
import { createEnvironment, toCelRecord, toCelTimestamp, withSegmentLookup } from '../../src/expr/environment.js';
import type { OptimizeProblem } from './contract.js';

const DAY_MS = 86_400_000;
const EPSILON = 1e-9;

/** A contact as the rules see it: a chosen proposed row or a history `contact` row. */
export interface Contact {
  source: 'proposed' | 'history';
  /** Index into problem.proposed or problem.history. */
  index: number;
  customerId: string;
  offer: string;
  channel: string;
  date: string;
  day: number;
  package: string;
}

export interface DateWindow {
  from: string;
  to: string;
}

export interface Violation {
  rule: string;
  type: PolicyRuleType | 'input';
  customerId?: string;
  window?: DateWindow;
  /** The contacts that together break the rule. */
  contacts: Contact[];
  message: string;
}

export interface Shortfall {
  rule: string;
  type: PolicyRuleType;
  customerId?: string;
  window: DateWindow;
  min: number;
  actual: number;
  shortfall: number;
}

export interface CheckResult {
  violations: Violation[];
  unmetMinimums: Shortfall[];
  /** Sum of the shortfalls of `unmetMinimums`. */
  totalShortfall: number;
  /** Sum of `score` over the chosen rows. */
  objective: number;
}

/** A window of days, inclusive; `withHistory` false for the one window of a rule without periodDays. */
export interface DayWindow {
  start: number;
  end: number;
  withHistory: boolean;
  /** The day an exception is matched against (the window's start, or D0 without periodDays). */
  matchDay: number;
}

export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function defaultPackage(customerId: string, channel: string, date: string): string {
  return `${customerId}|${channel}|${date}`;
}

export function offerInScope(scope: BundleOfferScope, offer: string): boolean {
  return scope.offers === null || scope.offers.includes(offer);
}

/** Everything about a problem that does not depend on the chosen set. */
export interface PreparedProblem {
  problem: OptimizeProblem;
  policy: BundleOptimizationPolicy;
  /** One Contact per proposed row (whether chosen or not), same order as problem.proposed. */
  proposedContacts: Contact[];
  /** History rows whose event is `contact`. */
  historyContacts: Contact[];
  /** Earliest and latest proposed day (the planning horizon). */
  d0: number;
  d1: number;
  isMember(customerId: string, segment: string): boolean;
  /** Contact in the rule's scope: offer scope (`a`/`b` for sequence rules), channel, segment. */
  inScope(rule: BundlePolicyRule, contact: Contact, scope?: BundleOfferScope): boolean;
  /** The where expression of an interactionsWhere rule on a proposed row (failure = false). */
  whereHolds(rule: BundlePolicyRule & { type: 'interactionsWhere' }, proposedIndex: number): boolean;
  /** Windows whose maximum must hold: every window holding at least one of `days`. */
  maximumWindows(rule: BundlePolicyRule, days: number[]): DayWindow[];
  /** Windows whose minimum applies: inside the horizon, or the one window [D0, D0+N-1]. */
  minimumWindows(rule: BundlePolicyRule): DayWindow[];
  /** Customers that minimums per customer are counted for (see docs): those with a proposed row. */
  plannedCustomers: string[];
}

export function prepareProblem(problem: OptimizeProblem): PreparedProblem {
  const bundle = problem.bundle;
  const policy = bundle.policies.find((p) => p.name === problem.policy);
  if (!policy) throw new Error(`no policy '${problem.policy}' in the bundle`);
  if (problem.proposed.length === 0) throw new Error('no proposed contacts');

  const proposedContacts: Contact[] = problem.proposed.map((p, index) => ({
    source: 'proposed',
    index,
    customerId: p.customerId,
    offer: p.offer,
    channel: p.channel,
    date: p.date,
    day: dayNumber(p.date),
    package: p.package !== undefined && p.package !== '' ? p.package : defaultPackage(p.customerId, p.channel, p.date),
  }));
  const historyContacts: Contact[] = [];
  problem.history.forEach((h, index) => {
    if ((h.event ?? 'contact') !== 'contact') return;
    historyContacts.push({
      source: 'history',
      index,
      customerId: h.customerId,
      offer: h.offer,
      channel: h.channel,
      date: h.date,
      day: dayNumber(h.date),
      package: h.package !== undefined && h.package !== null && h.package !== '' ? h.package : defaultPackage(h.customerId, h.channel, h.date),
    });
  });
  const days = proposedContacts.map((c) => c.day);
  const d0 = Math.min(...days);
  const d1 = Math.max(...days);

  const isMember = segmentMembership(bundle, problem, d0);

  const whereCache = new Map<string, (context: Record<string, unknown>) => unknown>();
  const whereEnv = createEnvironment('contactWhere');
  const whereResults = new Map<string, boolean>();
  function whereHolds(rule: BundlePolicyRule & { type: 'interactionsWhere' }, proposedIndex: number): boolean {
    let evaluate = whereCache.get(rule.where);
    if (!evaluate) {
      evaluate = whereEnv.parse(rule.where);
      whereCache.set(rule.where, evaluate);
    }
    const key = `${rule.where}\u0000${proposedIndex}`;
    let holds = whereResults.get(key);
    if (holds === undefined) {
      try {
        holds = evaluate({ contact: { ...problem.proposed[proposedIndex]!.fields } }) === true;
      } catch {
        holds = false; // a missing column: the expression fails and counts as false
      }
      whereResults.set(key, holds);
    }
    return holds;
  }

  function inScope(rule: BundlePolicyRule, contact: Contact, scope?: BundleOfferScope): boolean {
    const offers = scope ?? ('offers' in rule ? rule.offers : null);
    if (offers && !offerInScope(offers, contact.offer)) return false;
    if (rule.channel !== null && contact.channel !== rule.channel) return false;
    if (rule.type !== 'customersIn' && rule.segment !== null && !isMember(contact.customerId, rule.segment)) return false;
    return true;
  }

  function maximumWindows(rule: BundlePolicyRule, chosenDays: number[]): DayWindow[] {
    if (rule.periodDays === null) return chosenDays.length > 0 ? [{ start: -Infinity, end: Infinity, withHistory: false, matchDay: d0 }] : [];
    const n = rule.periodDays;
    const starts = new Set<number>();
    for (const day of chosenDays) for (let s = day - n + 1; s <= day; s++) starts.add(s);
    return [...starts].sort((a, b) => a - b).map((s) => ({ start: s, end: s + n - 1, withHistory: true, matchDay: s }));
  }

  function minimumWindows(rule: BundlePolicyRule): DayWindow[] {
    if (rule.periodDays === null) return [{ start: -Infinity, end: Infinity, withHistory: false, matchDay: d0 }];
    const n = rule.periodDays;
    if (d1 - d0 + 1 < n) return [{ start: d0, end: d0 + n - 1, withHistory: true, matchDay: d0 }];
    const windows: DayWindow[] = [];
    for (let s = d0; s + n - 1 <= d1; s++) windows.push({ start: s, end: s + n - 1, withHistory: true, matchDay: s });
    return windows;
  }

  const plannedCustomers = [...new Set(problem.proposed.map((p) => p.customerId))].sort();

  return { problem, policy, proposedContacts, historyContacts, d0, d1, isMember, inScope, whereHolds, maximumWindows, minimumWindows, plannedCustomers };
}

/**
 * Segment membership from the audience with the bundle's segment expressions:
 * `session` empty, `now` the decision day, failures and unknown customers false.
 */
function segmentMembership(bundle: BundleBody, problem: OptimizeProblem, d0: number): (customerId: string, segment: string) => boolean {
  const now = toCelTimestamp(problem.at ?? dateOf(d0));
  const profiles = new Map(problem.audience.map((m) => [m.customerId, m.profile]));
  const compiled = new Map<string, { evaluate: (context: Record<string, unknown>) => unknown; attributes: Record<string, AttributeDeclaration>; idField: string; session: Record<string, unknown> }>();
  for (const segment of bundle.segments) {
    const channel = bundle.channels.find((c) => c.name === segment.channel);
    const level = channel?.audienceLevels.find((l) => l.name === segment.audienceLevel);
    if (!channel || !level) throw new Error(`segment '${segment.name}' names an unknown channel or audience level`);
    const env = createEnvironment('segment', { profile: { idField: level.idField, attributes: level.attributes }, session: channel.sessionAttributes });
    compiled.set(segment.name, {
      evaluate: env.parse(segment.expression),
      attributes: level.attributes,
      idField: level.idField,
      session: toCelRecord(channel.sessionAttributes, {}).value,
    });
  }
  const memo = new Map<string, boolean>();
  function isMember(customerId: string, segment: string): boolean {
    const key = `${customerId}\u0000${segment}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false); // a cycle (refused by validation) cannot recurse forever
    let result = false;
    const profile = profiles.get(customerId);
    const expression = compiled.get(segment);
    if (profile && expression) {
      const raw: Record<string, unknown> = { ...profile };
      if (!(expression.idField in raw)) raw[expression.idField] = customerId;
      const celProfile = toCelRecord(expression.attributes, raw, expression.idField).value;
      try {
        result =
          withSegmentLookup(
            (other) => isMember(customerId, other),
            () => expression.evaluate({ profile: celProfile, session: expression.session, now }),
          ) === true;
      } catch {
        result = false;
      }
    }
    memo.set(key, result);
    return result;
  }
  return isMember;
}

function windowOf(prepared: PreparedProblem, w: DayWindow): DateWindow {
  return Number.isFinite(w.start) ? { from: dateOf(w.start), to: dateOf(w.end) } : { from: dateOf(prepared.d0), to: dateOf(prepared.d1) };
}

function inWindow(c: Contact, w: DayWindow): boolean {
  return c.day >= w.start && c.day <= w.end;
}

/** The contacts a window counts: chosen ones inside it, plus history inside it when it has periodDays. */
function contactsIn(w: DayWindow, chosen: Contact[], history: Contact[]): Contact[] {
  return [...chosen.filter((c) => inWindow(c, w)), ...(w.withHistory ? history.filter((c) => inWindow(c, w)) : [])];
}

/** min/max of an offerCapacity window, with the first exception whose from..to holds the window's start. */
function capacityBounds(rule: BundlePolicyRule & { type: 'offerCapacity' }, w: DayWindow): { min: number; max: number | null } {
  for (const e of rule.exceptions) {
    if (w.matchDay >= dayNumber(e.from) && w.matchDay <= dayNumber(e.to)) return { min: e.min, max: e.max };
  }
  return { min: rule.min, max: rule.max };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function describe(c: Contact): string {
  return `${c.source}#${c.index} ${c.customerId}/${c.offer}/${c.channel}/${c.date}`;
}

/** Checks one chosen set against every rule of the problem's policy. */
export function checkFeasibility(problem: OptimizeProblem, chosen: number[]): CheckResult {
  return checkPrepared(prepareProblem(problem), chosen);
}

export function checkPrepared(prepared: PreparedProblem, chosenIndexes: number[]): CheckResult {
  const { problem, policy } = prepared;
  const violations: Violation[] = [];
  const unmetMinimums: Shortfall[] = [];

  const seen = new Set<number>();
  for (const i of chosenIndexes) {
    if (!Number.isInteger(i) || i < 0 || i >= problem.proposed.length || seen.has(i)) {
      violations.push({ rule: '(chosen set)', type: 'input', contacts: [], message: `chosen index ${i} is out of range or repeated` });
    }
    seen.add(i);
  }
  const chosen = [...seen].filter((i) => i >= 0 && i < problem.proposed.length).sort((a, b) => a - b).map((i) => prepared.proposedContacts[i]!);
  const objective = chosen.reduce((total, c) => total + problem.proposed[c.index]!.score, 0);

  for (const rule of policy.rules) {
    const ctx: RuleContext = { prepared, rule, chosen, violations, unmetMinimums };
    ruleCheckers[rule.type](ctx as never);
  }
  const totalShortfall = unmetMinimums.reduce((total, s) => total + s.shortfall, 0);
  return { violations, unmetMinimums, totalShortfall, objective };
}

interface RuleContext<T extends PolicyRuleType = PolicyRuleType> {
  prepared: PreparedProblem;
  rule: Extract<BundlePolicyRule, { type: T }>;
  chosen: Contact[];
  violations: Violation[];
  unmetMinimums: Shortfall[];
}

/** The same context with the rule widened, for helpers shared by several rule types. */
interface AnyRuleContext {
  prepared: PreparedProblem;
  rule: BundlePolicyRule;
  chosen: Contact[];
  violations: Violation[];
  unmetMinimums: Shortfall[];
}

type RuleChecker<T extends PolicyRuleType> = (ctx: RuleContext<T>) => void;

/** Count rules (offerCapacity, customerOfferCount, maxDuplicateOffers): max is hard, min soft. */
function checkCounts(
  ctx: AnyRuleContext,
  groupKey: (c: Contact) => string,
  bounds: (w: DayWindow) => { min: number; max: number | null },
  minimumGroups: string[] | null,
): void {
  const { prepared, rule } = ctx;
  const chosen = ctx.chosen.filter((c) => prepared.inScope(rule, c));
  const history = prepared.historyContacts.filter((c) => prepared.inScope(rule, c));
  const chosenByGroup = groupBy(chosen, groupKey);
  const historyByGroup = groupBy(history, groupKey);
  for (const [group, groupChosen] of chosenByGroup) {
    for (const w of prepared.maximumWindows(rule, groupChosen.map((c) => c.day))) {
      const { max } = bounds(w);
      const counted = contactsIn(w, groupChosen, historyByGroup.get(group) ?? []);
      if (max !== null && counted.length > max && counted.some((c) => c.source === 'proposed')) {
        ctx.violations.push({
          rule: rule.name,
          type: rule.type,
          ...(group !== '' ? { customerId: group.split('\u0000')[0]! } : {}),
          window: windowOf(prepared, w),
          contacts: counted,
          message: `${counted.length} contacts in the window, max ${max}: ${counted.map(describe).join(', ')}`,
        });
      }
    }
  }
  for (const group of minimumGroups ?? ['']) {
    for (const w of prepared.minimumWindows(rule)) {
      const { min } = bounds(w);
      const counted = contactsIn(w, chosenByGroup.get(group) ?? [], historyByGroup.get(group) ?? []).length;
      if (counted < min) {
        ctx.unmetMinimums.push({
          rule: rule.name,
          type: rule.type,
          ...(group !== '' ? { customerId: group } : {}),
          window: windowOf(prepared, w),
          min,
          actual: counted,
          shortfall: min - counted,
        });
      }
    }
  }
}

function pairViolation(ctx: AnyRuleContext, a: Contact, b: Contact, message: string): Violation {
  return { rule: ctx.rule.name, type: ctx.rule.type, customerId: a.customerId, window: { from: a.date < b.date ? a.date : b.date, to: a.date < b.date ? b.date : a.date }, contacts: [a, b], message: `${message}: A ${describe(a)}, B ${describe(b)}` };
}

const ruleCheckers: { [T in PolicyRuleType]: RuleChecker<T> } = {
  customersIn(ctx) {
    const { rule, prepared } = ctx;
    for (const c of ctx.chosen) {
      if (!offerInScope(rule.offers, c.offer) || (rule.channel !== null && c.channel !== rule.channel)) continue;
      const member = rule.segment === null ? true : prepared.isMember(c.customerId, rule.segment);
      if (rule.mode === 'exclude' && member) {
        ctx.violations.push({ rule: rule.name, type: rule.type, customerId: c.customerId, contacts: [c], message: `${describe(c)} goes to a member of '${rule.segment}'` });
      }
      if (rule.mode === 'include' && !member) {
        ctx.violations.push({ rule: rule.name, type: rule.type, customerId: c.customerId, contacts: [c], message: `${describe(c)} goes to a non-member of '${rule.segment}'` });
      }
    }
  },

  interactionsWhere(ctx) {
    const { rule, prepared } = ctx;
    for (const c of ctx.chosen) {
      if (!prepared.inScope(rule, c)) continue;
      const holds = prepared.whereHolds(rule, c.index);
      if (rule.mode === 'exclude' && holds) {
        ctx.violations.push({ rule: rule.name, type: rule.type, customerId: c.customerId, contacts: [c], message: `${describe(c)} makes '${rule.where}' true` });
      }
      if (rule.mode === 'include' && !holds) {
        ctx.violations.push({ rule: rule.name, type: rule.type, customerId: c.customerId, contacts: [c], message: `${describe(c)} does not make '${rule.where}' true` });
      }
    }
  },

  offerCapacity(ctx) {
    const rule = ctx.rule;
    checkCounts(ctx, () => '', (w) => capacityBounds(rule, w), null);
  },

  customerOfferCount(ctx) {
    const { rule, prepared } = ctx;
    const customers = prepared.plannedCustomers.filter((id) => rule.segment === null || prepared.isMember(id, rule.segment));
    checkCounts(ctx, (c) => c.customerId, () => ({ min: rule.min, max: rule.max }), rule.min > 0 ? customers : []);
  },

  maxDuplicateOffers(ctx) {
    const rule = ctx.rule;
    checkCounts(ctx, (c) => `${c.customerId}\u0000${c.offer}`, () => ({ min: 0, max: rule.max }), []);
  },

  customCapacity(ctx) {
    const { rule, prepared } = ctx;
    const problem = prepared.problem;
    const scoped = ctx.chosen.filter((c) => prepared.inScope(rule, c));
    const value = (c: Contact): number => problem.proposed[c.index]!.fields[rule.field] as number;
    for (const c of scoped) {
      const v = problem.proposed[c.index]!.fields[rule.field];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        ctx.violations.push({ rule: rule.name, type: 'input', customerId: c.customerId, contacts: [c], message: `${describe(c)} has no number in '${rule.field}'` });
      }
    }
    // History rows carry no value columns: only chosen contacts count, with or without periodDays.
    for (const w of prepared.maximumWindows(rule, scoped.map((c) => c.day))) {
      const inside = scoped.filter((c) => inWindow(c, w));
      if (inside.length === 0) continue;
      const sum = inside.reduce((total, c) => total + value(c), 0);
      const tolerance = EPSILON * Math.max(1, Math.abs(sum));
      if (rule.aggregate === 'sum' && rule.max !== null && sum > rule.max + tolerance) {
        ctx.violations.push({ rule: rule.name, type: rule.type, window: windowOf(prepared, w), contacts: inside, message: `sum of ${rule.field} is ${sum}, max ${rule.max}` });
      }
      if (rule.aggregate === 'avg') {
        const avg = sum / inside.length;
        // Compared in the linear form the docs give (Σ(v − bound) against 0), so rounding cannot flip it.
        const overMax = rule.max !== null && inside.reduce((t, c) => t + (value(c) - rule.max!), 0) > tolerance;
        const underMin = rule.min !== null && inside.reduce((t, c) => t + (value(c) - rule.min!), 0) < -tolerance;
        if (overMax || underMin) {
          ctx.violations.push({ rule: rule.name, type: rule.type, window: windowOf(prepared, w), contacts: inside, message: `avg of ${rule.field} is ${avg}, allowed ${rule.min ?? '-∞'}..${rule.max ?? '∞'}` });
        }
      }
    }
    if (rule.aggregate === 'sum' && rule.min !== null && rule.min > 0) {
      const min = rule.min;
      for (const w of prepared.minimumWindows(rule)) {
        const sum = scoped.filter((c) => inWindow(c, w)).reduce((total, c) => total + value(c), 0);
        if (sum < min - EPSILON * Math.max(1, min)) {
          ctx.unmetMinimums.push({ rule: rule.name, type: rule.type, window: windowOf(prepared, w), min, actual: sum, shortfall: min - sum });
        }
      }
    }
  },

  maxPackages(ctx) {
    const { rule, prepared } = ctx;
    // Every offer counts; the channel and segment filters apply (inScope without an offer scope).
    const chosen = ctx.chosen.filter((c) => prepared.inScope(rule, c));
    const historyByCustomer = groupBy(prepared.historyContacts.filter((c) => prepared.inScope(rule, c)), (c) => c.customerId);
    for (const [customerId, own] of groupBy(chosen, (c) => c.customerId)) {
      for (const w of prepared.maximumWindows(rule, own.map((c) => c.day))) {
        const counted = contactsIn(w, own, historyByCustomer.get(customerId) ?? []);
        const packages = new Set(counted.map((c) => c.package));
        if (packages.size > rule.max && counted.some((c) => c.source === 'proposed')) {
          ctx.violations.push({
            rule: rule.name,
            type: rule.type,
            customerId,
            window: windowOf(prepared, w),
            contacts: counted,
            message: `${packages.size} packages (${[...packages].join(', ')}) in the window, max ${rule.max}`,
          });
        }
      }
    }
  },

  neverAWithB(ctx) {
    const { rule, prepared } = ctx;
    const all = [...ctx.chosen, ...prepared.historyContacts];
    const reported = new Set<string>();
    for (const a of all) {
      if (!prepared.inScope(rule, a, rule.a)) continue;
      for (const b of all) {
        if (a === b || a.customerId !== b.customerId || !prepared.inScope(rule, b, rule.b)) continue;
        if (a.source === 'history' && b.source === 'history') continue;
        if (rule.periodDays !== null && Math.abs(a.day - b.day) > rule.periodDays - 1) continue;
        const key = [describe(a), describe(b)].sort().join(' ~ ');
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.violations.push(pairViolation(ctx, a, b, 'A and B contacts too close'));
      }
    }
  },

  neverAFollowedByB(ctx) {
    const { rule, prepared } = ctx;
    const all = [...ctx.chosen, ...prepared.historyContacts];
    for (const a of all) {
      if (!prepared.inScope(rule, a, rule.a)) continue;
      for (const b of all) {
        if (a === b || a.customerId !== b.customerId || !prepared.inScope(rule, b, rule.b)) continue;
        if (a.source === 'history' && b.source === 'history') continue;
        const gap = b.day - a.day;
        if (gap < 0 || (rule.periodDays !== null && gap > rule.periodDays - 1)) continue;
        ctx.violations.push(pairViolation(ctx, a, b, 'B contact on or within the period after an A contact'));
      }
    }
  },

  bOnlyWithA(ctx) {
    const { rule, prepared } = ctx;
    const all = [...ctx.chosen, ...prepared.historyContacts];
    for (const b of ctx.chosen) {
      if (!prepared.inScope(rule, b, rule.b)) continue;
      const supported = all.some((a) => {
        if (a === b || a.customerId !== b.customerId || !prepared.inScope(rule, a, rule.a)) return false;
        const gap = b.day - a.day;
        return gap >= 0 && (rule.periodDays === null || gap <= rule.periodDays - 1);
      });
      if (!supported) {
        ctx.violations.push({ rule: rule.name, type: rule.type, customerId: b.customerId, window: { from: b.date, to: b.date }, contacts: [b], message: `B contact ${describe(b)} has no A contact on or before its day` });
      }
    }
  },
};

/** A one-line description of violations, for test failure messages. */
export function formatViolations(violations: Violation[], limit = 10): string {
  const lines = violations.slice(0, limit).map((v) => `  [${v.rule} ${v.type}]${v.customerId ? ` ${v.customerId}` : ''}${v.window ? ` ${v.window.from}..${v.window.to}` : ''}: ${v.message}`);
  if (violations.length > limit) lines.push(`  … and ${violations.length - limit} more`);
  return lines.join('\n');
}
