// The hand-written config of the simulate tests (docs/simulation-and-diff.md#metrics):
// small enough that every figure of a simulation over its four members can be worked out
// by hand. simulate.test.ts uses it as is; session-rules.test.ts adds a session cap.
import type { AudienceMember, SimulationOptions } from '../../src/simulate/types.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;
export const yaml = [
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

const member = (index: number, id: string, age: number, tier: string, device: string): AudienceMember => ({ index, line: index + 1, id, profile: { customerId: id, age, tier }, session: { device } });
export const members = [member(0, 'm1', 30, 'gold', 'desktop'), member(1, 'm2', 70, 'silver', 'mobile'), member(2, 'm3', 16, 'silver', 'desktop'), member(3, 'm4', 40, 'gold', 'mobile')];
export const history = new Map([['m4', [{ customerId: 'm4', offer: 'loan', channel: 'web', date: '2026-10-01', event: 'reject' as const }]]]);

export const options = (over: Partial<SimulationOptions> = {}): SimulationOptions => ({
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
