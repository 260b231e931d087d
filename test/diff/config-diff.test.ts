// The config diff speaks the config's own terms (entities by kind and name, list items by
// name, renames), and breaking changes list what touchpoints call by name and lose.
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { compileSources } from '../../src/compile/compile-sources.js';
import { breakingChanges } from '../../src/diff/breaking.js';
import { diffConfig, diffFields } from '../../src/diff/config-diff.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;

interface Parts {
  attributes?: string;
  session?: string;
  points?: string;
  events?: string;
  segment?: string;
  rules?: string;
  offers?: string;
}

function config(parts: Parts = {}): Bundle {
  const channel = doc(
    'Channel',
    'web',
    `  audienceLevels: [{ name: customer, idField: customerId, attributes: { ${parts.attributes ?? 'age: { type: int }, tier: { type: string, enum: [gold, silver] }'} } }]
  sessionAttributes: { ${parts.session ?? 'device: { type: string }'} }
  zones:
    - name: home
      interactionPoints: [${parts.points ?? '{ name: home-hero, maxOffers: 1 }, { name: home-tiles, maxOffers: 3 }'}]
  events: [${parts.events ?? '{ name: offer-click, actions: [logAccept] }'}]
`,
  );
  const offers = parts.offers ?? ['cash-isa', 'gold-card'].map((o) => doc('Offer', o, `  displayName: ${o}\n`)).join('---\n');
  const segment = doc('Segment', 'adults', `  channel: web\n  expression: '${parts.segment ?? 'profile.age >= 18'}'\n`);
  const strategy = doc(
    'Strategy',
    'web-home',
    `  channel: web\n  rules:\n${parts.rules ?? '    - { name: tiles-savings, zone: home, offer: cash-isa, score: 40 }\n    - { name: hero-gold, segment: adults, zone: home, offer: gold-card, score: 80 }\n'}`,
  );
  const result = compileSources(new Map([['config/all.yaml', [channel, offers, segment, strategy].join('---\n')]]));
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result.bundle!;
}

describe('config diff', () => {
  it('is empty for the same config', () => {
    expect(diffConfig(config().body, config().body)).toEqual([]);
  });

  it("names a rule's field by the rule's name, not its index", () => {
    const head = config({ rules: '    - { name: tiles-savings, zone: home, offer: cash-isa, score: 60 }\n    - { name: hero-gold, segment: adults, zone: home, offer: gold-card, score: 80 }\n' });
    expect(diffConfig(config().body, head.body)).toEqual([{ kind: 'Strategy', name: 'web-home', change: 'changed', fields: [{ path: 'rules[tiles-savings].score', base: 40, head: 60 }] }]);
  });

  it('gives a segment expression before and after', () => {
    expect(diffConfig(config().body, config({ segment: 'profile.age >= 21' }).body)).toEqual([
      { kind: 'Segment', name: 'adults', change: 'changed', fields: [{ path: 'expression', base: 'profile.age >= 18', head: 'profile.age >= 21' }] },
    ]);
  });

  it('reports offer dates, added and removed entities, and a control group in config terms', () => {
    const head = config({
      offers: [doc('Offer', 'cash-isa', '  displayName: cash-isa\n  expires: 2026-12-31\n'), doc('Offer', 'gold-card', '  displayName: gold-card\n'), doc('Offer', 'new-offer', '  displayName: x\n')].join('---\n'),
      rules: '    - { name: tiles-savings, zone: home, offer: cash-isa, score: 40, controlGroup: { percent: 5 } }\n    - { name: hero-gold, segment: adults, zone: home, offer: gold-card, score: 80 }\n',
    });
    const changes = diffConfig(config().body, head.body);
    expect(changes).toContainEqual({ kind: 'Offer', name: 'cash-isa', change: 'changed', fields: [{ path: 'expires', base: null, head: '2026-12-31' }] });
    expect(changes).toContainEqual({ kind: 'Offer', name: 'new-offer', change: 'added', fields: [] });
    expect(changes).toContainEqual({ kind: 'Strategy', name: 'web-home', change: 'changed', fields: [{ path: 'rules[tiles-savings].controlGroup.percent', base: 0, head: 5 }] });
    expect(diffConfig(head.body, config().body)).toContainEqual({ kind: 'Offer', name: 'new-offer', change: 'removed', fields: [] });
  });

  it('sees a rule renamed, a rule added, and the rules reordered', () => {
    const head = config({
      rules: '    - { name: hero-gold, segment: adults, zone: home, offer: gold-card, score: 80 }\n    - { name: tiles-isa, zone: home, offer: cash-isa, score: 40 }\n    - { name: extra, zone: home, offer: gold-card, score: 10 }\n',
    });
    const fields = diffConfig(config().body, head.body)[0]!.fields;
    expect(fields).toContainEqual({ path: 'rules[tiles-savings].name', base: 'tiles-savings', head: 'tiles-isa' });
    expect(fields).toContainEqual(expect.objectContaining({ path: 'rules[extra]', base: null }));
    expect(fields).toContainEqual({ path: 'rules (order)', base: ['tiles-savings', 'hero-gold'], head: ['hero-gold', 'tiles-isa'] });
  });

  it('sees a whole entity renamed', () => {
    const renamed = (name: string): string => doc('Offer', name, '  displayName: same\n');
    const base = compileSources(new Map([['config/a.yaml', [renamed('old-name'), doc('Channel', 'web', '  audienceLevels: [{ name: c, idField: id, attributes: {} }]\n  zones: [{ name: z, interactionPoints: [{ name: p }] }]\n')].join('---\n')]]));
    const head = compileSources(new Map([['config/a.yaml', [renamed('new-name'), doc('Channel', 'web', '  audienceLevels: [{ name: c, idField: id, attributes: {} }]\n  zones: [{ name: z, interactionPoints: [{ name: p }] }]\n')].join('---\n')]]));
    expect(diffConfig(base.bundle!.body, head.bundle!.body)).toEqual([{ kind: 'Offer', name: 'new-name', change: 'renamed', from: 'old-name', fields: [] }]);
  });

  it('keys nested named lists: a point inside its zone', () => {
    const head = config({ points: '{ name: home-hero, maxOffers: 2 }, { name: home-tiles, maxOffers: 3 }' });
    expect(diffConfig(config().body, head.body)).toEqual([
      { kind: 'Channel', name: 'web', change: 'changed', fields: [{ path: 'zones[home].interactionPoints[home-hero].maxOffers', base: 1, head: 2 }] },
    ]);
  });

  it('diffFields compares lists of values whole', () => {
    expect(diffFields({ actions: ['a'] }, { actions: ['a', 'b'] })).toEqual([{ path: 'actions', base: ['a'], head: ['a', 'b'] }]);
  });
});

describe('breaking changes for touchpoints', () => {
  const whats = (head: Bundle, base = config()): string[] => breakingChanges(base.body, head.body).map((b) => b.what);

  it('has none for additions', () => {
    expect(whats(config({ points: '{ name: home-hero, maxOffers: 1 }, { name: home-tiles, maxOffers: 3 }, { name: home-footer }', attributes: 'age: { type: int }, tier: { type: string, enum: [gold, silver, bronze] }, income: { type: double }' }))).toEqual([]);
  });

  it('names an interaction point removed, and guesses the rename', () => {
    expect(whats(config({ points: '{ name: home-tiles, maxOffers: 3 }' }))).toEqual(["interaction point 'home-hero' removed"]);
    expect(whats(config({ points: '{ name: home-banner, maxOffers: 1 }, { name: home-tiles, maxOffers: 3 }' }))).toEqual(["interaction point 'home-hero' removed (renamed to 'home-banner'?)"]);
  });

  it('names an event and an audience attribute removed or renamed, a type change and enum values dropped', () => {
    expect(whats(config({ events: '{ name: offer-tap, actions: [logAccept] }' }))).toEqual(["event 'offer-click' removed (renamed to 'offer-tap'?)"]);
    expect(whats(config({ attributes: 'tier: { type: string, enum: [gold, silver] }', segment: 'profile.tier == "gold"' }))).toEqual(["audience attribute 'age' removed"]);
    expect(whats(config({ attributes: 'years: { type: int }, tier: { type: string, enum: [gold, silver] }', segment: 'profile.years >= 18' }))).toEqual(["audience attribute 'age' removed (renamed to 'years'?)"]);
    expect(whats(config({ attributes: 'age: { type: double }, tier: { type: string, enum: [gold, silver] }', segment: 'profile.age >= 18.0' }))).toEqual(["audience attribute 'age' is now double (was int)"]);
    expect(whats(config({ attributes: 'age: { type: int }, tier: { type: string, enum: [gold] }' }))).toEqual(["audience attribute 'tier' no longer accepts \"silver\""]);
    expect(whats(config({ session: 'browser: { type: string }' }))).toEqual(["session attribute 'device' removed (renamed to 'browser'?)"]);
  });
});
