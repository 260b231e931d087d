// Reading the engine's explanations (docs/decisions.md#explanations) step by step: which
// step of a decision removed each (rule, offer) candidate, which step left a member with
// no offer, and the first step at which two decisions of the same member part. Everything
// here is derived from `decide(…, {explain: true})` entries, never from the bundle's rules.
import type { Decision, ExplainEntry, ExplainOutcome } from '../engine/index.js';

/** The steps of a decision that remove candidates, in the order the engine applies them. */
export const funnelSteps = ['disabled', 'dates', 'segment', 'eligibility', 'error', 'holdout', 'pick', 'duplicate', 'suppression', 'policy', 'rank'] as const;
export type FunnelStep = (typeof funnelSteps)[number];

const stepOfOutcome: Record<ExplainOutcome, FunnelStep | 'chosen'> = {
  'rule-disabled': 'disabled',
  'rule-not-effective': 'dates',
  'offer-not-effective': 'dates',
  'not-in-segment': 'segment',
  'not-eligible': 'eligibility',
  'expression-error': 'error',
  'control-group': 'holdout',
  // List picking: the rule gave other offers of its list (docs/decisions.md#list-picking).
  'not-picked': 'pick',
  'lower-score-duplicate': 'duplicate',
  // Batch de-duplication: the offer went to an earlier point of the same batch.
  'given-earlier': 'duplicate',
  suppressed: 'suppression',
  // Session rules: in-session suppression is suppression; the session's cap, like a
  // point's, is how many offers are returned (docs/decisions.md#session-rules).
  'session-accepted': 'suppression',
  'session-rejected': 'suppression',
  'session-cap': 'rank',
  policy: 'policy',
  rank: 'rank',
  chosen: 'chosen',
};

export function stepOf(outcome: ExplainOutcome): FunnelStep | 'chosen' {
  return stepOfOutcome[outcome];
}

/** Why a member got no offer: the step that removed the last candidates, or `no-rule` when no rule reaches the point. */
export type EmptyStep = FunnelStep | 'no-rule';

export function emptiedStep(explain: readonly ExplainEntry[]): EmptyStep {
  // Once a step has removed every candidate nothing is left for later steps, so the
  // latest step that removed anything is the one that emptied the list.
  let latest = -1;
  for (const entry of explain) {
    const step = stepOfOutcome[entry.outcome];
    if (step === 'chosen') continue;
    latest = Math.max(latest, funnelSteps.indexOf(step));
  }
  return latest < 0 ? 'no-rule' : funnelSteps[latest]!;
}

/** Where two decisions of one member part: a funnel step, `rules` (a rule or offer is on one side only) or `score`. */
export const partingSteps = ['rules', 'disabled', 'dates', 'segment', 'eligibility', 'error', 'holdout', 'score', 'pick', 'duplicate', 'suppression', 'policy', 'rank'] as const;
export type PartingStep = (typeof partingSteps)[number];

export interface Parting {
  step: PartingStep;
  /** One sentence in the config's terms, e.g. "segment `affluent` now excludes them (rule `hero-premier-upgrade`, offer `premier-account-upgrade`)". */
  why: string;
}

const key = (entry: Pick<ExplainEntry, 'rule' | 'offer'>): string => `${entry.rule}\u0000${entry.offer}`;

function entriesByPair(explain: readonly ExplainEntry[]): Map<string, ExplainEntry> {
  const map = new Map<string, ExplainEntry>();
  for (const entry of explain) if (!map.has(key(entry))) map.set(key(entry), entry);
  return map;
}

const scored = new Set<ExplainOutcome>(['not-picked', 'lower-score-duplicate', 'given-earlier', 'suppressed', 'session-accepted', 'session-rejected', 'session-cap', 'policy', 'rank', 'chosen']);

function partingOfPair(base: ExplainEntry | undefined, head: ExplainEntry | undefined): PartingStep | null {
  const candidates: PartingStep[] = [];
  if (base && head && scored.has(base.outcome) && scored.has(head.outcome) && base.score !== head.score) candidates.push('score');
  for (const [side, other] of [
    [base, head],
    [head, base],
  ] as const) {
    if (other?.outcome !== 'chosen') continue;
    if (side === undefined) candidates.push('rules');
    else if (side.outcome !== 'chosen') candidates.push(stepOfOutcome[side.outcome] as PartingStep);
  }
  if (candidates.length === 0) return null;
  return candidates.sort((a, b) => partingSteps.indexOf(a) - partingSteps.indexOf(b))[0]!;
}

const code = (name: string): string => `\`${name}\``;

function sentence(step: PartingStep, base: ExplainEntry | undefined, head: ExplainEntry | undefined): string {
  const any = (head ?? base)!;
  const pair = ` (rule ${code(any.rule)}, offer ${code(any.offer)})`;
  // The side that lost the pair at this step, and whether that side is the head (a "now").
  const headLost = head === undefined || (head.outcome !== 'chosen' && base?.outcome === 'chosen');
  const lost = headLost ? head : base;
  switch (step) {
    case 'rules':
      return headLost ? `rule ${code(any.rule)} no longer gives ${code(any.offer)} here` : `rule ${code(any.rule)} now gives ${code(any.offer)} here`;
    case 'disabled':
      return headLost ? `rule ${code(any.rule)} is now disabled` : `rule ${code(any.rule)} is now enabled`;
    case 'dates':
      return `${headLost ? 'now' : 'no longer'}: ${lost?.reason ?? 'outside its dates'}${pair}`;
    case 'segment':
      return `segment ${code(lost?.segment ?? '?')} now ${headLost ? 'excludes' : 'includes'} them${pair}`;
    case 'eligibility':
      return `the eligibility of rule ${code(any.rule)} is now ${headLost ? 'false' : 'true'} for them (offer ${code(any.offer)})`;
    case 'error':
      return `${headLost ? 'now' : 'no longer'}: ${lost?.reason ?? 'an expression fails'}${pair}`;
    case 'holdout':
      return `${headLost ? 'now' : 'no longer'} in the control group of rule ${code(any.rule)} (offer ${code(any.offer)})`;
    case 'pick':
      return headLost ? `rule ${code(any.rule)} now picks other offers of its list: ${head?.reason ?? ''}` : `rule ${code(any.rule)} now picks ${code(any.offer)} (was: ${base?.reason ?? ''})`;
    case 'score':
      return `rule ${code(any.rule)} now scores ${code(any.offer)} ${head?.score ?? '?'} (was ${base?.score ?? '?'})`;
    case 'duplicate':
      return headLost ? `${code(any.offer)} now comes from another rule: ${head?.reason ?? ''}` : `${code(any.offer)} now comes from rule ${code(any.rule)}`;
    case 'suppression':
      return headLost ? `${code(any.offer)} is now suppressed: ${head?.reason ?? ''}` : `${code(any.offer)} is no longer suppressed (was: ${base?.reason ?? ''})`;
    case 'policy':
      return headLost ? `${code(any.offer)} is now blocked: ${head?.reason ?? ''}` : `${code(any.offer)} is no longer blocked (was: ${base?.reason ?? ''})`;
    case 'rank':
      return headLost ? `${code(any.offer)} now ranks below the offers returned (${head?.reason ?? ''})` : `${code(any.offer)} now ranks among the offers returned`;
  }
}

/**
 * The first step at which the base and head decisions of one member part, from both
 * explanations: among the (rule, offer) pairs chosen on at least one side that the two
 * sides treat differently, the one dropped (or scored differently) earliest.
 */
export function partingStep(base: Pick<Decision, 'offers' | 'controlGroups'> & { explain: readonly ExplainEntry[] }, head: Pick<Decision, 'offers' | 'controlGroups'> & { explain: readonly ExplainEntry[] }): Parting {
  const a = entriesByPair(base.explain);
  const b = entriesByPair(head.explain);
  // Pairs in a stable order: as the base ranked them, then as the head did, then the rest by name.
  const order: string[] = [];
  const seen = new Set<string>();
  const push = (k: string): void => {
    if (!seen.has(k)) {
      seen.add(k);
      order.push(k);
    }
  };
  for (const offer of base.offers) push(key(offer));
  for (const offer of head.offers) push(key(offer));
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) push(k);
  let best: { step: PartingStep; k: string } | null = null;
  for (const k of order) {
    const step = partingOfPair(a.get(k), b.get(k));
    if (step === null) continue;
    if (best === null || partingSteps.indexOf(step) < partingSteps.indexOf(best.step)) best = { step, k };
  }
  if (best !== null) return { step: best.step, why: sentence(best.step, a.get(best.k), b.get(best.k)) };
  return { step: 'rank', why: 'the same offers come back in a different order' };
}
