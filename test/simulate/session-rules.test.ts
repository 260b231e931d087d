// docs/decisions.md#session-rules: in a simulation a member's points are one visit, so a
// channel's session maxOffers caps the offers across them, counted in point order; the
// offers the cap keeps out count in the funnel's rank step. The config is the one of
// simulate.test.ts with `session: { maxOffers: 2 }` on its channel.
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
  session: { maxOffers: 2 }
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

describe('simulateAudience with session maxOffers', () => {
  const capped = simulateAudience(engine, members, options(), history);
  const plain = simulateAudience(createEngine(compileSources(new Map([['config/all.yaml', yaml.replace('  session: { maxOffers: 2 }\n', '')]])).bundle!), members, options(), history);

  it('compiles the fixture', () => {
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('leaves the first point as it was: the hero gives one offer, within the cap of 2', () => {
    expect(capped.points[0]!.offers).toEqual(plain.points[0]!.offers);
  });

  it('gives the tiles only the one offer each member has left: m1 loses its second tile', () => {
    // Without the cap the tiles give isa to all 4 and loan to m1 (5 offers); with it, each member one.
    expect(plain.points[1]!.offers).toEqual([
      { offer: 'isa', impressions: 4, share: 1, byRank: [3, 1] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
    expect(capped.points[1]!.offers).toEqual([
      { offer: 'isa', impressions: 3, share: 0.75, byRank: [3] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
    expect(capped.points[1]!.funnel.chosen).toBe(plain.points[1]!.funnel.chosen - 1);
    expect(capped.points[1]!.funnel.removed.rank).toBe(plain.points[1]!.funnel.removed.rank + 1);
  });
});
