// docs/decisions.md#batch-de-duplication: `givenEarlier` keeps the offers of earlier
// points of a batch from a decision; the next offers in rank order take their places.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import { compileFixture, offersOf, request, strategy } from './engine-fixture.js';
import { ReferenceEngine } from './reference-engine.js';

describe('batch de-duplication (givenEarlier)', () => {
  let bundle: Bundle;
  let engine: Engine;
  beforeAll(async () => {
    bundle = await compileFixture(
      strategy('s', ['{ name: a, offer: gold-card, score: 90 }', '{ name: b, offer: platinum-card, score: 80 }', '{ name: c, offer: savings-plus, score: 70 }', '{ name: d, offer: travel-insurance, score: 60 }']),
    );
    engine = createEngine(bundle);
  });

  it('drops the offers given earlier and fills from the rest of the ranking', () => {
    expect(offersOf(engine.decide(request({ count: 2 })))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(engine.decide(request({ count: 2, givenEarlier: { 'gold-card': 'home-hero' } })))).toEqual(['platinum-card', 'savings-plus']);
    expect(offersOf(engine.decide(request({ count: 2, givenEarlier: { 'gold-card': 'home-hero', 'savings-plus': 'checkout-upsell' } })))).toEqual(['platinum-card', 'travel-insurance']);
    // An empty map, or an offer the bundle does not know, changes nothing.
    expect(offersOf(engine.decide(request({ count: 2, givenEarlier: {} })))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(engine.decide(request({ count: 2, givenEarlier: { 'no-such-offer': 'home-hero' } })))).toEqual(['gold-card', 'platinum-card']);
  });

  it('dedupes across three points in turn, as a batch does, and agrees with the reference', () => {
    const reference = new ReferenceEngine(bundle);
    const given: Record<string, string> = {};
    const got: string[][] = [];
    for (const point of ['home-hero', 'home-sidebar', 'checkout-upsell']) {
      const req: DecisionRequest = request({ interactionPoint: point, count: 1, givenEarlier: { ...given } });
      const decision = engine.decide(req);
      expect(decision.offers).toEqual(reference.decide(req).offers);
      for (const o of decision.offers) given[o.offer] ??= point;
      got.push(offersOf(decision));
    }
    expect(got).toEqual([['gold-card'], ['platinum-card'], ['savings-plus']]);
  });

  it('explains each dropped offer as given-earlier with its score, outside the ranks', () => {
    const decision = engine.decide(request({ count: 1, explain: true, givenEarlier: { 'gold-card': 'home-hero' } }));
    expect(decision.explain).toContainEqual({ offer: 'gold-card', rule: 'a', outcome: 'given-earlier', reason: "given to interaction point 'home-hero' earlier in this batch (dedupe)", score: 90 });
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'platinum-card', outcome: 'chosen', rank: 1 }));
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'savings-plus', outcome: 'rank', rank: 2 }));
  });

  it('refuses a givenEarlier that is not an object of offer → point, naming the field', () => {
    const notObject = engine.decide({ ...request(), givenEarlier: ['gold-card'] as unknown as Record<string, string> });
    expect(notObject.errors).toEqual([{ code: 'input', field: 'givenEarlier', message: 'givenEarlier must be an object of offer name → interaction point' }]);
    expect(notObject.offers).toEqual([]);
    const badValue = engine.decide({ ...request(), givenEarlier: { 'gold-card': 3 } as unknown as Record<string, string> });
    expect(badValue.errors).toEqual([{ code: 'input', field: 'givenEarlier.gold-card', message: 'givenEarlier.gold-card must be the name of the interaction point it was given to, got 3' }]);
  });

  it('reads a null givenEarlier as none given', () => {
    const decision = engine.decide({ ...request({ count: 2 }), givenEarlier: null as unknown as Record<string, string> });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card', 'platinum-card']);
  });
});
