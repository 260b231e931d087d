// Candidate rules and their offers (docs/decisions.md#the-steps, steps 3–5). For each rule of the point's zone,
// in precedence order:
//   enabled → inside its effective..expires → member of its segment (if any) →
//   its offers inside their own effective..expires → eligibility per offer (it sees
//   `offer`; one that never reads `offer` is evaluated once per rule) → the rule is a candidate when at least one offer is eligible →
//   control group (the member then gets nothing from the rule, and the assignment is
//   recorded) → score (scoreExpression, else score) → a list pick (list-pick.ts), for a rule
//   with one → the offer board.
// This is the exhaustive pass over every rule of the zone: the engine runs it for an
// explanation and for the errors of a decision that may have met an expression failure
// (engine.ts); ordinary decisions produce the same ranking lazily (ranked-walk.ts), and
// report control groups as docs/decisions.md step 4 defines (a held-out pair reached
// while the response fills), not the `controlGroups` collected here.
import type { OfferBoard } from './arbitration.js';
import type { CompiledPoint, CompiledRule } from './compiled-types.js';
import { controlGroupBucketFromSeed } from './control-group.js';
import { reportExpressionError, type DecisionState } from './decision-state.js';
import { reasons, type ExplainLog } from './explain.js';
import { notPickedReason, orderForPick } from './list-pick.js';
import { finiteScore } from './pair-plan.js';
import { isMember, segmentFailure, segmentMismatch } from './segments.js';

/** A (rule, offer) that got a score; kept only when explaining, to name the duplicates. */
export interface ScoredCandidate {
  offer: number;
  rule: CompiledRule;
  score: number;
}

export interface CandidateOutput {
  board: OfferBoard;
  controlGroups: string[];
  explain: ExplainLog | null;
  scored: ScoredCandidate[] | null;
}

/** Scratch for one rule's eligible offers (engine-owned, reused). */
export type EligibleScratch = Int32Array;

/** Steps 3–5 over `rules` (every rule of the point's zone unless given: a subset in the same precedence order). */
export function collectCandidates(state: DecisionState, point: CompiledPoint, eligibleOffers: EligibleScratch, output: CandidateOutput, rules: readonly CompiledRule[] = point.rules): void {
  const { board, explain } = output;
  const atDay = state.atDay;
  const cel = state.cel;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (!rule.enabled) {
      explain?.addRule(rule, 'rule-disabled', reasons.ruleDisabled(rule));
      continue;
    }
    if (atDay < rule.effectiveDay || atDay > rule.expiresDay) {
      explain?.addRule(rule, 'rule-not-effective', reasons.ruleNotEffective(rule, state.at));
      continue;
    }
    const segment = rule.segment;
    if (segment !== null && !isMember(state, segment)) {
      if (explain) {
        const failure = segmentFailure(state, segment);
        if (failure !== null) explain.addRule(rule, 'expression-error', reasons.segmentFailed(segment, failure), { segment: segment.name });
        else explain.addRule(rule, 'not-in-segment', reasons.notInSegment(segment, segmentMismatch(state, segment)), { segment: segment.name });
      }
      continue;
    }
    let count = 0;
    const offers = rule.offers;
    // An eligibility that never reads `offer` is evaluated once for the rule: 1 true, 0 false, -1 failed.
    let ruleEligible = rule.eligibility === null ? 1 : 2;
    let ruleFailure = '';
    for (let i = 0; i < offers.length; i++) {
      const offer = offers[i]!;
      if (atDay < offer.effectiveDay || atDay > offer.expiresDay) {
        explain?.add(offer.name, rule.name, 'offer-not-effective', reasons.offerNotEffective(offer, state.at));
        continue;
      }
      let eligible = ruleEligible;
      if (eligible === 2) {
        cel.offer = offer.cel;
        try {
          eligible = rule.eligibility!(cel) === true ? 1 : 0;
        } catch (error) {
          eligible = -1;
          ruleFailure = reportExpressionError(state, `${rule.place} eligibility`, error);
        }
        if (!rule.eligibilityPerOffer) ruleEligible = eligible;
      }
      if (eligible !== 1) {
        if (explain) {
          if (eligible === -1) explain.add(offer.name, rule.name, 'expression-error', reasons.eligibilityFailed(rule, ruleFailure));
          else explain.add(offer.name, rule.name, 'not-eligible', reasons.notEligible(rule));
        }
        continue;
      }
      eligibleOffers[count++] = offer.index;
    }
    if (count === 0) continue;
    if (rule.controlThreshold > 0) {
      const bucket = controlGroupBucketFromSeed(rule.controlSeed, state.audienceId);
      if (bucket < rule.controlThreshold) {
        output.controlGroups.push(rule.name);
        if (explain) for (let i = 0; i < count; i++) explain.add(state.compiled.offers[eligibleOffers[i]!]!.name, rule.name, 'control-group', reasons.control(rule, bucket));
        continue;
      }
    }
    // A picking rule's scored offers wait for the pick (list-pick.ts).
    const pickPositions: number[] | null = rule.pick === null ? null : [];
    const pickScores: number[] | null = rule.pick === null ? null : [];
    // A scoreExpression that never reads `offer` is evaluated once for the rule.
    let ruleScore = rule.scoreExpression === null ? rule.score : Number.NaN;
    let scoreFailure: string | null = null;
    for (let i = 0; i < count; i++) {
      const index = eligibleOffers[i]!;
      let score = ruleScore;
      if (Number.isNaN(score) && scoreFailure === null) {
        cel.offer = state.compiled.offers[index]!.cel;
        try {
          score = finiteScore(rule.scoreExpression!(cel));
        } catch (error) {
          const message = reportExpressionError(state, `${rule.place} scoreExpression`, error, 'the rule gives this offer no score');
          if (!rule.scorePerOffer) scoreFailure = message;
          explain?.add(state.compiled.offers[index]!.name, rule.name, 'expression-error', reasons.scoreFailed(rule, message));
          continue;
        }
        if (!rule.scorePerOffer) ruleScore = score;
      } else if (scoreFailure !== null) {
        explain?.add(state.compiled.offers[index]!.name, rule.name, 'expression-error', reasons.scoreFailed(rule, scoreFailure));
        continue;
      }
      if (pickPositions !== null) {
        pickPositions.push(rule.offers.indexOf(state.compiled.offers[index]!));
        pickScores!.push(score);
        continue;
      }
      board.propose(index, score, rule);
      output.scored?.push({ offer: index, rule, score });
    }
    if (pickPositions !== null) pickFromList(state, rule, pickPositions, pickScores!, output);
  }
  cel.offer = null;
}

/**
 * A picking rule's scored offers (positions in its list, in list order) → the pick
 * (docs/decisions.md#list-picking): ordered by the pick, the first `count` the member can
 * get go on the board; offers the member cannot get are explained as the response would
 * explain them, the rest as `not-picked`.
 */
function pickFromList(state: DecisionState, rule: CompiledRule, positions: number[], scores: number[], output: CandidateOutput): void {
  const { board, explain } = output;
  const gate = state.pickGate ?? null;
  orderForPick(state, rule, positions, scores);
  const count = rule.pick!.count;
  const available: number[] = [];
  const availableScores: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const offer = rule.offers[positions[i]!]!;
    const unavailable = gate === null ? null : gate(offer);
    if (unavailable !== null) {
      explain?.add(offer.name, rule.name, unavailable.outcome, unavailable.reason, { score: scores[i]! });
      continue;
    }
    available.push(positions[i]!);
    availableScores.push(scores[i]!);
  }
  const picked = available.slice(0, count);
  for (let i = 0; i < available.length; i++) {
    const offer = rule.offers[available[i]!]!;
    if (i < count) {
      board.propose(offer.index, availableScores[i]!, rule);
      output.scored?.push({ offer: offer.index, rule, score: availableScores[i]! });
    } else explain?.add(offer.name, rule.name, 'not-picked', notPickedReason(state, rule, i + 1, available.length, picked), { score: availableScores[i]! });
  }
}
