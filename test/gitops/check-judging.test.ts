// The runtime check's judgement: an answer equals the engine's decision or says what
// differs; p99 within maxP99Ms and throughput at least minRps, at their boundaries.
import { describe, expect, it } from 'vitest';
import { compareAnswer, judgeReplay, percentile, type ReplayMeasurement } from '../../src/gitops/check.js';
import type { Decision } from '../../src/engine/types.js';

const decision: Decision = {
  channel: 'web',
  interactionPoint: 'home-hero',
  zone: 'home',
  offers: [{ offer: 'gold-card', score: 80, rule: 'hv-gold', treatmentCode: 't1', attributes: {} }],
  controlGroups: ['young-travel'],
  errors: [],
};

function measured(overrides: Partial<ReplayMeasurement> = {}): ReplayMeasurement {
  // 100 latencies 1..100 ms: p50 = 50, p99 = 99; 200 requests in 1 s = 200 req/s.
  return { target: 'http x', reached: true, members: 10, decisions: 100, mismatches: 0, examples: [], latencies: Array.from({ length: 100 }, (_, i) => i + 1), requests: 200, wallMs: 1000, problems: [], ...overrides };
}

describe('comparing an answer with the engine', () => {
  it('accepts the same offers, rules, scores, codes, control groups and default', () => {
    expect(compareAnswer(decision, { offers: [{ offer: 'gold-card', score: 80, rule: 'hv-gold', treatmentCode: 't1', displayName: 'x' }], controlGroups: ['young-travel'] })).toBeNull();
  });

  it.each([
    ['another offer', { offers: [{ offer: 'voucher', score: 80, rule: 'hv-gold', treatmentCode: 't1' }], controlGroups: ['young-travel'] }, 'offers: expected gold-card (hv-gold, 80); got voucher (hv-gold, 80)'],
    ['another score', { offers: [{ offer: 'gold-card', score: 79, rule: 'hv-gold', treatmentCode: 't1' }], controlGroups: ['young-travel'] }, 'got gold-card (hv-gold, 79)'],
    ['no offer', { offers: [], controlGroups: ['young-travel'] }, 'got none'],
    ['another control group', { offers: decision.offers, controlGroups: [] }, 'control groups: expected young-travel; got none'],
    ['a default string', { offers: decision.offers, controlGroups: ['young-travel'], defaultString: 'Hi' }, 'default string: expected null; got "Hi"'],
  ])('reports %s', (_name, answer, text) => expect(compareAnswer(decision, answer)).toContain(text));
});

describe('judging a replay', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 99)).toBeNull();
    expect(percentile([5], 99)).toBe(5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 50)).toBe(50);
    expect(percentile(Array.from({ length: 101 }, (_, i) => i + 1), 99)).toBe(100);
  });

  it.each([
    [98, false],
    [99, true],
    [100, true],
  ])('holds p99 = 99 ms to maxP99Ms %d', (limit, passed) => {
    const judged = judgeReplay(measured(), { maxP99Ms: limit, minRps: null });
    expect(judged.p99Ms).toBe(99);
    expect(judged.passed).toBe(passed);
    if (!passed) expect(judged.problems).toEqual(['p99 99 ms is over the limit of 98 ms']);
  });

  it.each([
    [199, true],
    [200, true],
    [201, false],
  ])('holds 200 requests/s to minRps %d', (limit, passed) => {
    const judged = judgeReplay(measured(), { maxP99Ms: null, minRps: limit });
    expect(judged.rps).toBe(200);
    expect(judged.passed).toBe(passed);
  });

  it('fails on any mismatch, on no decisions, and when the target was not reached', () => {
    expect(judgeReplay(measured({ mismatches: 1, examples: ['member c1 at home-hero: offers differ'] }), { maxP99Ms: null, minRps: null })).toMatchObject({ passed: false, problems: ['1 of 100 decisions differ from the local engine\'s, e.g. member c1 at home-hero: offers differ'] });
    expect(judgeReplay(measured({ decisions: 0, latencies: [] }), { maxP99Ms: null, minRps: null }).passed).toBe(false);
    expect(judgeReplay(measured({ reached: false, problems: ['http x: GET /v1/bundle failed (ECONNREFUSED)'] }), { maxP99Ms: null, minRps: null })).toMatchObject({ passed: false, reached: false, problems: ['http x: GET /v1/bundle failed (ECONNREFUSED)'] });
  });
});
