// A batch counts its decisions by offer and rule number and writes the counts into the
// side's tally maps when it ends: the maps must hold exactly what counting every decision
// straight into string-keyed maps gives, keys in the same (first-counted) order, since the
// report lists them in that order.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { Decision, DecisionRequest, HistoryRow } from '../../src/engine/types.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { EXAMPLE_MEMBERS, isTimed, prepareSide, runBatch, TIMED_MEMBERS, TIMED_STRIDE, type BatchTally, type PreparedSide } from '../../src/simulate/batch.js';
import { bandOf, numericBandLabels } from '../../src/simulate/fairness.js';
import { allPoints } from '../../src/simulate/points.js';
import { batchesOf } from '../../src/simulate/simulate.js';
import type { SimulationOptions } from '../../src/simulate/types.js';

const repo = path.resolve(import.meta.dirname, '../..');
const AT = '2026-11-02';
let base: Bundle;
let head: Bundle;

beforeAll(async () => {
  base = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
  const body = structuredClone(base.body);
  body.rules.forEach((rule, i) => (rule.score = Math.min(100, rule.score + (i % 7))));
  head = createBundle(body);
});

interface Seen {
  request: DecisionRequest;
  decision: Decision;
}

/** An engine that keeps every plain (unexplained) decision it makes, in order. */
function recording(engine: Engine, seen: Seen[]): Engine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      if (property === 'decide') {
        return (request: DecisionRequest, cache?: Parameters<Engine['decide']>[1]) => {
          const decision = target.decide(request, cache);
          if (request.explain !== true) seen.push({ request, decision });
          return decision;
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

const inc = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);

/** What one side's maps hold at one point when every decision is counted straight into them. */
function countedStraight(seen: Seen[], key: string, options: SimulationOptions) {
  const offers = new Map<string, number[]>();
  const ruleHits = new Map<string, number>();
  const holdouts = new Map<string, number>();
  const fairness = new Map<string, Map<string, number>>();
  const labels = numericBandLabels(options.fairness as Extract<SimulationOptions['fairness'], { kind: 'numeric' }>);
  for (const { request, decision } of seen) {
    if (`${request.channel}/${request.interactionPoint}` !== key) continue;
    decision.offers.forEach((chosen, rank) => {
      const counts = offers.get(chosen.offer) ?? [0];
      offers.set(chosen.offer, counts);
      counts[0]!++;
      while (counts.length <= rank + 1) counts.push(0);
      counts[rank + 1]!++;
      inc(ruleHits, chosen.rule);
    });
    for (const rule of decision.controlGroups) inc(holdouts, rule);
    const band = bandOf(options.fairness!, request.audience.profile['age'], labels);
    const byOffer = fairness.get(band) ?? new Map<string, number>();
    fairness.set(band, byOffer);
    inc(byOffer, '');
    for (const chosen of decision.offers) inc(byOffer, chosen.offer);
  }
  return { offers: [...offers], ruleHits: [...ruleHits], holdouts: [...holdouts], fairness: [...fairness].map(([band, byOffer]) => [band, [...byOffer]]) };
}

describe('a batch counting its decisions by number', () => {
  it.each([1, 2, 60])('writes the same maps, in the same order, as counting each decision into them (%i members)', (members) => {
    const points = allPoints([head.body, base.body]);
    const options: SimulationOptions = { at: AT, points, count: null, explainStride: 7, fairness: { attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true }, examplesPerPoint: 3 };
    const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
    const audience = [...sampleMembers(shape, { customers: members, seed: 5, at: AT })];
    // Some members accepted an offer lately, so suppression moves offers between ranks.
    const history = new Map<string, HistoryRow[]>();
    audience.forEach((member, i) => {
      if (i % 3 === 0) history.set(member.id, [{ customerId: member.id, offer: base.body.offers[i % base.body.offers.length]!.name, channel: 'web', date: '2026-10-30', event: 'accept' }]);
    });
    const seen: Seen[][] = [[], []];
    const sides: PreparedSide[] = [prepareSide(recording(createEngine(base), seen[0]!), options), prepareSide(recording(createEngine(head), seen[1]!), options)];
    // Every point decided by both bundles, so each side's decisions are its own.
    for (const side of sides) side.decisionDigests = points.map(() => null);
    const tallies: BatchTally[] = [...batchesOf(audience, history)].map((batch) => runBatch(sides, batch, options, () => 0));
    expect(tallies).toHaveLength(1);
    let decisions = 0;
    points.forEach(({ channel, point }, p) => {
      for (const s of [0, 1]) {
        const side = tallies[0]!.points[p]!.sides[s]!;
        const written = { offers: [...side.offers], ruleHits: [...side.ruleHits], holdouts: [...side.holdouts], fairness: [...side.fairness].map(([band, byOffer]) => [band, [...byOffer]]) };
        expect(written).toEqual(countedStraight(seen[s]!, `${channel}/${point}`, options));
        decisions += side.members;
      }
    });
    expect(decisions).toBe(seen[0]!.length + seen[1]!.length);
    expect(decisions).toBe(members * points.length * 2);
  });
});

describe('the members whose decisions are timed', () => {
  it('are the first 1,000 by index, then every 8th', () => {
    expect([TIMED_MEMBERS, TIMED_STRIDE]).toEqual([1000, 8]);
    expect([998, 999, 1000, 1001, 1007, 1008, 1009, 1015, 1016, 1017].filter(isTimed)).toEqual([998, 999, 1000, 1008, 1016]);
    expect(isTimed(0)).toBe(true);
  });

  it('are timed each decision with two clock reads, and only they count in the latency figures', () => {
    const points = allPoints([head.body, base.body]);
    const options: SimulationOptions = { at: AT, points, count: null, explainStride: 1_000_000_007, fairness: null, examplesPerPoint: 0 };
    const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
    const indexes = [998, 999, 1000, 1001, 1007, 1008, 1009, 1016];
    const members = [...sampleMembers(shape, { customers: indexes.length, seed: 9, at: AT })].map((member, i) => ({ ...member, index: indexes[i]! }));
    const sides: PreparedSide[] = [prepareSide(createEngine(base), options), prepareSide(createEngine(head), options)];
    for (const side of sides) side.decisionDigests = points.map(() => null);
    let reads = 0;
    const tally = runBatch(sides, { index: 20, members, history: {} }, options, () => ++reads);
    const timedMembers = indexes.filter(isTimed).length;
    expect(timedMembers).toBe(5);
    for (const point of tally.points) {
      for (const side of point.sides) {
        expect(side.members).toBe(indexes.length);
        expect([...side.latency.values()].reduce((a, b) => a + b, 0)).toBe(timedMembers);
      }
    }
    expect(reads).toBe(2 * timedMembers * points.length * 2);
  });
});

describe('the members whose changed decisions may become examples', () => {
  it('are any of the first 2,048 by index, then only explained ones', () => {
    expect(EXAMPLE_MEMBERS).toBe(2048);
    const points = allPoints([head.body, base.body]);
    const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
    const sides = (): PreparedSide[] => [prepareSide(createEngine(base), options), prepareSide(createEngine(head), options)];
    const options: SimulationOptions = { at: AT, points, count: null, explainStride: 4096, fairness: null, examplesPerPoint: 50 };
    // Members whose decision changes at one point: found among the first members, where any changed one is an example.
    const sample = [...sampleMembers(shape, { customers: 400, seed: 3, at: AT })].map((member, i) => ({ ...member, index: i + 1 }));
    const found = runBatch(sides(), { index: 0, members: sample, history: {} }, options, () => 0);
    const p = found.points.findIndex((point) => point.change!.examples.length >= 6);
    expect(p).toBeGreaterThanOrEqual(0);
    const changers = found.points[p]!.change!.examples.slice(0, 6).map((example) => sample.find((member) => member.id === example.audienceId)!);
    // The same members at other places in the audience: 4096 is explained (4096 % 4096 === 0), 4097 is not.
    const indexes = [2046, 2047, 2048, 2049, 4096, 4097];
    const members = changers.map((member, i) => ({ ...member, index: indexes[i]! }));
    const tally = runBatch(sides(), { index: 3, members, history: {} }, options, () => 0);
    const change = tally.points[p]!.change!;
    expect(change.changed).toBe(6);
    expect(change.examples.map((example) => example.index)).toEqual([2046, 2047, 4096]);
  });
});
