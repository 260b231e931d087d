// The diff benchmark's one-thread decisions, from one checkout's own dist/ and config/: the
// example's bundle against every rule's score moved, every point, both bundles, on a seeded
// sample (bench/diff.bench.mjs's reference). Shared by bench/compare/diff.mjs and
// bench/compare/diff-allocation.mjs.
import path from 'node:path';

const AT = '2026-11-02';

/** `decide(customers, seed)` decides that many members of the seeded sample with both bundles and returns the tally. */
export async function diffWorkload(root) {
  const d = (p) => import(path.join(root, 'dist', p));
  const { createBundle } = await d('bundle/bundle.js');
  const { compileDirectory } = await d('compile/compile-directory.js');
  const { openAudienceSample, sampleShape } = await d('simulate/audience-sample.js');
  const { allPoints } = await d('simulate/points.js');
  const { tallySource } = await d('simulate/run.js');
  const base = (await compileDirectory(path.join(root, 'config'), { root })).bundle;
  const body = structuredClone(base.body);
  body.rules.forEach((rule, i) => (rule.score = Math.min(100, rule.score + (i % 7))));
  const head = createBundle(body);
  const points = allPoints([head.body, base.body]);
  const shape = sampleShape([head.body, base.body], [...new Set(points.map((p) => p.channel))]);
  const options = { at: AT, points, count: null, explainStride: 200, fairness: { attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true }, examplesPerPoint: 5 };
  return { decide: (customers, seed) => tallySource([base, head], openAudienceSample(shape, { customers, seed, at: AT }), options, { workers: 0, history: null }) };
}
