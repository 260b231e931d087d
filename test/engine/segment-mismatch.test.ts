// docs/decisions.md#segment-membership-and-the-session-cache, for bundles the compiler
// would refuse but a hand-made bundle can hold: a rule whose segment is on another
// channel, and a segment that uses itself through inSegment(). Neither is a member, and
// the decision goes on.
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { createEngine } from '../../src/engine/engine.js';
import { compileFixture, offersOf, request, smallChannel, strategy } from './engine-fixture.js';

const shop = `
${smallChannel('shop', 'main', 'shop-main')}---
apiVersion: offerops/v1
kind: Segment
metadata: { name: shop-adults }
spec: { channel: shop, expression: 'profile.age >= 18' }
---
`;

describe('segments a hand-made bundle gets wrong', () => {
  it('leaves out a rule whose segment is on another channel, and says which channel in the explanation', async () => {
    const bundle = await compileFixture(
      shop + strategy('s', ['{ name: r-adults, segment: adults, offer: gold-card, score: 20 }', '{ name: r-all, offer: savings-plus, score: 10 }']),
    );
    // As compiled, the rule's segment is on its own channel: the adult gets both offers.
    expect(offersOf(createEngine(bundle).decide(request()))).toEqual(['gold-card', 'savings-plus']);
    const body = structuredClone(bundle.body);
    body.rules.find((rule) => rule.name === 'r-adults')!.segment = 'shop-adults';
    const decision = createEngine(createBundle(body)).decide(request({ explain: true }));
    expect(offersOf(decision)).toEqual(['savings-plus']);
    expect(decision.explain).toContainEqual({
      offer: 'gold-card',
      rule: 'r-adults',
      outcome: 'not-in-segment',
      reason: "segment 'shop-adults' is on channel 'shop', not 'web'",
      segment: 'shop-adults',
    });
  });

  it.each([
    ['a name that is no segment of the bundle as false', 'inSegment("ghost") || profile.age >= 100'],
    ['the segment itself as not a member, without looping', 'inSegment("adults") || profile.age >= 100'],
  ])('reads inSegment() of %s, without an error', async (_what, expression) => {
    const bundle = await compileFixture(strategy('s', ['{ name: r-adults, segment: adults, offer: gold-card, score: 20 }', '{ name: r-all, offer: savings-plus, score: 10 }']));
    const body = structuredClone(bundle.body);
    body.segments.find((segment) => segment.name === 'adults')!.expression = expression;
    const engine = createEngine(createBundle(body));
    const decision = engine.decide(request());
    expect(offersOf(decision)).toEqual(['savings-plus']);
    expect(decision.errors).toEqual([]);
    expect(offersOf(engine.decide(request({}, { customerId: 'c1', age: 100 })))).toEqual(['gold-card', 'savings-plus']);
  });
});
