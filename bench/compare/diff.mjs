// Compares the diff benchmark's one-thread decisions (bench/diff.bench.mjs's reference: the example's bundle
// against every rule's score moved, every point, both bundles) between two checkouts in ONE process:
// each checkout's own dist/ and config/, alternately on the same seeded batches of members, median CPU
// time per batch scaled to 100,000 members, and the median of the per-batch ratios to the first.
// See bench/compare/decide.mjs for why, and for making the other checkout.
//
//   VARIANTS=before=/tmp/before,after=. ROUNDS=16 BATCH=500 node bench/compare/diff.mjs
import path from 'node:path';
import { diffWorkload } from './diff-workload.mjs';
if (!process.env.VARIANTS) {
  process.stderr.write('usage: VARIANTS=before=/path/to/other/checkout,after=. [ROUNDS=16] [BATCH=500] node bench/compare/diff.mjs\n');
  process.exit(2);
}
const variants = process.env.VARIANTS.split(',').map((v) => v.split('=')).map(([name, root]) => [name, path.resolve(root)]);
const BATCH = Number(process.env.BATCH ?? 500), ROUNDS = Number(process.env.ROUNDS ?? 16);
const runs = [];
for (const [name, root] of variants) {
  const { decide } = await diffWorkload(root);
  const run = (seed) => decide(BATCH, seed);
  await run(99);
  runs.push({ name, run, times: [], digest: [] });
}
for (let r = 0; r < ROUNDS; r++) {
  for (const v of r % 2 ? [...runs].reverse() : runs) {
    const c0 = process.cpuUsage();
    const result = await v.run(1000 + r);
    const c = process.cpuUsage(c0);
    v.times.push((c.user + c.system) / 1e6);
    v.digest.push(JSON.stringify(result, (k, x) => (k === 'timing' || k === 'latency' ? undefined : typeof x === 'bigint' ? String(x) : x)).length);
  }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const same = runs.every((v) => JSON.stringify(v.digest) === JSON.stringify(runs[0].digest));
console.log(`diff A/B one thread, ${ROUNDS} alternating batches of ${BATCH} members × 13 points × 2 bundles: ` + runs.map((v, k) => `${v.name} median ${(med(v.times) * 100000 / BATCH).toFixed(1)} CPU-s per 100k members${k ? `, ratio ${med(v.times.map((t, i) => t / runs[0].times[i])).toFixed(2)}` : ''}`).join('; ') + `; tallies ${same ? 'the same size' : 'DIFFER'}`);
