// Rule-set offer attributes (docs/decisions.md#offer-attributes): the rule that gives an
// offer sets its attributes per decision; a failing expression returns the offer's own
// value and says so in `errors` and in the explanation.
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { createEngine } from '../../src/engine/engine.js';
import { ReferenceEngine } from './reference-engine.js';
import { channelYaml, compileFixture, request, strategy } from './engine-fixture.js';

const offers = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: gold-card, labels: { category: credit } }
spec: { displayName: Gold card, attributes: { discountPct: 10, creative: standard.png, headline: "Gold card", featured: false } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: platinum-card, labels: { category: credit } }
spec: { displayName: Platinum card, attributes: { discountPct: 5, creative: plat.png, headline: "Platinum", featured: false } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: savings-plus, labels: { category: savings } }
spec: { displayName: Savings plus, attributes: { rate: 4.1 } }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: credit-offers }
spec: { where: 'offer.labels.category == "credit"' }
`;

const scoredChannel = channelYaml.replace('        joined: { type: date }\n', '        joined: { type: date }\n        modelScores: { type: map, values: double }\n');

async function engines(rules: string[]) {
  const bundle = await compileFixture(`${scoredChannel}\n---\n${offers}\n---\n${strategy('attrs', rules)}`, { base: false });
  return { engine: createEngine(bundle), reference: new ReferenceEngine(bundle), bundle };
}

const gold = { customerId: 'c1', age: 40, tier: 'gold' };
const silver = { customerId: 'c2', age: 40, tier: 'silver' };
const discountRule = `{ name: gold-discount, offer: gold-card, score: 50, attributes: { discountPct: 'profile.tier == "gold" ? 20 : 10', creative: '"gold-" + profile.tier + ".png"' } }`;

describe('rule-set offer attributes', () => {
  it('returns the values the rule sets for this member instead of the offer constants', async () => {
    const { engine, reference } = await engines([discountRule]);
    const forGold = engine.decide(request({}, gold));
    expect(forGold.errors).toEqual([]);
    expect(forGold.offers[0]!.attributes).toEqual({ discountPct: 20, creative: 'gold-gold.png', headline: 'Gold card', featured: false });
    expect(engine.decide(request({}, silver)).offers[0]!.attributes).toEqual({ discountPct: 10, creative: 'gold-silver.png', headline: 'Gold card', featured: false });
    expect(reference.decide(request({}, gold)).offers).toEqual(forGold.offers);
  });

  it('returns the offer constants for an offer whose rule sets none', async () => {
    const { engine, bundle } = await engines([`{ name: savings, offer: savings-plus, score: 5 }`, discountRule]);
    const decision = engine.decide(request({}, gold));
    expect(decision.offers.map((o) => [o.offer, o.attributes])).toEqual([
      ['gold-card', { discountPct: 20, creative: 'gold-gold.png', headline: 'Gold card', featured: false }],
      ['savings-plus', { rate: 4.1 }],
    ]);
    // the offer's own attributes are not changed by a decision
    expect(bundle.body.offers.find((o) => o.name === 'gold-card')!.attributes).toEqual({ discountPct: 10, creative: 'standard.png', headline: 'Gold card', featured: false });
  });

  it('takes the attributes of the rule that gave the winning score, not of a lower-scoring rule', async () => {
    const { engine, reference } = await engines([
      `{ name: low, offer: gold-card, score: 10, attributes: { discountPct: '1' } }`,
      `{ name: high, offer: gold-card, score: 90, attributes: { discountPct: '2' } }`,
      `{ name: none, offer: platinum-card, score: 95 }`,
    ]);
    const decision = engine.decide(request({}, gold));
    expect(decision.offers.map((o) => [o.offer, o.rule, o.attributes['discountPct']])).toEqual([
      ['platinum-card', 'none', 5],
      ['gold-card', 'high', 2],
    ]);
    expect(reference.decide(request({}, gold)).offers).toEqual(decision.offers);
  });

  it('on a score tie takes the attributes of the rule that comes first', async () => {
    const { engine } = await engines([`{ name: first, offer: gold-card, score: 50, attributes: { discountPct: '1' } }`, `{ name: second, offer: gold-card, score: 50, attributes: { discountPct: '2' } }`]);
    const offer = engine.decide(request({}, gold)).offers[0]!;
    expect([offer.rule, offer.attributes['discountPct']]).toEqual(['first', 1]);
  });

  it('evaluates per offer of a list, reading offer and a map profile attribute', async () => {
    const { engine, reference } = await engines([
      `{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]', attributes: { headline: 'offer.displayName + " for you"', featured: 'profile.modelScores[offer.name] > 0.5', discountPct: 'int(profile.modelScores[offer.name] * 100.0)' } }`,
    ]);
    const profile = { customerId: 'c1', modelScores: { 'gold-card': 0.8, 'platinum-card': 0.3 } };
    const decision = engine.decide(request({}, profile));
    expect(decision.offers.map((o) => [o.offer, o.attributes])).toEqual([
      ['gold-card', { discountPct: 80, creative: 'standard.png', headline: 'Gold card for you', featured: true }],
      ['platinum-card', { discountPct: 30, creative: 'plat.png', headline: 'Platinum card for you', featured: false }],
    ]);
    expect(reference.decide(request({}, profile)).offers).toEqual(decision.offers);
  });

  it('returns the offer constant when the expression fails at run time, in errors and in explain', async () => {
    const { engine, reference } = await engines([`{ name: by-age, offer: gold-card, score: 50, attributes: { discountPct: 'profile.age > 30 ? 20 : 10' } }`]);
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', tier: 'gold' }));
    expect(decision.offers.map((o) => [o.offer, o.attributes['discountPct']])).toEqual([['gold-card', 10]]);
    expect(decision.errors).toHaveLength(1);
    expect(decision.errors[0]).toMatchObject({ code: 'expression-error', place: "strategy 'attrs' rule 'by-age' attributes.discountPct" });
    expect(decision.errors[0]!.message).toMatch(/the offer's own value is returned\)$/);
    const chosen = decision.explain!.find((e) => e.outcome === 'chosen')!;
    expect(chosen.reason).toMatch(/^ranked 1st with score 50; attributes\.discountPct of rule 'by-age' could not be evaluated \(.+\); the offer's own 10 is returned$/);
    const plain = reference.decide(request({}, { customerId: 'c1', tier: 'gold' }));
    expect(plain.offers).toEqual(decision.offers);
    expect(plain.errors.map((e) => e.place)).toEqual(decision.errors.map((e) => e.place));
  });

  it('names every attribute that failed in the explanation of the chosen offer, one after the other', async () => {
    const { engine } = await engines([`{ name: by-age, offer: gold-card, score: 50, attributes: { discountPct: 'profile.age > 30 ? 20 : 10', creative: 'string(profile.age) + ".png"' } }`]);
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', tier: 'gold' }));
    expect(decision.offers.map((o) => o.attributes)).toEqual([{ discountPct: 10, creative: 'standard.png', headline: 'Gold card', featured: false }]);
    const chosen = decision.explain!.find((e) => e.outcome === 'chosen')!;
    expect(chosen.reason).toMatch(
      /^ranked 1st with score 50; attributes\.creative of rule 'by-age' could not be evaluated \(.+\); the offer's own "standard\.png" is returned; attributes\.discountPct of rule 'by-age' could not be evaluated \(.+\); the offer's own 10 is returned$/,
    );
  });

  it('returns the offer constant when a dyn expression gives a value of another type', async () => {
    const { engine } = await engines([`{ name: dyn, offer: gold-card, score: 50, attributes: { discountPct: 'offer.attributes.creative' } }`]);
    const decision = engine.decide(request({}, gold));
    expect(decision.offers[0]!.attributes['discountPct']).toBe(10);
    expect(decision.errors[0]!.message).toContain('gave the string "standard.png", not a number');
  });

  const a40 = 'a'.repeat(40);
  it.each([
    ['discountPct', 'dyn(profile.modelScores)', "gave a map, not a number like the offer's own value"],
    ['discountPct', 'dyn([1, 2])', "gave a list, not a number like the offer's own value"],
    ['discountPct', 'dyn(timestamp("2026-01-01T00:00:00Z"))', "gave a timestamp, not a number like the offer's own value"],
    ['discountPct', 'dyn(null)', "gave null, not a number like the offer's own value"],
    ['discountPct', 'dyn(b"ab")', "gave bytes, not a number like the offer's own value"],
    ['discountPct', 'dyn(duration("1h"))', "gave a duration, not a number like the offer's own value"],
    ['discountPct', `dyn("${a40}")`, `gave the string "${a40}", not a number like the offer's own value`],
    ['discountPct', `dyn("${a40}b")`, `gave the string "${a40}…", not a number like the offer's own value`],
    ['featured', 'dyn(1)', "gave 1, not a bool like the offer's own value"],
    ['featured', 'dyn(2.5)', "gave 2.5, not a bool like the offer's own value"],
    ['creative', 'dyn(true)', "gave true, not a string like the offer's own value"],
    ['discountPct', '1.0 / 0.0', 'gave Infinity, not a finite number'],
    ['discountPct', '-1.0 / 0.0', 'gave -Infinity, not a finite number'],
    ['discountPct', '9007199254740992', 'gave 9007199254740992, beyond the integers JSON carries exactly'],
    ['discountPct', '-9007199254740992', 'gave -9007199254740992, beyond the integers JSON carries exactly'],
  ])("returns the offer's own %s when '%s' gives a value JSON or the offer's type cannot take, saying what it gave", async (attribute, expression, gave) => {
    const { engine } = await engines([`{ name: r, offer: gold-card, score: 50, attributes: { ${attribute}: '${expression}' } }`]);
    const decision = engine.decide(request({}, { customerId: 'c1', modelScores: { a: 1 } }));
    expect(decision.offers[0]!.attributes).toEqual({ discountPct: 10, creative: 'standard.png', headline: 'Gold card', featured: false });
    expect(decision.errors.map((e) => e.message)).toEqual([`strategy 'attrs' rule 'r' attributes.${attribute}: ${gave} (the offer's own value is returned)`]);
  });

  it.each([
    ['discountPct', '9007199254740991', 9007199254740991],
    ['discountPct', '-9007199254740991', -9007199254740991],
    ['discountPct', '2.5', 2.5],
    ['featured', 'profile.age > 30', true],
  ])("returns what %s = '%s' gives when JSON carries it exactly: %s", async (attribute, expression, value) => {
    const { engine } = await engines([`{ name: r, offer: gold-card, score: 50, attributes: { ${attribute}: '${expression}' } }`]);
    const decision = engine.decide(request({}, { customerId: 'c1', age: 40 }));
    expect(decision.errors).toEqual([]);
    expect(decision.offers[0]!.attributes[attribute]).toBe(value);
  });

  it("leaves out an attribute the offer does not have, as a hand-made bundle may set: the offer's own attributes, no error", async () => {
    const { bundle } = await engines([discountRule]);
    const body = structuredClone(bundle.body);
    body.rules[0]!.attributes = { ...body.rules[0]!.attributes, bonus: '1' };
    const decision = createEngine(createBundle(body)).decide(request({}, gold));
    expect(decision.errors).toEqual([]);
    expect(decision.offers[0]!.attributes).toEqual({ discountPct: 20, creative: 'gold-gold.png', headline: 'Gold card', featured: false });
  });

  it('gives the same attributes with and without explain, and through a session cache', async () => {
    const { engine } = await engines([discountRule]);
    const cache = engine.newSegmentCache();
    const a = engine.decide(request({}, gold), cache);
    const b = engine.decide(request({ explain: true }, gold), cache);
    expect(b.offers).toEqual(a.offers);
  });
});
