// Optimize benchmark (docs/benchmarks.md#targets): 1,000,000 proposed contacts for 100,000 customers under
// a policy of twelve rules covering all ten types. `offerops optimize` runs as a child
// process (wall time and peak RSS of the whole command: read, optimize, write), beside a
// naive greedy (score descending, keep a contact when every rule allows it) measured in
// this process on the same data. Targets: under 30 s and 2 GB, objective ≥ 99.5% of the
// upper bound, and above the greedy. Figures are printed, never asserted.
// Smaller runs: OPTIMIZE_BENCH_CUSTOMERS=20000 npm run bench -- optimize
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBundle } from '../dist/bundle/bundle.js';
import { greedyContacts } from '../dist/optimize/greedy.js';
import { readHistory } from '../dist/io/history.js';
import { readAudience, readProposedColumns } from '../dist/optimize/io/read-inputs.js';
import { ProposedColumnsBuilder } from '../dist/optimize/proposed-columns.js';
import { generateOptimizeData } from './generate/optimize-data.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const customers = Number(process.env.OPTIMIZE_BENCH_CUSTOMERS ?? 100_000);
const dir = mkdtempSync(path.join(tmpdir(), 'offerops-optimize-bench-'));
const line = (name, value, reference) => console.log(`optimize: ${name.padEnd(26)} ${value}${reference ? `   (${reference})` : ''}`);

try {
  const t0 = performance.now();
  const data = await generateOptimizeData(dir, { customers, perCustomer: 10, seed: 42 });
  line('data', `${data.rows} proposed contacts, ${customers} customers, 12 rules (all 10 types)`, `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const args = [path.join(root, 'bin', 'offerops.js'), 'optimize', '--bundle', 'bundle.json', '--proposed', 'proposed.csv', '--history', 'history.csv',
    '--audience', 'audience.csv', '--out', 'chosen.csv', '--report', 'report.json', '--exact', 'never'];
  // Peak memory of the whole command (writing included): its maxRSS, printed as it exits.
  const t1 = performance.now();
  const run = spawnSync(process.execPath, ['--import', path.join(root, 'bench', 'rss-on-exit.mjs'), ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - t1) / 1000;
  if (run.status !== 0) throw new Error(`offerops optimize failed (exit ${run.status}): ${run.stderr}`);
  const peakKb = Number(/maxrss-kb (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));

  // The reference: naive greedy on the same inputs, in this process.
  const bundle = parseBundle(readFileSync(path.join(dir, 'bundle.json'), 'utf8'), 'bundle.json').body;
  const table = (f) => ({ file: path.join(dir, f), displayName: f, format: 'csv' });
  const builder = new ProposedColumnsBuilder();
  await readProposedColumns(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)), builder);
  const proposed = builder.finish();
  const history = await readHistory(table('history.csv'));
  const audience = await readAudience(table('audience.csv'), bundle.channels[0].audienceLevels[0].attributes);
  const t2 = performance.now();
  const greedy = greedyContacts({ bundle, policy: 'bench', proposed, history, audience });
  const greedySeconds = (performance.now() - t2) / 1000;

  line('time (whole command)', `${seconds.toFixed(1)} s`, `target < 30 s; optimizer core ${(report.timeMs / 1000).toFixed(1)} s incl. reading; greedy core ${greedySeconds.toFixed(1)} s`);
  line('peak memory', `${Math.round(peakKb / 1024)} MB`, 'target < 2048 MB (maxRSS of the whole optimize command)');
  line('bytes per row', `${Math.round((peakKb * 1024) / data.rows)} B`, 'peak RSS of the whole command / proposed rows; target ≤ 300 B at 10 M rows');
  line('objective', report.objective.toFixed(2), `greedy ${greedy.objective.toFixed(2)}: ${(report.objective / greedy.objective).toFixed(3)}x`);
  line('upper bound', report.upperBound.toFixed(2), report.boundMethod);
  line('objective / bound', `${((report.objective / report.upperBound) * 100).toFixed(3)}%`, `gap ${(report.gap * 100).toFixed(3)}%, target ≥ 99.5%; greedy ${((greedy.objective / report.upperBound) * 100).toFixed(2)}% of the bound`);
  line('chosen', `${report.rowsOut} of ${report.rowsIn}`, `greedy ${greedy.chosen.length}; unmet minimum windows ${report.unmetMinimums.length}, shortfall ${report.totalShortfall}`);
  line('rules binding', `${report.rules.filter((r) => r.binds).length} of ${report.rules.length}`, report.rules.map((r) => `${r.name} ${r.removed}`).join(', '));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
