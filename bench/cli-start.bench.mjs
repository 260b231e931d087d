// CLI start-up benchmark (docs/benchmarks.md#cli-start--benchcli-startbenchmjs): what a
// user and every documented example pay per command before any work is done, and a
// small command on the example organisation.
//
// Figures:   `offerops --version` (loading the CLI and its modules) and `offerops
//            validate` on config/ (the example), each the median wall time of RUNS
//            fresh processes through bin/offerops.js → dist/.
// Reference: `node -e ""` started the same way in the same run: the cost of a Node.js
//            process on this machine, which the figures are divided by.
//
//   node bench/cli-start.bench.mjs              (npm run bench -- cli-start)
//   BENCH_RUNS=31 node bench/cli-start.bench.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = path.join(root, 'bin/offerops.js');

/** Median wall time in ms of RUNS runs of `node ARGS` (after one warm-up run), failing on a non-zero exit. */
function medianMs(args) {
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - started;
    if (result.status !== 0) {
      process.stderr.write(`cli-start: node ${args.join(' ')} exited ${result.status}\n${result.stderr}\n`);
      process.exit(1);
    }
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const line = (name, value, reference) =>
  `${name.padEnd(20)} ${value.toFixed(0).padStart(6)} ms  reference ${reference.toFixed(0).padStart(5)} ms  ×${(value / reference).toFixed(2)}  no target`;

process.stdout.write(`cli start-up: median of ${RUNS} fresh processes each, node ${process.version}, through dist/\n`);
const reference = medianMs(['-e', '']);
const version = medianMs([bin, '--version']);
const validate = medianMs([bin, 'validate']);
process.stdout.write(`${line('cli.version', version, reference)}\n${line('cli.validate-example', validate, reference)}\n`);
