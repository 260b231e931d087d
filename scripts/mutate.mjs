// `npm run mutate -- [<folder or file>] [stryker options]` (README.md#mutation-testing):
// mutation testing of one folder of scripts/mutate-targets.mjs (or one file in it) with
// the tests paired with that folder. Passes the target to stryker.config.mjs and
// vitest.mutate.config.ts through OFFEROPS_MUTATE_TARGET and every other argument to
// `stryker run` (e.g. --concurrency 1, --force). Exit 2 on an unknown target.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MutateTargetError, mutateFolders, mutateTarget, targetVariable } from './mutate-targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = `usage: npm run mutate -- [<folder or file>] [stryker options]

Mutates one of these folders (or a file or folder inside one) with the tests paired
with it in scripts/mutate-targets.mjs; without a target, all of them:
${mutateFolders.map((f) => `  ${f.folder}`).join('\n')}

Reports and the incremental file go to reports/mutation/<target>/. Other options go
to \`stryker run\`, e.g. --concurrency 1 on a shared machine, --force to try every
mutant again.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const positional = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
const rest = positional === undefined ? args : args.slice(1);
let target;
try {
  target = mutateTarget(positional, root);
} catch (error) {
  if (!(error instanceof MutateTargetError)) throw error;
  console.error(`mutate: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (target) console.error(`mutate: ${target.mutate.join(' ')} with ${target.tests.join(' ')}${target.exclude.length > 0 ? ` except ${target.exclude.join(' ')}` : ''}`);

const stryker = path.join(path.dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');
const child = spawn(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, [targetVariable]: positional ?? '' },
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
