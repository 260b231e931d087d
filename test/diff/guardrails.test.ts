// Guardrails trip exactly when their condition holds: each rule with a number is checked
// at its boundary (N−1, N, N+1), and bad expressions are refused with the grammar.
import { describe, expect, it } from 'vitest';
import type { BehaviourDiff, BehaviourPoint } from '../../src/diff/behaviour-diff.js';
import { checkGuardrails, parseGuardrail, parseGuardrails } from '../../src/diff/guardrails.js';
import { UserError } from '../../src/errors.js';

function point(over: Partial<BehaviourPoint> = {}): BehaviourPoint {
  const funnel = { candidates: 0, removed: { disabled: 0, dates: 0, segment: 0, eligibility: 0, error: 0, holdout: 0, pick: 0, duplicate: 0, suppression: 0, policy: 0, rank: 0 }, chosen: 0 };
  return {
    channel: 'web',
    point: 'home-hero',
    zone: 'home',
    present: { base: true, head: true },
    members: 100,
    changed: 0,
    changedShare: 0,
    filled: { base: 90, head: 90 },
    fillRate: { base: 0.9, head: 0.9 },
    impressions: [],
    controlGroups: [],
    rules: [],
    score: { base: 1000, head: 1000 },
    latencyUs: { base: { p50: 10, p99: 40 }, head: { p50: 10, p99: 40 } },
    errors: { base: { input: 0, expression: 0 }, head: { input: 0, expression: 0 } },
    noOffer: { base: { members: 10, steps: {} }, head: { members: 10, steps: {} } },
    funnel: { base: funnel, head: funnel },
    segments: [],
    explained: 100,
    reasons: [],
    ...over,
  };
}

function behaviour(points: BehaviourPoint[], changed = 0): BehaviourDiff {
  return { members: 100, changed, explained: { stride: 1 }, points, examples: [] };
}

const trips = (expr: string, points: BehaviourPoint[], breaking = 0, changedMembers = 0): boolean =>
  !checkGuardrails([parseGuardrail(expr)], behaviour(points, changedMembers), Array.from({ length: breaking }, () => ({ kind: 'Channel' as const, name: 'web', what: 'x' })))[0]!.ok;

describe('guardrails', () => {
  it.each([
    [19, false],
    [20, false],
    [21, true],
  ])('changed>20%% with %i of 100 members changed: trips %s', (changed, expected) => {
    expect(trips('changed>20%', [point({ changed })])).toBe(expected);
  });

  it('changed>=20% trips at exactly 20%', () => {
    expect(trips('changed>=20%', [point({ changed: 20 })])).toBe(true);
    expect(trips('changed>=20%', [point({ changed: 19 })])).toBe(false);
  });

  it('checks every point and reports the worst one', () => {
    const result = checkGuardrails([parseGuardrail('changed>20%')], behaviour([point({ changed: 5 }), point({ point: 'home-tiles', changed: 30 })]), [])[0]!;
    expect(result).toEqual({ expr: 'changed>20%', ok: false, value: '30.0%', at: 'web/home-tiles' });
  });

  it('changed[POINT] checks that point only; changed[all] the whole audience', () => {
    const points = [point({ changed: 5 }), point({ point: 'home-tiles', changed: 30 })];
    expect(trips('changed[home-hero]>20%', points)).toBe(false);
    expect(trips('changed[web/home-tiles]>20%', points)).toBe(true);
    expect(trips('changed[all]>20%', points, 0, 20)).toBe(false);
    expect(trips('changed[all]>20%', points, 0, 21)).toBe(true);
  });

  it('changed>N without a unit counts members', () => {
    expect(trips('changed>10', [point({ changed: 10 })])).toBe(false);
    expect(trips('changed>10', [point({ changed: 11 })])).toBe(true);
  });

  it.each([
    [0.86, false],
    [0.85, false],
    [0.84, true],
  ])('fill<-5pp with the fill rate going 0.90 → %f: trips %s', (head, expected) => {
    expect(trips('fill<-5pp', [point({ fillRate: { base: 0.9, head } })])).toBe(expected);
  });

  it('fill<N% compares the head fill rate itself', () => {
    expect(trips('fill<90%', [point({ fillRate: { base: 0.5, head: 0.9 } })])).toBe(false);
    expect(trips('fill<90%', [point({ fillRate: { base: 0.5, head: 0.89 } })])).toBe(true);
  });

  it.each([
    [59, false],
    [60, false],
    [61, true],
  ])('p99>+50%% with p99 going 40 → %i µs: trips %s', (head, expected) => {
    expect(trips('p99>+50%', [point({ latencyUs: { base: { p50: 10, p99: 40 }, head: { p50: 10, p99: head } } })])).toBe(expected);
  });

  it('p99>Nms compares the head latency itself; an unmeasured point passes', () => {
    expect(trips('p99>1ms', [point({ latencyUs: { base: { p50: 1, p99: 1 }, head: { p50: 1, p99: 1000 } } })])).toBe(false);
    expect(trips('p99>1ms', [point({ latencyUs: { base: { p50: 1, p99: 1 }, head: { p50: 1, p99: 1001 } } })])).toBe(true);
    expect(checkGuardrails([parseGuardrail('p99>+50%')], behaviour([point({ latencyUs: { base: { p50: null, p99: null }, head: { p50: null, p99: null } } })]), [])[0]).toMatchObject({ ok: true, value: 'n/a' });
  });

  it.each([
    [901, false],
    [900, false],
    [899, true],
  ])('score<-10%% with the score going 1000 → %i: trips %s', (head, expected) => {
    expect(trips('score<-10%', [point({ score: { base: 1000, head } })])).toBe(expected);
  });

  it('gap>10pp on the largest fairness gap of the head, gap>+Npp on its growth', () => {
    const fairness = (base: number, head: number): BehaviourPoint['fairness'] => ({
      base: { attribute: 'age', bands: [], largestGap: { offer: 'x', gapPp: base, high: 'a', low: 'b' } },
      head: { attribute: 'age', bands: [], largestGap: { offer: 'x', gapPp: head, high: 'a', low: 'b' } },
    });
    expect(trips('gap>10pp', [point({ fairness: fairness(0, 10) })])).toBe(false);
    expect(trips('gap>10pp', [point({ fairness: fairness(0, 10.5) })])).toBe(true);
    expect(trips('gap>+5pp', [point({ fairness: fairness(8, 13) })])).toBe(false);
    expect(trips('gap>+5pp', [point({ fairness: fairness(8, 13.1) })])).toBe(true);
  });

  it('breaking trips on one breaking change, not on none', () => {
    expect(trips('breaking', [point()], 0)).toBe(false);
    expect(trips('breaking', [point()], 1)).toBe(true);
  });

  it('reads several guardrails from one flag, comma-separated, and spaces around operators', () => {
    expect(parseGuardrails(['breaking, changed > 20%', 'p99>+50%']).map((g) => g.metric)).toEqual(['breaking', 'changed', 'p99']);
  });

  it.each(['changed>twenty', 'changed>+20%', 'fill<-5%', 'p99>50', 'score<10%', 'gap>10%', 'latency>5ms', 'fill[all]<-5pp', '', 'breaking>1'])('refuses %j with the grammar', (text) => {
    if (text === '') {
      expect(parseGuardrails([text])).toEqual([]);
      return;
    }
    expect(() => parseGuardrail(text)).toThrow(UserError);
  });

  it('names a scope that is not a simulated point', () => {
    expect(() => checkGuardrails([parseGuardrail('changed[nowhere]>1%')], behaviour([point()]), [])).toThrow(/no simulated interaction point 'nowhere'/);
  });
});
