// Diff benchmark (docs/benchmarks.md#diff--benchdiffbenchmjs): the evidence for a change, at scale.
//
// Figures:
//   diff.100k        `offerops diff` of two bundles of the example (the shipped config and a
//                    change nobody tuned: every rule's score moved by its position) over a
//                    100,000-member seeded sample at every interaction point of the example
//                    (13), with worker threads, as a child process: wall time and peak RSS.
//                    Target < 15 s. Reference: the same decisions on one thread, in this
//                    process (measured on BENCH_REFERENCE_MEMBERS members and scaled).
//   diff.100k.cpu    the same command's CPU time (user + system, all threads) against the
//                    reference's; the CPU budget of the target is 30 s (15 s on two cores).
//   diff.1m-stream   `offerops diff` of the same two bundles at one point over a 1,000,000-member
//                    NDJSON file, streamed: wall time and peak RSS. Target < 2 GB.
//                    Reference: reading the file through the same reader, deciding nothing.
//   diff.git-refs    `offerops diff --base HEAD~1 --head HEAD` in a git repository holding the
//                    large benchmark config and a change to it: both sides read from git and
//                    compiled, then 1,000 members decided at one point. Reference: compiling
//                    the large config twice from a directory, in this process.
//
//   node --expose-gc bench/diff.bench.mjs                                 (npm run bench -- diff)
//   BENCH_DIFF_MEMBERS=20000 BENCH_STREAM_MEMBERS=100000 node bench/diff.bench.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createBundle, formatBundle } from '../dist/bundle/bundle.js';
import { compileDirectory } from '../dist/compile/compile-directory.js';
import { openAudienceFile } from '../dist/simulate/audience-file.js';
import { openAudienceSample, sampleMembers, sampleShape } from '../dist/simulate/audience-sample.js';
import { allPoints } from '../dist/simulate/points.js';
import { tallySource } from '../dist/simulate/run.js';
import { writeLargeConfig } from './generate/large-config.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const MEMBERS = Number(process.env.BENCH_DIFF_MEMBERS ?? 100_000);
const REFERENCE_MEMBERS = Math.min(MEMBERS, Number(process.env.BENCH_REFERENCE_MEMBERS ?? 20_000));
const STREAM_MEMBERS = Number(process.env.BENCH_STREAM_MEMBERS ?? 1_000_000);
const GIT_MEMBERS = 1000;
const AT = '2026-11-02';
const SEED = 7;
const WORKERS = Math.min(8, availableParallelism());

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok) => (ok ? 'ok' : 'OVER TARGET');
function figure(name, value, unit, reference, referenceUnit, target, ok, note = '') {
  const ratio = reference > 0 ? `×${(value / reference).toFixed(2)}` : '';
  console.log(`${name.padEnd(18)} ${fmt(value, 1).padStart(9)} ${unit.padEnd(3)} reference ${fmt(reference, 1).padStart(9)} ${referenceUnit.padEnd(3)} ${ratio.padEnd(7)} target ${target}  ${verdict(ok)}${note ? `   ${note}` : ''}`);
}

/** Runs the CLI as a child process; returns wall seconds and peak RSS in MB. */
function command(args, cwd) {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', path.join(root, 'bench/rss-on-exit.mjs'), path.join(root, 'bin/offerops.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const rss = /maxrss-kb (\d+)/.exec(run.stderr ?? '');
  const cpu = /cpu-us (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 && run.status !== 1) throw new Error(`offerops ${args[0]} failed (exit ${run.status}): ${run.stderr}`);
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : NaN, cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : NaN, stdout: run.stdout, stderr: run.stderr };
}

/** The example and a change nobody tuned: every rule's score moved by its position. */
async function exampleBundles() {
  const base = (await compileDirectory(path.join(root, 'config'), { root })).bundle;
  if (!base) throw new Error('the example config does not compile');
  const body = structuredClone(base.body);
  body.rules.forEach((rule, i) => (rule.score = Math.min(100, rule.score + (i % 7))));
  return { base, head: createBundle(body) };
}

const dir = await mkdtemp(path.join(tmpdir(), 'offerops-diff-bench-'));
try {
  const { base, head } = await exampleBundles();
  await writeFile(path.join(dir, 'base.json'), formatBundle(base));
  await writeFile(path.join(dir, 'head.json'), formatBundle(head));
  const points = allPoints([head.body, base.body]);
  const channels = [...new Set(points.map((p) => p.channel))];
  const shape = sampleShape([head.body, base.body], channels);
  console.log(`diff: the example (${points.length} interaction points, ${base.body.rules.length} rules) against every rule's score moved; ${fmt(MEMBERS)} members, ${WORKERS} workers on ${availableParallelism()} CPUs`);

  // --- 100,000 members × every point × two bundles, with workers ---------------------------
  const cli = command(['diff', '--base', 'base.json', '--head', 'head.json', '--sample', String(MEMBERS), '--seed', String(SEED), '--at', AT, '--format', 'json', '--out', 'diff.json', '--workers', String(WORKERS)], dir);
  const report = JSON.parse(await readFile(path.join(dir, 'diff.json'), 'utf8'));
  const decisions = report.timing.decisions;
  // The reference: the same decisions (both bundles, every point) on one thread, in this process.
  const explainStride = Math.max(1, Math.ceil(MEMBERS / 500));
  const options = { at: AT, points, count: null, explainStride, fairness: { attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true }, examplesPerPoint: 5 };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await tallySource([base, head], openAudienceSample(shape, { customers: REFERENCE_MEMBERS, seed: SEED, at: AT }), options, { workers: 0, history: null });
  const referenceSeconds = ((performance.now() - t0) / 1000) * (MEMBERS / REFERENCE_MEMBERS);
  const c1 = process.cpuUsage(c0);
  const referenceCpuSeconds = ((c1.user + c1.system) / 1e6) * (MEMBERS / REFERENCE_MEMBERS);
  figure('diff.100k', cli.seconds, 's', referenceSeconds, 's', '< 15 s', cli.seconds < 15, `${fmt(decisions)} decisions (${fmt(decisions / cli.seconds)}/s), ${fmt(report.behaviour.changed)} members changed; reference on one thread${REFERENCE_MEMBERS < MEMBERS ? ` over ${fmt(REFERENCE_MEMBERS)} members ×${(MEMBERS / REFERENCE_MEMBERS).toFixed(1)}` : ''}`);
  // CPU time, all threads: on a shared machine the figure wall time cannot give. 15 s on two cores is 30 CPU-seconds.
  figure('diff.100k.cpu', cli.cpuSeconds, 's', referenceCpuSeconds, 's', '≤ 30 s', cli.cpuSeconds <= 30, 'CPU time (user + system) of the diff command, all threads; reference: the one-thread decisions\' CPU time, scaled');
  figure('diff.100k.rss', cli.rssMB, 'MB', 0, '', '—', true, 'peak RSS of the diff command (all threads)');

  // --- 1,000,000 members streamed from a file ------------------------------------------------
  const audienceFile = path.join(dir, 'audience.ndjson');
  const out = createWriteStream(audienceFile);
  const t1 = performance.now();
  let chunk = '';
  for (const member of sampleMembers(shape, { customers: STREAM_MEMBERS, seed: SEED, at: AT })) {
    chunk += JSON.stringify({ ...member.profile, session: member.session }) + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  const written = (performance.now() - t1) / 1000;
  const stream = command(['diff', '--base', 'base.json', '--head', 'head.json', '--audience', 'audience.ndjson', '--at', AT, '--ip', 'web/home-tiles', '--format', 'json', '--out', 'stream.json', '--workers', String(WORKERS)], dir);
  const streamed = JSON.parse(await readFile(path.join(dir, 'stream.json'), 'utf8'));
  // The reference: the same file through the same reader (parse and check every row), deciding nothing.
  const declared = head.body.channels.find((c) => c.name === 'web');
  const t2 = performance.now();
  const reader = await openAudienceFile({ file: audienceFile, displayName: 'audience.ndjson', format: 'ndjson' }, { idField: 'customerId', attributes: declared.audienceLevels[0].attributes, sessionAttributes: declared.sessionAttributes });
  await reader.forEach(() => {});
  const readSeconds = (performance.now() - t2) / 1000;
  figure('diff.1m-stream', stream.seconds, 's', readSeconds, 's', '—', true, `${fmt(streamed.audience.members)} members at web/home-tiles, both bundles (file written in ${written.toFixed(1)} s); reference: reading the file`);
  figure('diff.1m-stream.rss', stream.rssMB, 'MB', 0, '', '< 2048 MB', stream.rssMB < 2048, 'peak RSS of the diff command (all threads)');
  await rm(audienceFile, { force: true });

  // --- two git refs of the large benchmark config --------------------------------------------
  const repo = path.join(dir, 'repo');
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe' });
  await writeLargeConfig(path.join(repo, 'config'), { seed: 20260101 });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'large config');
  // The change: every 10th score line moved (about 2,000 rules).
  const { readdir } = await import('node:fs/promises');
  let touched = 0;
  for (const name of await readdir(path.join(repo, 'config/strategies'))) {
    const file = path.join(repo, 'config/strategies', name);
    const text = await readFile(file, 'utf8');
    let n = 0;
    await writeFile(file, text.replace(/^(\s+score: )(\d+)$/gm, (line, prefix, score) => (n++ % 10 === 0 ? (touched++, `${prefix}${Math.min(100, Number(score) + 3)}`) : line)));
  }
  git('commit', '-q', '-am', 'scores moved');
  const gitRun = command(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--sample', String(GIT_MEMBERS), '--seed', String(SEED), '--at', '2026-07-15', '--ip', 'web/home-sidebar', '--format', 'markdown', '--out', 'large.md', '--workers', '0'], repo);
  const markdown = await readFile(path.join(repo, 'large.md'), 'utf8');
  const t3 = performance.now();
  await compileDirectory(path.join(repo, 'config'), { root: repo });
  await compileDirectory(path.join(repo, 'config'), { root: repo });
  const compileTwice = (performance.now() - t3) / 1000;
  figure('diff.git-refs', gitRun.seconds, 's', compileTwice, 's', '—', true, `${fmt(touched)} rules changed; Markdown ${fmt(markdown.length)} characters (limit 65,536); reference: compiling the large config twice from a directory`);
  figure('diff.git-refs.rss', gitRun.rssMB, 'MB', 0, '', '—', true, 'peak RSS of the diff command');
} finally {
  await rm(dir, { recursive: true, force: true });
}
