// Optimize benchmark (docs/benchmarks.md#targets): 1,000,000 proposed contacts for 100,000 customers under
// a policy of twelve rules covering all ten types. `offerops optimize` runs as a child
// process (wall time and peak RSS of the whole command: read, optimize, write), beside a
// naive greedy (score descending, keep a contact when every rule allows it) measured in
// this process on the same data. Targets: under 30 s and 2 GB, objective ≥ 99.5% of the
// upper bound, and above the greedy. Figures are printed, never asserted.
// Smaller runs: OPTIMIZE_BENCH_CUSTOMERS=20000 npm run bench -- optimize
// Growth table (docs/benchmarks.md#optimize--benchoptimizebenchmjs): OPTIMIZE_BENCH_GROWTH=1000000,2000000,5000000,10000000
// runs each size (proposed rows, 10 per customer) in turn, one data set at a time in a
// temp dir, and prints time, peak RSS, bytes per row and objective / bound per size beside
// the greedy of the same data; time per row is given relative to the smallest size.
// OPTIMIZE_BENCH_GREEDY=0 leaves the greedy out (it reads every size once more).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBundle } from '../dist/bundle/bundle.js';
import { greedyContacts } from '../dist/optimize/greedy.js';
import { readHistory } from '../dist/io/history.js';
import { readAudience } from '../dist/optimize/io/read-inputs.js';
import { readProposedColumns } from '../dist/optimize/io/read-proposed.js';
import { ProposedColumnsBuilder } from '../dist/optimize/proposed-columns.js';
import { generateOptimizeData } from './generate/optimize-data.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const line = (name, value, reference) => console.log(`optimize: ${name.padEnd(26)} ${value}${reference ? `   (${reference})` : ''}`);

/** Generates `customers` × 10 rows in a temp dir, runs the whole command and the greedy; removes the data. */
async function measure(customers, withGreedy) {
  const dir = mkdtempSync(path.join(tmpdir(), 'offerops-optimize-bench-'));
  try {
    const t0 = performance.now();
    const data = await generateOptimizeData(dir, { customers, perCustomer: 10, seed: 42 });
    const generated = (performance.now() - t0) / 1000;
    const args = [path.join(root, 'bin', 'offerops.js'), 'optimize', '--bundle', 'bundle.json', '--proposed', 'proposed.csv', '--history', 'history.csv',
      '--audience', 'audience.csv', '--out', 'chosen.csv', '--report', 'report.json', '--exact', 'never'];
    // Peak memory of the whole command (writing included): its maxRSS, printed as it exits.
    const t1 = performance.now();
    const run = spawnSync(process.execPath, ['--import', path.join(root, 'bench', 'rss-on-exit.mjs'), ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'ignore', 'pipe'] });
    const seconds = (performance.now() - t1) / 1000;
    if (run.status !== 0) throw new Error(`offerops optimize failed (exit ${run.status}): ${run.stderr}`);
    const peakKb = Number(/maxrss-kb (\d+)/.exec(run.stderr)?.[1] ?? NaN);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    let greedy = null;
    if (withGreedy) {
      // The reference: naive greedy on the same inputs, in this process.
      const bundle = parseBundle(readFileSync(path.join(dir, 'bundle.json'), 'utf8'), 'bundle.json').body;
      const table = (f) => ({ file: path.join(dir, f), displayName: f, format: 'csv' });
      const builder = new ProposedColumnsBuilder();
      await readProposedColumns(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)), builder);
      const proposed = builder.finish();
      const history = await readHistory(table('history.csv'));
      const audience = await readAudience(table('audience.csv'), bundle.channels[0].audienceLevels[0].attributes);
      const t2 = performance.now();
      const result = greedyContacts({ bundle, policy: 'bench', proposed, history, audience });
      greedy = { objective: result.objective, chosen: result.chosen.length, seconds: (performance.now() - t2) / 1000 };
    }
    return { rows: data.rows, customers, generated, seconds, peakKb, report, greedy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const growth = process.env.OPTIMIZE_BENCH_GROWTH;
const withGreedy = process.env.OPTIMIZE_BENCH_GREEDY !== '0';
if (growth) {
  const sizes = growth.split(',').map((v) => Number(v.trim()));
  if (sizes.some((v) => !Number.isInteger(v) || v < 10 || v % 10 !== 0)) throw new Error(`OPTIMIZE_BENCH_GROWTH: proposed row counts, multiples of 10, comma-separated; got ${growth}`);
  console.log(`optimize: growth table, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| rows | time (whole command) | time per row vs first size | peak RSS | bytes per row | objective / bound | greedy / bound | load average (1 min) |');
  console.log('|---|---|---|---|---|---|---|---|');
  let first = null;
  for (const rows of sizes) {
    const r = await measure(rows / 10, withGreedy);
    const perRow = r.seconds / r.rows;
    first ??= perRow;
    const share = (v) => `${((v / r.report.upperBound) * 100).toFixed(3)}%`;
    console.log(
      `| ${r.rows.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} s | ${(perRow / first).toFixed(2)}× | ${Math.round(r.peakKb / 1024)} MB | ${Math.round((r.peakKb * 1024) / r.rows)} B | ${share(r.report.objective)} | ${r.greedy ? share(r.greedy.objective) : '—'} | ${loadavg()[0].toFixed(2)} |`,
    );
  }
} else {
  const customers = Number(process.env.OPTIMIZE_BENCH_CUSTOMERS ?? 100_000);
  const { rows, generated, seconds, peakKb, report, greedy } = await measure(customers, true);
  line('data', `${rows} proposed contacts, ${customers} customers, 12 rules (all 10 types)`, `generated in ${generated.toFixed(1)} s`);
  line('time (whole command)', `${seconds.toFixed(1)} s`, `target < 30 s; optimizer core ${(report.timeMs / 1000).toFixed(1)} s incl. reading; greedy core ${greedy.seconds.toFixed(1)} s`);
  line('peak memory', `${Math.round(peakKb / 1024)} MB`, 'target < 2048 MB (maxRSS of the whole optimize command)');
  line('bytes per row', `${Math.round((peakKb * 1024) / rows)} B`, 'peak RSS of the whole command / proposed rows; target ≤ 300 B at 10 M rows');
  line('objective', report.objective.toFixed(2), `greedy ${greedy.objective.toFixed(2)}: ${(report.objective / greedy.objective).toFixed(3)}x`);
  line('upper bound', report.upperBound.toFixed(2), report.boundMethod);
  line('objective / bound', `${((report.objective / report.upperBound) * 100).toFixed(3)}%`, `gap ${(report.gap * 100).toFixed(3)}%, target ≥ 99.5%; greedy ${((greedy.objective / report.upperBound) * 100).toFixed(2)}% of the bound`);
  line('chosen', `${report.rowsOut} of ${report.rowsIn}`, `greedy ${greedy.chosen}; unmet minimum windows ${report.unmetMinimums.length}, shortfall ${report.totalShortfall}`);
  line('rules binding', `${report.rules.filter((r) => r.binds).length} of ${report.rules.length}`, report.rules.map((r) => `${r.name} ${r.removed}`).join(', '));
}
