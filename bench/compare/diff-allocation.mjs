// Bytes allocated per decision by the diff benchmark's one-thread decisions (the example's
// bundle against every rule's score moved, every point, both bundles), per checkout, with
// V8's sampling heap profiler counting objects the collector has already freed too. Unlike
// time, this barely moves with the load of the machine, so it compares two checkouts on a
// busy one. TOP=N lists the N functions allocating the most in the last checkout (run with
// node --no-turbo-inlining to see inlined functions on their own).
//
//   VARIANTS=before=/tmp/before,after=. [MEMBERS=3000] [TOP=20] node bench/compare/diff-allocation.mjs
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { diffWorkload } from './diff-workload.mjs';
if (!process.env.VARIANTS) {
  process.stderr.write('usage: VARIANTS=before=/path/to/other/checkout,after=. [MEMBERS=3000] [TOP=20] node bench/compare/diff-allocation.mjs\n');
  process.exit(2);
}
const variants = process.env.VARIANTS.split(',').map((v) => v.split('=')).map(([name, root]) => [name, path.resolve(root)]);
const MEMBERS = Number(process.env.MEMBERS ?? 3000), TOP = Number(process.env.TOP ?? 0);
const session = new Session();
session.connect();
const lines = [];
let top = [];
for (const [name, root] of variants) {
  const { decide: run } = await diffWorkload(root);
  await run(1000, 99);
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const tally = await run(MEMBERS, 7);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const decisions = tally.points.reduce((sum, point) => sum + point.sides.reduce((s, side) => s + side.members, 0), 0);
  const bySite = new Map();
  let total = 0;
  const walk = (node) => {
    const key = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*\/dist\//, '')}:${node.callFrame.lineNumber + 1}`;
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  lines.push(`${name} ${Math.round(total / decisions)} B per decision`);
  top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([site, bytes]) => `  ${String(Math.round(bytes / decisions)).padStart(6)} B  ${site}`);
}
console.log(`diff allocation, ${MEMBERS} members × 13 points × 2 bundles, one thread: ${lines.join('; ')}`);
if (top.length > 0) console.log(top.join('\n'));
