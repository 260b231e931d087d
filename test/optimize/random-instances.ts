// Seeded random contact optimization problems for the property tests: the base bundle
// (test/optimize/fixtures/base-config) with a random policy of the requested rule
// types, a random audience (some customers missing, some attributes missing), proposed
// rows over a short horizon (custom packages spanning days, numeric and string
// columns, some zero or negative scores) and history (windows already filled,
// accept/reject rows that must not count). The same seed gives the same problem.
import type { BundleBody, PolicyRuleType } from '../../src/bundle/types.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { dateOf, dayNumber } from './checker.js';
import type { AudienceMember, OptimizeProblem, ProposedContact } from './contract.js';
import { makeProblem, member, past, proposed, type RuleInput, type ScopeInput } from './problem-builder.js';

export const ALL_RULE_TYPES: PolicyRuleType[] = [
  'customersIn',
  'interactionsWhere',
  'offerCapacity',
  'customCapacity',
  'customerOfferCount',
  'maxPackages',
  'maxDuplicateOffers',
  'neverAWithB',
  'neverAFollowedByB',
  'bOnlyWithA',
];

const OFFERS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const LISTS = ['cards', 'loans', 'mixed'];
const SEGMENTS = ['rich', 'gold', 'young', 'rich-or-gold', 'tagged-vip', 'recent'];
const CHANNELS = ['email', 'sms', 'web'];
const WHERE = ['contact.score >= 30.0', 'contact.risk < 0.5', 'contact.tag == "x"', 'contact.missing > 1.0', 'contact.channel == "email"', 'contact.value > 5.0', 'contact.tag != "z" && contact.score < 80.0'];

/** mulberry32: a small, good-enough seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly random: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
  fraction(): number {
    return this.random();
  }
}

export type InstanceSize = 'tiny' | 'small';

export interface InstanceOptions {
  seed: number;
  /** Rule types of the policy, one rule each (repeat a type for several rules). */
  ruleTypes: PolicyRuleType[];
  /** tiny: 2–4 customers, 6–12 rows (brute force possible); small: 5–40 customers, 20–200 rows. */
  size?: InstanceSize;
}

export interface RandomInstance {
  seed: number;
  problem: OptimizeProblem;
  /** A one-line description to print with a failure. */
  summary: string;
}

export function randomInstance(bundle: BundleBody, options: InstanceOptions): RandomInstance {
  const dice = new Dice(seededRandom(options.seed * 7919 + 17));
  const tiny = options.size === 'tiny';
  const customerCount = tiny ? dice.int(2, 4) : dice.int(5, 40);
  const rowCount = tiny ? dice.int(6, 12) : dice.int(20, 200);
  const horizon = tiny ? dice.int(1, 4) : dice.int(2, 10);
  const d0 = dayNumber('2026-03-01') + dice.int(0, 60);
  const customers = Array.from({ length: customerCount }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

  const audience: AudienceMember[] = [];
  for (const id of customers) {
    if (dice.chance(0.12)) continue; // not in the audience: in no segment
    const profile: Record<string, unknown> = {};
    if (!dice.chance(0.1)) profile.age = dice.int(18, 70);
    if (!dice.chance(0.1)) profile.income = dice.int(10, 100) * 1000;
    profile.tier = dice.pick(['bronze', 'silver', 'gold']);
    profile.tags = ['vip', 'new', 'churn'].filter(() => dice.chance(0.35));
    profile.joined = dateOf(d0 - dice.int(0, 25));
    audience.push(member(id, profile));
  }

  const rows: ProposedContact[] = [];
  for (let i = 0; i < rowCount; i++) {
    const customerId = dice.pick(customers);
    const channel = dice.pick(CHANNELS);
    const date = dateOf(d0 + dice.int(0, horizon - 1));
    const score = dice.chance(0.1) ? dice.int(-20, 0) : dice.chance(0.2) ? Math.round(dice.fraction() * 10000) / 100 : dice.int(1, 100);
    rows.push(
      proposed(customerId, dice.pick(OFFERS), date, {
        channel,
        score,
        cost: dice.int(0, 5),
        ...(dice.chance(0.2) ? { package: `${customerId}|wave-${dice.int(0, 2)}` } : {}),
        extra: { risk: Math.round(dice.fraction() * 100) / 100, value: dice.int(1, 20), tag: dice.pick(['x', 'y', 'z']) },
      }),
    );
  }

  const history: HistoryRow[] = [];
  const historyCount = dice.int(0, Math.ceil(rowCount / 2));
  for (let i = 0; i < historyCount; i++) {
    const customerId = dice.pick(customers);
    const day = dice.chance(0.05) ? d0 + dice.int(0, horizon - 1) : d0 - dice.int(1, 14);
    const event = dice.chance(0.8) ? 'contact' : dice.pick(['accept', 'reject'] as const);
    history.push(
      past(customerId, dice.pick(OFFERS), dateOf(day), { channel: dice.pick(CHANNELS), event, ...(dice.chance(0.2) ? { package: `${customerId}|wave-${dice.int(0, 2)}` } : {}) }),
    );
  }
  // Bursts: a few customers whose recent history already fills small windows.
  for (let burst = dice.int(0, 3); burst > 0; burst--) {
    const customerId = dice.pick(customers);
    const offer = dice.pick(OFFERS);
    const channel = dice.pick(CHANNELS);
    for (let k = dice.int(2, 4); k > 0; k--) history.push(past(customerId, offer, dateOf(d0 - dice.int(1, 3)), { channel }));
  }

  const rules = options.ruleTypes.map((type, i) => randomRule(dice, type, i, rowCount, customerCount, d0, horizon));
  const problem = makeProblem(bundle, { rules, proposed: rows, history, audience, ...(dice.chance(0.3) ? { at: dateOf(d0 + dice.int(-3, 3)) } : {}) });
  const summary = `seed ${options.seed} (${options.size ?? 'small'}, rules ${options.ruleTypes.join('+')}): ${customerCount} customers, ${rowCount} rows, ${history.length} history rows, horizon ${horizon} days`;
  return { seed: options.seed, problem, summary };
}

function randomScope(dice: Dice): ScopeInput {
  const r = dice.fraction();
  if (r < 0.45) return dice.pick(OFFERS);
  if (r < 0.8) return { list: dice.pick(LISTS) };
  return undefined;
}

function randomPeriod(dice: Dice, horizon: number): number | undefined {
  return dice.chance(0.25) ? undefined : dice.int(1, Math.max(2, horizon + 2));
}

function common(dice: Dice, i: number, horizon: number): { name: string; segment?: string; channel?: string; periodDays?: number } {
  const out: { name: string; segment?: string; channel?: string; periodDays?: number } = { name: `r${i}` };
  if (dice.chance(0.3)) out.segment = dice.pick(SEGMENTS);
  if (dice.chance(0.3)) out.channel = dice.pick(CHANNELS);
  const period = randomPeriod(dice, horizon);
  if (period !== undefined) out.periodDays = period;
  return out;
}

function randomRule(dice: Dice, type: PolicyRuleType, i: number, rowCount: number, customerCount: number, d0: number, horizon: number): RuleInput {
  const base = common(dice, i, horizon);
  switch (type) {
    case 'customersIn':
      return { ...base, type, mode: dice.pick(['include', 'exclude'] as const), segment: dice.pick(SEGMENTS), offers: randomScope(dice) };
    case 'interactionsWhere':
      return { ...base, type, mode: dice.pick(['include', 'exclude'] as const), where: dice.pick(WHERE), offers: randomScope(dice) };
    case 'offerCapacity': {
      const max = dice.int(0, Math.max(2, Math.ceil(rowCount / 8)));
      const rule: RuleInput = { ...base, type, offers: randomScope(dice), max };
      if (dice.chance(0.4)) rule.min = dice.int(1, max + 2); // may exceed what the proposals allow
      if (dice.chance(0.35)) {
        const from = d0 + dice.int(-2, horizon - 1);
        const exceptionMax = dice.int(0, max + 3);
        rule.exceptions = [{ from: dateOf(from), to: dateOf(from + dice.int(0, 3)), min: dice.chance(0.5) ? 0 : dice.int(0, exceptionMax), max: exceptionMax }];
        if (dice.chance(0.3)) rule.exceptions.push({ from: dateOf(from), to: dateOf(from + 5), min: 0, max: exceptionMax + 1 });
      }
      return rule;
    }
    case 'customCapacity': {
      if (dice.chance(0.5)) {
        const field = dice.pick(['risk', 'value']);
        const scale = field === 'risk' ? 0.5 : 10;
        const rule: RuleInput = { ...base, type, offers: randomScope(dice), aggregate: 'sum', field, max: Math.round(dice.int(1, Math.max(2, Math.ceil(rowCount / 10))) * scale * 100) / 100 };
        if (dice.chance(0.4)) rule.min = Math.round(dice.fraction() * rule.max! * 100) / 100;
        return rule;
      }
      const field = dice.pick(['risk', 'value']);
      const max = field === 'risk' ? dice.int(25, 70) / 100 : dice.int(6, 14);
      const rule: RuleInput = { ...base, type, offers: randomScope(dice), aggregate: 'avg', field, max };
      if (dice.chance(0.3)) rule.min = field === 'risk' ? dice.int(10, 25) / 100 : dice.int(2, 6);
      return rule;
    }
    case 'customerOfferCount': {
      const max = dice.int(1, 3);
      const rule: RuleInput = { ...base, type, offers: randomScope(dice), max };
      if (dice.chance(0.5)) rule.min = dice.int(1, max);
      if (customerCount > 30 && rule.min !== undefined) rule.segment ??= dice.pick(SEGMENTS);
      return rule;
    }
    case 'maxPackages':
      return { ...base, type, max: dice.int(1, 2) };
    case 'maxDuplicateOffers':
      return { ...base, type, offers: randomScope(dice), max: dice.int(1, 2) };
    case 'neverAWithB':
    case 'neverAFollowedByB':
    case 'bOnlyWithA':
      return { ...base, type, a: randomScope(dice) ?? 'alpha', b: randomScope(dice) ?? { list: 'loans' } };
  }
}
