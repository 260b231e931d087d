// Worker threads give the metrics one thread gives, byte for byte (apart from latency):
// batches are fixed and merged in order, whatever finishes first.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { behaviourDiff } from '../../src/diff/behaviour-diff.js';
import { openAudienceSample, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import { tallySource } from '../../src/simulate/run.js';
import type { SimulationOptions } from '../../src/simulate/types.js';
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
    const two = await run(2);
    expect(two).toBe(one);
    expect((JSON.parse(one) as { changed: number }).changed).toBeGreaterThan(0);
  });
});
