// docs/decisions.md#list-picking: a rule with `pick: {count, by}` gives only `count` of its
// list's offers, chosen among those the member can get on the day. Hand-derived cases for
// each order, the boundaries of count, offers the member cannot get, the explanation, and
// the fast path against the exhaustive reference on random members.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { rotationHash, rotationStart } from '../../src/engine/list-pick.js';
import type { Decision, DecisionRequest, HistoryRow } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { channelYaml, compileFixture, offersOf, offersYaml, request, strategy } from './engine-fixture.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';

// The list, in its written order; costs give by-score its order, effective days by-newest's:
//   isa-easy      cost 1  effective 2026-04-01
//   isa-fixed     cost 3  effective 2026-02-01  maxRejects 1
//   isa-junior    cost 2  (no effective)
//   isa-lifetime  cost 4  effective 2026-04-01
const savings = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: isa-easy, labels: { category: isa } }
spec: { displayName: Easy ISA, cost: 1, effective: 2026-04-01 }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: isa-fixed, labels: { category: isa } }
spec: { displayName: Fixed ISA, cost: 3, effective: 2026-02-01, suppression: { maxRejects: 1 } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: isa-junior, labels: { category: isa } }
spec: { displayName: Junior ISA, cost: 2 }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: isa-lifetime, labels: { category: isa } }
spec: { displayName: Lifetime ISA, cost: 4, effective: 2026-04-01 }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: isas }
spec: { offers: [isa-easy, isa-fixed, isa-junior, isa-lifetime] }
---
`;
const LIST = ['isa-easy', 'isa-fixed', 'isa-junior', 'isa-lifetime'];
const AT = '2026-05-01';
const rejectFixed: HistoryRow[] = [{ customerId: 'c1', offer: 'isa-fixed', channel: 'web', date: '2026-04-20', event: 'reject' }];

async function pickEngine(rule: string, more: string[] = []): Promise<Engine> {
  return createEngine(await compileFixture(savings + strategy('s', [rule, ...more])));
}

const scored = (decision: Decision): [string, number, string][] => decision.offers.map((o) => [o.offer, o.score, o.rule]);

// The rotation as docs/decisions.md#list-picking writes it, implemented again from that text.
function documentedStart(id: string, rule: string, day: string, size: number): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`${id}\0${rule}`)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const days = Date.parse(`${day}T00:00:00Z`) / 86_400_000;
  return ((h >>> 0) + days) % size;
}

const DAY = 86_400_000;
const dayAfter = (iso: string, n: number): string => new Date(Date.parse(iso + 'T00:00:00Z') + n * DAY).toISOString().slice(0, 10);
const member = (id: string): DecisionRequest['audience'] => ({ id, profile: { customerId: id, age: 40 } });

describe('pick by score', () => {
  const rule = (count: number): string => `{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 10.0', pick: { count: ${count}, by: score } }`;

  it.each([
    [1, ['isa-lifetime']],
    [3, ['isa-lifetime', 'isa-fixed', 'isa-junior']],
    [4, ['isa-lifetime', 'isa-fixed', 'isa-junior', 'isa-easy']],
    [5, ['isa-lifetime', 'isa-fixed', 'isa-junior', 'isa-easy']],
  ])('count %i of a 4-offer list gives the highest-scored offers, that many at most', async (count, expected) => {
    const engine = await pickEngine(rule(count));
    expect(offersOf(engine.decide(request({ at: AT, count: 10 })))).toEqual(expected);
  });

  it('gives the picked offers their own scores and the rule', async () => {
    const engine = await pickEngine(rule(2));
    expect(scored(engine.decide(request({ at: AT, count: 10 })))).toEqual([
      ['isa-lifetime', 40, 'isa-pick'],
      ['isa-fixed', 30, 'isa-pick'],
    ]);
  });

  it('never wastes a slot on a suppressed offer: the next best takes it', async () => {
    const engine = await pickEngine(rule(2));
    expect(offersOf(engine.decide(request({ at: AT, count: 10, history: rejectFixed })))).toEqual(['isa-lifetime', 'isa-junior']);
  });

  it('skips an offer given to an earlier point of the batch', async () => {
    const engine = await pickEngine(rule(2));
    expect(offersOf(engine.decide(request({ at: AT, count: 10, givenEarlier: { 'isa-lifetime': 'home-hero' } })))).toEqual(['isa-fixed', 'isa-junior']);
    const explained = engine.decide(request({ at: AT, count: 10, givenEarlier: { 'isa-lifetime': 'home-hero' }, explain: true }));
    expect(explained.explain).toContainEqual({
      offer: 'isa-lifetime',
      rule: 'isa-pick',
      outcome: 'given-earlier',
      reason: "given to interaction point 'home-hero' earlier in this batch (dedupe)",
      score: 40,
    });
  });

  it('skips offers accepted or rejected earlier in the session, and explains them as the session rules do', async () => {
    const sessionChannel = channelYaml.replace('spec:\n  audienceLevels:', 'spec:\n  session: { suppressAccepted: true, suppressRejected: true }\n  audienceLevels:');
    const engine = createEngine(await compileFixture(sessionChannel + '---\n' + offersYaml + '---\n' + savings + strategy('s', [rule(2)]), { base: false }));
    const sessionActivity = { accepted: ['isa-lifetime'], rejected: ['isa-fixed'] };
    expect(offersOf(engine.decide(request({ at: AT, count: 10, sessionActivity })))).toEqual(['isa-junior', 'isa-easy']);
    const decision = engine.decide(request({ at: AT, count: 10, sessionActivity, explain: true }));
    expect(decision.explain).toContainEqual({
      offer: 'isa-lifetime',
      rule: 'isa-pick',
      outcome: 'session-accepted',
      reason: "accepted earlier in this session (session suppressAccepted on channel 'web')",
      score: 40,
    });
    expect(decision.explain).toContainEqual({
      offer: 'isa-fixed',
      rule: 'isa-pick',
      outcome: 'session-rejected',
      reason: "rejected earlier in this session (session suppressRejected on channel 'web')",
      score: 30,
    });
  });

  it('picks among the offers live on the day and eligible', async () => {
    // Before 2026-04-01 only isa-fixed and isa-junior are live.
    const engine = await pickEngine(rule(2));
    expect(offersOf(engine.decide(request({ at: '2026-03-15', count: 10 })))).toEqual(['isa-fixed', 'isa-junior']);
    const eligible = await pickEngine(`{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 10.0', eligibility: 'offer.cost < 4.0', pick: { count: 2, by: score } }`);
    expect(offersOf(eligible.decide(request({ at: AT, count: 10 })))).toEqual(['isa-fixed', 'isa-junior']);
  });

  it('takes an int score as a number', async () => {
    const engine = await pickEngine("{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost > 2.0 ? 7 : 3', pick: { count: 2, by: score } }");
    expect(scored(engine.decide(request({ at: AT, count: 10 })))).toEqual([
      ['isa-fixed', 7, 'isa-pick'],
      ['isa-lifetime', 7, 'isa-pick'],
    ]);
  });

  it('leaves out an offer whose score is not a finite number, and reports it', async () => {
    // Only isa-easy (cost 1) scores below the largest double.
    const engine = await pickEngine("{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 1e308', pick: { count: 2, by: score } }");
    const decision = engine.decide(request({ at: AT, count: 10 }));
    expect(scored(decision)).toEqual([['isa-easy', 1e308, 'isa-pick']]);
    expect(decision.errors).toEqual([
      {
        code: 'expression-error',
        place: "strategy 's' rule 'isa-pick' scoreExpression",
        message: "strategy 's' rule 'isa-pick' scoreExpression: scoreExpression gave Infinity, not a finite number (the rule gives this offer no score)",
      },
    ]);
  });

  it('gives an offer whose scoreExpression fails no place in the pick, not even with the rule\'s own score', async () => {
    // isa-fixed (cost 3) and isa-lifetime (cost 4) score past the largest double; the rule's score 100 is not theirs.
    const engine = await pickEngine("{ name: isa-pick, offerList: isas, score: 100, scoreExpression: 'offer.cost > 2.0 ? offer.cost * 1e308 : offer.cost', pick: { count: 2, by: score } }");
    expect(scored(engine.decide(request({ at: AT, count: 10 })))).toEqual([
      ['isa-junior', 2, 'isa-pick'],
      ['isa-easy', 1, 'isa-pick'],
    ]);
  });

  it('picks only among the offers whose eligibility holds: one that fails is left out of the pick, and reported', async () => {
    // Without an income the eligibility fails for isa-fixed (cost 3) and isa-lifetime (cost 4): the pick is then junior and easy.
    const engine = await pickEngine(
      "{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 10.0', eligibility: 'offer.cost > 2.0 ? profile.income > 1000.0 : true', pick: { count: 2, by: score } }",
    );
    const decision = engine.decide(request({ at: AT, count: 10 }, { customerId: 'c1', age: 40 }));
    expect(offersOf(decision)).toEqual(['isa-junior', 'isa-easy']);
    expect(decision.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'isa-pick' eligibility" })]);
    expect(offersOf(engine.decide(request({ at: AT, count: 10 }, { customerId: 'c1', age: 40, income: 2000 })))).toEqual(['isa-lifetime', 'isa-fixed']);
  });

  it('orders equal scores by offer name', async () => {
    const engine = await pickEngine('{ name: isa-pick, offerList: isas, score: 50, pick: { count: 2, by: score } }');
    expect(offersOf(engine.decide(request({ at: AT, count: 10 })))).toEqual(['isa-easy', 'isa-fixed']);
  });

  it('limits only what the picking rule gives: another rule still gives an offer it left out', async () => {
    const engine = await pickEngine(rule(1), ['{ name: junior-too, offer: isa-junior, score: 5 }']);
    expect(scored(engine.decide(request({ at: AT, count: 10 })))).toEqual([
      ['isa-lifetime', 40, 'isa-pick'],
      ['isa-junior', 5, 'junior-too'],
    ]);
  });

  it('explains the offers left out as not-picked, and a suppressed one as suppressed', async () => {
    const engine = await pickEngine(rule(1));
    const decision = engine.decide(request({ at: AT, count: 10, history: rejectFixed, explain: true }));
    expect(offersOf(decision)).toEqual(['isa-lifetime']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'isa-fixed', rule: 'isa-pick', outcome: 'suppressed', score: 30 }));
    expect(decision.explain).toContainEqual({
      offer: 'isa-junior',
      rule: 'isa-pick',
      outcome: 'not-picked',
      reason: "rule 'isa-pick' picks 1 of offer list 'isas' by score: this offer came 2nd of the 3 the member can get (picked: isa-lifetime)",
      score: 20,
    });
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'isa-easy', outcome: 'not-picked' }));
    // With a pick of two, the reason names both picked offers.
    const two = (await pickEngine(rule(2))).decide(request({ at: AT, count: 10, explain: true }));
    expect(two.explain).toContainEqual(
      expect.objectContaining({
        offer: 'isa-easy',
        outcome: 'not-picked',
        reason: "rule 'isa-pick' picks 2 of offer list 'isas' by score: this offer came 4th of the 4 the member can get (picked: isa-lifetime, isa-fixed)",
      }),
    );
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'isa-lifetime', rule: 'isa-pick', outcome: 'chosen' }));
  });

  it('gives nothing to a member in the rule\'s control group, and records it', async () => {
    const engine = await pickEngine("{ name: isa-pick, offerList: isas, scoreExpression: 'offer.cost * 10.0', pick: { count: 2, by: score }, controlGroup: { percent: 100 } }");
    const decision = engine.decide(request({ at: AT, count: 10 }));
    expect(decision.offers).toEqual([]);
    expect(decision.controlGroups).toEqual(['isa-pick']);
  });
});

describe('pick by newest', () => {
  it.each([
    // 04-01 twice (easy before lifetime by name), then 02-01, then the one without a date.
    [1, ['isa-easy']],
    [2, ['isa-easy', 'isa-lifetime']],
    [3, ['isa-easy', 'isa-lifetime', 'isa-fixed']],
    [4, ['isa-easy', 'isa-lifetime', 'isa-fixed', 'isa-junior']],
  ])('count %i: latest effective day first, equal days by name, an offer without one last', async (count, expected) => {
    const engine = await pickEngine(`{ name: newest, offerList: isas, score: 50, pick: { count: ${count}, by: newest } }`);
    // Equal scores: the response ranks them by name too.
    expect(offersOf(engine.decide(request({ at: AT, count: 10 }))).sort()).toEqual([...expected].sort());
  });

  it('picks among the offers live on the day: an offer on its last day counts, the day after it does not', async () => {
    // travel-insurance (effective 2026-03-01, expires 2026-09-30) is the newest; the others have no effective day.
    const list = 'apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: travel-and-more }\nspec: { offers: [travel-insurance, gold-card, savings-plus] }\n---\n';
    const engine = createEngine(await compileFixture(list + strategy('s', ['{ name: newest, offerList: travel-and-more, score: 50, pick: { count: 1, by: newest } }'])));
    expect(offersOf(engine.decide(request({ at: '2026-09-29', count: 10 })))).toEqual(['travel-insurance']);
    expect(offersOf(engine.decide(request({ at: '2026-09-30', count: 10 })))).toEqual(['travel-insurance']);
    expect(offersOf(engine.decide(request({ at: '2026-10-01', count: 10 })))).toEqual(['gold-card']);
  });

  it('passes an offer the member cannot get over for the next newest', async () => {
    const engine = await pickEngine('{ name: newest, offerList: isas, score: 50, pick: { count: 2, by: newest } }');
    expect(offersOf(engine.decide(request({ at: AT, count: 10, givenEarlier: { 'isa-easy': 'home-hero' } }))).sort()).toEqual(['isa-fixed', 'isa-lifetime']);
    // Before 2026-04-01 only isa-fixed and isa-junior are live; isa-fixed rejected once is suppressed (maxRejects 1).
    const history: HistoryRow[] = [{ ...rejectFixed[0]!, date: '2026-03-10' }];
    expect(offersOf(engine.decide(request({ at: '2026-03-15', count: 10 })))).toEqual(['isa-fixed', 'isa-junior']);
    expect(offersOf(engine.decide(request({ at: '2026-03-15', count: 10, history })))).toEqual(['isa-junior']);
  });
});

describe('pick by rotate', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await pickEngine('{ name: isa-rotation, offerList: isas, score: 50, pick: { count: 1, by: rotate } }');
  });
  const pickOn = (id: string, at: string, extra: Partial<DecisionRequest> = {}): string[] => offersOf(engine.decide(request({ audience: member(id), at, count: 10, ...extra })));

  it('gives the offer at the documented start of the member\'s rotation', () => {
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) {
      for (let d = 0; d < 6; d++) {
        const at = dayAfter(AT, d);
        expect(pickOn(id, at), `${id} on ${at}`).toEqual([LIST[documentedStart(id, 'isa-rotation', at, 4)]!]);
      }
    }
  });

  it('starts at (h + day) mod size, within the list also when h + day is negative (days before 1970)', () => {
    // h + day = -1, 0, 1 and far below 0.
    const h = rotationHash('c1', 'isa-rotation');
    expect([-1, 0, 1].map((k) => rotationStart('c1', 'isa-rotation', k - h, 4))).toEqual([3, 0, 1]);
    expect(rotationStart('c1', 'isa-rotation', -(2 ** 33), 4)).toBe((((h - 2 ** 33) % 4) + 4) % 4);
  });

  it('is stable within a day, with or without a session', () => {
    const first = pickOn('c7', AT);
    const cache = engine.newSegmentCache();
    for (let i = 0; i < 3; i++) {
      expect(pickOn('c7', AT)).toEqual(first);
      expect(offersOf(engine.decide(request({ audience: member('c7'), at: AT, count: 10 }), cache))).toEqual(first);
    }
  });

  it('moves one offer a day in the list order: every offer of the list shows up over 14 days', () => {
    const seen: string[] = [];
    for (let d = 0; d < 14; d++) seen.push(pickOn('c7', dayAfter(AT, d))[0]!);
    for (let d = 1; d < 14; d++) expect(LIST.indexOf(seen[d]!)).toBe((LIST.indexOf(seen[d - 1]!) + 1) % 4);
    expect(new Set(seen)).toEqual(new Set(LIST));
  });

  it('hands a suppressed offer\'s turn to the next offer of the circle', () => {
    // The day on which isa-fixed (position 1) has the turn for c1.
    const day = Array.from({ length: 4 }, (_, d) => dayAfter(AT, d)).find((at) => documentedStart('c1', 'isa-rotation', at, 4) === 1)!;
    expect(pickOn('c1', day)).toEqual(['isa-fixed']);
    expect(pickOn('c1', day, { history: rejectFixed })).toEqual(['isa-junior']);
  });

  it('rotates through the offers the rule gives on the day: a circle of the live ones', () => {
    // Before 2026-04-01 only isa-fixed and isa-junior are live: they alternate day by day.
    const live = ['isa-fixed', 'isa-junior'];
    const seen: string[] = [];
    for (let d = 0; d < 6; d++) {
      const at = dayAfter('2026-03-10', d);
      seen.push(pickOn('c3', at)[0]!);
      expect(seen[d]).toBe(live[documentedStart('c3', 'isa-rotation', at, 2)]);
      if (d > 0) expect(seen[d]).not.toBe(seen[d - 1]);
    }
  });

  it('gives count consecutive offers of the circle', async () => {
    const two = await pickEngine('{ name: isa-rotation, offerList: isas, score: 50, pick: { count: 2, by: rotate } }');
    for (let d = 0; d < 4; d++) {
      const at = dayAfter(AT, d);
      const start = documentedStart('c1', 'isa-rotation', at, 4);
      expect(offersOf(two.decide(request({ at, count: 10 }))).sort()).toEqual([LIST[start]!, LIST[(start + 1) % 4]!].sort());
    }
  });
});

describe('the fast path with list picks decides as the exhaustive reference', () => {
  const core = (decision: Decision | ReferenceDecision): ReferenceDecision => {
    const out: ReferenceDecision = { offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors };
    if (decision.defaultString !== undefined) out.defaultString = decision.defaultString;
    return out;
  };
  const session = `
apiVersion: offerops/v1
kind: Channel
metadata: { name: shop }
spec:
  ties: rotate
  session: { suppressAccepted: true, suppressRejected: true }
  audienceLevels:
    - name: customer
      idField: customerId
      attributes: { age: { type: int }, income: { type: double } }
  zones:
    - name: main
      interactionPoints: [{ name: shop-main }]
  events:
    - { name: clicked, actions: [logAccept] }
    - { name: dismissed, actions: [logReject] }
---
`;
  // Every order, static / member / split / eager / failing scores, per-offer eligibility, holdouts, top, overlaps with plain rules.
  const rules = [
    "{ name: p-score, offerList: isas, scoreExpression: 'offer.cost * 10.0 + double(profile.age) / 4.0', pick: { count: 2, by: score } }",
    '{ name: p-rotate, offerList: isas, score: 45, pick: { count: 1, by: rotate }, controlGroup: { percent: 25 } }',
    "{ name: p-newest, offerList: isas, scoreExpression: 'profile.income / 4000.0', pick: { count: 2, by: newest } }",
    "{ name: p-eager, offerList: credit-offers, scoreExpression: 'profile.age > 40 ? offer.cost * 20.0 : 50.0', eligibility: 'offer.cost > 1.0 || profile.age > 20', pick: { count: 1, by: score } }",
    '{ name: p-top, offerList: isas, score: 10, priority: top, pick: { count: 1, by: rotate } }',
    "{ name: p-fails, offerList: isas, scoreExpression: 'offer.cost > 2.0 ? profile.income / 1000.0 : 30.0', pick: { count: 2, by: score } }",
    '{ name: plain, offer: isa-junior, score: 42 }',
    '{ name: plain-2, offerList: credit-offers, score: 44 }',
  ];
  let bundles: Bundle[];
  beforeAll(async () => {
    bundles = [await compileFixture(savings + strategy('s', rules)), await compileFixture(savings + session + strategy('s', rules).replace('channel: web', 'channel: shop'))];
  });

  it('on 400 random members per channel, with histories, batches, sessions, explain and a session cache', () => {
    const stream = createRandom(1616);
    const random = (): number => stream.next();
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const offers = [...LIST, 'gold-card', 'platinum-card'];
    let compared = 0;
    let withOffers = 0;
    let notPicked = 0;
    for (const bundle of bundles) {
      const engine = createEngine(bundle);
      const reference = new ReferenceEngine(bundle);
      const shop = bundle.body.channels.some((c) => c.name === 'shop');
      for (let m = 0; m < 400; m++) {
        const id = `m${m}`;
        const profile: Record<string, unknown> = { customerId: id, age: Math.floor(random() * 80) };
        // Now and then no income: p-fails and p-newest fail for the member.
        if (random() < 0.8) profile['income'] = Math.floor(random() * 200000);
        const at = dayAfter('2026-03-20', Math.floor(random() * 30));
        const history: HistoryRow[] = [];
        for (let k = Math.floor(random() * 4); k > 0; k--) history.push({ customerId: id, offer: pick(offers), channel: 'web', date: dayAfter('2026-03-01', Math.floor(random() * 20)), event: pick(['contact', 'reject', 'accept'] as const) });
        const req: DecisionRequest = {
          ...(shop ? { channel: 'shop', interactionPoint: 'shop-main' } : { interactionPoint: 'home-sidebar' }),
          audience: { id, profile },
          at,
          count: 1 + Math.floor(random() * 6),
          history,
        };
        if (random() < 0.3) req.givenEarlier = { [pick(offers)]: 'elsewhere' };
        if (shop && random() < 0.5) req.sessionActivity = { offered: 0, accepted: random() < 0.5 ? [pick(offers)] : [], rejected: [pick(offers)] };
        const expected = reference.decide(req);
        expect(core(engine.decide(req)), id).toEqual(expected);
        const explained = engine.decide({ ...req, explain: true });
        expect(core(explained), `${id} explain`).toEqual(expected);
        const cache = engine.newSegmentCache();
        expect(core(engine.decide(req, cache)), `${id} cache`).toEqual(expected);
        // The same session, a different history: the pick must follow it.
        const later = { ...req, history: [...history, { customerId: id, offer: expected.offers[0]?.offer ?? 'isa-fixed', channel: 'web', date: at, event: 'reject' as const }] };
        expect(core(engine.decide(later, cache)), `${id} cache, new history`).toEqual(reference.decide(later));
        compared++;
        if (expected.offers.length > 0) withOffers++;
        if (explained.explain!.some((e) => e.outcome === 'not-picked')) notPicked++;
      }
    }
    expect(compared).toBe(800);
    expect(withOffers).toBeGreaterThan(600);
    expect(notPicked).toBeGreaterThan(400);
  });
});
