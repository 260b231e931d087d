// Session memos of one visit on several channels (Engine.newSegmentCache(peer, sibling)) share
// the member's converted profile attributes: an attribute both channels' audience levels
// declare alike is converted once for the visit, and every decision is exactly the one made
// without a sibling — wrong types, values outside an enum, missing and undeclared
// attributes included (docs/simulation-and-diff.md#what-base-and-head-share).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { ProfileMemo } from '../../src/engine/audience.js';
import { createEngine } from '../../src/engine/engine.js';
import { SessionSegmentCache, type SegmentCache } from '../../src/engine/segment-cache.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import type { AudienceMember } from '../../src/simulate/types.js';

const repo = path.resolve(import.meta.dirname, '../..');
const AT = '2026-11-02';
let bundle: Bundle;
let members: AudienceMember[];

/** Profiles a touchpoint may really send: each member gets one kind of trouble, or none. */
const troubles: ((profile: Record<string, unknown>) => void)[] = [
  () => {},
  (p) => delete p['creditScore'],
  (p) => (p['age'] = '30'), // a string where an int is declared: an input error
  (p) => (p['tier'] = 'diamond'), // outside the enum
  (p) => (p['products'] = ['app', 'credit-crad']), // a list item outside the enum
  (p) => (p['modelScores'] = { 'gold-card': '0.8' }), // a map value of the wrong type
  (p) => (p['customerId'] = 'someone-else'), // the id field names another member
  (p) => (p['mortgageFixEnds'] = '2026-02-30'), // not a calendar date (declared on web only)
  (p) => (p['region'] = 7), // declared on web only, wrong type
  (p) => (p['age'] = null),
  (p) => (p['nickname'] = { any: 'thing' }), // undeclared: ignored
];

beforeAll(async () => {
  const compiled = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
  // The contact centre declares `age` as a double: the web's int conversion is not its own.
  const body = structuredClone(compiled.body);
  body.channels.find((c) => c.name === 'contact-centre')!.audienceLevels[0]!.attributes['age'] = { type: 'double', enum: null };
  bundle = createBundle(body);
  members = [...sampleMembers(sampleShape([bundle.body], ['web', 'mobile-app', 'contact-centre']), { customers: 3 * troubles.length, seed: 11, at: AT })];
  members.forEach((member, i) => troubles[i % troubles.length]!(member.profile));
});

function request(member: AudienceMember, channel: string, point: string, explain: boolean): DecisionRequest {
  return { channel, interactionPoint: point, audience: { id: member.id, profile: member.profile }, session: member.session!, at: AT, count: 3, history: [], explain };
}

describe('session memos of one visit on several channels', () => {
  it('decide as memos without a sibling, whatever is wrong with the profile', () => {
    const engine = createEngine(bundle);
    const points = allPoints([bundle.body]);
    let decisions = 0;
    let errors = 0;
    for (const member of members) {
      const withSibling = new Map<string, SegmentCache>();
      const alone = new Map<string, SegmentCache>();
      for (const { channel, point } of points) {
        if (!withSibling.has(channel)) {
          withSibling.set(channel, engine.newSegmentCache(undefined, withSibling.values().next().value));
          alone.set(channel, engine.newSegmentCache());
        }
        for (const explain of [false, true]) {
          const shared = engine.decide(request(member, channel, point, explain), withSibling.get(channel));
          const own = engine.decide(request(member, channel, point, explain), alone.get(channel));
          expect(JSON.stringify(shared), `${member.id} ${channel}/${point}`).toBe(JSON.stringify(own));
          if (shared.errors.some((e) => e.code === 'input')) errors++;
          decisions++;
        }
      }
    }
    expect(decisions).toBe(members.length * points.length * 2);
    // The troubles did reach the decisions (every member but the untroubled, undeclared and null ones on some channel).
    expect(errors).toBeGreaterThan(0);
  });

  it('share one memo, converting an attribute declared alike once per profile object', () => {
    const engine = createEngine(bundle);
    const first = engine.newSegmentCache() as SessionSegmentCache;
    const second = engine.newSegmentCache(undefined, first) as SessionSegmentCache;
    const third = engine.newSegmentCache() as SessionSegmentCache;
    expect(second.profileMemo).toBe(first.profileMemo);
    expect(third.profileMemo).not.toBe(first.profileMemo);
    const member = members[0]!;
    engine.decide(request(member, 'web', 'home-hero', false), first);
    const memo: ProfileMemo = first.profileMemo;
    expect(memo.raw).toBe(member.profile);
    const generation = memo.generation;
    engine.decide(request(member, 'mobile-app', allPoints([bundle.body]).find((p) => p.channel === 'mobile-app')!.point, false), second);
    // The same profile object: the same generation, and the web's converted values reused.
    expect(memo.generation).toBe(generation);
    expect(second.profile['products']).toBe(first.profile['products']);
    expect(second.profile['modelScores']).toBe(first.profile['modelScores']);
    // Another profile object (even with the same content) starts afresh.
    engine.decide({ ...request(member, 'web', 'home-hero', false), audience: { id: member.id, profile: { ...member.profile } } }, first);
    expect(memo.generation).toBe(generation + 1);
  });

  it('convert an attribute another channel declares differently by its own declaration', () => {
    const engine = createEngine(bundle);
    const web = engine.newSegmentCache();
    const centre = engine.newSegmentCache(undefined, web);
    const member = members[0]!;
    const profile = { ...member.profile, age: 41 };
    // An int for the web, a double for the contact centre: the two conversions differ.
    engine.decide({ ...request(member, 'web', 'home-hero', false), audience: { id: member.id, profile } }, web);
    engine.decide({ ...request(member, 'contact-centre', allPoints([bundle.body]).find((p) => p.channel === 'contact-centre')!.point, false), audience: { id: member.id, profile } }, centre);
    expect((web as SessionSegmentCache).profile['age']).toBe(41n);
    expect((centre as SessionSegmentCache).profile['age']).toBe(41);
  });
});
