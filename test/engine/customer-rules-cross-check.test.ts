// Decisions and the optimizer agree on the per-customer rules (docs/decisions.md#realtime-policies,
// docs/optimization-semantics.md#the-ten-rules): the same random instances — a customer's
// history, a profile, one rule — go through `decide` with the rule in a realtime policy
// and through the optimizer with the same rule, and both must allow exactly the same
// contacts; the independent checker (test/optimize/checker.ts) must find the engine's
// choice feasible and any refused contact infeasible beside it. With several offers the
// engine chooses greedily by rank where the optimizer maximises the total, so there the
// optimizer is asked the engine's question: given the offers the decision chose, may
// each offer it refused be added?
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { BundleBody, BundlePolicyRule, PolicyRuleType } from '../../src/bundle/types.js';
import { createEngine } from '../../src/engine/engine.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { checkFeasibility } from '../optimize/checker.js';
import { loadOptimizer, type OptimizeProblem, type ProposedContact } from '../optimize/contract.js';
import { loadBaseBundle, toPolicyRule, type RuleInput, type ScopeInput } from '../optimize/problem-builder.js';
import { seededRandom } from '../optimize/random-instances.js';

const optimizeContacts = await loadOptimizer();

const OFFERS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const SCOPES: ScopeInput[] = [undefined, 'alpha', 'beta', 'gamma', { list: 'cards' }, { list: 'loans' }, { list: 'mixed' }];
const SEGMENTS = [undefined, 'rich', 'gold', 'young', 'rich-or-gold', 'tagged-vip', 'recent'];
const WHERE = ['contact.score >= 50.0', 'contact.offer == "alpha"', 'contact.package.startsWith("c1|")', 'contact.channel == "email"', 'contact.cost > 1.0', 'contact.missing > 1.0'];
const CHANNEL = 'outbound'; // the interactive channel of the base bundle: a decision's contacts are on it
const DAY0 = Date.parse('2026-05-20T00:00:00Z');
const D = '2026-05-20';
const day = (offset: number): string => new Date(DAY0 + offset * 86_400_000).toISOString().slice(0, 10);
const PER_CUSTOMER: PolicyRuleType[] = ['customersIn', 'interactionsWhere', 'customerOfferCount', 'maxPackages', 'maxDuplicateOffers', 'neverAWithB', 'neverAFollowedByB', 'bOnlyWithA'];

interface Instance {
  rule: RuleInput;
  profile: Record<string, unknown>;
  history: HistoryRow[];
  /** Offers the decision may give, best first, with their scores. */
  offers: { offer: string; score: number }[];
}

function randomInstance(type: PolicyRuleType, seed: number, offersWanted: number): Instance {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const common = {
    name: `r-${type}`,
    ...(random() < 0.4 ? { segment: pick(SEGMENTS.slice(1))! } : {}),
    ...(random() < 0.25 ? { channel: pick([CHANNEL, 'email']) } : {}),
    ...(random() < 0.75 ? { periodDays: pick([1, 2, 3, 5, 10]) } : {}),
  };
  let rule: RuleInput;
  switch (type) {
    case 'customersIn':
      rule = { ...common, type, mode: pick(['include', 'exclude'] as const), segment: pick(SEGMENTS.slice(1))!, offers: pick(SCOPES) };
      break;
    case 'interactionsWhere':
      rule = { ...common, type, mode: pick(['include', 'exclude'] as const), where: pick(WHERE), offers: pick(SCOPES) };
      break;
    case 'customerOfferCount':
      rule = { ...common, type, offers: pick(SCOPES), max: int(0, 3) };
      break;
    case 'maxPackages':
      rule = { ...common, type, max: int(0, 3) };
      break;
    case 'maxDuplicateOffers':
      rule = { ...common, type, offers: pick(SCOPES), max: int(0, 2) };
      break;
    default:
      rule = { ...common, type: type as 'neverAWithB' | 'neverAFollowedByB' | 'bOnlyWithA', a: pick(SCOPES.slice(1)), b: pick(SCOPES.slice(1)) };
  }
  const profile: Record<string, unknown> = { customerId: 'c1', age: int(18, 70), income: pick([1000, 30000, 60000, 120000]), tier: pick(['bronze', 'silver', 'gold']), tags: random() < 0.3 ? ['vip'] : [], joined: day(-int(0, 30)) };
  if (random() < 0.15) delete profile['income']; // a segment reading it fails: false for both
  const history: HistoryRow[] = [];
  for (let i = int(0, 7); i > 0; i--) {
    const event = random() < 0.8 ? 'contact' : pick(['accept', 'reject'] as const);
    history.push({ customerId: 'c1', offer: random() < 0.1 ? 'retired-offer' : pick(OFFERS), channel: random() < 0.7 ? CHANNEL : 'email', date: day(-int(0, 12)), package: random() < 0.4 ? pick(['p1', 'p2', `c1|${CHANNEL}|${D}`]) : null, event });
  }
  if (random() < 0.2) history.push({ customerId: 'c2', offer: pick(OFFERS), channel: CHANNEL, date: D, package: null, event: 'contact' }); // another customer's row
  const offers: { offer: string; score: number }[] = [];
  const free = [...OFFERS];
  for (let i = 0; i < offersWanted; i++) offers.push({ offer: free.splice(int(0, free.length - 1), 1)[0]!, score: offersWanted - i + int(0, 1) * 0.5 + 40 });
  return { rule, profile, history, offers };
}

/** The base bundle with one strategy rule per offer of the instance and a realtime policy holding the rule. */
function bundleOf(base: BundleBody, instance: Instance, policyRule: BundlePolicyRule): BundleBody {
  const rules = instance.offers.map(({ offer, score }, precedence) => ({
    name: `give-${offer}`,
    strategy: 'cross-check',
    channel: CHANNEL,
    precedence,
    segment: null,
    zone: null,
    offer,
    offerList: null,
    offers: [offer],
    score,
    scoreExpression: null,
    eligibility: null,
    effective: null,
    expires: null,
    enabled: true,
    controlGroupPercent: 0,
  }));
  return {
    ...base,
    offers: base.offers.map((o) => (o.name === 'beta' ? { ...o, cost: 2.5 } : o)),
    strategies: [{ name: 'cross-check', description: null, labels: {}, channel: CHANNEL, rules: rules.map((r) => r.name) }],
    rules,
    policies: [{ name: 'cross-check', description: null, labels: {}, channel: CHANNEL, realtime: true, rules: [policyRule] }],
    indexes: { ...base.indexes, rulesByChannelZone: { [CHANNEL]: { main: rules.map((r) => r.precedence) } } },
  };
}

function proposedRow(body: BundleBody, offer: string, score: number): ProposedContact {
  const cost = body.offers.find((o) => o.name === offer)!.cost;
  const pkg = `c1|${CHANNEL}|${D}`;
  // What `contact` is for an interactionsWhere expression, defaults included, as the runtime's contact.
  return { customerId: 'c1', offer, channel: CHANNEL, date: D, score, cost, package: pkg, fields: { customerId: 'c1', offer, channel: CHANNEL, date: D, score, cost, package: pkg } };
}

interface Verdict {
  decided: string[];
  /** Single offer: what the optimizer chose. Several: per refused offer, what it chose beside the decided ones. */
  optimized: string[][];
  checkerOnDecided: string[];
  checkerOnRefused: string[][];
}

async function judge(base: BundleBody, instance: Instance): Promise<Verdict> {
  const body = bundleOf(base, instance, toPolicyRule(base, instance.rule, 0));
  const engine = createEngine(createBundle(body));
  const decision = engine.decide({ interactionPoint: 'main-slot', audience: { id: 'c1', profile: instance.profile }, history: instance.history, at: D, count: instance.offers.length });
  expect(decision.errors.filter((e) => e.code === 'input')).toEqual([]);
  const decided = decision.offers.map((o) => o.offer).sort();
  const refused = instance.offers.map((o) => o.offer).filter((offer) => !decided.includes(offer));
  const problemOf = (rows: { offer: string; score: number }[]): OptimizeProblem => ({
    bundle: body,
    policy: 'cross-check',
    proposed: rows.map(({ offer, score }) => proposedRow(body, offer, score)),
    history: instance.history,
    audience: [{ customerId: 'c1', profile: instance.profile }],
    at: D,
  });
  const chosenOffers = async (problem: OptimizeProblem): Promise<string[]> => (await optimizeContacts(problem, { exact: 'never' })).chosen.map((i) => problem.proposed[i]!.offer).sort();
  const optimized: string[][] = [];
  if (instance.offers.length === 1) optimized.push(await chosenOffers(problemOf(instance.offers)));
  else {
    // The decided offers weigh far more than the refused one: the optimum keeps them all and adds it only if the rule allows.
    for (const offer of refused) optimized.push(await chosenOffers(problemOf([...decided.map((o) => ({ offer: o, score: 1000 })), { offer, score: 1 }])));
  }
  const all = problemOf(instance.offers);
  const indexOf = (offer: string): number => all.proposed.findIndex((p) => p.offer === offer);
  const checkerOnDecided = checkFeasibility(all, decided.map(indexOf)).violations.map((v) => v.message);
  const checkerOnRefused = refused.map((offer) => checkFeasibility(all, [...decided, offer].map(indexOf)).violations.map((v) => v.rule));
  return { decided, optimized, checkerOnDecided, checkerOnRefused };
}

let base: BundleBody;
beforeAll(async () => {
  base = await loadBaseBundle();
});

describe('decide and optimize allow the same contacts under each per-customer rule', () => {
  it.each(PER_CUSTOMER)('%s: one candidate offer', async (type) => {
    let allowed = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const instance = randomInstance(type, seed * 7919 + type.length, 1);
      const verdict = await judge(base, instance);
      const context = `seed ${seed}: ${JSON.stringify(instance)}`;
      expect(verdict.optimized, context).toEqual([verdict.decided]);
      expect(verdict.checkerOnDecided, context).toEqual([]);
      for (const rules of verdict.checkerOnRefused) expect(rules, context).toContain(`r-${type}`);
      allowed += verdict.decided.length;
    }
    // The instances are not vacuous: the rule both allows and refuses.
    expect(allowed).toBeGreaterThan(5);
    expect(allowed).toBeLessThan(120);
  });

  it.each(PER_CUSTOMER)('%s: three candidate offers, and no refused one fits beside the chosen ones', async (type) => {
    let refused = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const instance = randomInstance(type, seed * 104_729 + type.length, 3);
      const verdict = await judge(base, instance);
      const context = `seed ${seed}: ${JSON.stringify(instance)}`;
      // Beside what the decision chose, the optimizer adds none of the offers it refused.
      for (const chosen of verdict.optimized) expect(chosen, context).toEqual(verdict.decided);
      expect(verdict.checkerOnDecided, context).toEqual([]);
      for (const rules of verdict.checkerOnRefused) expect(rules, context).toContain(`r-${type}`);
      refused += 3 - verdict.decided.length;
    }
    expect(refused).toBeGreaterThan(0);
  });
});
