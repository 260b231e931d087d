// Explanations (docs/decisions.md#explanations): for every (rule, offer) a decision considered, why the
// offer was chosen or dropped. Built only when a request asks for it; the reasons are
// short sentences in the author's words, with the rule, segment, policy rule and rank.
import type { CompiledOffer, CompiledRule, CompiledSegment } from './compiled-types.js';
import type { ExplainEntry, ExplainOutcome } from './types.js';
import { plural } from '../words.js';

export class ExplainLog {
  readonly entries: ExplainEntry[] = [];

  add(offer: string, rule: string, outcome: ExplainOutcome, reason: string, extra?: Partial<ExplainEntry>): void {
    this.entries.push({ offer, rule, outcome, reason, ...extra });
  }

  /** The same outcome for every offer of a rule (a rule-level reason). */
  addRule(rule: CompiledRule, outcome: ExplainOutcome, reason: string, extra?: Partial<ExplainEntry>): void {
    for (const offer of rule.offers) this.add(offer.name, rule.name, outcome, reason, extra);
  }
}

function range(from: string | null, to: string | null): string {
  return `${from ?? '(open)'}..${to ?? '(open)'}`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export const reasons = {
  ruleDisabled: (rule: CompiledRule) => `rule '${rule.name}' is disabled`,
  ruleNotEffective: (rule: CompiledRule, at: string) => `rule '${rule.name}' runs ${range(rule.effective, rule.expires)}, not on ${at}`,
  notInSegment: (segment: CompiledSegment, mismatch: string | null) => mismatch ?? `not in segment '${segment.name}'`,
  segmentFailed: (segment: CompiledSegment, message: string) => `segment '${segment.name}' could not be evaluated (${message}); counted as not a member`,
  offerNotEffective: (offer: CompiledOffer, at: string) => `offer '${offer.name}' runs ${range(offer.effective, offer.expires)}, not on ${at}`,
  notEligible: (rule: CompiledRule) => `eligibility of rule '${rule.name}' is false`,
  eligibilityFailed: (rule: CompiledRule, message: string) => `eligibility of rule '${rule.name}' could not be evaluated (${message}); counted as false`,
  control: (rule: CompiledRule, bucket: number) => `in the control group of rule '${rule.name}' (bucket ${bucket} < ${rule.controlThreshold})`,
  scoreFailed: (rule: CompiledRule, message: string) => `scoreExpression of rule '${rule.name}' could not be evaluated (${message}); counted as no score`,
  duplicate: (winner: string, winnerScore: number, score: number) =>
    winnerScore > score ? `rule '${winner}' gives this offer a higher score (${winnerScore} > ${score})` : `rule '${winner}' gives this offer the same score (${score}) and comes first`,
  givenEarlier: (point: string) => `given to interaction point '${point}' earlier in this batch (dedupe)`,
  sessionAccepted: (channel: string) => `accepted earlier in this session (session suppressAccepted on channel '${channel}')`,
  sessionRejected: (channel: string) => `rejected earlier in this session (session suppressRejected on channel '${channel}')`,
  sessionCap: (rank: number, max: number, channel: string) => `ranked ${ordinal(rank)}, but the session has had its ${plural(max, 'offer')} (session maxOffers ${max} on channel '${channel}')`,
  topDuplicate: (winner: string) => `rule '${winner}' has priority top and gives this offer too`,
  chosen: (rank: number, score: number) => `ranked ${ordinal(rank)} with score ${score}`,
  rank: (rank: number, limit: number) => `ranked ${ordinal(rank)}, but only ${plural(limit, 'offer')} ${limit === 1 ? 'is' : 'are'} returned`,
  heldBackRank: (rank: number, limit: number, policy: string, rule: string) =>
    `ranked ${ordinal(rank)}, held back for an A offer by policy '${policy}' rule '${rule}' (bOnlyWithA), and only ${plural(limit, 'offer')} ${limit === 1 ? 'is' : 'are'} returned`,
  policy: (policy: string, rule: string, type: string, detail: string) => `policy '${policy}' rule '${rule}' (${type}): ${detail}`,
};
