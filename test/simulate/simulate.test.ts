// simulateAudience on a small hand-written config whose every number can be worked out
// by hand (docs/simulation-and-diff.md#metrics): fill rate, impressions per offer and
// rank, hits per rule, holdouts, segment sizes, score, the funnel and the step that left
// members with no offer.
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile-sources.js';
import { createEngine } from '../../src/engine/engine.js';
import { simulateAudience } from '../../src/simulate/simulate.js';
import { history, members, options, yaml } from './hand-config.js';

const compiled = compileSources(new Map([['config/all.yaml', yaml]]));
const engine = createEngine(compiled.bundle!);

describe('simulateAudience', () => {
  const result = simulateAudience(engine, members, options(), history);
  const [hero, tiles, footer] = result.points;

  it('compiles the fixture', () => {
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('counts fill rate, impressions per offer and rank, hits per rule, holdouts and score', () => {
    expect(hero).toMatchObject({ channel: 'web', point: 'hero', zone: 'home', members: 4, filled: 4, fillRate: 1 });
    expect(hero!.offers).toEqual([
      { offer: 'isa', impressions: 3, share: 0.75, byRank: [3] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
    expect(hero!.rules).toEqual([
      { rule: 'r-isa', hits: 3 },
      { rule: 'r-loan', hits: 1 },
    ]);
    expect(hero!.controlGroups).toEqual([{ rule: 'r-held', members: 2 }]);
    expect(hero!.score).toEqual({ total: 220, mean: 55 });
    expect(tiles!.offers).toEqual([
      { offer: 'isa', impressions: 4, share: 1, byRank: [3, 1] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
  });

  it('sizes the segments the point tests, among explained members', () => {
    expect(hero!.segments).toEqual([
      { segment: 'adults', members: 3, of: 4 },
      { segment: 'gold', members: 2, of: 4 },
      { segment: 'mobile', members: 2, of: 4 },
    ]);
  });

  it('counts the candidates each step of the funnel removed', () => {
    expect(hero!.funnel).toEqual({
      candidates: 16,
      removed: { disabled: 0, dates: 2, segment: 5, eligibility: 1, error: 0, holdout: 2, pick: 0, duplicate: 0, suppression: 1, policy: 0, rank: 1 },
      chosen: 4,
    });
  });

  it('finds the step that left members with no offer', () => {
    expect(footer).toMatchObject({ members: 4, filled: 0, fillRate: 0, offers: [] });
    expect(footer!.noOffer).toEqual({ members: 4, steps: { dates: 2, segment: 2 } });
  });

  it('gives the fairness bands of a numeric attribute', () => {
    expect(hero!.fairness!.bands.map((b) => [b.band, b.members])).toEqual([
      ['< 18', 1],
      ['18–59', 2],
      ['≥ 60', 1],
    ]);
    expect(hero!.fairness!.bands[1]!.offers).toEqual([
      { offer: 'isa', members: 1, share: 0.5 },
      { offer: 'loan', members: 1, share: 0.5 },
    ]);
    // Bands under 30 members are shown but not compared.
    expect(hero!.fairness!.largestGap).toBeNull();
  });

  it('explains only every stride-th member', () => {
    const sampled = simulateAudience(engine, members, options({ explainStride: 2 }), history).points[0]!;
    // m1 and m3: 4 candidates each.
    expect(sampled.explained).toBe(2);
    expect(sampled.funnel.candidates).toBe(8);
    expect(sampled.segments).toEqual([
      { segment: 'adults', members: 1, of: 2 },
      { segment: 'gold', members: 1, of: 2 },
      { segment: 'mobile', members: 0, of: 2 },
    ]);
    // Counts over all members are not sampled.
    expect(sampled.members).toBe(4);
    expect(sampled.offers).toEqual(hero!.offers);
  });

  it('asks for --count offers when given, capped by the point', () => {
    const one = simulateAudience(engine, members, options({ count: 1 }), history).points[1]!;
    expect(one.offers).toEqual([{ offer: 'isa', impressions: 3, share: 0.75, byRank: [3] }, { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] }]);
    const many = simulateAudience(engine, members, options({ count: 9 }), history).points[0]!;
    expect(many.offers.every((o) => o.byRank.length === 1)).toBe(true);
  });

  it('gives the same metrics for the same inputs, and the latency apart', () => {
    const again = simulateAudience(engine, members, options(), history);
    expect(JSON.stringify(again.points)).toBe(JSON.stringify(result.points));
    expect(result.latency.map((l) => l.point)).toEqual(['hero', 'tiles', 'footer']);
    expect(result.latency[0]!.latencyUs.p50).toBeGreaterThan(0);
  });

  it('without history the suppression step removes nothing', () => {
    const free = simulateAudience(engine, members, options(), null).points[0]!;
    expect(free.funnel.removed.suppression).toBe(0);
    expect(free.offers.find((o) => o.offer === 'loan')!.impressions).toBe(2);
  });
});
