// A diff decides a point once when its decision inputs are the same in both bundles
// (docs/simulation-and-diff.md#zones-decided-once): the tally must be exactly what deciding
// every point with both bundles gives, and the key must change whenever something a
// point's decisions read changes — rules, segments (also through inSegment), offers,
// channel settings — and only then.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle, BundleBody } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { DecisionRequest, HistoryRow } from '../../src/engine/types.js';
import { canonicalJson, sha256Digest } from '../../src/bundle/canonical.js';
import { pointDecisionDigest, pointDecisionDigests, pointDecisionKey } from '../../src/engine/zone-digest.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { emptyTally, mergeTally, prepareSide, runBatch, type BatchTally, type PreparedSide } from '../../src/simulate/batch.js';
import { allPoints } from '../../src/simulate/points.js';
import { batchesOf } from '../../src/simulate/simulate.js';
import type { SimulationOptions } from '../../src/simulate/types.js';

const repo = path.resolve(import.meta.dirname, '../..');
const AT = '2026-11-02';
let base: Bundle;

beforeAll(async () => {
  base = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
});

/** The example's body changed by `edit` (indexes stay valid: no rule is added or moved). */
function changed(edit: (body: BundleBody) => void): Bundle {
  const body = structuredClone(base.body);
  edit(body);
  return createBundle(body);
}

const pointKeys = (body: BundleBody): string[] => allPoints([body]).map(({ channel, point }) => `${channel}/${point}`);

/** The points whose digest differs between base and head. */
function differing(head: Bundle): string[] {
  return allPoints([base.body, head.body])
    .filter(({ channel, point }) => pointDecisionDigest(base.body, channel, point) !== pointDecisionDigest(head.body, channel, point))
    .map(({ channel, point }) => `${channel}/${point}`)
    .sort();
}

/** An engine that counts its decisions per point. */
function counting(engine: Engine, calls: Map<string, number>): Engine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      if (property === 'decide') {
        return (request: DecisionRequest, cache?: Parameters<Engine['decide']>[1]) => {
          const key = `${request.channel}/${request.interactionPoint}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return target.decide(request, cache);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

interface Run {
  tally: BatchTally;
  /** Decisions the head's engine made, per point. */
  headCalls: Map<string, number>;
}

/** The diff's tally over a seeded sample with history; `shortcut: false` decides every point with both bundles. */
function tally(head: Bundle, shortcut: boolean, members = 300): Run {
  const points = allPoints([head.body, base.body]);
  const options: SimulationOptions = { at: AT, points, count: null, explainStride: 4, fairness: { attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true }, examplesPerPoint: 3 };
  const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
  const audience = [...sampleMembers(shape, { customers: members, seed: 21, at: AT })];
  // Every fifth member accepted or rejected a few offers lately, so suppression and session rules act.
  const history = new Map<string, HistoryRow[]>();
  const offers = base.body.offers.map((o) => o.name);
  audience.forEach((member, i) => {
    if (i % 5 !== 0) return;
    history.set(
      member.id,
      [0, 1, 2].map((k) => ({ customerId: member.id, offer: offers[(i + 7 * k) % offers.length]!, channel: 'web', date: `2026-10-2${k}`, event: k === 1 ? 'reject' : 'accept' })),
    );
  });
  const headCalls = new Map<string, number>();
  const sides: PreparedSide[] = [prepareSide(createEngine(base), options), prepareSide(counting(createEngine(head), headCalls), options)];
  if (!shortcut) for (const side of sides) side.decisionDigests = points.map(() => null);
  const total = emptyTally(points.length, 2);
  for (const batch of batchesOf(audience, history)) mergeTally(total, runBatch(sides, batch, options, () => performance.now()), options.examplesPerPoint);
  return { tally: total, headCalls };
}

/** A tally as JSON without its latency figures (timing, not metrics). */
function withoutLatency(t: BatchTally): string {
  return JSON.stringify(t, (key, value: unknown) => (key === 'latency' ? undefined : value instanceof Map ? [...value] : value));
}

describe('points decided once in a diff', () => {
  it('decides only the changed zone with the head when one rule of one zone changes, and counts exactly what deciding everything counts', () => {
    const head = changed((body) => {
      body.rules.find((r) => r.name === 'tiles-savings')!.score = 96;
    });
    expect(differing(head)).toEqual(['web/home-hero', 'web/home-tiles']);
    const once = tally(head, true);
    const everything = tally(head, false);
    expect(withoutLatency(once.tally)).toBe(withoutLatency(everything.tally));
    // The change moved decisions, or the comparison proves little.
    const changedAt = (key: string) => once.tally.points[pointKeys(base.body).indexOf(key)]!.change!.changed;
    expect(changedAt('web/home-tiles')).toBeGreaterThan(0);
    expect(once.tally.changedMembers).toBeGreaterThan(0);
    // The head decided the home zone for every member; elsewhere only members whose visit
    // had already parted (the web session's maxOffers counts the offers given so far).
    expect(once.headCalls.get('web/home-tiles')).toBeGreaterThanOrEqual(300);
    expect(everything.headCalls.get('web/accounts-banner')).toBeGreaterThanOrEqual(300);
    for (const key of ['contact-centre/next-best-action', 'mobile-app/dashboard-card']) expect(once.headCalls.get(key) ?? 0, key).toBe(0);
    const parted = once.headCalls.get('web/accounts-banner') ?? 0;
    expect(parted).toBeLessThan(300);
    // Each side's latency is measured for every member (decided once: the one measurement counts for both).
    for (const point of once.tally.points) for (const side of point.sides) expect([...side.latency.values()].reduce((a, b) => a + b, 0)).toBe(side.members);
  });

  it('gives every point the same digest for the same bundle, and a different one when the point is not in a bundle', () => {
    for (const { channel, point } of allPoints([base.body])) expect(pointDecisionDigest(base.body, channel, point)).toBe(pointDecisionDigest(structuredClone(base.body), channel, point));
    expect(pointDecisionDigest(base.body, 'web', 'no-such-point')).toBeNull();
    expect(pointDecisionDigest(base.body, 'no-such-channel', 'home-hero')).toBeNull();
    expect(differing(createBundle(structuredClone(base.body)))).toEqual([]);
  });

  it('writes the key piece by piece as its canonical JSON: every point, with and without realtime policies, with a segment the bundle lacks', () => {
    const withoutPolicies = changed((body) => {
      body.policies = body.policies.filter((policy) => !policy.realtime);
    });
    const missingSegment = changed((body) => {
      body.segments = body.segments.filter((segment) => segment.name !== 'students');
    });
    const unknownInSegment = changed((body) => {
      body.segments[0]!.expression = 'inSegment(profile.segmentName)';
    });
    for (const bundle of [base, withoutPolicies, missingSegment, unknownInSegment]) {
      const points = [...allPoints([bundle.body]), { channel: 'web', point: 'no-such-point' }];
      const expected = points.map(({ channel, point }) => {
        const key = pointDecisionKey(bundle.body, channel, point);
        return key === null ? null : sha256Digest(canonicalJson(key));
      });
      expect(pointDecisionDigests(bundle.body, points)).toEqual(expected);
      expect(points.map(({ channel, point }) => pointDecisionDigest(bundle.body, channel, point))).toEqual(expected);
    }
    expect(pointDecisionDigest(withoutPolicies.body, 'web', 'home-hero')).not.toBe(pointDecisionDigest(base.body, 'web', 'home-hero'));
  });

  it('changes the key of the zones that read a segment when the segment changes, and of no other zone', () => {
    const head = changed((body) => {
      body.segments.find((s) => s.name === 'students')!.expression = 'inSegment("young-adults") && profile.employment != "student"';
    });
    expect(differing(head)).toEqual(['web/home-hero', 'web/home-tiles']);
    expect(withoutLatency(tally(head, true).tally)).toBe(withoutLatency(tally(head, false).tally));
  });

  it('changes the key through inSegment: a segment another one depends on', () => {
    // young-adults is read by accounts (accounts-regular-saver) and, through students, by home.
    const head = changed((body) => {
      body.segments.find((s) => s.name === 'young-adults')!.expression = 'inSegment("adults") && profile.age <= 30';
    });
    expect(differing(head)).toEqual(['web/accounts-banner', 'web/home-hero', 'web/home-tiles', 'web/statements-sidebar']);
    const once = tally(head, true);
    expect(withoutLatency(once.tally)).toBe(withoutLatency(tally(head, false).tally));
  });

  it("changes the key of the zones reaching an offer when the offer's dates change", () => {
    // contact-centre has no realtime policy, so its zones read only the offers their rules reach.
    const retention = base.body.rules.filter((r) => r.channel === 'contact-centre' && r.zone === 'retention');
    const service = new Set(base.body.rules.filter((r) => r.channel === 'contact-centre' && r.zone !== 'retention').flatMap((r) => r.offers));
    const offer = retention.flatMap((r) => r.offers).find((name) => !service.has(name))!;
    expect(offer).toBeDefined();
    const head = changed((body) => {
      body.offers.find((o) => o.name === offer)!.expires = '2026-11-01';
    });
    // contact-centre: only the zone that reaches it. web and mobile-app have realtime policies, whose
    // scopes and history may name any offer: every offer is in their zones' keys (conservative).
    const withPolicies = pointKeys(base.body).filter((key) => !key.startsWith('contact-centre/'));
    expect(differing(head)).toEqual(['contact-centre/retention-offer', ...withPolicies].sort());
    const once = tally(head, true);
    expect(withoutLatency(once.tally)).toBe(withoutLatency(tally(head, false).tally));
    // The offer expired the day before: the retention point's decisions changed.
    expect(once.tally.points[pointKeys(base.body).indexOf('contact-centre/retention-offer')]!.change!.changed).toBeGreaterThan(0);
  });

  it('changes the key of every zone of a channel whose session rules change, and of no zone of another channel', () => {
    const head = changed((body) => {
      body.channels.find((c) => c.name === 'web')!.session!.maxOffers = 2;
    });
    expect(differing(head)).toEqual(pointKeys(base.body).filter((key) => key.startsWith('web/')).sort());
    const once = tally(head, true);
    expect(withoutLatency(once.tally)).toBe(withoutLatency(tally(head, false).tally));
    expect(once.tally.changedMembers).toBeGreaterThan(0);
  });

  it('changes the key of every zone of a channel when a realtime policy of the channel changes, or any offer it may name', () => {
    const policy = changed((body) => {
      const rule = body.policies.find((p) => p.name === 'realtime-guardrails')!.rules[0]!;
      rule.periodDays = (rule.periodDays ?? 0) + 1;
    });
    expect(differing(policy)).toEqual(pointKeys(base.body).filter((key) => key.startsWith('web/')).sort());
    // An offer no web rule reaches, but web's realtime policies and history may name.
    const webOffers = new Set(base.body.rules.filter((r) => r.channel === 'web').flatMap((r) => r.offers));
    const other = base.body.offers.find((o) => !webOffers.has(o.name))!;
    const offer = changed((body) => {
      body.offers.find((o) => o.name === other.name)!.cost += 1;
    });
    expect(differing(offer)).toEqual(expect.arrayContaining(pointKeys(base.body).filter((key) => key.startsWith('web/'))));
  });

  it('keeps the key when only what no decision there reads changes: a rule of another zone, a segment no rule of the zone reads, a description', () => {
    const head = changed((body) => {
      body.rules.find((r) => r.name === 'nba-support')!.score = 1;
      body.segments.find((s) => s.name === 'retirees')!.expression = 'profile.age >= 70';
      body.channels.find((c) => c.name === 'web')!.interactionPoints['home-hero']!.defaultString = 'Hello';
    });
    // nba-support: contact-centre's service-call zone; retirees: web accounts; home-hero's default string: that point only.
    expect(differing(head)).toEqual(['contact-centre/agent-prompts', 'contact-centre/next-best-action', 'web/accounts-banner', 'web/home-hero', 'web/statements-sidebar']);
    expect(withoutLatency(tally(head, true, 200).tally)).toBe(withoutLatency(tally(head, false, 200).tally));
  });
});
