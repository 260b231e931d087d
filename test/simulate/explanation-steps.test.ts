// Reading explanations step by step: the step that emptied a member's list, and the first
// step at which two decisions of the same member part, in the config's words.
import { describe, expect, it } from 'vitest';
import type { ExplainEntry } from '../../src/engine/types.js';
import { emptiedStep, partingStep } from '../../src/simulate/explanation-steps.js';

const e = (offer: string, rule: string, outcome: ExplainEntry['outcome'], extra: Partial<ExplainEntry> = {}): ExplainEntry => ({ offer, rule, outcome, reason: `${outcome} reason`, ...extra });
const decision = (explain: ExplainEntry[]) => ({
  offers: explain.filter((x) => x.outcome === 'chosen').map((x) => ({ offer: x.offer, rule: x.rule, score: x.score ?? 0, treatmentCode: '', attributes: {} })),
  controlGroups: [],
  explain,
});

describe('emptiedStep', () => {
  it('is no-rule when nothing was considered', () => {
    expect(emptiedStep([])).toBe('no-rule');
  });
  it('is the latest step that removed a candidate', () => {
    expect(emptiedStep([e('a', 'r1', 'not-in-segment'), e('b', 'r2', 'not-eligible'), e('c', 'r3', 'rule-not-effective')])).toBe('eligibility');
    expect(emptiedStep([e('a', 'r1', 'not-in-segment'), e('a', 'r1', 'suppressed')])).toBe('suppression');
    expect(emptiedStep([e('a', 'r1', 'policy', { policy: 'p', policyRule: 'x' })])).toBe('policy');
  });
});

describe('partingStep', () => {
  it('names the segment that now excludes the member', () => {
    const base = decision([e('upgrade', 'hero-premier', 'chosen', { score: 80 }), e('isa', 'tiles', 'rank', { score: 50 })]);
    const head = decision([e('upgrade', 'hero-premier', 'not-in-segment', { segment: 'affluent' }), e('isa', 'tiles', 'chosen', { score: 50 })]);
    expect(partingStep(base, head)).toEqual({ step: 'segment', why: 'segment `affluent` now excludes them (rule `hero-premier`, offer `upgrade`)' });
  });

  it('names the segment that now includes the member', () => {
    const base = decision([e('upgrade', 'hero-premier', 'not-in-segment', { segment: 'affluent' }), e('isa', 'tiles', 'chosen', { score: 50 })]);
    const head = decision([e('upgrade', 'hero-premier', 'chosen', { score: 80 }), e('isa', 'tiles', 'rank', { score: 50 })]);
    expect(partingStep(base, head).why).toBe('segment `affluent` now includes them (rule `hero-premier`, offer `upgrade`)');
  });

  it('prefers the earliest step: a score change before the rank it causes', () => {
    const base = decision([e('isa', 'tiles-savings', 'chosen', { score: 40 }), e('card', 'tiles-cards', 'rank', { score: 45 })]);
    const head = decision([e('isa', 'tiles-savings', 'chosen', { score: 60 }), e('card', 'tiles-cards', 'rank', { score: 45 })]);
    // Same offers chosen, but a different score: no decision change by offers, yet a parting at 'score'.
    expect(partingStep(base, head)).toEqual({ step: 'score', why: 'rule `tiles-savings` now scores `isa` 60 (was 40)' });
    const reorder = decision([e('isa', 'tiles-savings', 'rank', { score: 40 }), e('card', 'tiles-cards', 'chosen', { score: 45 })]);
    expect(partingStep(reorder, head).step).toBe('score');
  });

  it('sees a rule that only one side has', () => {
    const base = decision([e('isa', 'tiles', 'chosen', { score: 50 })]);
    const head = decision([e('isa', 'tiles', 'rank', { score: 50 }), e('card', 'new-rule', 'chosen', { score: 90 })]);
    expect(partingStep(base, head)).toEqual({ step: 'rules', why: 'rule `new-rule` now gives `card` here' });
  });

  it('sees a new holdout, eligibility, suppression and dates', () => {
    const chosen = decision([e('isa', 'r', 'chosen', { score: 50 })]);
    expect(partingStep(chosen, decision([e('isa', 'r', 'control-group')])).step).toBe('holdout');
    expect(partingStep(chosen, decision([e('isa', 'r', 'not-eligible')])).why).toBe('the eligibility of rule `r` is now false for them (offer `isa`)');
    expect(partingStep(chosen, decision([e('isa', 'r', 'suppressed', { score: 50, reason: 'rejected 3 times' })])).why).toBe('`isa` is now suppressed: rejected 3 times');
    expect(partingStep(chosen, decision([e('isa', 'r', 'offer-not-effective', { reason: "offer 'isa' runs (open)..2026-06-30, not on 2026-11-02" })])).why).toBe(
      "now: offer 'isa' runs (open)..2026-06-30, not on 2026-11-02 (rule `r`, offer `isa`)",
    );
  });

  it('sees a list pick that now leaves the offer out, or now gives it', () => {
    const chosen = decision([e('isa', 'r', 'chosen', { score: 50 })]);
    const left = decision([e('isa', 'r', 'not-picked', { score: 50, reason: "rule 'r' picks 1 of offer list 'isas' by rotate: …" })]);
    expect(partingStep(chosen, left)).toEqual({ step: 'pick', why: "rule `r` now picks other offers of its list: rule 'r' picks 1 of offer list 'isas' by rotate: …" });
    expect(partingStep(left, chosen).why).toBe("rule `r` now picks `isa` (was: rule 'r' picks 1 of offer list 'isas' by rotate: …)");
    expect(emptiedStep([e('isa', 'r', 'not-picked'), e('lisa', 'r', 'suppressed')])).toBe('suppression');
    expect(emptiedStep([e('isa', 'r', 'not-picked'), e('lisa', 'r', 'control-group')])).toBe('pick');
  });

  it('falls back to the order when the same offers come back reordered with the same scores', () => {
    const a = decision([e('x', 'r1', 'chosen', { score: 50 }), e('y', 'r2', 'chosen', { score: 50 })]);
    const b = { ...a, offers: [...a.offers].reverse() };
    expect(partingStep(a, b)).toEqual({ step: 'rank', why: 'the same offers come back in a different order' });
  });
});
