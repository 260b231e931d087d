// What a decision at one interaction point reads from its bundle (zone-digest.ts,
// docs/simulation-and-diff.md#zones-decided-once), on a small hand-written config: the key
// holds the channel without its points and zones, the point, the zone's rules and the
// channel's rules without a zone (without their precedence number), the offers they reach
// and their families, the offer lists they name, the segments they read (through
// inSegment too), the channel's realtime policies, and the bundle's response reach.
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { canonicalJson, sha256Digest } from '../../src/bundle/canonical.js';
import type { Bundle, BundleBody } from '../../src/bundle/types.js';
import { pointDecisionDigest, pointDecisionDigests, pointDecisionKey, segmentsNamedIn } from '../../src/engine/zone-digest.js';
import { compileFixture, policy, strategy } from './engine-fixture.js';

const extra = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: tablet }
spec:
  attributes: { family: devices }
  suppression: { afterReject: { count: 2, days: 30 }, related: { attribute: family } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: phone }
spec:
  attributes: { family: devices }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: loan }
spec:
  attributes: { family: credit }
  suppression: { afterAccept: { days: 20 } }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: devices }
spec: { offers: [tablet, phone] }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: premium }
spec: { channel: web, expression: 'inSegment("high-value")' }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: seniors }
spec: { channel: web, expression: 'profile.age >= 65' }
---
`;

const rules = strategy('s', [
  '{ name: home-tiles, zone: home, segment: premium, offer: tablet, score: 50 }',
  '{ name: home-list, zone: home, offerList: credit-offers, score: 40 }',
  '{ name: checkout-loan, zone: checkout, offer: loan, score: 30, eligibility: \'inSegment("adults")\' }',
  '{ name: anywhere, offer: savings-plus, score: 10 }',
]);

// Not realtime: read by the optimizer only, never by a decision.
const batchPolicy = policy('batch', ['{ name: no-gold, type: customersIn, mode: exclude, segment: seniors, offers: { offer: gold-card } }'], false);

let bundle: Bundle;

beforeAll(async () => {
  bundle = await compileFixture(extra + rules + '---\n' + batchPolicy);
});

function changed(edit: (body: BundleBody) => void, from: Bundle = bundle): Bundle {
  const body = structuredClone(from.body);
  edit(body);
  return createBundle(body);
}

interface Key {
  version: number;
  apiVersion: string;
  channel: Record<string, unknown>;
  point: Record<string, unknown>;
  rules: Record<string, unknown>[];
  offers: { name: string }[];
  offerLists: { name: string }[];
  segments: Record<string, unknown>[];
  policies: { name: string }[];
  responseReach: number;
}

const keyOf = (body: BundleBody, channel: string, point: string): Key => pointDecisionKey(body, channel, point) as unknown as Key;
const names = (items: readonly { name?: unknown }[]): unknown[] => items.map((item) => item.name);
const digestOf = (body: BundleBody, point: string): string | null => pointDecisionDigest(body, 'web', point);

describe('segmentsNamedIn', () => {
  it.each<[string | null, string[] | null]>([
    [null, []],
    ['profile.age >= 18', []],
    ['inSegment("adults")', ['adults']],
    ["inSegment('adults')", ['adults']],
    ['inSegment ( "a" ) && inSegment(\t\'b\'  ) || inSegment("a")', ['a', 'b', 'a']],
    ['inSegment("")', ['']],
    ['inSegment(profile.name)', null],
    ['inSegment("adults") && inSegment(profile.name)', null],
    ['inSegment("a\\"b")', null],
    ['inSegment("a" + "b")', null],
    ['"inSegment" == profile.name', null],
  ])('reads %j as %j', (expression, expected) => {
    expect(segmentsNamedIn(expression)).toEqual(expected);
  });
});

describe('the key of a point', () => {
  it('holds the zone’s rules and the channel’s rules without a zone, in precedence order, without their precedence number', () => {
    const home = keyOf(bundle.body, 'web', 'home-sidebar');
    expect(names(home.rules)).toEqual(['home-tiles', 'home-list', 'anywhere']);
    expect(names(keyOf(bundle.body, 'web', 'checkout-upsell').rules)).toEqual(['checkout-loan', 'anywhere']);
    for (const rule of home.rules) expect(rule).not.toHaveProperty('precedence');
    const { precedence, ...rest } = bundle.body.rules.find((r) => r.name === 'home-list')!;
    expect(precedence).toBe(1);
    expect(home.rules[1]).toEqual(rest);
  });

  it('holds the offers the rules reach and every offer of their families, by name, and the offer lists they name', () => {
    const home = keyOf(bundle.body, 'web', 'home-sidebar');
    // tablet's family (related: family) brings phone; loan is checkout's only, travel-insurance nobody's.
    expect(names(home.offers)).toEqual(['gold-card', 'phone', 'platinum-card', 'savings-plus', 'tablet']);
    expect(home.offers[1]).toEqual(bundle.body.offers.find((o) => o.name === 'phone'));
    expect(names(home.offerLists)).toEqual(['credit-offers']);
    const checkout = keyOf(bundle.body, 'web', 'checkout-upsell');
    // loan's family is credit, but loan is not `related`: gold-card and friends stay out.
    expect(names(checkout.offers)).toEqual(['loan', 'savings-plus']);
    expect(checkout.offerLists).toEqual([]);
  });

  it('leaves an offer a rule names but the bundle lacks out of the key', () => {
    const lacking = changed((body) => void body.rules.find((r) => r.name === 'anywhere')!.offers.push('ghost'));
    expect(names(keyOf(lacking.body, 'web', 'checkout-upsell').offers)).toEqual(['loan', 'savings-plus']);
  });

  it('holds the segments the rules name and those they read through inSegment, without their evaluation order', () => {
    const home = keyOf(bundle.body, 'web', 'home-sidebar');
    // premium reads high-value, which reads adults.
    expect(names(home.segments)).toEqual(['adults', 'high-value', 'premium']);
    for (const segment of home.segments) expect(segment).not.toHaveProperty('evaluationOrder');
    const { evaluationOrder, ...premium } = bundle.body.segments.find((s) => s.name === 'premium')!;
    expect(evaluationOrder).toBeGreaterThanOrEqual(0);
    expect(home.segments[2]).toEqual(premium);
    // checkout reads adults from an eligibility expression only.
    expect(names(keyOf(bundle.body, 'web', 'checkout-upsell').segments)).toEqual(['adults']);
  });

  it('holds segments read from a score expression and from rule-set offer attributes', () => {
    const scored = changed((body) => {
      const anywhere = body.rules.find((r) => r.name === 'anywhere')!;
      anywhere.scoreExpression = 'inSegment("seniors") ? 10.0 : 1.0';
      anywhere.attributes = { badge: 'inSegment("big-households") ? "big" : "small"' };
    });
    expect(names(keyOf(scored.body, 'web', 'checkout-upsell').segments)).toEqual(['adults', 'big-households', 'seniors']);
  });

  it('finds a segment through another segment’s dependsOn as well as its expression', () => {
    const listed = changed((body) => {
      const premium = body.segments.find((s) => s.name === 'premium')!;
      premium.expression = 'profile.income > 1.0';
      premium.dependsOn = ['seniors'];
    });
    expect(names(keyOf(listed.body, 'web', 'home-sidebar').segments)).toEqual(['premium', 'seniors']);
  });

  it('reads a segment that uses itself through inSegment once (a hand-made bundle; the compiler refuses cycles)', () => {
    const cycle = changed((body) => void (body.segments.find((s) => s.name === 'adults')!.expression = 'inSegment("high-value") || profile.age >= 100'));
    expect(names(keyOf(cycle.body, 'web', 'checkout-upsell').segments)).toEqual(['adults', 'high-value']);
  });

  it('marks a segment the rules read but the bundle lacks as missing', () => {
    const lacking = changed((body) => void (body.rules.find((r) => r.name === 'checkout-loan')!.eligibility = 'inSegment("ghost")'));
    expect(keyOf(lacking.body, 'web', 'checkout-upsell').segments).toEqual([{ name: 'ghost', missing: true }]);
    expect(digestOf(lacking.body, 'checkout-upsell')).not.toBe(digestOf(bundle.body, 'checkout-upsell'));
  });

  it('holds every segment of the bundle when an expression calls inSegment with anything but a literal name', () => {
    const all = bundle.body.segments.map((s) => s.name).sort();
    const byRule = changed((body) => void (body.rules.find((r) => r.name === 'checkout-loan')!.eligibility = 'inSegment(profile.tier)'));
    expect(names(keyOf(byRule.body, 'web', 'checkout-upsell').segments)).toEqual(all);
    const bySegment = changed((body) => void (body.segments.find((s) => s.name === 'adults')!.expression = 'inSegment(profile.tier)'));
    expect(names(keyOf(bySegment.body, 'web', 'checkout-upsell').segments)).toEqual(all);
    // The home zone reaches adults through premium and high-value: every segment there too.
    expect(names(keyOf(bySegment.body, 'web', 'home-sidebar').segments)).toEqual(all);
  });

  it('holds the channel without its points and zones, the point whole, and the key layout’s version', () => {
    const key = keyOf(bundle.body, 'web', 'home-sidebar');
    const { interactionPoints, zones, ...channel } = bundle.body.channels[0]!;
    expect(Object.keys(interactionPoints)).toContain('home-sidebar');
    expect(zones.length).toBeGreaterThan(0);
    expect(key.channel).toEqual(channel);
    expect(key.point).toEqual({ name: 'home-sidebar', zone: 'home', defaultString: null, maxOffers: null });
    expect(key.version).toBe(1);
    expect(key.apiVersion).toBe('offerops/v1');
  });

  it('holds no policy but the channel’s realtime ones, and with one every offer and offer list of the bundle', async () => {
    expect(keyOf(bundle.body, 'web', 'checkout-upsell').policies).toEqual([]);
    const realtime = await compileFixture(
      extra + rules + '---\n' + batchPolicy + '---\n' + policy('live', ['{ name: no-plat, type: customersIn, mode: exclude, segment: seniors, offers: { offer: platinum-card } }']),
    );
    const key = keyOf(realtime.body, 'web', 'checkout-upsell');
    expect(names(key.policies)).toEqual(['live']);
    expect(names(key.offers)).toEqual(realtime.body.offers.map((o) => o.name).sort());
    expect(names(key.offerLists)).toEqual(['credit-offers', 'devices']);
    // The policy's segment is read too.
    expect(names(key.segments)).toEqual(['adults', 'seniors']);
    // A realtime policy of another channel is not read.
    const elsewhere = changed((body) => void (body.policies.find((p) => p.name === 'live')!.channel = 'shop'), realtime);
    expect(keyOf(elsewhere.body, 'web', 'checkout-upsell').policies).toEqual([]);
  });

  it('reads the segments an interactionsWhere rule of a realtime policy names', async () => {
    const realtime = await compileFixture(
      extra + rules + '---\n' + policy('live', ['{ name: web-only, type: interactionsWhere, mode: include, where: \'contact.channel == "web"\' }']),
    );
    expect(names(keyOf(realtime.body, 'web', 'checkout-upsell').segments)).toEqual(['adults']);
    const naming = changed((body) => {
      const rule = body.policies[0]!.rules[0]! as { where: string };
      rule.where = 'inSegment("seniors")';
    }, realtime);
    expect(names(keyOf(naming.body, 'web', 'checkout-upsell').segments)).toEqual(['adults', 'seniors']);
  });

  it('holds the bundle-wide reach of suppression windows: the longest accept rest, or twice a reject window less a day', () => {
    // tablet: afterReject 30 days reaches 59 days; loan: afterAccept 20 days.
    expect(keyOf(bundle.body, 'web', 'home-sidebar').responseReach).toBe(59);
    const reach = (acceptDays: number): number =>
      keyOf(changed((body) => void (body.offers.find((o) => o.name === 'loan')!.suppression.afterAcceptDays = acceptDays)).body, 'web', 'home-sidebar').responseReach;
    expect(reach(58)).toBe(59);
    expect(reach(59)).toBe(59);
    expect(reach(60)).toBe(60);
    const none = changed((body) => {
      for (const offer of body.offers) {
        delete offer.suppression.afterAcceptDays;
        delete offer.suppression.afterReject;
      }
    });
    expect(keyOf(none.body, 'web', 'home-sidebar').responseReach).toBe(0);
  });

  it('is null for a channel or point the bundle lacks, an inherited property name included', () => {
    expect(pointDecisionKey(bundle.body, 'web', 'no-such-point')).toBeNull();
    expect(pointDecisionKey(bundle.body, 'shop', 'home-sidebar')).toBeNull();
    expect(pointDecisionKey(bundle.body, 'web', 'toString')).toBeNull();
    expect(pointDecisionDigest(bundle.body, 'web', 'toString')).toBeNull();
    expect(pointDecisionDigests(bundle.body, [{ channel: 'shop', point: 'home-sidebar' }])).toEqual([null]);
  });

  it('holds no rule for a zone without an index entry or whose index names no rule', () => {
    const unindexed = changed((body) => void delete body.indexes.rulesByChannelZone['web']!['checkout']);
    expect(keyOf(unindexed.body, 'web', 'checkout-upsell').rules).toEqual([]);
    const dangling = changed((body) => void (body.indexes.rulesByChannelZone['web']!['checkout'] = [99]));
    expect(keyOf(dangling.body, 'web', 'checkout-upsell').rules).toEqual([]);
    const noChannel = changed((body) => void delete body.indexes.rulesByChannelZone['web']);
    expect(keyOf(noChannel.body, 'web', 'checkout-upsell').rules).toEqual([]);
  });
});

describe('the digest of a point', () => {
  it('is the SHA-256 of the key’s canonical JSON, for one point or many, each part written once', async () => {
    const realtime = await compileFixture(
      extra + rules + '---\n' + policy('live', ['{ name: no-plat, type: customersIn, mode: exclude, segment: seniors, offers: { offer: platinum-card } }']),
    );
    for (const body of [bundle.body, realtime.body]) {
      const points = ['home-hero', 'home-sidebar', 'checkout-upsell', 'nope'].map((point) => ({ channel: 'web', point }));
      const expected = points.map(({ channel, point }) => {
        const key = pointDecisionKey(body, channel, point);
        return key === null ? null : sha256Digest(canonicalJson(key));
      });
      expect(expected.filter((d) => d !== null)).toHaveLength(3);
      expect(pointDecisionDigests(body, points)).toEqual(expected);
      expect(points.map(({ channel, point }) => pointDecisionDigest(body, channel, point))).toEqual(expected);
    }
  });

  it('changes with the point itself but not with another point of the zone', () => {
    const hello = changed((body) => void (body.channels[0]!.interactionPoints['home-hero']!.defaultString = 'Hello'));
    expect(digestOf(hello.body, 'home-hero')).not.toBe(digestOf(bundle.body, 'home-hero'));
    expect(digestOf(hello.body, 'home-sidebar')).toBe(digestOf(bundle.body, 'home-sidebar'));
  });

  it('keeps its value when a rule’s precedence number or a segment’s evaluation order moves', () => {
    const moved = changed((body) => {
      for (const rule of body.rules) rule.precedence += 10;
      for (const segment of body.segments) segment.evaluationOrder += 10;
    });
    expect(digestOf(moved.body, 'home-sidebar')).toBe(digestOf(bundle.body, 'home-sidebar'));
  });

  it('changes when a segment the zone reads changes, not when one it does not read does', () => {
    const adults = changed((body) => void (body.segments.find((s) => s.name === 'adults')!.expression = 'profile.age >= 21'));
    expect(digestOf(adults.body, 'home-sidebar')).not.toBe(digestOf(bundle.body, 'home-sidebar'));
    expect(digestOf(adults.body, 'checkout-upsell')).not.toBe(digestOf(bundle.body, 'checkout-upsell'));
    const premium = changed((body) => void (body.segments.find((s) => s.name === 'premium')!.description = 'changed'));
    expect(digestOf(premium.body, 'home-sidebar')).not.toBe(digestOf(bundle.body, 'home-sidebar'));
    expect(digestOf(premium.body, 'checkout-upsell')).toBe(digestOf(bundle.body, 'checkout-upsell'));
  });
});
