// A map attribute's entry read by `offer.name` is checked like an attribute
// (docs/decisions.md#run-time-expression-failures): a decision whose walk stops before a
// rule scoring from a missing (or out-of-bounds) entry still reports that rule's failure,
// and a member whose map holds every entry within the bounds adds none. Compared with the
// exhaustive reference engine, which evaluates every rule.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { channelYaml, compileFixture, offersOf, offersYaml, request, strategy } from './engine-fixture.js';
import { ReferenceEngine } from './reference-engine.js';

const mapChannel = channelYaml.replace('        joined: { type: date }\n', '        joined: { type: date }\n        modelScores: { type: map, values: double }\n');

// The top rule fills a response of one; the model rule below it is never reached by the walk.
// `50.0 - … * 1e280` ranks every model score below the top rule's, finite for an entry within ±10^15, infinite for 1e30.
const rules = ['{ name: top, offer: savings-plus, score: 99 }', "{ name: by-model, offerList: credit-offers, scoreExpression: '50.0 - profile.modelScores[offer.name] * 1e280' }"];

async function engines() {
  const bundle = await compileFixture(`${mapChannel}\n---\n${offersYaml}\n---\n${strategy('scores', rules)}`, { base: false });
  return { engine: createEngine(bundle), reference: new ReferenceEngine(bundle) };
}

const member = (modelScores: Record<string, number> | undefined) => ({ customerId: 'c1', age: 40, income: 50000, ...(modelScores === undefined ? {} : { modelScores }) });

describe('map entries read by offer name', () => {
  it.each([
    ['every entry present, one at the bound 10^15', { 'gold-card': 1e15, 'platinum-card': 0.2 }, 0],
    ['every entry present, one just inside the bound', { 'gold-card': 1e15 - 1, 'platinum-card': 0.2 }, 0],
    ['one entry just past the bound (1e15 + 1), still a finite score', { 'gold-card': 1e15 + 1, 'platinum-card': 0.2 }, 0],
    ['one entry far past the bound: an infinite score', { 'gold-card': 1e30, 'platinum-card': 0.2 }, 1],
    ['one entry missing', { 'platinum-card': 0.2 }, 1],
    ['no map at all', undefined, 1],
  ])('reports the errors of every rule of the zone with %s', async (_name, modelScores, expectedErrors) => {
    const { engine, reference } = await engines();
    const req = request({ count: 1 }, member(modelScores));
    const decision = engine.decide(req);
    expect(offersOf(decision)).toEqual(['savings-plus']);
    expect(decision.errors).toHaveLength(expectedErrors);
    if (expectedErrors > 0) expect(decision.errors[0]).toMatchObject({ code: 'expression-error', place: "strategy 'scores' rule 'by-model' scoreExpression" });
    const expected = reference.decide(req);
    expect({ offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors }).toEqual(expected);
    // With a session cache, the same errors again on the next decision.
    const cache = engine.newSegmentCache();
    engine.decide(req, cache);
    expect(engine.decide(req, cache).errors).toEqual(expected.errors);
  });
});

describe('the error pass in a zone with a list pick, memoised for the member', () => {
  // A picking rule makes the zone's ranking depend on the visit, so only the error pass is
  // kept in the session memo: it must follow the member's inputs, never outlive them.
  const pickRules = [...rules, "{ name: pick-one, offerList: credit-offers, score: 10, pick: { count: 1, by: score } }"];

  it('reports the errors of the inputs at hand at both points of the zone, as the inputs change and back', async () => {
    const bundle = await compileFixture(`${mapChannel}\n---\n${offersYaml}\n---\n${strategy('scores', pickRules)}`, { base: false });
    const engine = createEngine(bundle);
    const reference = new ReferenceEngine(bundle);
    const cache = engine.newSegmentCache();
    const visits: [Record<string, number> | undefined, number][] = [
      [{ 'platinum-card': 0.2 }, 1],
      [{ 'gold-card': 0.1, 'platinum-card': 0.2 }, 0],
      [undefined, 1],
      [{ 'gold-card': 0.1, 'platinum-card': 0.2 }, 0],
    ];
    for (const [modelScores, expectedErrors] of visits) {
      const profile = member(modelScores);
      for (const interactionPoint of ['home-hero', 'home-sidebar']) {
        const req = request({ interactionPoint, count: 1 }, profile);
        const decision = engine.decide(req, cache);
        expect(decision.errors).toHaveLength(expectedErrors);
        const expected = reference.decide(req);
        expect({ offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors }).toEqual(expected);
      }
    }
  });
});
