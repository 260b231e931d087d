// Shards at scale (docs/optimization.md#when-to-shard): `node bench/optimize-shards.mjs [N]`
// generates the optimize benchmark's data (OPTIMIZE_BENCH_CUSTOMERS customers, default
// 100,000, 10 proposed rows each, seed 42) in a temp dir and runs, each as its own
// `offerops optimize` child process with its peak RSS:
//   1. the single run over every row, which also writes the prices (--write-prices);
//   2. N shards (default 4) one after another, each with those prices;
//   3. the merge of the shard outputs;
//   4. the independent check of the merged selection against the whole input
//      (bench/check-selection.mjs: every hard rule recounted from the proposed lines).
// Prints a table of the runs and the merged objective as a share of the single run's; exits
// 1 when the check fails or the merged objective is more than 0.5% below the single run's.
// Not part of `npm run bench`: at 10,000,000 rows it takes tens of minutes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOptimizeData } from './generate/optimize-data.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const shards = Number(process.argv[2] ?? 4);
const customers = Number(process.env.OPTIMIZE_BENCH_CUSTOMERS ?? 100_000);
if (!Number.isInteger(shards) || shards < 2) {
  process.stderr.write(`usage: node bench/optimize-shards.mjs [N]   (N shards, a whole number of at least 2; got ${process.argv[2]})\n`);
  process.exit(2);
}
if (!Number.isInteger(customers) || customers < 1) {
  process.stderr.write(`OPTIMIZE_BENCH_CUSTOMERS must be a whole number of at least 1, got ${process.env.OPTIMIZE_BENCH_CUSTOMERS}\n`);
  process.exit(2);
}

/** Runs a node script in `dir` with bench/rss-on-exit.mjs; returns wall seconds, CPU seconds and peak RSS in MB. */
function run(label, script, args, dir) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', path.join(root, 'bench', 'rss-on-exit.mjs'), script, ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  const peakMb = Number(/maxrss-kb (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  const cpu = /cpu-us (\d+)/.exec(child.stderr);
  return { label, status: child.status, stdout: child.stdout, stderr: child.stderr, seconds, cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : NaN, peakMb };
}

const offerops = path.join(root, 'bin', 'offerops.js');
const inputs = ['--bundle', 'bundle.json', '--history', 'history.csv', '--audience', 'audience.csv'];
const dir = mkdtempSync(path.join(tmpdir(), 'offerops-shards-bench-'));
let failed = false;
try {
  const t0 = performance.now();
  const data = await generateOptimizeData(dir, { customers, perCustomer: 10, seed: 42 });
  console.log(`shards: ${data.rows.toLocaleString('en-US')} proposed rows, ${customers.toLocaleString('en-US')} customers, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  mkdirSync(path.join(dir, 'shards'));
  const runs = [];
  const must = (r) => {
    runs.push(r);
    if (r.status !== 0) throw new Error(`${r.label} failed (exit ${r.status}): ${r.stderr.slice(-4000)}`);
    return r;
  };
  const report = (file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  must(run('single run (writes the prices)', offerops, ['optimize', ...inputs, '--proposed', 'proposed.csv', '--exact', 'never', '--out', 'chosen-single.csv', '--report', 'single.json', '--write-prices', 'prices.json'], dir));
  const single = report('single.json');
  for (let i = 0; i < shards; i++) {
    must(run(`shard ${i}/${shards}`, offerops, ['optimize', ...inputs, '--proposed', 'proposed.csv', '--shard', `${i}/${shards}`, '--prices', 'prices.json', '--out', `shards/part-${i}.csv`, '--report', `shard-${i}.json`], dir));
  }
  must(run('merge', offerops, ['optimize', ...inputs, '--merge', 'shards', '--prices', 'prices.json', '--out', 'chosen.csv', '--report', 'merged.json'], dir));
  const merged = report('merged.json');
  const check = run('independent check', path.join(root, 'bench', 'check-selection.mjs'), [dir, path.join(dir, 'chosen.csv')], root);
  runs.push(check);

  console.log('| run | time | CPU | peak RSS | rows in → out | objective |');
  console.log('|---|---|---|---|---|---|');
  const reports = [single, ...Array.from({ length: shards }, (_, i) => report(`shard-${i}.json`)), merged];
  runs.forEach((r, i) => {
    const rep = reports[i];
    const rows = rep ? `${rep.rowsIn.toLocaleString('en-US')} → ${rep.rowsOut.toLocaleString('en-US')}` : '—';
    console.log(`| ${r.label} | ${r.seconds.toFixed(1)} s | ${Number.isNaN(r.cpuSeconds) ? '—' : `${r.cpuSeconds.toFixed(1)} s`} | ${Math.round(r.peakMb)} MB | ${rows} | ${rep ? rep.objective.toFixed(2) : '—'} |`);
  });
  const share = merged.objective / single.objective;
  console.log(`shards: merged objective ${merged.objective.toFixed(2)} = ${(share * 100).toFixed(3)}% of the single run's ${single.objective.toFixed(2)} (bound ${single.upperBound.toFixed(2)}); unmet minimum windows ${merged.unmetMinimums.length}`);
  console.log(`shards: independent check (exit ${check.status}): ${check.stdout.trim().split('\n').slice(-3).join(' / ')}${check.status === 0 ? '' : `\n${check.stderr.slice(-4000)}`}`);
  console.log(`shards: load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (check.status !== 0) failed = true;
  if (share < 0.995) {
    console.log('shards: the merged objective is more than 0.5% below the single run\'s');
    failed = true;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
