// docs/decisions.md#session-rules: a channel's `session` rules read what happened earlier
// in the session (`sessionActivity`): offers accepted or rejected in it are left out when
// the channel says so, and `maxOffers` caps the offers the session is given in all.
// Hand-derived cases at the cap's boundaries, then the fast path against the reference.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine, type SegmentCache } from '../../src/engine/engine.js';
import type { Decision, DecisionRequest, SessionActivity } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { channelYaml, compileFixture, offersOf, offersYaml, request, strategy } from './engine-fixture.js';
import { ReferenceEngine } from './reference-engine.js';

const rules = strategy('s', [
  '{ name: a, offer: gold-card, score: 90 }',
  '{ name: b, offer: platinum-card, score: 80 }',
  '{ name: c, offer: savings-plus, score: 70 }',
  '{ name: d, offer: travel-insurance, score: 60 }',
]);

function withSession(session: string, strategyYaml = rules): string {
  return channelYaml.replace('spec:\n  audienceLevels:', `spec:\n  session: ${session}\n  audienceLevels:`) + '---\n' + offersYaml + '---\n' + strategyYaml;
}

/** Decides in turn at each (point, count), carrying the session's offered count from one request to the next. */
function visit(engine: Engine, steps: [point: string, count: number][], activity: SessionActivity = {}): string[][] {
  let offered = activity.offered ?? 0;
  return steps.map(([point, count]) => {
    const decision = engine.decide(request({ interactionPoint: point, count, sessionActivity: { ...activity, offered } }));
    expect(decision.errors).toEqual([]);
    offered += decision.offers.length;
    return offersOf(decision);
  });
}

describe('session rules', () => {
  let capped: Engine;
  let suppressing: Engine;
  let plain: Engine;
  beforeAll(async () => {
    capped = createEngine(await compileFixture(withSession('{ maxOffers: 3 }'), { base: false }));
    suppressing = createEngine(await compileFixture(withSession('{ suppressAccepted: true, suppressRejected: true }'), { base: false }));
    plain = createEngine(await compileFixture(rules));
  });

  it('maxOffers 3: a session given 2 (N−1) gets one more, at 3 (N) and 4 (N+1) the point answers its default string', () => {
    const at = (offered: number): ReturnType<Engine['decide']> => capped.decide(request({ interactionPoint: 'home-hero', count: 2, sessionActivity: { offered } }));
    expect(offersOf(at(0))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(at(1))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(at(2))).toEqual(['gold-card']);
    expect(at(2).defaultString).toBeUndefined();
    for (const offered of [3, 4]) {
      expect(offersOf(at(offered))).toEqual([]);
      expect(at(offered).defaultString).toBe('Welcome back');
    }
  });

  it('counts the offers of every request and point of the session against maxOffers', () => {
    // 2 + 1 (the cap reached inside the second request) + 0.
    expect(visit(capped, [['home-sidebar', 2], ['checkout-upsell', 2], ['home-hero', 2]])).toEqual([['gold-card', 'platinum-card'], ['gold-card'], []]);
    // Requests of one offer each: the 3rd is the last one answered.
    expect(visit(capped, [['home-sidebar', 1], ['home-sidebar', 1], ['home-sidebar', 1], ['home-sidebar', 1]])).toEqual([['gold-card'], ['gold-card'], ['gold-card'], []]);
    // Without session rules the activity changes nothing.
    expect(visit(plain, [['home-sidebar', 2], ['checkout-upsell', 2], ['home-sidebar', 2]])).toEqual([
      ['gold-card', 'platinum-card'],
      ['gold-card', 'platinum-card'],
      ['gold-card', 'platinum-card'],
    ]);
  });

  it('explains the offers the cap keeps out as session-cap, and those the point would not take anyway as rank', () => {
    const decision = capped.decide(request({ interactionPoint: 'home-hero', count: 2, explain: true, sessionActivity: { offered: 2 } }));
    expect(offersOf(decision)).toEqual(['gold-card']);
    expect(decision.explain).toContainEqual({
      offer: 'platinum-card',
      rule: 'b',
      outcome: 'session-cap',
      reason: "ranked 2nd, but the session has had its 3 offers (session maxOffers 3 on channel 'web')",
      score: 80,
      rank: 2,
    });
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'savings-plus', outcome: 'rank', rank: 3 }));
    const none = capped.decide(request({ interactionPoint: 'home-hero', count: 2, explain: true, sessionActivity: { offered: 3 } }));
    expect(none.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'session-cap', rank: 1 }));
  });

  it('says a cap of one offer in the singular', async () => {
    const one = createEngine(await compileFixture(withSession('{ maxOffers: 1 }'), { base: false }));
    const decision = one.decide(request({ interactionPoint: 'home-hero', count: 2, explain: true, sessionActivity: { offered: 1 } }));
    expect(offersOf(decision)).toEqual([]);
    expect(decision.explain).toContainEqual(
      expect.objectContaining({ offer: 'gold-card', outcome: 'session-cap', reason: "ranked 1st, but the session has had its 1 offer (session maxOffers 1 on channel 'web')" }),
    );
  });

  it('lists no control group when the cap leaves no room, also in a session memo that recorded one at an earlier decision', async () => {
    const holdout = strategy('s', ['{ name: held, offer: gold-card, score: 90, controlGroup: { percent: 100 } }', '{ name: b, offer: platinum-card, score: 80 }']);
    const one = createEngine(await compileFixture(withSession('{ maxOffers: 1 }', holdout), { base: false }));
    const at = (offered: number, cache?: SegmentCache): Decision => one.decide(request({ interactionPoint: 'home-hero', count: 1, sessionActivity: { offered } }), cache);
    // The held-out rule's offer was in the running for the first offer of the session.
    expect(at(0).controlGroups).toEqual(['held']);
    expect(offersOf(at(0))).toEqual(['platinum-card']);
    // At the cap nothing is shown, so no holdout hid anything: with or without the visit's memo.
    expect(at(1).controlGroups).toEqual([]);
    const visit = one.newSegmentCache();
    expect(at(0, visit).controlGroups).toEqual(['held']);
    expect(at(1, visit)).toMatchObject({ offers: [], controlGroups: [], defaultString: 'Welcome back' });
  });

  it('leaves out offers accepted or rejected in the session, and fills their places from the ranking', () => {
    const decide = (activity: SessionActivity): string[] => offersOf(suppressing.decide(request({ count: 2, sessionActivity: activity })));
    expect(decide({})).toEqual(['gold-card', 'platinum-card']);
    expect(decide({ accepted: ['gold-card'] })).toEqual(['platinum-card', 'savings-plus']);
    expect(decide({ rejected: ['platinum-card'] })).toEqual(['gold-card', 'savings-plus']);
    expect(decide({ accepted: ['gold-card'], rejected: ['platinum-card', 'no-such-offer'] })).toEqual(['savings-plus', 'travel-insurance']);
    // Without the rules, accepts and rejects of the session change nothing.
    expect(offersOf(capped.decide(request({ count: 2, sessionActivity: { accepted: ['gold-card'], rejected: ['platinum-card'] } })))).toEqual(['gold-card', 'platinum-card']);
  });

  it('suppresses only what the channel asks for: suppressAccepted alone keeps rejected offers', async () => {
    const onlyAccepted = createEngine(await compileFixture(withSession('{ suppressAccepted: true }'), { base: false }));
    expect(offersOf(onlyAccepted.decide(request({ count: 2, sessionActivity: { accepted: ['gold-card'], rejected: ['platinum-card'] } })))).toEqual(['platinum-card', 'savings-plus']);
  });

  it('explains session-accepted and session-rejected with the score, outside the ranks', () => {
    const decision = suppressing.decide(request({ count: 1, explain: true, sessionActivity: { accepted: ['gold-card'], rejected: ['platinum-card'] } }));
    expect(decision.explain).toContainEqual({ offer: 'gold-card', rule: 'a', outcome: 'session-accepted', reason: "accepted earlier in this session (session suppressAccepted on channel 'web')", score: 90 });
    expect(decision.explain).toContainEqual({ offer: 'platinum-card', rule: 'b', outcome: 'session-rejected', reason: "rejected earlier in this session (session suppressRejected on channel 'web')", score: 80 });
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'savings-plus', outcome: 'chosen', rank: 1 }));
  });

  it.each([
    [{ offered: -1 }, 'sessionActivity.offered'],
    [{ offered: 1.5 }, 'sessionActivity.offered'],
    [{ offered: '2' }, 'sessionActivity.offered'],
    [{ accepted: 'gold-card' }, 'sessionActivity.accepted'],
    [{ rejected: ['gold-card', 7] }, 'sessionActivity.rejected[1]'],
    [{ offerd: 2 }, 'sessionActivity.offerd'],
    [[1], 'sessionActivity'],
  ])('refuses sessionActivity %j, naming %s', (activity, field) => {
    for (const engine of [capped, plain]) {
      const decision = engine.decide({ ...request(), sessionActivity: activity as unknown as SessionActivity });
      expect(decision.errors).toEqual([expect.objectContaining({ code: 'input', field })]);
      expect(decision.offers).toEqual([]);
    }
  });

  it.each([
    [5, 'sessionActivity', 'sessionActivity must be an object {offered, accepted, rejected}'],
    ['x', 'sessionActivity', 'sessionActivity must be an object {offered, accepted, rejected}'],
    [{ offered: -1 }, 'sessionActivity.offered', 'sessionActivity.offered must be a whole number of offers, 0 or more, got -1'],
    [{ accepted: 'gold-card' }, 'sessionActivity.accepted', 'sessionActivity.accepted must be a list of offer names, got "gold-card"'],
    [{ rejected: ['gold-card', ''] }, 'sessionActivity.rejected[1]', 'sessionActivity.rejected[1] must be an offer name, got ""'],
    [{ offerd: 2 }, 'sessionActivity.offerd', "sessionActivity has no field 'offerd' (offered, accepted, rejected)"],
  ])('refuses sessionActivity %j, naming %s and what it got', (activity, field, message) => {
    expect(capped.decide({ ...request(), sessionActivity: activity as unknown as SessionActivity }).errors).toEqual([{ code: 'input', field, message }]);
  });

  it('reads a null sessionActivity, accepted or rejected as none given', () => {
    for (const activity of [null, { offered: 0, accepted: null, rejected: null }]) {
      const decision = suppressing.decide(request({ count: 2, sessionActivity: activity as unknown as SessionActivity }));
      expect(decision.errors).toEqual([]);
      expect(offersOf(decision)).toEqual(['gold-card', 'platinum-card']);
    }
  });

  it('reads only the fields of sessionActivity itself: one it inherits is not refused, each unknown one of its own is', () => {
    const inherited: SessionActivity = Object.assign(Object.create({ extra: 1 }) as object, { offered: 1 });
    for (const engine of [capped, plain]) {
      expect(engine.decide({ ...request(), sessionActivity: inherited }).errors).toEqual([]);
      const decision = engine.decide({ ...request(), sessionActivity: { offerd: 2, rejectd: [] } as unknown as SessionActivity });
      expect(decision.errors.map((e) => e.field)).toEqual(['sessionActivity.offerd', 'sessionActivity.rejectd']);
    }
  });

  it('agrees with the reference for random activity, with and without explain', async () => {
    const bundles: Bundle[] = [await compileFixture(withSession('{ maxOffers: 4, suppressAccepted: true, suppressRejected: true }'), { base: false }), await compileFixture(withSession('{ maxOffers: 1, suppressRejected: true }'), { base: false })];
    const names = ['gold-card', 'platinum-card', 'savings-plus', 'travel-insurance'];
    const random = createRandom(16);
    const next = random.next;
    for (const bundle of bundles) {
      const engine = createEngine(bundle);
      const reference = new ReferenceEngine(bundle);
      for (let i = 0; i < 300; i++) {
        const pick = (): string[] => names.filter(() => next() < 0.3);
        const req: DecisionRequest = request({
          interactionPoint: ['home-hero', 'home-sidebar', 'checkout-upsell'][Math.floor(next() * 3)]!,
          count: 1 + Math.floor(next() * 4),
          at: next() < 0.5 ? '2026-05-01' : '2026-11-01',
          sessionActivity: { offered: Math.floor(next() * 6), accepted: pick(), rejected: pick() },
        });
        const expected = reference.decide(req);
        const got = engine.decide(req);
        expect(got.offers).toEqual(expected.offers);
        expect(got.defaultString).toEqual(expected.defaultString);
        expect(engine.decide({ ...req, explain: true }).offers).toEqual(expected.offers);
      }
    }
  });
});
