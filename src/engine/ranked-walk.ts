// The ranking of one decision, produced lazily best first (docs/decisions.md#the-steps, steps 2–5 and 7): the
// response loop (engine.ts) asks for the next offer only while it still needs one, so a
// decision evaluates segments, eligibility and scores only for the (rule, offer) pairs
// that can still reach the response, not for every rule of the zone.
//
// The zone's pairs come in sorted streams (pair-plan.ts). Each step takes the best head
// over all streams by (score desc, offer name asc, rule precedence asc) — the order of docs/decisions.md#the-steps
// of the ranking with the tie-break of "one entry per offer" — where a SPLIT head's score
// is its exact upper bound and an EAGER head's is +∞. A pair is then checked:
//   its offer already has its entry → skipped (it could only lose: same or lower key);
//   not live on the day, not in the rule's segment, not eligible → skipped;
//   a bounded pair (SPLIT, EAGER) → its exact score is computed and it goes back into
//   the race (a small heap) under that score;
//   the member is in the rule's control group → the rule is recorded in controlGroups
//   (once) and the pair gives nothing (a lower pair may still give the offer);
//   a rule with `pick` that did not pick the offer for this member → skipped (list-pick.ts);
//   otherwise → the offer's entry: the highest score over its rules, ties to the rule
//   first in precedence, exactly as an exhaustive arbitration would pick it.
// Everything the walk evaluates is memoised for the decision (segments in the session's
// SegmentCache, per-rule eligibility and per-expression member scores here).
//
// docs/decisions.md#ties-and-top-priority: the full order is (tier desc, score desc, tie
// asc, precedence asc), tier 1 for pairs of `priority: top` rules (streams hold one tier),
// tie the offer index (`ties: name`) or the member's rotate key (`ties: rotate`). Streams
// are sorted by offer, not by rotate key, so with `rotate` a stream's pairs of one score
// (a STATIC run, a whole MEMBER stream) go into the heap together once the stream's head
// has the best (tier, score), and the heap's top is given only when it is strictly ahead
// of every head on (tier, score): nothing left in a stream can then come before it.
import type { CompiledBundle, CompiledRule } from './compiled-types.js';
import { controlGroupBucketFromSeed } from './control-group.js';
import { reportExpressionError, type DecisionState } from './decision-state.js';
import { EAGER, ELIGIBILITY_PER_PAIR, ELIGIBILITY_PER_RULE, eligibilityMode, finiteScore, MEMBER, SPLIT, STATIC, toNumber, type PairStream, type ZonePlan } from './pair-plan.js';
import { pickedOffers } from './list-pick.js';
import { isMember } from './segments.js';
import { TieOrder } from './tie-order.js';
import type { DecisionError } from './types.js';

const UNKNOWN = 0;
const KNOWN = 1;
const FAILED = 2;

const NO_SCORE = 'the rule gives this offer no score';

/** (t1, s1, o1, p1) comes before (t2, s2, o2, p2): tier desc, score desc, tie (offer) asc, precedence asc. */
function before(t1: number, s1: number, o1: number, p1: number, t2: number, s2: number, o2: number, p2: number): boolean {
  return t1 > t2 || (t1 === t2 && (s1 > s2 || (s1 === s2 && (o1 < o2 || (o1 === o2 && p1 < p2)))));
}

/** Engine-owned and reused by every decision (decisions are synchronous); a generation stamp clears it. */
export class RankedWalk {
  /** The entry just produced by next(). */
  offer = -1;
  score = 0;
  rule = -1;
  /** Rules whose control group the member is in, for the pairs reached so far. */
  controlGroups: string[] = [];
  /** Expression failures the walk met (kept apart: the decision reports the exhaustive sweep's instead, see engine.ts). */
  errors: DecisionError[] = [];

  private readonly rules: CompiledRule[];
  private readonly eligibility: Int8Array;
  private readonly offerStamp: Int32Array;
  private readonly ruleStamp: Int32Array;
  private readonly ruleEligible: Int8Array;
  private readonly controlStamp: Int32Array;
  /** List picking: 1 for a rule with `pick`; its pick for this decision once computed (pickStamp). */
  private readonly pickRule: Uint8Array;
  private readonly pickStamp: Int32Array;
  private readonly picks: number[][];
  private generation = 0;
  private heapScore = new Float64Array(16);
  private heapOffer = new Int32Array(16);
  private heapRule = new Int32Array(16);
  /** The heap's tier and tie key per entry (the offer index unless ties rotate). */
  private heapTier = new Int8Array(16);
  private heapTie = new Float64Array(16);
  private readonly ruleTier: Int8Array;
  private readonly ties: TieOrder;
  private rotate = false;
  private heapSize = 0;
  private cursors = new Int32Array(8);
  private memberState = new Uint8Array(8);
  private memberValue = new Float64Array(8);
  /** Written by scoreHead. */
  private headScore = 0;
  private memberFailure: string[] = [];
  private state: DecisionState | null = null;
  private streams: PairStream[] = [];

  constructor(private readonly compiled: CompiledBundle) {
    const ruleCount = compiled.bundle.body.rules.length;
    this.rules = new Array<CompiledRule>(ruleCount);
    this.eligibility = new Int8Array(ruleCount);
    this.offerStamp = new Int32Array(compiled.offers.length);
    this.ruleStamp = new Int32Array(ruleCount);
    this.ruleEligible = new Int8Array(ruleCount);
    this.controlStamp = new Int32Array(ruleCount);
    this.pickRule = new Uint8Array(ruleCount);
    this.pickStamp = new Int32Array(ruleCount);
    this.picks = new Array<number[]>(ruleCount);
    this.ruleTier = new Int8Array(ruleCount);
    this.ties = new TieOrder(compiled.offers.map((offer) => offer.name));
  }

  /** Registers the rules a plan names (their eligibility mode is read per pair). */
  adopt(rules: readonly CompiledRule[]): void {
    for (const rule of rules) {
      this.rules[rule.precedence] = rule;
      this.eligibility[rule.precedence] = eligibilityMode(rule);
      this.ruleTier[rule.precedence] = rule.top ? 1 : 0;
      this.pickRule[rule.precedence] = rule.pick === null ? 0 : 1;
    }
  }

  begin(state: DecisionState, plan: ZonePlan): void {
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.offerStamp.fill(0);
      this.ruleStamp.fill(0);
      this.controlStamp.fill(0);
      this.pickStamp.fill(0);
      this.generation = 1;
    }
    this.state = state;
    this.streams = plan.streams;
    const n = plan.streams.length;
    if (this.cursors.length < n) {
      this.cursors = new Int32Array(n);
      this.memberState = new Uint8Array(n);
      this.memberValue = new Float64Array(n);
    }
    // A loop rather than fill(): a zone has a handful of streams, and fill's call costs more.
    const cursors = this.cursors;
    const memberState = this.memberState;
    for (let i = 0; i < n; i++) {
      cursors[i] = 0;
      memberState[i] = UNKNOWN;
    }
    if (this.memberFailure.length > 0) this.memberFailure.length = 0;
    this.rotate = state.channel.rotateTies;
    if (this.rotate) this.ties.begin(state.audienceId, state.at);
    // With rotate, a run of equal static scores waits in the heap too.
    const heapNeeds = this.rotate ? plan.rotatingHeapPairs : plan.dynamicPairs;
    if (this.heapScore.length < heapNeeds) {
      const size = Math.max(heapNeeds, this.heapScore.length * 2);
      this.heapScore = new Float64Array(size);
      this.heapOffer = new Int32Array(size);
      this.heapRule = new Int32Array(size);
      this.heapTier = new Int8Array(size);
      this.heapTie = new Float64Array(size);
    }
    this.heapSize = 0;
    // A new list of control groups: the session memo keeps the one before (engine.ts). Only
    // the walk itself holds its errors, so an empty list is kept.
    this.controlGroups = [];
    if (this.errors.length > 0) this.errors = [];
  }

  /** Produces the next entry of the ranking (offer, score, rule); false when there is none. */
  next(): boolean {
    const state = this.state!;
    const outer = state.errors;
    state.errors = this.errors;
    try {
      return this.advance();
    } finally {
      state.errors = outer;
    }
  }

  private advance(): boolean {
    if (this.rotate) return this.advanceRotating();
    const state = this.state!;
    const streams = this.streams;
    const offers = this.compiled.offers;
    const atDay = state.atDay;
    for (;;) {
      // The best head over the streams and the heap of exactly scored pairs.
      let best = -1;
      let bestTier = 0;
      let bestScore = 0;
      let bestOffer = 0;
      let bestRule = 0;
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i]!;
        const c = this.cursors[i]!;
        if (c >= s.size) continue;
        if (!this.scoreHead(i, s, c)) continue;
        const score = this.headScore;
        const o = s.offer[c]!;
        const p = s.rule[c]!;
        if (best === -1 || before(s.tier, score, o, p, bestTier, bestScore, bestOffer, bestRule)) {
          best = i;
          bestTier = s.tier;
          bestScore = score;
          bestOffer = o;
          bestRule = p;
        }
      }
      if (this.heapSize > 0 && (best === -1 || before(this.heapTier[0]!, this.heapScore[0]!, this.heapTie[0]!, this.heapRule[0]!, bestTier, bestScore, bestOffer, bestRule))) {
        const score = this.heapScore[0]!;
        const o = this.heapOffer[0]!;
        const p = this.heapRule[0]!;
        this.heapPop();
        if (this.offerStamp[o] === this.generation) continue;
        if (this.heldOut(p) || this.leftOutByPick(p, o)) continue;
        return this.emit(o, score, p);
      }
      if (best === -1) return false;
      const s = streams[best]!;
      const c = this.cursors[best]!++;
      if (this.offerStamp[bestOffer] === this.generation) continue;
      if (atDay < s.liveFrom[c]! || atDay > s.liveTo[c]!) continue;
      if (!this.eligible(bestRule, bestOffer)) continue;
      if (s.kind === SPLIT || s.kind === EAGER) {
        const rule = this.rules[bestRule]!;
        state.cel.offer = offers[bestOffer]!.cel;
        try {
          this.heapPush(finiteScore(rule.scoreExpression!(state.cel)), bestOffer, bestRule);
        } catch (error) {
          reportExpressionError(state, `${rule.place} scoreExpression`, error, NO_SCORE);
        }
        continue;
      }
      if (this.heldOut(bestRule) || this.leftOutByPick(bestRule, bestOffer)) continue;
      return this.emit(bestOffer, bestScore, bestRule);
    }
  }

  private emit(offer: number, score: number, rule: number): boolean {
    this.offerStamp[offer] = this.generation;
    this.offer = offer;
    this.score = score;
    this.rule = rule;
    return true;
  }

  /** In the rule's control group? Records the rule the first time (docs/decisions.md#the-steps, step 4). */
  private heldOut(precedence: number): boolean {
    const rule = this.rules[precedence]!;
    if (rule.controlThreshold === 0) return false;
    if (controlGroupBucketFromSeed(rule.controlSeed, this.state!.audienceId) >= rule.controlThreshold) return false;
    if (this.controlStamp[precedence] !== this.generation) {
      this.controlStamp[precedence] = this.generation;
      this.controlGroups.push(rule.name);
    }
    return true;
  }

  /**
   * A pair of a picking rule whose offer is not in the rule's pick for this member
   * (list-pick.ts; docs/decisions.md#list-picking): the pick is made the first time one of
   * the rule's pairs is reached, after its segment and control group were checked.
   */
  private leftOutByPick(precedence: number, offer: number): boolean {
    if (this.pickRule[precedence] === 0) return false;
    if (this.pickStamp[precedence] !== this.generation) {
      this.pickStamp[precedence] = this.generation;
      this.picks[precedence] = pickedOffers(this.state!, this.rules[precedence]!);
    }
    return !this.picks[precedence]!.includes(offer);
  }

  /** The rule's segment and eligibility for this pair (docs/decisions.md#the-steps, step 3); dates are checked by the caller. */
  private eligible(precedence: number, offer: number): boolean {
    const state = this.state!;
    const rule = this.rules[precedence]!;
    if (rule.segment !== null && !isMember(state, rule.segment)) return false;
    const mode = this.eligibility[precedence];
    if (mode === ELIGIBILITY_PER_RULE) {
      if (this.ruleStamp[precedence] !== this.generation) {
        this.ruleStamp[precedence] = this.generation;
        this.ruleEligible[precedence] = this.evaluateEligibility(rule, offer) ? 1 : 0;
      }
      return this.ruleEligible[precedence] === 1;
    }
    if (mode === ELIGIBILITY_PER_PAIR) return this.evaluateEligibility(rule, offer);
    return true;
  }

  private evaluateEligibility(rule: CompiledRule, offer: number): boolean {
    const state = this.state!;
    state.cel.offer = this.compiled.offers[offer]!.cel;
    try {
      return rule.eligibility!(state.cel) === true;
    } catch (error) {
      reportExpressionError(state, `${rule.place} eligibility`, error);
      return false;
    }
  }

  /**
   * The score (exact, or an upper bound) of stream `i`'s head at cursor `c`, left in
   * `headScore`; false when the stream is out of the walk (its member score failed, which
   * is reported). Shared by both walks; a field rather than a returned object keeps the
   * hot loop free of allocations.
   */
  private scoreHead(i: number, s: PairStream, c: number): boolean {
    switch (s.kind) {
      case STATIC:
        this.headScore = s.key[c]!;
        return true;
      case MEMBER:
        if (this.memberState[i] === UNKNOWN) this.evaluateMember(i, s);
        if (this.memberState[i] === FAILED) {
          this.reportMemberFailure(i, s);
          return false;
        }
        this.headScore = this.memberValue[i]!;
        return true;
      case SPLIT: {
        if (this.memberState[i] === UNKNOWN) this.evaluateMember(i, s);
        if (this.memberState[i] === FAILED) {
          this.headScore = Infinity;
          return true;
        }
        const bound = s.key[c]! + this.memberValue[i]!;
        // Exact when both halves are doubles; the margin covers ints converted to numbers.
        this.headScore = Number.isNaN(bound) ? Infinity : bound + Math.abs(bound) * 1e-12 + 1e-12;
        return true;
      }
      default:
        this.headScore = Infinity;
        return true;
    }
  }

  /** A MEMBER stream's score, or a SPLIT stream's member half: once per decision. Failures are reported only for pairs that pass their rule. */
  private evaluateMember(i: number, s: PairStream): void {
    const state = this.state!;
    try {
      const value = s.evaluator!(state.cel);
      const number = s.kind === MEMBER ? finiteScore(value) : toNumber(value) * s.memberSign;
      if (s.kind === SPLIT && Number.isNaN(number)) throw new Error('not a number');
      this.memberValue[i] = number;
      this.memberState[i] = KNOWN;
    } catch (error) {
      this.memberFailure[i] = error instanceof Error ? error.message : String(error);
      this.memberState[i] = FAILED;
    }
  }

  /** A MEMBER stream whose score failed: its pairs give nothing; the failure is reported for every rule that would have scored. */
  private reportMemberFailure(i: number, s: PairStream): void {
    const state = this.state!;
    const failure = new Error(this.memberFailure[i]);
    for (let c = this.cursors[i]!; c < s.size; c++) {
      if (state.atDay < s.liveFrom[c]! || state.atDay > s.liveTo[c]!) continue;
      const precedence = s.rule[c]!;
      if (!this.eligible(precedence, s.offer[c]!)) continue;
      reportExpressionError(state, `${this.rules[precedence]!.place} scoreExpression`, failure, NO_SCORE);
    }
    this.cursors[i] = s.size;
  }

  /** Adds an exactly scored pair; its tier is its rule's, its tie key the offer's (index, or rotate key). */
  private heapPush(score: number, offer: number, rule: number): void {
    const tier = this.ruleTier[rule]!;
    const tie = this.rotate ? this.ties.key(offer) : offer;
    let at = this.heapSize++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(tier, score, tie, rule, this.heapTier[parent]!, this.heapScore[parent]!, this.heapTie[parent]!, this.heapRule[parent]!)) break;
      this.moveHeap(parent, at);
      at = parent;
    }
    this.setHeap(at, tier, score, tie, offer, rule);
  }

  private heapPop(): void {
    const size = --this.heapSize;
    if (size === 0) return;
    const tier = this.heapTier[size]!;
    const score = this.heapScore[size]!;
    const tie = this.heapTie[size]!;
    const offer = this.heapOffer[size]!;
    const rule = this.heapRule[size]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.heapBefore(right, child)) child = right;
      if (!before(this.heapTier[child]!, this.heapScore[child]!, this.heapTie[child]!, this.heapRule[child]!, tier, score, tie, rule)) break;
      this.moveHeap(child, at);
      at = child;
    }
    this.setHeap(at, tier, score, tie, offer, rule);
  }

  private heapBefore(a: number, b: number): boolean {
    return before(this.heapTier[a]!, this.heapScore[a]!, this.heapTie[a]!, this.heapRule[a]!, this.heapTier[b]!, this.heapScore[b]!, this.heapTie[b]!, this.heapRule[b]!);
  }

  private moveHeap(from: number, to: number): void {
    this.heapTier[to] = this.heapTier[from]!;
    this.heapScore[to] = this.heapScore[from]!;
    this.heapTie[to] = this.heapTie[from]!;
    this.heapOffer[to] = this.heapOffer[from]!;
    this.heapRule[to] = this.heapRule[from]!;
  }

  private setHeap(at: number, tier: number, score: number, tie: number, offer: number, rule: number): void {
    this.heapTier[at] = tier;
    this.heapScore[at] = score;
    this.heapTie[at] = tie;
    this.heapOffer[at] = offer;
    this.heapRule[at] = rule;
  }

  /**
   * advance() for `ties: rotate` (see the header): the best stream head on (tier, score)
   * is opened — a SPLIT or EAGER pair scored exactly, a STATIC run of its score or a whole
   * MEMBER stream moved into the heap after the date, segment and eligibility checks —
   * and the heap's top is given once no head can tie or beat it.
   */
  private advanceRotating(): boolean {
    const state = this.state!;
    const streams = this.streams;
    const offers = this.compiled.offers;
    const atDay = state.atDay;
    for (;;) {
      let best = -1;
      let bestTier = 0;
      let bestScore = 0;
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i]!;
        const c = this.cursors[i]!;
        if (c >= s.size) continue;
        if (!this.scoreHead(i, s, c)) continue;
        const score = this.headScore;
        if (best === -1 || s.tier > bestTier || (s.tier === bestTier && score > bestScore)) {
          best = i;
          bestTier = s.tier;
          bestScore = score;
        }
      }
      if (this.heapSize > 0 && (best === -1 || this.heapTier[0]! > bestTier || (this.heapTier[0] === bestTier && this.heapScore[0]! > bestScore))) {
        const score = this.heapScore[0]!;
        const o = this.heapOffer[0]!;
        const p = this.heapRule[0]!;
        this.heapPop();
        if (this.offerStamp[o] === this.generation) continue;
        if (this.heldOut(p) || this.leftOutByPick(p, o)) continue;
        return this.emit(o, score, p);
      }
      if (best === -1) return false;
      const s = streams[best]!;
      // A STATIC run of one score, a whole MEMBER stream, or one SPLIT / EAGER pair.
      const from = this.cursors[best]!;
      let to = from + 1;
      if (s.kind === STATIC) while (to < s.size && s.key[to] === s.key[from]) to++;
      else if (s.kind === MEMBER) to = s.size;
      this.cursors[best] = to;
      for (let c = from; c < to; c++) {
        const o = s.offer[c]!;
        const p = s.rule[c]!;
        if (this.offerStamp[o] === this.generation) continue;
        if (atDay < s.liveFrom[c]! || atDay > s.liveTo[c]!) continue;
        if (!this.eligible(p, o)) continue;
        if (s.kind === SPLIT || s.kind === EAGER) {
          const rule = this.rules[p]!;
          state.cel.offer = offers[o]!.cel;
          try {
            this.heapPush(finiteScore(rule.scoreExpression!(state.cel)), o, p);
          } catch (error) {
            reportExpressionError(state, `${rule.place} scoreExpression`, error, NO_SCORE);
          }
          continue;
        }
        this.heapPush(bestScore, o, p);
      }
    }
  }
}
