// A session memo keeps each zone's lazy ranking for a later decision at the same zone; one
// made with `{keepRankings: false}` (a simulation's: each point decided once per visit)
// keeps none, and the engine holds the ranking in lists of its own, reused decision after
// decision. Decisions must be the same with a kept ranking, with none, and without a memo at
// all — also when the lists still hold a longer ranking of an earlier decision. Treatment
// codes, written once per (point, rule, offer), must read as the documented format.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine } from '../../src/engine/engine.js';
import { SessionSegmentCache } from '../../src/engine/segment-cache.js';
import { digestPrefix } from '../../src/engine/treatment-code.js';
import type { DecisionRequest, HistoryRow } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import type { AudienceMember } from '../../src/simulate/types.js';

const repo = path.resolve(import.meta.dirname, '../..');
const AT = '2026-11-02';
let bundle: Bundle;
let members: AudienceMember[];

beforeAll(async () => {
  bundle = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
  members = [...sampleMembers(sampleShape([bundle.body], ['web', 'mobile-app', 'contact-centre']), { customers: 80, seed: 11, at: AT })];
  // Every fourth member lacks a credit score: some expressions fail for them.
  members.forEach((member, i) => {
    if (i % 4 === 0) delete member.profile['creditScore'];
  });
});

describe('rankings kept in a session memo, or not', () => {
  it('decides alike with a kept ranking, with none and without a memo, whatever the lists held before', () => {
    const engine = createEngine(bundle);
    const random = createRandom(27);
    const offers = bundle.body.offers.map((offer) => offer.name);
    const points = allPoints([bundle.body]);
    let decisions = 0;
    let longerBefore = 0;
    let previousLength = 0;
    for (const member of members) {
      const kept = new Map<string, SessionSegmentCache>();
      const unkept = new Map<string, SessionSegmentCache>();
      const history: HistoryRow[] = random.next() < 0.5 ? [] : [{ customerId: member.id, offer: offers[Math.floor(random.next() * offers.length)]!, channel: 'web', date: '2026-10-30', event: 'contact' }];
      // Every point twice, in a shuffled order: the second decision at a zone reads the kept ranking.
      const visit = [...points, ...points].sort(() => random.next() - 0.5);
      for (const { channel, point } of visit) {
        if (!kept.has(channel)) {
          kept.set(channel, engine.newSegmentCache() as SessionSegmentCache);
          unkept.set(channel, engine.newSegmentCache(undefined, undefined, { keepRankings: false }) as SessionSegmentCache);
        }
        const request: DecisionRequest = { channel, interactionPoint: point, audience: { id: member.id, profile: member.profile }, at: AT, count: 1 + Math.floor(random.next() * 6), history };
        if (member.session !== undefined) request.session = member.session;
        const alone = engine.decide(request);
        const withKept = engine.decide(request, kept.get(channel));
        const withUnkept = engine.decide(request, unkept.get(channel));
        expect(JSON.stringify(withKept), `${member.id} at ${channel}/${point}`).toBe(JSON.stringify(alone));
        expect(JSON.stringify(withUnkept), `${member.id} at ${channel}/${point}`).toBe(JSON.stringify(alone));
        if (previousLength > alone.offers.length) longerBefore++;
        previousLength = alone.offers.length;
        for (const offer of alone.offers) expect(offer.treatmentCode).toBe(`${digestPrefix(bundle.digest)}.${channel}.${point}.${offer.rule}.${offer.offer}`);
        decisions++;
      }
      for (const cache of unkept.values()) expect(cache.walks.size).toBe(0);
      expect([...kept.values()].some((cache) => cache.walks.size > 0)).toBe(true);
    }
    expect(decisions).toBe(members.length * points.length * 2);
    // The engine's lists often held a longer ranking than the decision after it needed.
    expect(longerBefore).toBeGreaterThan(100);
  });

  it('gives each (point, rule, offer) its own treatment code, the same in every response', () => {
    const engine = createEngine(bundle);
    const request = (member: AudienceMember): DecisionRequest => ({ channel: 'web', interactionPoint: 'home-tiles', audience: { id: member.id, profile: member.profile }, at: AT, count: 3, history: [] });
    const codes = new Map<string, string>();
    for (const member of members) {
      for (const offer of engine.decide(request(member)).offers) {
        const key = `${offer.rule}/${offer.offer}`;
        const code = `${digestPrefix(bundle.digest)}.web.home-tiles.${offer.rule}.${offer.offer}`;
        expect(offer.treatmentCode).toBe(code);
        codes.set(key, code);
      }
    }
    // Several (rule, offer) pairs, each its own code.
    expect(new Set(codes.values()).size).toBe(codes.size);
    expect(codes.size).toBeGreaterThan(2);
  });
});
