// List picking (docs/decisions.md#list-picking): a rule with `pick: {count, by}` gives only
// `count` of its offer list's offers, chosen for the member among the offers the rule would
// give them on the day (live, eligible, with a score) that they can get: not suppressed by
// their history, not left out by the session's rules, not given to an earlier point of the
// same batch. Real-time policies are not consulted: they judge an offer against the other
// offers of the response, which is built only after the pick.
//
// The orders, each a total order (ties never depend on the evaluation order):
//   score   the rule's score for the offer, highest first; equal scores in the channel's
//           tie order (offer name, or the `ties: rotate` key of tie-order.ts);
//   newest  the offer's `effective` day, latest first, offers without one last; equal days
//           in the channel's tie order;
//   rotate  the candidates (the list's offers the rule gives the member on the day: live,
//           eligible, scored) in list order, read as a circle from a start that moves one
//           offer a day:
//             h     = murmur3 fmix32(FNV-1a 32-bit over the UTF-8 bytes of  audienceId 0x00 rule)
//             start = (h + D) mod N
//           D the decision day as days since 1970-01-01, N the number of candidates;
//           candidate i comes (i − start) mod N-th. With count 1 a member sees each
//           candidate once every N days, in list order, from a starting place of their
//           own; an offer they cannot get passes its turn to the next in the circle.
// The pick is the first `count` offers in that order that the member can get. This module
// holds the orders and the gate; the ranked walk (ranked-walk.ts), the
// exhaustive pass (candidate-rules.ts) and, independently, the tests' reference engine
// apply them.
import { mix32 } from '../seeded-random.js';
import type { CompiledRule } from './compiled-types.js';
import { fnv1aUpdate } from './control-group.js';
import { reportExpressionError, type DecisionState, type PickGate } from './decision-state.js';
import { ordinal, reasons } from './explain.js';
import type { MemberHistory } from './member-history.js';
import { finiteScore } from './pair-plan.js';
import { sessionDrop, type SessionGate } from './session-rules.js';
import { describeSuppression, findSuppression } from './suppression.js';
import { rotateHash } from './tie-order.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const INDEX_SPACE = 2 ** 21;

/** The member's own rotation hash for a rule: the h above. */
export function rotationHash(audienceId: string, rule: string): number {
  let h = fnv1aUpdate(FNV_OFFSET, audienceId);
  h = Math.imul(h ^ 0, FNV_PRIME) >>> 0;
  return mix32(fnv1aUpdate(h, rule)) >>> 0;
}

/** Where the member's rotation of a list of `size` offers starts on day `day` (days since 1970-01-01). */
export function rotationStart(audienceId: string, rule: string, day: number, size: number): number {
  const at = (rotationHash(audienceId, rule) + day) % size;
  return at < 0 ? at + size : at;
}

/** The offers the member cannot get, in the order the response applies them (docs/decisions.md#the-steps, step 6). */
export function pickGate(givenEarlier: ReadonlyMap<string, string> | null, session: SessionGate | null, history: MemberHistory | null, atDay: number): PickGate {
  return (offer) => {
    const earlier = givenEarlier?.get(offer.name);
    if (earlier !== undefined) return { outcome: 'given-earlier', reason: reasons.givenEarlier(earlier) };
    if (session !== null) {
      const dropped = sessionDrop(session, offer.name);
      if (dropped !== null) return { outcome: dropped, reason: dropped === 'session-accepted' ? reasons.sessionAccepted(session.channel) : reasons.sessionRejected(session.channel) };
    }
    const hit = history === null ? null : findSuppression(offer, history, atDay);
    return hit === null ? null : { outcome: 'suppressed', reason: describeSuppression(hit) };
  };
}

/**
 * Orders a picking rule's candidates as its `by` says, in place: `positions` are places in
 * the rule's list (rule.offers), ascending, `scores` the rule's score for each. The pick is
 * then the first `count` of them the member can get.
 */
export function orderForPick(state: DecisionState, rule: CompiledRule, positions: number[], scores: number[]): void {
  const by = rule.pick!.by;
  const size = positions.length;
  if (size < 2) return;
  const order = Array.from({ length: size }, (_, i) => i);
  if (by === 'rotate') {
    // The circle is the candidates in list order: candidate i takes its turn (i − start) mod n-th.
    const start = rotationStart(state.audienceId, rule.name, state.atDay, size);
    for (let i = 0; i < size; i++) order[i] = (start + i) % size;
  } else {
    const rotateTies = state.channel.rotateTies;
    const tie = (i: number): number => {
      const offer = rule.offers[positions[i]!]!;
      return rotateTies ? rotateHash(state.audienceId, offer.name, state.at) * INDEX_SPACE + offer.index : offer.index;
    };
    const key = by === 'score' ? (i: number): number => scores[i]! : (i: number): number => rule.offers[positions[i]!]!.effectiveDay;
    order.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka === kb ? tie(a) - tie(b) : ka > kb ? -1 : 1;
    });
  }
  const sortedPositions = order.map((i) => positions[i]!);
  const sortedScores = order.map((i) => scores[i]!);
  for (let i = 0; i < size; i++) {
    positions[i] = sortedPositions[i]!;
    scores[i] = sortedScores[i]!;
  }
}

/** Why an offer of the list was left out, for the explanation (outcome `not-picked`). */
export function notPickedReason(state: DecisionState, rule: CompiledRule, place: number, candidates: number, picked: readonly number[]): string {
  const pick = rule.pick!;
  const list = state.compiled.bundle.body.rules[rule.precedence]!.offerList ?? '';
  const names = picked.map((position) => rule.offers[position]!.name).join(', ');
  return `rule '${rule.name}' picks ${pick.count} of offer list '${list}' by ${pick.by}: this offer came ${ordinal(place)} of the ${candidates} the member can get (picked: ${names})`;
}

/**
 * The ranked walk's pick for a rule whose segment holds for the member: the rule is
 * evaluated for every offer of its list (dates, eligibility, score: failures are reported
 * and leave the offer out, as everywhere), the offers the member cannot get are skipped,
 * and the first `count` in the pick's order are returned (offer indexes).
 */
export function pickedOffers(state: DecisionState, rule: CompiledRule): number[] {
  const positions: number[] = [];
  const scores: number[] = [];
  const cel = state.cel;
  const gate = state.pickGate ?? null;
  const offers = rule.offers;
  for (let i = 0; i < offers.length; i++) {
    const offer = offers[i]!;
    if (state.atDay < offer.effectiveDay || state.atDay > offer.expiresDay) continue;
    cel.offer = offer.cel;
    if (rule.eligibility !== null) {
      let eligible: boolean;
      try {
        eligible = rule.eligibility(cel) === true;
      } catch (error) {
        reportExpressionError(state, `${rule.place} eligibility`, error);
        eligible = false;
      }
      if (!eligible) continue;
    }
    let score = rule.score;
    if (rule.scoreExpression !== null) {
      try {
        score = finiteScore(rule.scoreExpression(cel));
      } catch (error) {
        reportExpressionError(state, `${rule.place} scoreExpression`, error, 'the rule gives this offer no score');
        continue;
      }
    }
    positions.push(i);
    scores.push(score);
  }
  cel.offer = null;
  orderForPick(state, rule, positions, scores);
  const count = rule.pick!.count;
  const out: number[] = [];
  for (let i = 0; i < positions.length && out.length < count; i++) {
    const offer = offers[positions[i]!]!;
    if (gate === null || gate(offer) === null) out.push(offer.index);
  }
  return out;
}
