// simulateAudience on a small hand-written config whose every number can be worked out
// by hand (docs/simulation-and-diff.md#metrics): fill rate, impressions per offer and
// rank, hits per rule, holdouts, segment sizes, score, the funnel and the step that left
// members with no offer.
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile-sources.js';
import { createEngine } from '../../src/engine/engine.js';
import { simulateAudience } from '../../src/simulate/simulate.js';
import type { AudienceMember, SimulationOptions } from '../../src/simulate/types.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;
const yaml = [
  doc(
    'Channel',
    'web',
    `  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int }, tier: { type: string, enum: [gold, silver] } } }]
  sessionAttributes: { device: { type: string, enum: [desktop, mobile] } }
  zones:
    - { name: home, interactionPoints: [{ name: hero, maxOffers: 1, defaultString: Hi }, { name: tiles, maxOffers: 2 }] }
    - { name: bottom, interactionPoints: [{ name: footer }] }
`,
  ),
  doc('Offer', 'isa', '  displayName: ISA\n'),
  doc('Offer', 'card', '  displayName: Card\n  expires: 2026-06-30\n'),
  doc('Offer', 'loan', '  displayName: Loan\n  suppression: { maxRejects: 1 }\n'),
  doc('Segment', 'adults', "  channel: web\n  expression: 'profile.age >= 18'\n"),
  doc('Segment', 'gold', "  channel: web\n  expression: 'profile.tier == \"gold\"'\n"),
  doc('Segment', 'mobile', "  channel: web\n  expression: 'session.device == \"mobile\"'\n"),
  doc(
    'Strategy',
    'web-home',
    `  channel: web
  rules:
    - { name: r-card, segment: gold, zone: home, offer: card, score: 90 }
    - { name: r-isa, zone: home, offer: isa, score: 50 }
    - { name: r-loan, segment: adults, zone: home, offer: loan, score: 70, eligibility: 'profile.age < 60' }
    - { name: r-held, segment: mobile, zone: home, offer: isa, score: 95, controlGroup: { percent: 100 } }
    - { name: r-footer, segment: gold, zone: bottom, offer: card, score: 10 }
`,
  ),
].join('---\n');

const compiled = compileSources(new Map([['config/all.yaml', yaml]]));
const engine = createEngine(compiled.bundle!);

const member = (index: number, id: string, age: number, tier: string, device: string): AudienceMember => ({ index, line: index + 1, id, profile: { customerId: id, age, tier }, session: { device } });
const members = [member(0, 'm1', 30, 'gold', 'desktop'), member(1, 'm2', 70, 'silver', 'mobile'), member(2, 'm3', 16, 'silver', 'desktop'), member(3, 'm4', 40, 'gold', 'mobile')];
const history = new Map([['m4', [{ customerId: 'm4', offer: 'loan', channel: 'web', date: '2026-10-01', event: 'reject' as const }]]]);

const options = (over: Partial<SimulationOptions> = {}): SimulationOptions => ({
  at: '2026-11-02',
  points: [
    { channel: 'web', point: 'hero' },
    { channel: 'web', point: 'tiles' },
    { channel: 'web', point: 'footer' },
  ],
  count: null,
  explainStride: 1,
  fairness: { attribute: 'age', kind: 'numeric', cuts: [18, 60], integer: true },
  examplesPerPoint: 5,
  ...over,
});

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
