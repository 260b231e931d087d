// The ranked walk (src/engine/ranked-walk.ts) at its edges: zones whose scores are all 0
// or below (with ties by name and by rotate), a rule's first and last day, top rules, a
// split score's bound, a score that fails at run time, and a zone with
// more pairs in the walk's heap at once than the heap first holds (16) — every pair of a
// rule whose score reads both the offer and the member is scored before any is given, and
// under `ties: rotate` a run of equal static scores waits in the heap together.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { Decision } from '../../src/engine/types.js';
import { adult, channelYaml, compileFixture, engineFor, offersYaml, request, strategy } from './engine-fixture.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';

/** More offers than the heap's first size, and than twice it. */
const OFFERS = 40;
const names = Array.from({ length: OFFERS }, (_, i) => `bulk-${String(i + 1).padStart(2, '0')}`);

/** The base fixture's channel, breaking ties by name (its default) or by rotate. */
const channelWithTies = (ties: 'name' | 'rotate'): string => (ties === 'name' ? channelYaml : channelYaml.replace('spec:\n', 'spec:\n  ties: rotate\n'));

function config(ties: 'name' | 'rotate'): string {
  const offers = names.map(
    (name, i) => `---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name}, labels: { category: bulk } }\nspec: { displayName: ${name}, cost: ${i + 1} }\n`,
  );
  const list = `---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: bulk }\nspec: { where: 'offer.labels.category == "bulk"' }\n`;
  const rules = [
    // Offer and member multiplied: no bound per offer, so every pair is scored before the first is given.
    "{ name: by-cost, offerList: bulk, scoreExpression: 'offer.cost * profile.income / 1000.0' }",
    // One static score for every offer: under ties: rotate the whole run waits in the heap.
    '{ name: flat, offerList: bulk, score: 1 }',
  ];
  return `${channelWithTies(ties)}${offers.join('')}${list}---\n${strategy('s', rules)}`;
}

const core = (decision: Decision | ReferenceDecision): ReferenceDecision => ({ offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors });

describe(`a zone of ${OFFERS} offers scored from the member`, () => {
  let byName: Bundle;
  let rotating: Bundle;
  beforeAll(async () => {
    byName = await compileFixture(config('name'), { base: false });
    rotating = await compileFixture(config('rotate'), { base: false });
  });

  it('ranks every offer by its score, highest cost first, when all are asked for', () => {
    const engine = createEngine(byName);
    const decision = engine.decide(request({ count: OFFERS }, { customerId: 'c1', age: 40, income: 1000 }));
    expect(decision.errors).toEqual([]);
    expect(decision.offers.map((o) => o.offer)).toEqual([...names].reverse());
    expect(decision.offers.map((o) => o.score)).toEqual(names.map((_, i) => OFFERS - i));
  });

  it.each([
    ['name', () => byName],
    ['rotate', () => rotating],
  ])('decides as the exhaustive reference with ties: %s, for members whose scores put the static run above, among and below the scored pairs', (_, bundle) => {
    const engine = createEngine(bundle());
    const reference = new ReferenceEngine(bundle());
    // income / 1000 × cost: 0 puts every scored pair below the static score 1, 30 puts the run among them, 5000 above none.
    for (const income of [0, 30, 5000]) {
      for (const id of ['c1', 'c2', 'c3']) {
        for (const count of [1, 17, 33, OFFERS]) {
          const asked = request({ count }, { customerId: id, age: 40, income });
          expect(core(engine.decide(asked)), `${id}, income ${income}, count ${count}`).toEqual(reference.decide(asked));
        }
      }
    }
  });
});

/** The engine of the base fixture plus `rules`, its channel breaking ties by name or by rotate. */
async function engineWithTies(ties: 'name' | 'rotate', rules: string[]): Promise<Engine> {
  return createEngine(await compileFixture(`${channelWithTies(ties)}---${offersYaml}---\n${strategy('s', rules)}`, { base: false }));
}

describe.each(['name', 'rotate'] as const)('with ties: %s', (ties) => {
  it('gives the offers of a zone whose every score is 0 or negative, best first: static, member-scored and scored per pair', async () => {
    const engine = await engineWithTies(ties, [
      '{ name: zero, offer: savings-plus, score: 0 }',
      "{ name: below-zero, offer: travel-insurance, scoreExpression: '-1.0 * profile.income / 10000.0' }",
      "{ name: per-pair, offerList: credit-offers, scoreExpression: 'offer.cost * profile.income / -1000.0' }",
    ]);
    const decision = engine.decide(request({ count: 5 }));
    expect(decision.offers.map((o) => [o.offer, o.rule, o.score])).toEqual([
      ['savings-plus', 'zero', 0],
      ['travel-insurance', 'below-zero', -5],
      ['gold-card', 'per-pair', -125],
      ['platinum-card', 'per-pair', -200],
    ]);
  });

  it('gives the offers scored per pair when every one of them is below zero and nothing else is left', async () => {
    const engine = await engineWithTies(ties, ["{ name: per-pair, offerList: credit-offers, scoreExpression: 'offer.cost * profile.income / -1000.0' }"]);
    expect(engine.decide(request({ count: 5 })).offers.map((o) => o.offer)).toEqual(['gold-card', 'platinum-card']);
  });

  it("ranks a top rule's offers above a normal rule's higher scores, static and scored per pair", async () => {
    const engine = await engineWithTies(ties, [
      '{ name: must-show, offer: savings-plus, score: 10, priority: top }',
      "{ name: top-per-pair, offer: travel-insurance, scoreExpression: 'offer.cost + profile.income / 100000.0', priority: top }",
      '{ name: high, offer: gold-card, score: 90 }',
      "{ name: high-per-pair, offer: platinum-card, scoreExpression: 'offer.cost * profile.income / 1000.0' }",
    ]);
    expect(engine.decide(request({ count: 5 })).offers.map((o) => o.offer)).toEqual(['savings-plus', 'travel-insurance', 'platinum-card', 'gold-card']);
  });

  it('gives a rule on its last day and not the day after, and not before its first day', async () => {
    const engine = await engineWithTies(ties, [
      '{ name: may, offer: gold-card, score: 50, effective: 2026-05-01, expires: 2026-05-31 }',
      '{ name: always, offer: savings-plus, score: 10 }',
    ]);
    const given = (at: string): string[] => engine.decide(request({ at, count: 5 })).offers.map((o) => o.offer);
    expect(['2026-04-30', '2026-05-01', '2026-05-31', '2026-06-01'].map(given)).toEqual([
      ['savings-plus'],
      ['gold-card', 'savings-plus'],
      ['gold-card', 'savings-plus'],
      ['savings-plus'],
    ]);
  });
});

describe('a score split into an offer half and a member half', () => {
  it('ties a static score of 0 exactly and loses it to the offer named first: the bound of a split score is never below the score', async () => {
    // gold-card: 2.5 × 10 − 100 / 4 = 0, the same as the static 0 of platinum-card; ties go by offer name.
    const engine = await engineFor(
      strategy('s', ["{ name: split, offer: gold-card, scoreExpression: 'offer.cost * 10.0 - double(profile.age) / 4.0' }", '{ name: flat, offer: platinum-card, score: 0 }']),
    );
    const decision = engine.decide(request({ count: 5 }, { ...adult, age: 100 }));
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([
      ['gold-card', 0],
      ['platinum-card', 0],
    ]);
  });
});

describe('a score that fails at run time', () => {
  it('is reported once for the rule, and the zone still gives its other offers: an integer division by zero for a member of age 0', async () => {
    const engine = await engineFor(
      strategy('s', ["{ name: by-age, offerList: credit-offers, scoreExpression: 'offer.cost * double(100 / profile.age)' }", '{ name: plain, offer: savings-plus, score: 10 }']),
    );
    const decision = engine.decide(request({ count: 5 }, { ...adult, age: 0 }));
    expect(decision.offers.map((o) => o.offer)).toEqual(['savings-plus']);
    expect(decision.errors).toEqual([
      {
        code: 'expression-error',
        place: "strategy 's' rule 'by-age' scoreExpression",
        message: "strategy 's' rule 'by-age' scoreExpression: division by zero (the rule gives this offer no score)",
      },
    ]);
    // The same rule for a member of another age scores and gives its offers.
    expect(engine.decide(request({ count: 5 }, { ...adult, age: 50 })).errors).toEqual([]);
  });
});
