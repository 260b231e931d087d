// A deliberately simple reference for decisions (docs/decisions.md), used by the
// differential test of the engine's fast path (fast-path.test.ts). It evaluates every
// rule of the zone in precedence order, collects every scored (rule, offer) pair, sorts
// them all, and then walks them in rank order exactly as the documented definition says.
// No pruning, no memo beyond one decision, no precomputation: slow and obviously right.
// Input conversion, suppression and realtime policy checks are shared with the engine
// (they are not what the fast path changes and have their own tests).
import type { Bundle } from '../../src/bundle/types.js';
import { withSegmentLookup, toCelTimestamp } from '../../src/expr/environment.js';
import { convertProfile, convertSession, resolveLevel, isDecisionError } from '../../src/engine/audience.js';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import type { CompiledBundle, CompiledOffer, CompiledPoint, CompiledRule, CompiledSegment } from '../../src/engine/compiled-types.js';
import { controlGroupBucket } from '../../src/engine/control-group.js';
import { dayNumber } from '../../src/days.js';
import { reportExpressionError, type DecisionState } from '../../src/engine/decision-state.js';
import { defaultPackage, readMemberHistory } from '../../src/engine/member-history.js';
import { blocksEveryOffer, findPolicyViolation, isDeferrable, PolicyContext, type ChosenContact } from '../../src/engine/realtime-policy.js';
import { SessionSegmentCache } from '../../src/engine/segment-cache.js';
import { findSuppression } from '../../src/engine/suppression.js';
import { formatTreatmentCode } from '../../src/engine/treatment-code.js';
import { rotateHash } from '../../src/engine/tie-order.js';
import type { ChosenOffer, DecisionError, DecisionRequest, SessionActivity } from '../../src/engine/types.js';

export interface ReferenceDecision {
  offers: ChosenOffer[];
  defaultString?: string;
  controlGroups: string[];
  errors: DecisionError[];
}

interface ScoredPair {
  score: number;
  offer: number;
  rule: CompiledRule;
  heldOut: boolean;
}

export class ReferenceEngine {
  readonly compiled: CompiledBundle;

  constructor(bundle: Bundle) {
    this.compiled = compileBundle(bundle);
  }

  decide(request: DecisionRequest): ReferenceDecision {
    const compiled = this.compiled;
    const point: CompiledPoint = request.channel ? compiled.channels.get(request.channel)!.points.get(request.interactionPoint)! : compiled.pointsByName.get(request.interactionPoint)![0]!;
    const channel = point.channel;
    const level = resolveLevel(channel, request.audience.level);
    if (isDecisionError(level)) throw new Error('the reference takes valid input only');
    const audienceId = request.audience.id;
    const profile = convertProfile(level, request.audience.profile, audienceId);
    const session = convertSession(channel, request.session);
    const atDay = dayNumber(request.at);
    const errors: DecisionError[] = [];
    const history = readMemberHistory(compiled, request.history, audienceId, atDay, errors);
    if (profile.errors.length + session.errors.length + errors.length > 0) throw new Error('the reference takes valid input only');
    const segments = new SessionSegmentCache();
    segments.prepare(compiled, audienceId, level.name, request.at);
    const state: DecisionState = {
      compiled,
      channel,
      level,
      audienceId,
      at: request.at,
      atDay,
      cel: { profile: profile.value, session: session.value, now: toCelTimestamp(request.at), offer: null },
      segments,
      errors,
      reported: null,
    };
    const memo = new Map<CompiledSegment, boolean>();
    const lookup = (name: string): boolean => {
      const segment = compiled.segmentByName.get(name);
      return segment !== undefined && this.member(state, segment, memo);
    };
    return withSegmentLookup(lookup, () => this.run(state, point, request.count, history, memo, request.givenEarlier ?? {}, request.sessionActivity ?? {}));
  }

  /** Membership, evaluated afresh (inSegment() through the same lookup); failures are false and reported. */
  private member(state: DecisionState, segment: CompiledSegment, memo: Map<CompiledSegment, boolean>): boolean {
    const known = memo.get(segment);
    if (known !== undefined) return known;
    let value = false;
    memo.set(segment, false); // a cycle reads false (the compiler refuses them)
    if (segment.channel === state.channel.name && segment.level === state.level.name) {
      try {
        value = segment.evaluate(state.cel) === true;
      } catch (error) {
        reportExpressionError(state, segment.place, error);
      }
    }
    memo.set(segment, value);
    return value;
  }

  private run(state: DecisionState, point: CompiledPoint, count: number, history: ReturnType<typeof readMemberHistory>, memo: Map<CompiledSegment, boolean>, givenEarlier: Record<string, string>, activity: SessionActivity): ReferenceDecision {
    const compiled = this.compiled;
    const pairs: ScoredPair[] = [];
    // Session rules: offers accepted or rejected in the session are left out when the channel says so.
    const sessionRules = point.channel.session;
    const leftOut = (name: string): boolean =>
      sessionRules !== null && ((sessionRules.suppressAccepted && (activity.accepted ?? []).includes(name)) || (sessionRules.suppressRejected && (activity.rejected ?? []).includes(name)));
    // What the member cannot get in this response: a list pick passes over these.
    const cannotGet = (offer: CompiledOffer): boolean => Object.prototype.hasOwnProperty.call(givenEarlier, offer.name) || leftOut(offer.name) || findSuppression(offer, history, state.atDay) !== null;
    // Steps 3–5: every rule, every offer, in precedence order (errors in that order too).
    for (const rule of point.rules) {
      if (!rule.enabled || state.atDay < rule.effectiveDay || state.atDay > rule.expiresDay) continue;
      if (rule.segment !== null && !this.member(state, rule.segment, memo)) continue;
      const eligible: number[] = [];
      let ruleLevel: boolean | null = null;
      for (const offer of rule.offers) {
        if (state.atDay < offer.effectiveDay || state.atDay > offer.expiresDay) continue;
        let ok = true;
        if (rule.eligibility !== null) {
          if (!rule.eligibilityPerOffer && ruleLevel !== null) ok = ruleLevel;
          else {
            state.cel.offer = offer.cel;
            try {
              ok = rule.eligibility(state.cel) === true;
            } catch (error) {
              ok = false;
              reportExpressionError(state, `${rule.place} eligibility`, error);
            }
            if (!rule.eligibilityPerOffer) ruleLevel = ok;
          }
        }
        if (ok) eligible.push(offer.index);
      }
      if (eligible.length === 0) continue;
      const heldOut = rule.controlThreshold > 0 && controlGroupBucket(rule.channel, rule.name, state.audienceId) < rule.controlThreshold;
      const rulePairs: ScoredPair[] = [];
      for (const offer of eligible) {
        let score = rule.score;
        if (rule.scoreExpression !== null) {
          state.cel.offer = compiled.offers[offer]!.cel;
          try {
            const value = rule.scoreExpression(state.cel);
            score = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
            if (!Number.isFinite(score)) throw new Error(`scoreExpression gave ${String(value)}, not a finite number`);
          } catch (error) {
            // A held-out rule gives nothing, so its failure is not reported (its score only places it).
            if (!heldOut) reportExpressionError(state, `${rule.place} scoreExpression`, error, 'the rule gives this offer no score');
            continue;
          }
        }
        rulePairs.push({ score, offer, rule, heldOut });
      }
      // A list pick: of the offers the member can get, only `count` in the pick's order (a held-out member gets nothing from the rule anyway).
      pairs.push(...(rule.pick === null || heldOut ? rulePairs : referencePick(state, rule, rulePairs).filter((pair) => !cannotGet(compiled.offers[pair.offer]!)).slice(0, rule.pick.count)));
    }
    state.cel.offer = null;
    // Top rules first; equal scores by offer name, or by the member's rotate key of the day.
    const tie = (offer: number): number => (point.channel.rotateTies ? rotateHash(state.audienceId, compiled.offers[offer]!.name, state.at) * 2 ** 21 + offer : offer);
    const tier = (pair: ScoredPair): number => (pair.rule.top ? 1 : 0);
    pairs.sort((a, b) => tier(b) - tier(a) || b.score - a.score || tie(a.offer) - tie(b.offer) || a.rule.precedence - b.rule.precedence);

    // The ranking, pulled as the response needs it: one entry per offer; a held-out pair reached records its rule.
    const decided = new Set<number>();
    const controlGroups: string[] = [];
    let cursor = 0;
    const entries: ScoredPair[] = [];
    const entry = (at: number): ScoredPair | null => {
      while (entries.length <= at) {
        if (cursor >= pairs.length) return null;
        const pair = pairs[cursor++]!;
        if (decided.has(pair.offer)) continue;
        if (pair.heldOut) {
          if (!controlGroups.includes(pair.rule.name)) controlGroups.push(pair.rule.name);
          continue;
        }
        decided.add(pair.offer);
        entries.push(pair);
      }
      return entries[at]!;
    };

    // Steps 6–7.
    let limit = point.maxOffers === null ? count : Math.min(count, point.maxOffers);
    // Session rules: the session's remaining offers cap the response.
    if (sessionRules?.maxOffers != null) limit = Math.min(limit, Math.max(0, sessionRules.maxOffers - (activity.offered ?? 0)));
    const rules = point.channel.realtimeRules;
    const chosen: ChosenContact[] = [];
    const chosenAt: number[] = [];
    const deferred: number[] = [];
    const context = new PolicyContext().begin(state, history, defaultPackage(state.audienceId, point.channel.name, state.at));
    for (let at = 0; chosen.length < limit; at++) {
      const e = entry(at);
      if (e === null) break;
      const offer = compiled.offers[e.offer]!;
      // Batch dedupe: an offer given to an earlier point of the batch is not given again.
      if (Object.prototype.hasOwnProperty.call(givenEarlier, offer.name)) continue;
      if (leftOut(offer.name)) continue;
      if (findSuppression(offer, history, state.atDay) !== null) continue;
      if (rules.length > 0) {
        const violation = findPolicyViolation(rules, offer, e.score, context);
        if (violation !== null) {
          if (isDeferrable(violation)) deferred.push(at);
          if (blocksEveryOffer(violation)) break;
          continue;
        }
      }
      chosen.push({ offer, score: e.score });
      context.add(offer);
      chosenAt.push(at);
      // A deferred B comes in as soon as a choice allows it (rank order, until nothing changes).
      for (let changed = true; changed; ) {
        changed = false;
        for (const d of deferred) {
          if (chosen.length >= limit || chosenAt.includes(d)) continue;
          const de = entries[d]!;
          const deferredOffer = compiled.offers[de.offer]!;
          if (findPolicyViolation(rules, deferredOffer, de.score, context) === null) {
            chosen.push({ offer: deferredOffer, score: de.score });
            context.add(deferredOffer);
            chosenAt.push(d);
            changed = true;
          }
        }
      }
    }
    const order = chosen.map((_, i) => i).sort((a, b) => chosenAt[a]! - chosenAt[b]!);
    const offers: ChosenOffer[] = order.map((i) => {
      const e = entries[chosenAt[i]!]!;
      const offer = compiled.offers[e.offer]!;
      const name = offer.name;
      return { offer: name, score: e.score, rule: e.rule.name, treatmentCode: formatTreatmentCode(compiled.digestPrefix, point.channel.name, point.name, e.rule.name, name), attributes: referenceAttributes(state, e.rule, offer) };
    });
    const decision: ReferenceDecision = { offers, controlGroups, errors: state.errors };
    if (offers.length === 0 && point.defaultString !== null) decision.defaultString = point.defaultString;
    return decision;
  }
}

/** FNV-1a 32-bit over UTF-8 bytes, then murmur3's fmix32, written out as docs/decisions.md#list-picking gives it. */
function fnvThenMix(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * docs/decisions.md#list-picking, written plainly: the rule's scored pairs (in list order)
 * in the pick's order; the caller keeps the first `count` the member can get.
 */
function referencePick(state: DecisionState, rule: CompiledRule, available: ScoredPair[]): ScoredPair[] {
  const { by } = rule.pick!;
  const offers = state.compiled.offers;
  const place = (pair: ScoredPair): number => rule.offers.findIndex((offer) => offer.index === pair.offer);
  const tie = (pair: ScoredPair): number => (state.channel.rotateTies ? rotateHash(state.audienceId, offers[pair.offer]!.name, state.at) * 2 ** 21 + pair.offer : pair.offer);
  let sorted: ScoredPair[];
  if (by === 'rotate') {
    const circle = available.slice().sort((a, b) => place(a) - place(b));
    const n = circle.length;
    const start = (((fnvThenMix(`${state.audienceId}\u0000${rule.name}`) + state.atDay) % n) + n) % n;
    sorted = circle.map((_, i) => circle[(start + i) % n]!);
  } else {
    const key = (pair: ScoredPair): number => (by === 'score' ? pair.score : offers[pair.offer]!.effective === null ? -Infinity : dayNumber(offers[pair.offer]!.effective!));
    sorted = available.slice().sort((a, b) => (key(a) === key(b) ? tie(a) - tie(b) : key(b) > key(a) ? 1 : -1));
  }
  return sorted;
}

/**
 * Offer attributes as docs/decisions.md#offer-attributes states them, written plainly: the
 * offer's own, each one the giving rule sets replaced by its value when that value has the
 * own value's JSON type (a CEL int as a number), else the own value and an error.
 */
function referenceAttributes(state: DecisionState, rule: CompiledRule, offer: CompiledOffer): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = { ...offer.attributes };
  for (const attribute of rule.attributes ?? []) {
    const own = offer.attributes[attribute.name];
    if (own === undefined) continue;
    state.cel.offer = offer.cel;
    try {
      const raw = attribute.evaluate(state.cel);
      const value = typeof raw === 'bigint' ? Number(raw) : raw;
      if (typeof value !== typeof own || (typeof value === 'number' && !Number.isFinite(value))) throw new Error(`gave ${String(value)}`);
      out[attribute.name] = value as string | number | boolean;
    } catch (error) {
      reportExpressionError(state, attribute.place, error, "the offer's own value is returned");
    } finally {
      state.cel.offer = null;
    }
  }
  return out;
}
