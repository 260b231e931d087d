// The (rule, offer) pairs each zone prepares when a bundle loads (src/engine/pair-plan.ts,
// docs/decisions.md#performance), seen through decisions: the days a pair is live, an
// eligibility or a score that reads only the offer and is evaluated at load (a pair it
// rejects or fails for is left out, and the failure is still reported on every decision),
// a zone with `priority: top` rules (its plan joins two tiers: their load failures, their
// list picks and the room their scored pairs need in the walk's heap), and split scores
// whose offer halves tie, so that every pair waits in the heap at once.
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Decision, HistoryRow } from '../../src/engine/types.js';
import { channelYaml, compileFixture, engineFor, offersOf, offersYaml, request, strategy, weightedList, weightedOffer } from './engine-fixture.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';

const core = (decision: Decision | ReferenceDecision): ReferenceDecision => ({ offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors });

describe('the days a pair is live: its rule’s and its offer’s dates intersected', () => {
  // travel-insurance is live 2026-03-01..2026-09-30.
  it.each([
    ['meet the offer’s only on its last day', '2026-09-30', '2026-12-31', ['2026-09-29', '2026-09-30', '2026-10-01'], [false, true, false]],
    ['meet the offer’s only on its first day', '2026-01-01', '2026-03-01', ['2026-02-28', '2026-03-01', '2026-03-02'], [false, true, false]],
    ['start the day after the offer expires', '2026-10-01', '2026-12-31', ['2026-09-30', '2026-10-01'], [false, false]],
  ])('a rule whose dates %s gives the offer on the days both are live, and no other', async (_label, effective, expires, days, given) => {
    const engine = await engineFor(
      strategy('s', [`{ name: dated, offer: travel-insurance, score: 50, effective: ${effective}, expires: ${expires} }`, '{ name: always, offer: savings-plus, score: 10 }']),
    );
    expect(days.map((at) => offersOf(engine.decide(request({ at, count: 5 }))).includes('travel-insurance'))).toEqual(given);
  });
});

const attributeOffers =
  '---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: age-card, labels: { group: attr } }\nspec: { displayName: Age card, attributes: { minAge: 30 } }\n' +
  '---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: open-card, labels: { group: attr } }\nspec: { displayName: Open card, attributes: { creative: x } }\n' +
  '---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: attr-offers }\nspec: { where: \'offer.labels.group == "attr"\' }\n';

describe('an eligibility that reads only the offer, evaluated when the bundle loads', () => {
  it.each([
    ['one of a list’s offers, in a zone of normal rules', '{ name: high, offer: gold-card, score: 90 }', 'offerList: attr-offers', ['gold-card', 'age-card']],
    ['one of a list’s offers, in a zone with a top rule', '{ name: high, offer: gold-card, score: 1, priority: top }', 'offerList: attr-offers', ['gold-card', 'age-card']],
    ['the rule’s only offer', '{ name: high, offer: gold-card, score: 90 }', 'offer: open-card', ['gold-card']],
  ])(
    'leaves out the offer it fails for, gives the others, and reports the failure on every decision, also when the rule ranks below the response — failing for %s',
    async (_label, high, offers, given) => {
      const bundle = await compileFixture(strategy('s', [high, `{ name: low, ${offers}, score: 1, eligibility: 'int(offer.attributes.minAge) >= 30' }`]) + attributeOffers);
      const engine = createEngine(bundle);
      const failure = {
        code: 'expression-error',
        place: "strategy 's' rule 'low' eligibility",
        message: "strategy 's' rule 'low' eligibility: No such key: minAge (counted as false)",
      };
      for (const count of [1, 5]) {
        const decision = engine.decide(request({ count }));
        expect(core(decision)).toEqual(new ReferenceEngine(bundle).decide(request({ count })));
        expect(offersOf(decision)).toEqual(given.slice(0, count));
        expect(decision.errors).toEqual([failure]);
      }
    },
  );
});

describe('a score that reads only the offer, evaluated when the bundle loads', () => {
  it('scores each offer with its own value, and gives an offer whose value is not a number (a string, a bool) no score', async () => {
    const bundle = await compileFixture(
      strategy('s', ["{ name: by-weight, offerList: weighted, scoreExpression: 'offer.attributes.weight' }"]) +
        weightedOffer('a-text', "'7'") +
        weightedOffer('b-flag', 'true') +
        weightedOffer('c-number', '3.5') +
        weightedOffer('d-int', '2') +
        weightedList,
    );
    const decision = createEngine(bundle).decide(request({ count: 5 }));
    expect(core(decision)).toEqual(new ReferenceEngine(bundle).decide(request({ count: 5 })));
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([
      ['c-number', 3.5],
      ['d-int', 2],
    ]);
    expect(decision.errors.map((e) => e.place)).toEqual(["strategy 's' rule 'by-weight' scoreExpression", "strategy 's' rule 'by-weight' scoreExpression"]);
  });
});

// The list of list-pick.test.ts: by-score picks isa-lifetime (cost 4), isa-fixed (3), isa-junior (2), isa-easy (1).
const savings = ['isa-easy', 'isa-fixed', 'isa-junior', 'isa-lifetime']
  .map(
    (name, i) =>
      `---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name}, labels: { category: isa } }\nspec: { displayName: ${name}, cost: ${[1, 3, 2, 4][i]}${name === 'isa-fixed' ? ', suppression: { maxRejects: 1 }' : ''} }\n`,
  )
  .join('');
const isas = '---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: isas }\nspec: { where: \'offer.labels.category == "isa"\' }\n';
const rejectFixed: HistoryRow[] = [{ customerId: 'c1', offer: 'isa-fixed', channel: 'web', date: '2026-04-20', event: 'reject' }];

describe('a zone with a top rule and a rule that picks from its list', () => {
  const pick = "{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 10.0', pick: { count: 2, by: score }";
  it.each([
    [
      'the normal rule picks',
      [`${pick} }`, '{ name: must, offer: gold-card, score: 1, priority: top }'],
      ['gold-card', 'isa-lifetime', 'isa-fixed'],
      ['gold-card', 'isa-lifetime', 'isa-junior'],
    ],
    [
      'a normal rule picks beside a plain one',
      [`${pick} }`, '{ name: plain, offer: gold-card, score: 1 }'],
      ['isa-lifetime', 'isa-fixed', 'gold-card'],
      ['isa-lifetime', 'isa-junior', 'gold-card'],
    ],
    [
      'the top rule picks',
      [`${pick}, priority: top }`, '{ name: plain, offer: gold-card, score: 1 }'],
      ['isa-lifetime', 'isa-fixed', 'gold-card'],
      ['isa-lifetime', 'isa-junior', 'gold-card'],
    ],
  ])('when %s, picks again in the same session when the history changes: a rejected offer’s place goes to the next', async (_label, rules, before, after) => {
    const engine = await engineFor(`${savings}${isas}---\n${strategy('s', rules)}`);
    const cache = engine.newSegmentCache();
    expect(offersOf(engine.decide(request({ count: 5 }), cache))).toEqual(before);
    expect(offersOf(engine.decide(request({ count: 5, history: rejectFixed }), cache))).toEqual(after);
    expect(offersOf(engine.decide(request({ count: 5, history: rejectFixed })))).toEqual(after);
  });
});

/** 40 offers: more than the walk's heap first holds (16), and than twice that. */
const OFFERS = 40;
const names = Array.from({ length: OFFERS }, (_, i) => `bulk-${String(i + 1).padStart(2, '0')}`);
const bulk =
  names
    .map((name, i) => `---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name}, labels: { category: bulk } }\nspec: { displayName: ${name}, cost: ${i + 1} }\n`)
    .join('') + '---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: bulk }\nspec: { where: \'offer.labels.category == "bulk"\' }\n';
const withTies = (ties: 'name' | 'rotate'): string => (ties === 'name' ? channelYaml : channelYaml.replace('spec:\n', 'spec:\n  ties: rotate\n'));
const bulkBundle = (ties: 'name' | 'rotate', rules: string[]): Promise<Bundle> =>
  compileFixture(`${withTies(ties)}---${offersYaml}${bulk}---\n${strategy('s', rules)}`, { base: false });
const member = { customerId: 'c1', age: 40, income: 1000 };

describe.each(['name', 'rotate'] as const)('with ties: %s, a zone whose scored pairs all wait in the walk’s heap at once', (ties) => {
  it('ranks 40 pairs scored from the offer and the member below a top rule’s offer, highest cost first', async () => {
    const bundle = await bulkBundle(ties, [
      "{ name: by-cost, offerList: bulk, scoreExpression: 'offer.cost * profile.income / 1000.0' }",
      '{ name: must, offer: savings-plus, score: 0, priority: top }',
    ]);
    const decision = createEngine(bundle).decide(request({ count: OFFERS + 1 }, member));
    expect(core(decision)).toEqual(new ReferenceEngine(bundle).decide(request({ count: OFFERS + 1 }, member)));
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([['savings-plus', 0], ...names.map((name, i) => [name, i + 1]).reverse()]);
  });

  it.each([
    ['one static score', '{ name: flat, offerList: bulk, score: 5 }'],
    ['one score from the member', "{ name: flat, offerList: bulk, scoreExpression: 'profile.income / 200.0' }"],
  ])('ranks 40 pairs that share %s, by name or by the member’s rotation', async (_label, rule) => {
    const bundle = await bulkBundle(ties, [rule]);
    const decision = createEngine(bundle).decide(request({ count: OFFERS }, member));
    expect(core(decision)).toEqual(new ReferenceEngine(bundle).decide(request({ count: OFFERS }, member)));
    expect(decision.offers.map((o) => o.score)).toEqual(names.map(() => 5));
    expect([...offersOf(decision)].sort()).toEqual(names);
    if (ties === 'name') expect(offersOf(decision)).toEqual(names);
  });

  it('ranks 40 pairs of a split score whose offer halves all tie, by name or by the member’s rotation', async () => {
    const bundle = await bulkBundle(ties, ["{ name: flat-split, offerList: bulk, scoreExpression: 'offer.cost * 0.0 + profile.income / 100.0' }"]);
    const decision = createEngine(bundle).decide(request({ count: OFFERS }, member));
    expect(core(decision)).toEqual(new ReferenceEngine(bundle).decide(request({ count: OFFERS }, member)));
    expect(decision.offers.map((o) => o.score)).toEqual(names.map(() => 10));
    expect([...offersOf(decision)].sort()).toEqual(names);
    if (ties === 'name') expect(offersOf(decision)).toEqual(names);
  });
});

describe('an offer whose cost is past the magnitude the error analysis assumes (10¹⁵)', () => {
  const offer = (name: string, cost: string): string => `---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name} }\nspec: { displayName: ${name}, cost: ${cost} }\n`;
  const rules = (must: string): string =>
    strategy('s', [`{ name: must, offer: ${must}, score: 1, priority: top }`, "{ name: by-cost, offer: huge-cost, scoreExpression: 'offer.cost * double(profile.age)' }"]);
  it.each([
    ['beside offers that cost little', (): Promise<Bundle> => compileFixture(rules('gold-card') + offer('huge-cost', '1.0e300'))],
    [
      'when every offer of the bundle costs that much',
      (): Promise<Bundle> => compileFixture(`${channelYaml}${offer('huge-cost', '1.0e300')}${offer('huge-too', '2.0e300')}---\n${rules('huge-too')}`, { base: false }),
    ],
  ])('%s, makes every decision of the zone look for failures: a score of cost × age that overflows is reported from a rule the walk never reaches', async (_label, compile) => {
    const bundle = await compile();
    const engine = createEngine(bundle);
    const decide = (age: number): Decision => engine.decide(request({ count: 1 }, { customerId: 'c1', age }));
    const must = bundle.body.rules[0]!.offers;
    expect(offersOf(decide(40))).toEqual(must);
    expect(decide(40).errors).toEqual([]);
    const overflow = decide(1e10);
    expect(core(overflow)).toEqual(new ReferenceEngine(bundle).decide(request({ count: 1 }, { customerId: 'c1', age: 1e10 })));
    expect(offersOf(overflow)).toEqual(must);
    expect(overflow.errors).toEqual([
      {
        code: 'expression-error',
        place: "strategy 's' rule 'by-cost' scoreExpression",
        message: "strategy 's' rule 'by-cost' scoreExpression: scoreExpression gave Infinity, not a finite number (the rule gives this offer no score)",
      },
    ]);
  });
});
