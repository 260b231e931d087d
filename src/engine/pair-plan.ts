// The (rule, offer) pairs of each zone, prepared once when a bundle loads
// (docs/decisions.md#performance; steps 3–5 of docs/decisions.md#the-steps), so that a
// decision can visit them best first and stop early (ranked-walk.ts) instead of
// evaluating every rule.
//
// For every enabled rule of the zone and every offer it gives (lists expanded):
// - the days the pair is live: its rule's and its offer's effective..expires intersected
//   (a pair live on no day, or of a disabled rule, is left out);
// - an eligibility that reads no member input (only `offer`, or nothing) is evaluated
//   here; a pair it rejects (or that fails) is left out;
// - the score: the rule's `score`, or a scoreExpression that reads no member input,
//   evaluated here, is a static score (a pair whose score fails or is not finite is
//   left out); a scoreExpression that does not read `offer` is one value per member for
//   every pair of that expression; one of the form `offerPart ± memberPart` has its
//   offer half evaluated here; any other is evaluated per (member, offer).
// The pairs go into streams, each sorted so its first unvisited pair is its best:
//   STATIC  score desc, offer name asc, precedence asc (the ranking order of docs/decisions.md#the-steps, step 7
//           with step 5's tie-break);
//   MEMBER  one per expression: offer asc, precedence asc (all its pairs share one score);
//   SPLIT   one per expression: offer half desc (the member half is added per decision:
//           an exact bound, as x ↦ x + c is monotone);
//   EAGER   the rest: visited first, evaluated exactly.
// Rules with `priority: top` get streams of their own (tier 1), so every stream holds
// one tier and the walk compares tiers before scores.
import type { CompiledBundle, CompiledPoint, CompiledRule, Evaluator } from './compiled-types.js';
import { MAGNITUDE, zoneRisk, type ZoneRisk } from './error-risk.js';

export const STATIC = 0;
export const MEMBER = 1;
export const SPLIT = 2;
export const EAGER = 3;
export type StreamKind = typeof STATIC | typeof MEMBER | typeof SPLIT | typeof EAGER;

/** Per-rule eligibility at decision time: none left (absent or decided at load), once per rule, or per pair. */
export const ELIGIBILITY_NONE = 0;
export const ELIGIBILITY_PER_RULE = 1;
export const ELIGIBILITY_PER_PAIR = 2;

export interface PairStream {
  kind: StreamKind;
  /** 1 for the pairs of `priority: top` rules, else 0. */
  tier: number;
  size: number;
  /** Rule precedence (index in the bundle's rules) per pair. */
  rule: Int32Array;
  /** Offer index per pair. */
  offer: Int32Array;
  /** STATIC: the score; SPLIT: offerSign × the offer half; otherwise 0. */
  key: Float64Array;
  /** The pair is live on days liveFrom..liveTo (day numbers, inclusive). */
  liveFrom: Float64Array;
  liveTo: Float64Array;
  /** MEMBER: the score expression; SPLIT: the member half. */
  evaluator: Evaluator | null;
  /** SPLIT: the sign of the member half. */
  memberSign: number;
}

export interface ZonePlan {
  streams: PairStream[];
  /** Pairs of SPLIT and EAGER streams: the most exact scores one decision may hold at once. */
  dynamicPairs: number;
  /** With `ties: rotate`, runs of STATIC scores and whole MEMBER streams wait in the heap too: the most pairs it may hold then. */
  rotatingHeapPairs: number;
  /** Rules whose offer-only eligibility or score failed at load for some offer. */
  loadFailures: Set<CompiledRule>;
  /** Per audience level: when a decision may meet an expression failure (error-risk.ts). */
  risks: Map<string, ZoneRisk>;
  /** A rule of the zone picks from its list (list-pick.ts): the ranking then depends on the member's history and session too. */
  picks: boolean;
}

interface Pair {
  rule: CompiledRule;
  offer: number;
  key: number;
  liveFrom: number;
  liveTo: number;
}

/** How a rule's eligibility is checked when a decision runs. */
export function eligibilityMode(rule: CompiledRule): number {
  if (rule.eligibility === null || rule.eligibilityReads === null || !rule.eligibilityReads.member) return ELIGIBILITY_NONE;
  return rule.eligibilityReads.offer ? ELIGIBILITY_PER_PAIR : ELIGIBILITY_PER_RULE;
}

const FAILED_AT_LOAD = Symbol('failed');

function loadTimeValue(evaluator: Evaluator, offer: Record<string, unknown>): unknown {
  try {
    return evaluator({ offer });
  } catch {
    return FAILED_AT_LOAD;
  }
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return Number.NaN;
}

/** A scoreExpression's value as a score: a finite number, or an error naming the value it gave. */
export function finiteScore(value: unknown): number {
  const score = toNumber(value);
  if (!Number.isFinite(score)) throw new Error(`scoreExpression gave ${String(value)}, not a finite number`);
  return score;
}

function stream(kind: StreamKind, tier: number, pairs: Pair[], evaluator: Evaluator | null, memberSign: number): PairStream {
  const size = pairs.length;
  const out: PairStream = {
    kind,
    tier,
    size,
    rule: new Int32Array(size),
    offer: new Int32Array(size),
    key: new Float64Array(size),
    liveFrom: new Float64Array(size),
    liveTo: new Float64Array(size),
    evaluator,
    memberSign,
  };
  for (let i = 0; i < size; i++) {
    const pair = pairs[i]!;
    out.rule[i] = pair.rule.precedence;
    out.offer[i] = pair.offer;
    out.key[i] = pair.key;
    out.liveFrom[i] = pair.liveFrom;
    out.liveTo[i] = pair.liveTo;
  }
  return out;
}

const byKeyThenOffer = (a: Pair, b: Pair): number => (a.key === b.key ? 0 : a.key > b.key ? -1 : 1) || a.offer - b.offer || a.rule.precedence - b.rule.precedence;
const byOffer = (a: Pair, b: Pair): number => a.offer - b.offer || a.rule.precedence - b.rule.precedence;

/** The streams of one zone's rules (in precedence order): top rules' streams, then the others'. */
export function buildZonePlan(rules: readonly CompiledRule[]): ZonePlan {
  if (!rules.some((rule) => rule.top)) return buildTier(rules, 0);
  const top = buildTier(
    rules.filter((rule) => rule.top),
    1,
  );
  const rest = buildTier(
    rules.filter((rule) => !rule.top),
    0,
  );
  return {
    streams: [...top.streams, ...rest.streams],
    dynamicPairs: top.dynamicPairs + rest.dynamicPairs,
    rotatingHeapPairs: top.rotatingHeapPairs + rest.rotatingHeapPairs,
    loadFailures: new Set([...top.loadFailures, ...rest.loadFailures]),
    risks: new Map(),
    picks: top.picks || rest.picks,
  };
}

function buildTier(rules: readonly CompiledRule[], tier: number): ZonePlan {
  const statics: Pair[] = [];
  const members = new Map<Evaluator, Pair[]>();
  const splits = new Map<Evaluator, Pair[]>();
  const eager: Pair[] = [];
  const loadFailures = new Set<CompiledRule>();
  const push = (groups: Map<Evaluator, Pair[]>, evaluator: Evaluator, pair: Pair): void => {
    const group = groups.get(evaluator);
    if (group) group.push(pair);
    else groups.set(evaluator, [pair]);
  };
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const eligibilityAtLoad = rule.eligibility !== null && eligibilityMode(rule) === ELIGIBILITY_NONE ? rule.eligibility : null;
    const score = rule.scoreExpression;
    const reads = rule.scoreReads;
    for (const offer of rule.offers) {
      const liveFrom = Math.max(rule.effectiveDay, offer.effectiveDay);
      const liveTo = Math.min(rule.expiresDay, offer.expiresDay);
      if (liveFrom > liveTo) continue;
      if (eligibilityAtLoad !== null) {
        const eligible = loadTimeValue(eligibilityAtLoad, offer.cel);
        if (eligible === FAILED_AT_LOAD) loadFailures.add(rule);
        if (eligible !== true) continue;
      }
      const pair: Pair = { rule, offer: offer.index, key: 0, liveFrom, liveTo };
      if (score === null) {
        pair.key = rule.score;
        statics.push(pair);
      } else if (reads !== null && !reads.member) {
        pair.key = toNumber(loadTimeValue(score, offer.cel));
        if (Number.isFinite(pair.key)) statics.push(pair);
        else loadFailures.add(rule);
      } else if (reads !== null && !reads.offer) {
        push(members, score, pair);
      } else if (rule.scoreSplit !== null) {
        const half = toNumber(loadTimeValue(rule.scoreSplit.offerTerm, offer.cel)) * rule.scoreSplit.offerSign;
        // An offer half that fails or is not a number gives no bound: visited first, evaluated exactly.
        pair.key = Number.isNaN(half) ? Infinity : half;
        push(splits, score, pair);
      } else {
        eager.push(pair);
      }
    }
  }
  const streams: PairStream[] = [];
  if (statics.length > 0) streams.push(stream(STATIC, tier, statics.sort(byKeyThenOffer), null, 1));
  for (const [evaluator, pairs] of members) streams.push(stream(MEMBER, tier, pairs.sort(byOffer), evaluator, 1));
  let dynamicPairs = eager.length;
  for (const pairs of splits.values()) {
    const split = pairs[0]!.rule.scoreSplit!;
    streams.push(stream(SPLIT, tier, pairs.sort(byKeyThenOffer), split.memberTerm, split.memberSign));
    dynamicPairs += pairs.length;
  }
  if (eager.length > 0) streams.push(stream(EAGER, tier, eager.sort(byOffer), null, 1));
  let rotatingHeapPairs = dynamicPairs;
  for (const s of streams) if (s.kind === STATIC || s.kind === MEMBER) rotatingHeapPairs += s.size;
  return { streams, dynamicPairs, rotatingHeapPairs, loadFailures, risks: new Map(), picks: rules.some((rule) => rule.enabled && rule.pick !== null) };
}

/** One plan per (channel, zone), shared by the zone's interaction points. */
export function buildZonePlans(compiled: CompiledBundle): Map<CompiledPoint, ZonePlan> {
  const byZone = new Map<string, ZonePlan>();
  const plans = new Map<CompiledPoint, ZonePlan>();
  for (const channel of compiled.channels.values()) {
    for (const point of channel.points.values()) {
      const key = `${channel.name}\0${point.zone}`;
      let plan = byZone.get(key);
      if (!plan) {
        plan = buildZonePlan(point.rules);
        const bigCost = compiled.offers.some((o) => !(Math.abs(o.cost) <= MAGNITUDE));
        for (const level of channel.levels) {
          plan.risks.set(level.name, zoneRisk(compiled, channel, point.rules, level.name, plan.loadFailures, bigCost));
        }
        byZone.set(key, plan);
      }
      plans.set(point, plan);
    }
  }
  return plans;
}
