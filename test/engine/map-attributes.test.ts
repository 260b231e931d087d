// `map` profile attributes (docs/config-language.md#map-attributes): model scores by offer
// name feeding a rule's scoreExpression, the input checks of a map value, and the
// run-time failure of a key the map does not hold.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { convertAttribute } from '../../src/expr/index.js';
import { channelYaml, compileFixture, offersOf, offersYaml, request, strategy } from './engine-fixture.js';

const mapChannel = channelYaml.replace('        joined: { type: date }\n', '        joined: { type: date }\n        modelScores: { type: map, values: double }\n        limits: { type: map, values: int }\n');

async function mapEngine(rules: string[]) {
  const extra = `${mapChannel}\n---\n${offersYaml}\n---\n${strategy('scores', rules)}`;
  return createEngine(await compileFixture(extra, { base: false }));
}

const member = (modelScores: unknown) => ({ customerId: 'c1', age: 40, income: 50000, modelScores });

describe('map profile attributes', () => {
  it('ranks offers by the model score the profile holds for each', async () => {
    const engine = await mapEngine(["{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]' }", "{ name: savings, offer: savings-plus, scoreExpression: 'profile.modelScores[offer.name] * 10.0' }"]);
    const decision = engine.decide(request({}, member({ 'gold-card': 0.2, 'platinum-card': 0.9, 'savings-plus': 0.05 })));
    expect(decision.errors).toEqual([]);
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([
      ['platinum-card', 0.9],
      ['savings-plus', 0.5],
      ['gold-card', 0.2],
    ]);
  });

  it('treats a key the map does not hold as a run-time expression failure: that rule gives the offer no score', async () => {
    const engine = await mapEngine(["{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]' }"]);
    const decision = engine.decide(request({ explain: true }, member({ 'platinum-card': 0.9 })));
    expect(offersOf(decision)).toEqual(['platinum-card']);
    expect(decision.errors).toHaveLength(1);
    expect(decision.errors[0]).toMatchObject({ code: 'expression-error', place: "strategy 'scores' rule 'by-model' scoreExpression" });
    expect(decision.errors[0]!.message).toMatch(/gold-card/);
  });

  it('gives the same ranking whatever the order of the keys', async () => {
    const engine = await mapEngine(["{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]' }"]);
    const a = engine.decide(request({}, member({ 'gold-card': 0.5, 'platinum-card': 0.5 })));
    const b = engine.decide(request({}, member({ 'platinum-card': 0.5, 'gold-card': 0.5 })));
    expect(offersOf(a)).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(b)).toEqual(offersOf(a));
  });

  it('reads an int map and size() of a map', async () => {
    const engine = await mapEngine(["{ name: limited, offer: gold-card, score: 1, eligibility: 'size(profile.limits) >= 2 && profile.limits[\"gold-card\"] > 3' }"]);
    expect(offersOf(engine.decide(request({}, { customerId: 'c1', limits: { 'gold-card': 4, other: 1 } })))).toEqual(['gold-card']);
    expect(offersOf(engine.decide(request({}, { customerId: 'c1', limits: { 'gold-card': 3, other: 1 } })))).toEqual([]);
    expect(offersOf(engine.decide(request({}, { customerId: 'c1', limits: { 'gold-card': 4 } })))).toEqual([]);
  });

  it.each([
    [[0.5], 'profile.modelScores must be a map of string to double (a JSON object), got a list'],
    ['{"gold-card": 0.5}', 'profile.modelScores must be a map of string to double (a JSON object), got the string "{\\"gold-card\\": 0.5}"'],
    [{ 'gold-card': '0.5' }, 'profile.modelScores["gold-card"] must be a number, got the string "0.5"'],
    [{ 'gold-card': 0.5, 'platinum-card': true }, 'profile.modelScores["platinum-card"] must be a number, got true'],
  ])('refuses the profile value %j naming the field', async (value, message) => {
    const engine = await mapEngine(["{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]' }"]);
    const decision = engine.decide(request({}, member(value)));
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([{ code: 'input', field: 'profile.modelScores', message }]);
  });

  it('refuses a fractional value in an int map', async () => {
    const engine = await mapEngine(["{ name: limited, offer: gold-card, score: 1 }"]);
    const decision = engine.decide(request({}, { customerId: 'c1', limits: { 'gold-card': 1.5 } }));
    expect(decision.errors).toEqual([{ code: 'input', field: 'profile.limits', message: 'profile.limits["gold-card"] must be a whole number, got 1.5' }]);
  });

  it('checks a key named __proto__ like any other key', async () => {
    const engine = await mapEngine(["{ name: by-model, offerList: credit-offers, scoreExpression: 'profile.modelScores[offer.name]' }"]);
    const profile = JSON.parse('{"customerId":"c1","modelScores":{"__proto__":{"x":1},"gold-card":0.3}}') as Record<string, unknown>;
    const decision = engine.decide(request({}, profile));
    expect(decision.errors[0]).toMatchObject({ code: 'input', field: 'profile.modelScores' });
  });
});

describe('a map value from text (CSV cells)', () => {
  const declaration = { type: 'map', values: 'double', enum: null } as const;
  it('reads JSON object text', () => {
    expect(convertAttribute(declaration, '{"gold-card": 0.8, "savings-plus": 1}')).toEqual({ ok: true, value: { 'gold-card': 0.8, 'savings-plus': 1 } });
  });
  it.each(['{"gold-card": 0.8', '[0.8]', '0.8', '{"gold-card": "0.8"}', '{"gold-card": null}'])('refuses %s, saying what a map cell holds', (text) => {
    const result = convertAttribute(declaration, text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.expected).toMatch(/^a map of string to double \(a JSON object, e\.g\. \{"gold-card": 0\.8\}\)/);
  });
  it('converts the values of an int map to CEL ints', () => {
    expect(convertAttribute({ type: 'map', values: 'int', enum: null }, '{"a": 2}')).toEqual({ ok: true, value: { a: 2n } });
  });
});
