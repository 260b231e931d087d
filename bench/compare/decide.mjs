// Compares the decide benchmark's decisions between two (or more) builds of the engine in ONE
// process (docs/benchmarks.md#decide--benchdecidebenchmjs): on a shared machine two separate
// runs see different loads, so the same requests are decided by each build alternately, in
// chunks of 1,000 (ROUNDS chunks each, the order reversed every other round), and the median
// CPU time per decision (user + system, so time the process waits for a core is left out) and
// the median of the per-chunk ratios to the first build are printed. The members and the
// all-extensions bundle are those of bench/decide.bench.mjs (bench/decide-workload.mjs).
// Another build: `git worktree add --detach /tmp/before <commit>` (or `git archive <commit> | tar -x`),
// then `npx tsc -p tsconfig.build.json` there.
//
//   VARIANTS=before=/tmp/before/dist/,after=dist/ ROUNDS=30 node bench/compare/decide.mjs
//   VARIANTS=before=/tmp/before/dist/,after=dist/ EXT=1 WARM=1 node bench/compare/decide.mjs
//   VARIANTS=plain=dist/,extensions=dist/:ext node bench/compare/decide.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AT, CHANNEL, POINT, SCALE, SEED, members, sessionActivityOf, withExtensions } from '../decide-workload.mjs';
import { seededRandom, writeLargeConfig } from '../generate/large-config.mjs';

// A/B in one process: the same requests decided by two versions of the engine, alternating chunks.
if (!process.env.VARIANTS) {
  process.stderr.write('usage: VARIANTS=before=/path/to/other/dist/,after=dist/ [EXT=1] [WARM=1] [ROUNDS=30] node bench/compare/decide.mjs\n  a variant dir:ext decides the all-extensions bundle\n');
  process.exit(2);
}
const variants = process.env.VARIANTS.split(',').map((v) => v.split('=')).map(([name, dir]) => [name, path.resolve(dir.split(':')[0]) + '/' + (dir.includes(':') ? ':' + dir.split(':')[1] : '')]);
const EXT_ALL = !!process.env.EXT;
const CHUNK = 1000, ROUNDS = Number(process.env.ROUNDS ?? 30);
async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-ab-'));
  const runs = [];
  let audience;
  for (const [name, spec] of variants) {
    const [d, mode] = spec.split(':');
    const EXT = EXT_ALL || mode === 'ext';
    const { compileDirectory } = await import(`file://${d}compile/compile-directory.js`);
    const { createEngine } = await import(`file://${d}engine/engine.js`);
    if (runs.length === 0) await writeLargeConfig(dir, { seed: SEED, scale: SCALE });
    const bundle = (await compileDirectory(dir, { root: dir })).bundle;
    audience ??= members(bundle, seededRandom(SEED));
    let engine, aud = audience;
    if (EXT) {
      const m = audience.map((x, i) => ({ ...x, sessionActivity: sessionActivityOf(x, i) }));
      const { bundle: xb, modelScored } = withExtensions(bundle);
      engine = createEngine(xb);
      const scoreRandom = seededRandom(SEED + 1);
      aud = m.map((x) => ({ ...x, profile: { ...x.profile, modelScores: Object.fromEntries(modelScored.map((offer) => [offer, scoreRandom.next()])) } }));
    } else engine = createEngine(bundle);
    const reqs = aud.map((x) => { const r = { channel: CHANNEL, interactionPoint: POINT, audience: { id: x.id, profile: x.profile }, session: x.session, history: x.history, at: AT, count: 3 }; if (EXT) r.sessionActivity = x.sessionActivity; return r; });
    for (let i = 0; i < 5000; i++) engine.decide(reqs[i % reqs.length]);
    const caches = process.env.WARM ? reqs.map(() => engine.newSegmentCache()) : null;
    if (caches) reqs.forEach((q, i) => engine.decide(q, caches[i]));
    runs.push({ name, engine, reqs, caches, times: [], offers: 0 });
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of (r % 2 ? [...runs].reverse() : runs)) {
      const c0 = process.cpuUsage();
      let offered = 0;
      for (let i = 0; i < CHUNK; i++) { const k = (r * CHUNK + i) % run.reqs.length; offered += run.engine.decide(run.reqs[k], run.caches ? run.caches[k] : undefined).offers.length; }
      const c = process.cpuUsage(c0);
      run.times.push((c.user + c.system) / CHUNK);
      run.offers += offered;
    }
  }
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  const ratios = runs.slice(1).map((run) => med(run.times.map((t, i) => t / runs[0].times[i])));
  console.log(`A/B ${EXT_ALL ? 'all extensions' : 'plain'} ${process.env.WARM ? 'warm' : 'cold'}, ${ROUNDS} alternating chunks of ${CHUNK}: ` + runs.map((run, k) => `${run.name} median ${med(run.times).toFixed(1)} CPU-µs/decision (${(run.offers / ROUNDS / CHUNK).toFixed(2)} offers)${k ? ` ratio to ${runs[0].name} ${ratios[k - 1].toFixed(2)}` : ''}`).join('; ') + ` load ${os.loadavg()[0].toFixed(1)}`);
  await rm(dir, { recursive: true, force: true });
}
main();
