// A session's memo of segment membership (Engine.newSegmentCache, segment-cache.ts) belongs to
// one engine, member, audience level and day: any change starts it afresh, and nothing the
// memo learnt for one of them — membership, failures met through inSegment, the converted
// profile — shows in a decision for another (docs/decisions.md#segment-membership-and-the-session-cache).
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { MEMBER, NOT_MEMBER, type SegmentCache, type SessionSegmentCache } from '../../src/engine/segment-cache.js';
import { adult, compileFixture, engineFor, offersOf, request, strategy } from './engine-fixture.js';

describe('a session memo of segment membership', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(
      strategy('s', [
        '{ name: hv, segment: high-value, offer: gold-card, score: 80 }',
        '{ name: big, segment: big-households, offer: platinum-card, score: 70 }',
        '{ name: all, offer: savings-plus, score: 10 }',
      ]),
    );
  });

  it('says what it is: a segment cache', () => {
    expect(engine.newSegmentCache().kind).toBe('segment-cache');
  });

  it('is not taken from something that only looks like one: a decision given it decides as without a memo', () => {
    const profile = { ...adult, income: 90000 };
    const alone = engine.decide(request({}, profile));
    expect(offersOf(alone)).toEqual(['gold-card', 'savings-plus']);
    for (const lookalike of [{}, { kind: 'segment-cache' }]) expect(engine.decide(request({}, profile), lookalike as unknown as SegmentCache)).toEqual(alone);
  });

  it('keeps membership for the same member and day, and starts afresh on another day', () => {
    const cache = engine.newSegmentCache();
    expect(offersOf(engine.decide(request({ at: '2026-05-01' }, { ...adult, income: 90000 }), cache))).toEqual(['gold-card', 'savings-plus']);
    const poorer = { ...adult, income: 10 };
    // Same day: the memo answers (no resegment).
    expect(offersOf(engine.decide(request({ at: '2026-05-01' }, poorer), cache))).toEqual(['gold-card', 'savings-plus']);
    // The next day: membership is evaluated again, with the profile of the day.
    expect(offersOf(engine.decide(request({ at: '2026-05-02' }, poorer), cache))).toEqual(['savings-plus']);
  });

  it('checks the same profile object again for another member: its id field names the first one', () => {
    const cache = engine.newSegmentCache();
    const profile = { ...adult, customerId: 'c1' };
    expect(engine.decide(request({ audience: { id: 'c1', profile } }), cache).errors).toEqual([]);
    const other = engine.decide(request({ audience: { id: 'c2', profile } }), cache);
    expect(other.offers).toEqual([]);
    expect(other.errors).toEqual([{ code: 'input', field: 'profile.customerId', message: 'profile.customerId is "c1" but the audience id is "c2"' }]);
  });

  it('converts the same profile object again for another audience level of the same member', () => {
    const cache = engine.newSegmentCache();
    const profile = { customerId: 'm1', householdId: 'm1', age: 40, income: 10, size: 5 };
    const asCustomer = engine.decide({ interactionPoint: 'home-sidebar', audience: { id: 'm1', profile }, at: '2026-05-01', count: 5 }, cache);
    expect(offersOf(asCustomer)).toEqual(['savings-plus']);
    // The household level declares size, the customer level does not: converted for the customer, size would be missing.
    const asHousehold = engine.decide({ interactionPoint: 'home-sidebar', audience: { level: 'household', id: 'm1', profile }, at: '2026-05-01', count: 5 }, cache);
    expect(asHousehold.errors).toEqual([]);
    expect(offersOf(asHousehold)).toEqual(['platinum-card', 'savings-plus']);
  });
});

describe('a session memo passed to another engine', () => {
  it('converts the same profile object again by that engine’s declarations, and evaluates its segments afresh', async () => {
    const bundle = await compileFixture(strategy('s', ['{ name: hv, segment: high-value, offer: gold-card, score: 80 }', '{ name: all, offer: savings-plus, score: 10 }']));
    // The other engine's customers also declare a nickname, which one of its rules reads.
    const body = structuredClone(bundle.body);
    body.channels[0]!.audienceLevels[0]!.attributes['nickname'] = { type: 'string', enum: null };
    body.rules.find((rule) => rule.name === 'all')!.eligibility = 'profile.nickname == "kit"';
    const first = createEngine(bundle);
    const second = createEngine(createBundle(body));
    const cache = first.newSegmentCache();
    const profile = { ...adult, income: 90000, nickname: 'kit' };
    expect(offersOf(first.decide(request({}, profile), cache))).toEqual(['gold-card', 'savings-plus']);
    const decision = second.decide(request({}, profile), cache);
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card', 'savings-plus']);
    expect((cache as SessionSegmentCache).profile['nickname']).toBe('kit');
  });
});

describe('failures met through inSegment, in a session memo', () => {
  let engine: Engine;
  beforeAll(async () => {
    // premium reads high-value, which reads adults; adults fails without an age.
    const premium = `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: premium }\nspec: { channel: web, expression: 'inSegment("high-value")' }\n---\n`;
    engine = await engineFor(
      premium +
        strategy('z', [
          '{ name: p-home, zone: home, segment: premium, offer: gold-card, score: 80 }',
          '{ name: p-checkout, zone: checkout, segment: premium, offer: platinum-card, score: 80 }',
          '{ name: all, offer: savings-plus, score: 10 }',
        ]),
    );
  });

  it('are not reported again for the next member, whose segments do not fail', () => {
    const cache = engine.newSegmentCache();
    const failing = engine.decide(request({ interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', income: 90000 } } }), cache);
    expect(failing.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "segment 'adults'" })]);
    const next = { ...adult, customerId: 'c2', income: 90000 };
    const home = engine.decide(request({ interactionPoint: 'home-sidebar', audience: { id: 'c2', profile: next } }), cache);
    expect(home.errors).toEqual([]);
    expect(offersOf(home)).toEqual(['gold-card', 'savings-plus']);
    // The checkout finds premium in the memo: answered as evaluated for this member, without the other's failure.
    const checkout = engine.decide(request({ interactionPoint: 'checkout-upsell', audience: { id: 'c2', profile: next } }), cache);
    expect(checkout.errors).toEqual([]);
    expect(offersOf(checkout)).toEqual(['platinum-card', 'savings-plus']);
  });
});

describe('a session memo with a peer (another engine’s memo of the same visit)', () => {
  let base: Bundle;
  let baseEngine: Engine;
  let headEngine: Engine;
  beforeAll(async () => {
    // premium reads high-value, which reads adults; adults fails without an age.
    const premium = `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: premium }\nspec: { channel: web, expression: 'inSegment("high-value")' }\n---\n`;
    base = await compileFixture(
      premium +
        strategy('s', [
          '{ name: grown, zone: checkout, segment: adults, offer: gold-card, score: 90 }',
          '{ name: hv, segment: high-value, offer: gold-card, score: 80 }',
          '{ name: prem, segment: premium, offer: gold-card, score: 70 }',
          '{ name: households, zone: checkout, segment: big-households, offer: platinum-card, score: 20 }',
          '{ name: mobile, offer: travel-insurance, score: 60, eligibility: \'session.device == "mobile"\' }',
          '{ name: who, offer: platinum-card, score: 40, eligibility: \'profile.customerId == "c2"\' }',
          '{ name: all, offer: savings-plus, score: 10 }',
        ]),
    );
    baseEngine = createEngine(base);
    // The head differs in one rule's score: every segment is the base's twin.
    const body = structuredClone(base.body);
    body.rules.find((rule) => rule.name === 'all')!.score = 11;
    headEngine = createEngine(createBundle(body));
  });

  const highValue = (): number => base.body.segments.findIndex((s) => s.name === 'high-value');
  const desktop = { device: 'desktop' };
  const decide = (
    engine: Engine,
    cache: SegmentCache,
    id: string,
    profile: Record<string, unknown>,
    session: Record<string, unknown> = desktop,
    at = '2026-05-01',
    point = 'home-sidebar',
    explain = false,
  ) => engine.decide({ interactionPoint: point, audience: { id, profile }, session, at, count: 5, explain }, cache);

  it('takes neither inputs nor membership from a peer that decided another profile object', () => {
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(offersOf(decide(baseEngine, peer, 'c1', { ...adult, income: 90000 }))).toEqual(['gold-card', 'savings-plus']);
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, head, 'c1', { ...adult, income: 10 }))).toEqual(['savings-plus']);
    expect(head.profile).not.toBe(peer.profile);
  });

  it('takes no inputs from a peer that decided another session object', () => {
    const profile = { ...adult };
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(offersOf(decide(baseEngine, peer, 'c1', profile))).toEqual(['savings-plus']);
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, head, 'c1', profile, { device: 'mobile' }))).toEqual(['travel-insurance', 'savings-plus']);
    expect(head.session).not.toBe(peer.session);
  });

  it('takes no inputs from a peer that decided another member with the same profile object', () => {
    const profile = { age: 40, income: 10 };
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(offersOf(decide(baseEngine, peer, 'c1', profile))).toEqual(['savings-plus']);
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    // The member's id is c2 in the head's profile, not the peer's c1.
    expect(offersOf(decide(headEngine, head, 'c2', profile))).toEqual(['platinum-card', 'savings-plus']);
    expect(head.profile['customerId']).toBe('c2');
  });

  it('takes the inputs and a twin segment’s state from a peer of the same member, inputs and day, and none from another day', () => {
    const profile = { ...adult, income: 90000 };
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    decide(baseEngine, peer, 'c1', profile);
    expect(peer.states[highValue()]).toBe(MEMBER);
    // Plant the opposite: a head of the same day follows the peer, one of the next day does not.
    peer.states[highValue()] = NOT_MEMBER;
    const sameDay = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, sameDay, 'c1', profile))).toEqual(['savings-plus']);
    expect(sameDay.profile).toBe(peer.profile);
    const nextDay = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, nextDay, 'c1', profile, desktop, '2026-05-02'))).toEqual(['gold-card', 'savings-plus']);
    expect(nextDay.states[highValue()]).toBe(MEMBER);
  });

  it('takes the first segment’s state too', () => {
    const adults = base.body.segments.findIndex((s) => s.name === 'adults');
    expect(adults).toBe(0);
    const profile = { ...adult };
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(offersOf(baseEngine.decide({ ...request({ interactionPoint: 'checkout-upsell' }, profile), session: desktop }, peer))).toContain('gold-card');
    peer.states[adults] = NOT_MEMBER;
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(headEngine.decide({ ...request({ interactionPoint: 'checkout-upsell' }, profile), session: desktop }, head))).not.toContain('gold-card');
    expect(head.states[adults]).toBe(NOT_MEMBER);
  });

  it('reports again the failures the peer met through inSegment in a segment it takes', () => {
    const profile = { customerId: 'c1', income: 90000 };
    const adultsFailed = [expect.objectContaining({ code: 'expression-error', place: "segment 'adults'" })];
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(decide(baseEngine, peer, 'c1', profile).errors).toEqual(adultsFailed);
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    const taken = decide(headEngine, head, 'c1', profile);
    expect(head.profile).toBe(peer.profile);
    expect(taken.errors).toEqual(adultsFailed);
    expect(JSON.stringify(taken)).toBe(JSON.stringify(decide(headEngine, headEngine.newSegmentCache(), 'c1', profile)));
  });

  it('lends no state the peer evaluated with the member’s earlier inputs, even when it evaluated every segment', () => {
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    // Explained at the checkout, every rule is looked at: every segment of the bundle gets a state.
    decide(baseEngine, peer, 'c1', { ...adult, income: 90000 }, desktop, '2026-05-01', 'checkout-upsell', true);
    expect([...peer.states].every((state) => state !== 0)).toBe(true);
    // New inputs without a resegment: the peer keeps its states, which are the earlier inputs'.
    const poorer = { ...adult, income: 10 };
    expect(offersOf(decide(baseEngine, peer, 'c1', poorer))).toContain('gold-card');
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, head, 'c1', poorer))).toEqual(['savings-plus']);
    expect(head.profile).toBe(peer.profile);
  });

  it('lends the states of the current inputs after inputs that were refused', () => {
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    expect(decide(baseEngine, peer, 'c1', { ...adult, age: 'forty' }).errors).toEqual([expect.objectContaining({ code: 'input', field: 'profile.age' })]);
    const profile = { ...adult, income: 90000 };
    expect(offersOf(decide(baseEngine, peer, 'c1', profile))).toContain('gold-card');
    // Plant the opposite: the head follows the peer, whose states are these inputs'.
    peer.states[highValue()] = NOT_MEMBER;
    peer.states[base.body.segments.findIndex((s) => s.name === 'premium')] = NOT_MEMBER;
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    expect(offersOf(decide(headEngine, head, 'c1', profile))).toEqual(['savings-plus']);
  });
});
