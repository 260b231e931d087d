// Worker threads give the metrics one thread gives, byte for byte (apart from latency):
// batches are fixed and merged in order, whatever finishes first.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { behaviourDiff } from '../../src/diff/behaviour-diff.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { openAudienceSample, sampleMemberId, sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import { tallySource } from '../../src/simulate/run.js';
import type { AudienceSource, SimulationOptions } from '../../src/simulate/types.js';
import { ensureFreshDist } from '../server/fresh-dist.js';

const repo = path.resolve(import.meta.dirname, '../..');
let base: Bundle;
let head: Bundle;

beforeAll(async () => {
  ensureFreshDist();
  base = (await compileDirectory(path.join(repo, 'config'), { root: repo })).bundle!;
  // A head nobody tuned: every rule's score nudged by its position.
  const body = structuredClone(base.body);
  body.rules.forEach((rule, i) => (rule.score = Math.min(100, rule.score + (i % 7))));
  head = createBundle(body);
  // Building dist/ (the workers run the compiled code) is slow on a busy machine.
}, 240_000);

describe('simulation on worker threads', () => {
  it('gives the same behaviour diff with 2 workers as on one thread', async () => {
    const points = allPoints([head.body, base.body]);
    const options: SimulationOptions = { at: '2026-11-02', points, count: null, explainStride: 3, fairness: { attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true }, examplesPerPoint: 5 };
    const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
    const run = async (workers: number) => {
      const tally = await tallySource([base, head], openAudienceSample(shape, { customers: 520, seed: 5, at: '2026-11-02' }), options, { workers, history: null });
      const diff = behaviourDiff(tally, base.body, head.body, options);
      return JSON.stringify({ ...diff, points: diff.points.map(({ latencyUs, ...rest }) => (expect(latencyUs.head.p50).toBeGreaterThan(0), rest)) });
    };
    const one = await run(0);
    // The workers are sent `end` after the last batch and leave on their own: none is terminated.
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const two = await run(2);
      expect(two).toBe(one);
      expect(terminate).not.toHaveBeenCalled();
    } finally {
      terminate.mockRestore();
    }
    expect((JSON.parse(one) as { changed: number }).changed).toBeGreaterThan(0);
  });

  // Four simulations of 520 members: slow on a busy machine.
  it('gives the same with 2 workers when the members travel to them (a file) or are drawn by them (a sample), with history', { timeout: 240_000 }, async () => {
    const points = allPoints([head.body, base.body]);
    const options: SimulationOptions = { at: '2026-11-02', points, count: null, explainStride: 40, fairness: null, examplesPerPoint: 3 };
    const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
    // 520 members: 3 batches, the last one short (520 = 2 × 256 + 8).
    const definition = { customers: 520, seed: 11, at: '2026-11-02' };
    // Every third member was shown every offer of the bundle five times in the last days.
    const history = new Map<string, HistoryRow[]>();
    for (let i = 0; i < definition.customers; i += 3) {
      const id = sampleMemberId(shape, definition, i);
      const rows: HistoryRow[] = [];
      for (const offer of base.body.offers) for (let d = 1; d <= 5; d++) rows.push({ customerId: id, offer: offer.name, channel: 'web', date: `2026-10-${String(25 + d).padStart(2, '0')}`, event: 'contact' });
      history.set(id, rows);
    }
    const sample = openAudienceSample(shape, definition);
    // The same members, as a source that is not a sample: the members are sent to the workers.
    const shipped: AudienceSource = { source: 'members', digest: sample.digest, approxMembers: definition.customers, forEach: (onMember) => sample.forEach(onMember) };
    const run = async (source: AudienceSource, workers: number, withHistory: boolean) => {
      const tally = await tallySource([base, head], source, options, { workers, history: withHistory ? history : null });
      expect(tally.members).toBe(definition.customers);
      const diff = behaviourDiff(tally, base.body, head.body, options);
      return JSON.stringify({ ...diff, points: diff.points.map((point) => ({ ...point, latencyUs: null })) });
    };
    const one = await run(sample, 0, true);
    expect(await run(sample, 2, true)).toBe(one);
    expect(await run(shipped, 2, true)).toBe(one);
    // The history reached the decisions: without it the diff is another one.
    expect(await run(sample, 2, false)).not.toBe(one);
  });
});

describe('a slice of a sample', () => {
  it('holds the members the whole sample holds at those indexes, ids included', () => {
    const shape = sampleShape([head.body], ['web']);
    const definition = { customers: 50, seed: 3, at: '2026-11-02' };
    const whole = [...sampleMembers(shape, definition)];
    for (const [from, to] of [[0, 1], [0, 50], [10, 20], [49, 50], [49, 60], [50, 50]] as const) {
      expect([...sampleMembers(shape, definition, from, to)]).toEqual(whole.slice(from, to));
    }
    whole.forEach((member, i) => expect(sampleMemberId(shape, definition, i)).toBe(member.id));
  });
});
