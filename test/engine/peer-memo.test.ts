// A session memo with a peer (Engine.newSegmentCache(peer)): the head's memo of a diff takes
// from the base's memo of the same member what both bundles declare and define alike — the
// converted profile and session, twin segments' membership — and its decisions are exactly
// those it makes without a peer (docs/simulation-and-diff.md#what-base-and-head-share).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle, BundleBody } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import { createEngine } from '../../src/engine/engine.js';
import { segmentTwins } from '../../src/engine/peer-memo.js';
import { MEMBER, NOT_MEMBER, SessionSegmentCache, type SegmentCache } from '../../src/engine/segment-cache.js';
import type { Decision, DecisionRequest } from '../../src/engine/types.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import type { AudienceMember } from '../../src/simulate/types.js';

const repo = path.resolve(import.meta.dirname, '../..');
const AT = '2026-11-02';
let base: Bundle;
let members: AudienceMember[];

beforeAll(async () => {
  base = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
  members = [...sampleMembers(sampleShape([base.body], ['web', 'mobile-app', 'contact-centre']), { customers: 120, seed: 5, at: AT })];
  // Every third member lacks a credit score: segments reading it fail, and so do those that
  // read them through inSegment (their failures are reported again with them).
  members.forEach((member, i) => {
    if (i % 3 === 0) delete member.profile['creditScore'];
  });
});

function changed(edit: (body: BundleBody) => void): Bundle {
  const body = structuredClone(base.body);
  edit(body);
  return createBundle(body);
}

function request(member: AudienceMember, channel: string, point: string, explain = false): DecisionRequest {
  return { channel, interactionPoint: point, audience: { id: member.id, profile: member.profile }, session: member.session!, at: AT, count: 3, history: [], explain };
}

const comparable = (decision: Decision) => JSON.stringify(decision);

/** Every member at every point: base, then head with the base's memo as peer, and head alone; the two heads must agree. */
function agree(headBundle: Bundle): { shared: number; decisions: number } {
  const baseEngine = createEngine(base);
  const headEngine = createEngine(headBundle);
  let shared = 0;
  let decisions = 0;
  for (const member of members) {
    const caches = new Map<string, [SegmentCache, SegmentCache, SegmentCache]>();
    for (const { channel, point } of allPoints([base.body])) {
      let trio = caches.get(channel);
      if (!trio) {
        const baseCache = baseEngine.newSegmentCache();
        caches.set(channel, (trio = [baseCache, headEngine.newSegmentCache(baseCache), headEngine.newSegmentCache()]));
      }
      for (const explain of [false, true]) {
        baseEngine.decide(request(member, channel, point, explain), trio[0]);
        const withPeer = headEngine.decide(request(member, channel, point, explain), trio[1]);
        const alone = headEngine.decide(request(member, channel, point, explain), trio[2]);
        expect(comparable(withPeer), `${member.id} ${channel}/${point}${explain ? ' explained' : ''}`).toBe(comparable(alone));
        decisions++;
      }
      if ((trio[1] as SessionSegmentCache).profile === (trio[0] as SessionSegmentCache).profile) shared++;
    }
  }
  return { shared, decisions };
}

describe('a session memo with a peer', () => {
  it('decides as without a peer when segments changed, directly and through inSegment, with members whose segments fail', () => {
    const head = changed((body) => {
      body.segments.find((s) => s.name === 'young-adults')!.expression = 'inSegment("adults") && profile.age <= 30';
      body.segments.find((s) => s.name === 'good-credit')!.expression = 'profile.creditScore >= 650 && !inSegment("financially-vulnerable")';
      body.rules.forEach((rule, i) => (rule.score = Math.min(100, rule.score + (i % 5))));
    });
    const { shared, decisions } = agree(head);
    expect(decisions).toBe(members.length * 13 * 2);
    // The converted inputs were taken from the peer at every point (the declarations are the same).
    expect(shared).toBe(members.length * 13);
  });

  it('converts again, and still decides the same, when the channel declares its attributes differently', () => {
    const head = changed((body) => {
      const level = body.channels.find((c) => c.name === 'web')!.audienceLevels[0]!;
      level.attributes['income'] = { type: 'double', enum: null };
      level.attributes['nickname'] = { type: 'string', enum: null };
    });
    const { shared } = agree(head);
    const webPoints = allPoints([base.body]).filter((p) => p.channel === 'web').length;
    expect(shared).toBe(members.length * (13 - webPoints));
  });

  it("pairs a segment with the peer's only when it, its declarations and every segment it reads are the same", () => {
    const head = changed((body) => {
      body.segments.find((s) => s.name === 'adults')!.expression = 'profile.age >= 21';
    });
    const own = head.body.segments.map((s) => s.name);
    const pairs = segmentTwins(compileBundle(head), compileBundle(base));
    const twin = (name: string) => pairs[own.indexOf(name)]! >= 0;
    // adults changed; young-adults and first-time-buyers read it, students reads young-adults.
    for (const name of ['adults', 'young-adults', 'students', 'first-time-buyers']) expect(twin(name), name).toBe(false);
    for (const name of ['homeowners', 'affluent', 'high-income', 'good-credit', 'financially-vulnerable']) expect(twin(name), name).toBe(true);
    expect(pairs[own.indexOf('homeowners')]).toBe(base.body.segments.findIndex((s) => s.name === 'homeowners'));
  });

  it("takes a twin segment's state from the peer rather than evaluating it", () => {
    const baseEngine = createEngine(base);
    const headEngine = createEngine(changed((body) => void (body.rules.find((r) => r.name === 'tiles-savings')!.score = 99)));
    const member = members[1]!;
    const baseCache = baseEngine.newSegmentCache() as SessionSegmentCache;
    baseEngine.decide(request(member, 'web', 'home-tiles', true), baseCache);
    // Plant the opposite of the member's membership: the head follows the peer's memo.
    const homeowners = base.body.segments.findIndex((s) => s.name === 'homeowners');
    expect(baseCache.states[homeowners]).not.toBe(0);
    const planted = baseCache.states[homeowners] === MEMBER ? NOT_MEMBER : MEMBER;
    baseCache.states[homeowners] = planted;
    const headCache = headEngine.newSegmentCache(baseCache) as SessionSegmentCache;
    // Explained: every rule of the zone is looked at, accounts-rate-switch (segment homeowners) included.
    headEngine.decide(request(member, 'web', 'accounts-banner', true), headCache);
    expect(headCache.states[homeowners]).toBe(planted);
  });

  it('ignores a peer that holds another member, or segment states older than its inputs', () => {
    const baseEngine = createEngine(base);
    const headEngine = createEngine(changed((body) => void (body.rules.find((r) => r.name === 'tiles-savings')!.score = 99)));
    const [a, b] = [members[1]!, members[2]!];
    const homeowners = base.body.segments.findIndex((s) => s.name === 'homeowners');
    // Another member: nothing is taken.
    const other = baseEngine.newSegmentCache() as SessionSegmentCache;
    baseEngine.decide(request(a, 'web', 'accounts-banner', true), other);
    other.states[homeowners] = other.states[homeowners] === MEMBER ? NOT_MEMBER : MEMBER;
    const headOther = headEngine.newSegmentCache(other) as SessionSegmentCache;
    const withOther = headEngine.decide(request(b, 'web', 'accounts-banner', true), headOther);
    expect(comparable(withOther)).toBe(comparable(headEngine.decide(request(b, 'web', 'accounts-banner', true), headEngine.newSegmentCache())));
    expect(headOther.profile).not.toBe(other.profile);
    // The same member with a new profile and no resegment: the peer's states are the old profile's.
    const without = { ...a.profile, hasMortgage: false, products: [] };
    const withMortgage = { ...a.profile, hasMortgage: true };
    const peer = baseEngine.newSegmentCache() as SessionSegmentCache;
    baseEngine.decide({ ...request(a, 'web', 'accounts-banner', true), audience: { id: a.id, profile: withMortgage } }, peer);
    baseEngine.decide({ ...request(a, 'web', 'accounts-banner'), audience: { id: a.id, profile: without } }, peer);
    expect(peer.states[homeowners]).toBe(MEMBER);
    const head = headEngine.newSegmentCache(peer) as SessionSegmentCache;
    headEngine.decide({ ...request(a, 'web', 'accounts-banner', true), audience: { id: a.id, profile: without } }, head);
    expect(head.states[homeowners]).toBe(NOT_MEMBER);
  });
});
