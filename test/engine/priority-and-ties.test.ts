// docs/decisions.md#ties-and-top-priority: `priority: top` rules rank first, and
// `ties: rotate` orders equal scores by a stable hash of (member, offer, day) — stable
// within a day, changing across days. Hand-derived cases, then the fast path against the
// exhaustive reference on random members with every kind of score.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { Decision, DecisionRequest } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { compileFixture, offersOf, request, strategy } from './engine-fixture.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';

// The rotate hash as docs/decisions.md#ties-and-top-priority writes it, implemented here
// again from that text: FNV-1a 32 over UTF-8 of `id 0x00 offer 0x00 day`, then fmix32.
function documentedHash(id: string, offer: string, day: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`${id}\0${offer}\0${day}`)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const shop = `
apiVersion: offerops/v1
kind: Channel
metadata: { name: shop }
spec:
  ties: rotate
  audienceLevels:
    - name: customer
      idField: customerId
      attributes: { age: { type: int }, income: { type: double } }
  zones:
    - name: main
      interactionPoints: [{ name: shop-main }]
---
`;

const rotating = strategy('shop-rules', [
  '{ name: s-gold, offer: gold-card, score: 50 }',
  '{ name: s-plat, offer: platinum-card, score: 50 }',
  '{ name: s-save, offer: savings-plus, score: 50 }',
  '{ name: s-travel, offer: travel-insurance, score: 70 }',
]).replace('channel: web', 'channel: shop');

const DAY = 86_400_000;
const dayAfter = (iso: string, n: number): string => new Date(Date.parse(iso + 'T00:00:00Z') + n * DAY).toISOString().slice(0, 10);
const shopRequest = (id: string, at: string, extra: Partial<DecisionRequest> = {}): DecisionRequest => ({
  channel: 'shop',
  interactionPoint: 'shop-main',
  audience: { id, profile: { customerId: id, age: 40 } },
  at,
  count: 4,
  ...extra,
});

describe('ties: rotate', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createEngine(await compileFixture(shop + rotating));
  });

  it('orders equal scores by the documented hash of (member, offer, day), higher scores first', () => {
    for (const id of ['c1', 'c2', 'c3']) {
      for (const at of ['2026-05-01', '2026-05-02']) {
        const tied = ['gold-card', 'platinum-card', 'savings-plus'].sort((a, b) => documentedHash(id, a, at) - documentedHash(id, b, at));
        expect(offersOf(engine.decide(shopRequest(id, at)))).toEqual(['travel-insurance', ...tied]);
      }
    }
  });

  it('keeps equal scores in offer name order on a channel without ties: rotate, in the explanation too', async () => {
    const web = createEngine(await compileFixture(rotating.replace('channel: shop', 'channel: web')));
    for (const id of ['c1', 'c2', 'c3']) {
      const explained = web.decide(request({ count: 2, explain: true, audience: { id, profile: { customerId: id, age: 40 } } }));
      expect(offersOf(explained)).toEqual(['travel-insurance', 'gold-card']);
      expect(explained.explain!.filter((e) => e.outcome !== 'rank').map((e) => [e.offer, e.rank])).toEqual([
        ['travel-insurance', 1],
        ['gold-card', 2],
      ]);
      const ranked = explained.explain!.filter((e) => e.outcome === 'rank').sort((a, b) => a.rank! - b.rank!);
      expect(ranked.map((e) => [e.offer, e.rank])).toEqual([
        ['platinum-card', 3],
        ['savings-plus', 4],
      ]);
    }
  });

  it('explains the same rotate order: the tied offers past the count ranked where the decision puts them', () => {
    for (const id of ['c1', 'c2', 'c3']) {
      const order = offersOf(engine.decide(shopRequest(id, '2026-05-01')));
      const explained = engine.decide(shopRequest(id, '2026-05-01', { count: 2, explain: true }));
      expect(offersOf(explained)).toEqual(order.slice(0, 2));
      const ranked = explained.explain!.filter((e) => e.outcome === 'rank').sort((a, b) => a.rank! - b.rank!);
      expect(ranked.map((e) => [e.offer, e.rank])).toEqual([
        [order[2], 3],
        [order[3], 4],
      ]);
    }
  });

  it('is stable within a day: the same order again, with or without a session', () => {
    const first = offersOf(engine.decide(shopRequest('c7', '2026-05-01')));
    const cache = engine.newSegmentCache();
    for (let i = 0; i < 3; i++) {
      expect(offersOf(engine.decide(shopRequest('c7', '2026-05-01')))).toEqual(first);
      expect(offersOf(engine.decide(shopRequest('c7', '2026-05-01'), cache))).toEqual(first);
    }
    // Asking for fewer gives the head of the same order.
    expect(offersOf(engine.decide(shopRequest('c7', '2026-05-01', { count: 2 })))).toEqual(first.slice(0, 2));
  });

  it('changes across days: over two weeks a member sees more than one order, each tied offer first on some day', () => {
    const orders = new Set<string>();
    const leaders = new Set<string>();
    for (let d = 0; d < 14; d++) {
      const offers = offersOf(engine.decide(shopRequest('c7', dayAfter('2026-05-01', d))));
      expect(offers[0]).toBe('travel-insurance');
      orders.add(offers.join());
      leaders.add(offers[1]!);
    }
    expect(orders.size).toBeGreaterThan(1);
    expect([...leaders].sort()).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
  });

  it('leaves a channel without it ordering equal scores by name', async () => {
    const web = createEngine(await compileFixture(strategy('s', ['{ name: a, offer: savings-plus, score: 50 }', '{ name: b, offer: gold-card, score: 50 }', '{ name: c, offer: platinum-card, score: 50 }'])));
    for (const id of ['c1', 'c2', 'c3']) expect(offersOf(web.decide(request({ audience: { id, profile: { customerId: id, age: 40 } } })))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
  });
});

describe('priority: top', () => {
  it('ranks the offers of top rules above every other offer, among themselves by score then name', async () => {
    const engine = createEngine(
      await compileFixture(
        strategy('s', ['{ name: hi, offer: gold-card, score: 90 }', '{ name: svc-1, offer: savings-plus, score: 10, priority: top }', '{ name: svc-2, offer: travel-insurance, score: 20, priority: top }', '{ name: mid, offer: platinum-card, score: 60, priority: normal }']),
      ),
    );
    const decision = engine.decide(request({ count: 4 }));
    expect(decision.offers.map((o) => [o.offer, o.score, o.rule])).toEqual([
      ['travel-insurance', 20, 'svc-2'],
      ['savings-plus', 10, 'svc-1'],
      ['gold-card', 90, 'hi'],
      ['platinum-card', 60, 'mid'],
    ]);
    // With room for one, the top offer wins over a higher score.
    expect(offersOf(engine.decide(request({ count: 1 })))).toEqual(['travel-insurance']);
    // The explanation ranks them the same: the top offers chosen, the others ranked 3 and 4.
    const explained = engine.decide(request({ count: 2, explain: true }));
    expect(offersOf(explained)).toEqual(['travel-insurance', 'savings-plus']);
    expect(explained.explain!.map((e) => [e.offer, e.outcome, e.rank])).toEqual(
      expect.arrayContaining([
        ['travel-insurance', 'chosen', expect.anything()],
        ['savings-plus', 'chosen', expect.anything()],
        ['gold-card', 'rank', 3],
        ['platinum-card', 'rank', 4],
      ]),
    );
  });

  it.each([
    ['before it', ['{ name: hi, offer: platinum-card, score: 95 }', '{ name: other, offer: gold-card, score: 90 }', '{ name: svc, offer: platinum-card, score: 5, priority: top }']],
    ['after it', ['{ name: svc, offer: platinum-card, score: 5, priority: top }', '{ name: hi, offer: platinum-card, score: 95 }', '{ name: other, offer: gold-card, score: 90 }']],
  ])("makes an offer reached by a top rule and by a rule with a higher score %s top, with the top rule's score, and explains the other", async (_order, rules) => {
    const engine = createEngine(await compileFixture(strategy('s', rules)));
    const decision = engine.decide(request({ count: 2, explain: true }));
    expect(decision.offers.map((o) => [o.offer, o.score, o.rule])).toEqual([
      ['platinum-card', 5, 'svc'],
      ['gold-card', 90, 'other'],
    ]);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'platinum-card', rule: 'svc', outcome: 'chosen', score: 5 }));
    expect(decision.explain).toContainEqual({ offer: 'platinum-card', rule: 'hi', outcome: 'lower-score-duplicate', reason: "rule 'svc' has priority top and gives this offer too", score: 95 });
  });

  it('gives the offer through the other rule when the member is in the top rule\'s control group', async () => {
    const engine = createEngine(await compileFixture(strategy('s', ['{ name: hi, offer: platinum-card, score: 95 }', '{ name: other, offer: gold-card, score: 90 }', '{ name: svc, offer: platinum-card, score: 5, priority: top, controlGroup: { percent: 100 } }'])));
    const decision = engine.decide(request({ count: 2 }));
    expect(decision.offers.map((o) => [o.offer, o.rule])).toEqual([
      ['platinum-card', 'hi'],
      ['gold-card', 'other'],
    ]);
    expect(decision.controlGroups).toEqual(['svc']);
  });

  it('ranks a top rule\'s computed score above a higher fixed score of a normal rule', async () => {
    // svc-split (offer half + member half) and svc-eager (a product) are scored during the
    // decision; the normal rules' offers score higher, and must still come after both.
    const engine = createEngine(
      await compileFixture(
        strategy('s', [
          '{ name: hi, offer: gold-card, score: 90 }',
          "{ name: svc-split, offer: savings-plus, scoreExpression: 'offer.cost + double(profile.age) / 10.0', priority: top }",
          "{ name: svc-eager, offer: travel-insurance, scoreExpression: 'double(profile.age) * (offer.cost + 0.5)', priority: top }",
          "{ name: mid, offer: platinum-card, scoreExpression: 'offer.cost * double(profile.age)' }",
        ]),
      ),
    );
    expect(engine.decide(request({ count: 4 })).offers.map((o) => [o.offer, o.score, o.rule])).toEqual([
      ['travel-insurance', 20, 'svc-eager'],
      ['savings-plus', 4, 'svc-split'],
      ['platinum-card', 160, 'mid'],
      ['gold-card', 90, 'hi'],
    ]);
  });

  it('ranks top offers of a rotating channel by score, then the rotate key', async () => {
    const engine = createEngine(await compileFixture(shop + rotating.replace('{ name: s-gold, offer: gold-card, score: 50 }', '{ name: s-gold, offer: gold-card, score: 1, priority: top }')));
    for (let d = 0; d < 5; d++) {
      const order = offersOf(engine.decide(shopRequest('c1', dayAfter('2026-05-01', d))));
      expect(order.slice(0, 2)).toEqual(['gold-card', 'travel-insurance']);
      // The explanation ranks the rest where the decision puts them.
      const explained = engine.decide(shopRequest('c1', dayAfter('2026-05-01', d), { count: 1, explain: true }));
      expect(explained.explain!.filter((e) => e.outcome === 'rank').sort((a, b) => a.rank! - b.rank!).map((e) => [e.offer, e.rank])).toEqual(order.slice(1).map((offer, i) => [offer, i + 2]));
    }
  });
});

describe('the fast path with top rules and rotating ties decides as the exhaustive reference', () => {
  const core = (decision: Decision | ReferenceDecision): ReferenceDecision => {
    const out: ReferenceDecision = { offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors };
    if (decision.defaultString !== undefined) out.defaultString = decision.defaultString;
    return out;
  };
  // Static, member-only, split and per-pair scores, ties at 50, holdouts, top rules of each kind.
  const rules = [
    '{ name: t-static, offerList: credit-offers, score: 50, priority: top, controlGroup: { percent: 30 } }',
    '{ name: t-member, offer: savings-plus, scoreExpression: "double(profile.age) / 2.0", priority: top, eligibility: "profile.age > 30" }',
    '{ name: n-tie-1, offer: gold-card, score: 50 }',
    '{ name: n-tie-2, offer: savings-plus, score: 50 }',
    '{ name: n-tie-3, offer: travel-insurance, score: 50, controlGroup: { percent: 40 } }',
    '{ name: n-member, offer: platinum-card, scoreExpression: "profile.income / 2000.0" }',
    '{ name: n-member-2, offerList: credit-offers, scoreExpression: "profile.income / 2000.0" }',
    '{ name: n-split, offerList: credit-offers, scoreExpression: "offer.cost * 10.0 + double(profile.age) / 2.0" }',
    '{ name: n-eager, offerList: credit-offers, scoreExpression: "profile.age > 40 ? offer.cost * 20.0 : 50.0", controlGroup: { percent: 20 } }',
  ];
  let bundles: Bundle[];
  beforeAll(async () => {
    bundles = [await compileFixture(shop + strategy('s', rules).replace('channel: web', 'channel: shop')), await compileFixture(strategy('s', rules))];
  });

  it('on 400 random members per channel, several days, with and without explain and a session', () => {
    const stream = createRandom(1616);
    const random = (): number => stream.next();
    let compared = 0;
    let control = 0;
    for (const bundle of bundles) {
      const engine = createEngine(bundle);
      const reference = new ReferenceEngine(bundle);
      const rotate = bundle.body.channels.some((c) => c.ties === 'rotate');
      for (let m = 0; m < 400; m++) {
        const id = `m${m}`;
        const age = random() < 0.5 ? 100 : Math.floor(random() * 80);
        const income = random() < 0.5 ? 100000 : Math.floor(random() * 200000);
        const req: DecisionRequest = {
          ...(rotate ? { channel: 'shop', interactionPoint: 'shop-main' } : { interactionPoint: 'home-sidebar' }),
          audience: { id, profile: { customerId: id, age, income } },
          at: dayAfter('2026-05-01', Math.floor(random() * 20)),
          count: 1 + Math.floor(random() * 5),
        };
        const expected = reference.decide(req);
        expect(core(engine.decide(req)), id).toEqual(expected);
        expect(core(engine.decide({ ...req, explain: true })), `${id} explain`).toEqual(expected);
        const cache = engine.newSegmentCache();
        expect(core(engine.decide(req, cache)), `${id} cache`).toEqual(expected);
        expect(core(engine.decide({ ...req, count: 5 }, cache)), `${id} cache, more`).toEqual(reference.decide({ ...req, count: 5 }));
        compared++;
        if (expected.controlGroups.length > 0) control++;
      }
    }
    expect(compared).toBe(800);
    expect(control).toBeGreaterThan(50);
  });
});
