// A zone with more pairs in the ranked walk's heap at once than the heap first holds (16):
// every pair of a rule whose score reads both the offer and the member is scored before
// any is given, and under `ties: rotate` a run of equal static scores waits in the heap
// together. The decision must rank all of them, the same as the exhaustive reference.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Decision } from '../../src/engine/types.js';
import { compileFixture, request } from './engine-fixture.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';

/** More offers than the heap's first size, and than twice it. */
const OFFERS = 40;
const names = Array.from({ length: OFFERS }, (_, i) => `bulk-${String(i + 1).padStart(2, '0')}`);

function config(ties: 'name' | 'rotate'): string {
  const channel = `apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  ties: ${ties}
  audienceLevels:
    - name: customer
      idField: customerId
      attributes: { age: { type: int }, income: { type: double } }
  zones:
    - name: home
      interactionPoints: [{ name: home-sidebar }]
`;
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
  const strategy = `---\napiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: s }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - ${r}`).join('\n')}\n`;
  return channel + offers.join('') + list + strategy;
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
