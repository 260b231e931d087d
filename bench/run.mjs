// `npm run bench [-- NAME…] [-- --no-build]` (docs/benchmarks.md): builds dist/ so the benchmarks
// measure the current source, then runs every bench/*.bench.mjs in name order, each in
// its own `node --expose-gc` child process (a fresh heap, its own peak RSS). Arguments
// that are not flags filter the bench files by substring (`npm run bench -- compile`).
// Figures are printed, never asserted; the exit code is non-zero only when the build or
// a bench crashes (or a filter matches nothing).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const build = !args.includes('--no-build');

if (args.includes('--help')) {
  process.stdout.write('usage: npm run bench [-- [--no-build] [NAME…]]\n  NAME  run only bench/*.bench.mjs files whose name contains NAME\n');
  process.exit(0);
}

if (build) {
  process.stderr.write('bench: building dist/ (tsc -p tsconfig.build.json, then scripts/build-validators.mjs, as npm run build)\n');
  const steps = [
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    [path.join(root, 'scripts', 'build-validators.mjs')],
  ];
  for (const step of steps) {
    const built = spawnSync(process.execPath, step, { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) {
      process.stderr.write(`bench: the build failed (exit ${built.status ?? built.signal}); not running benchmarks on a stale dist/\n`);
      process.exit(2);
    }
  }
}

const all = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort();
const selected = filters.length === 0 ? all : all.filter((name) => filters.some((f) => name.includes(f)));
if (selected.length === 0) {
  process.stderr.write(`bench: no bench file matches ${filters.join(', ')} (have: ${all.join(', ') || 'none'})\n`);
  process.exit(2);
}

const failed = [];
for (const name of selected) {
  process.stdout.write(`\n# ${name.replace(/\.bench\.mjs$/, '')}\n`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(benchDir, name)], { cwd: root, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed.push(name);
    process.stderr.write(`bench: ${name} crashed (exit ${result.status ?? result.signal}) after ${seconds} s\n`);
  } else {
    process.stderr.write(`bench: ${name} done in ${seconds} s\n`);
  }
}
if (failed.length > 0) {
  process.stderr.write(`bench: ${failed.length} of ${selected.length} bench files crashed: ${failed.join(', ')}\n`);
  process.exit(1);
}
