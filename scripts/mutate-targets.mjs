// What `npm run mutate -- <folder or file>` (scripts/mutate.mjs) mutates and which tests
// it runs against the mutants (README.md#development). Stryker runs, for every mutant,
// the tests that reached its code in the first (dry) run; over the whole mutation test
// set that first run and every surviving mutant cost minutes each on a small machine, so
// each folder is paired with the fast tests that cover it. stryker.config.mjs and
// vitest.mutate.config.ts both read the target from OFFEROPS_MUTATE_TARGET through
// mutateTarget() below; without it they mutate every folder with every test listed here.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The environment variable naming the folder or file to mutate. */
export const targetVariable = 'OFFEROPS_MUTATE_TARGET';

/**
 * The folders mutation testing covers, each with the test files (globs relative to the
 * repository root) that exercise it without real processes, servers or at-scale runs.
 */
export const mutateFolders = [
  { folder: 'src/bundle', tests: ['test/bundle/**/*.test.ts', 'test/compile/**/*.test.ts'], exclude: [] },
  {
    folder: 'src/config/rules',
    // The behaviour tests' references and inputs are checked here too (decision-tests.ts).
    tests: ['test/config/**/*.test.ts', 'test/decision-tests/validation.test.ts'],
    // The YAML reader and the schema validators: seconds a case, before any rule runs.
    exclude: ['test/config/fast-yaml.test.ts', 'test/config/schema-validators.test.ts'],
  },
  {
    folder: 'src/optimize/rules',
    tests: ['test/optimize/**/*.test.ts', 'test/engine/customer-rules-cross-check.test.ts'],
    // The hand-made edges, the rules' own cases and the checker state each rule's meaning
    // at its boundaries in well under a second a case. Left out: random instances against
    // brute force (oracles, properties) and shadow prices take seconds a case, CLI runs
    // spawn processes, the at-scale run takes minutes; every surviving mutant would run
    // them all. The last check's failure (optimizer-cli-check-fails) is a CLI run with a
    // module mocked, which test files sharing their modules (vitest.mutate.config.ts) cannot
    // honour; it states what the CLI keeps on disk, not a rule.
    exclude: [
      'test/optimize/at-scale.test.ts',
      'test/optimize/optimizer-cli-check-fails.test.ts',
      'test/optimize/properties.test.ts',
      'test/optimize/optimizer-cli.test.ts',
      'test/optimize/oracles.test.ts',
      'test/optimize/shadow-prices.test.ts',
    ],
  },
  { folder: 'src/engine', tests: ['test/engine/**/*.test.ts'], exclude: [] },
];

/** Every folder, with every listed test: what a run without a target uses. */
export const allFolders = {
  mutate: [...mutateFolders.map((f) => `${f.folder}/**/*.ts`), '!src/**/index.ts'],
  tests: [...new Set(mutateFolders.flatMap((f) => f.tests))],
  exclude: ['test/optimize/at-scale.test.ts', 'test/optimize/optimizer-cli-check-fails.test.ts'],
  reportDirectory: 'reports/mutation',
  incrementalFile: 'reports/stryker-incremental.json',
};

/** A usage or input error of the mutate command (exit code 2). */
export class MutateTargetError extends Error {}

/**
 * The mutation run for one folder or file under a folder of `mutateFolders`, or null
 * when `argument` is empty (every folder). Each target keeps its own incremental file
 * and reports under reports/mutation/<slug>/, so runs of different folders do not undo
 * each other's incremental results.
 * @param {string | undefined} argument a path relative to the repository root
 * @param {string} [base] the repository root
 */
export function mutateTarget(argument, base = root) {
  if (argument === undefined || argument.trim() === '') return null;
  const target = path.posix.normalize(argument.trim().replaceAll('\\', '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  const known = mutateFolders.map((f) => f.folder).join(', ');
  const entry = mutateFolders.find((f) => target === f.folder || target.startsWith(`${f.folder}/`));
  if (!entry) throw new MutateTargetError(`'${argument}' is not under a folder mutation testing covers (${known})`);
  const absolute = path.join(base, target);
  if (!existsSync(absolute)) throw new MutateTargetError(`'${argument}' does not exist`);
  const isFile = statSync(absolute).isFile();
  if (isFile && !target.endsWith('.ts')) throw new MutateTargetError(`'${argument}' is not a TypeScript file`);
  const mutate = isFile ? [target] : [`${target}/**/*.ts`, `!${target}/**/index.ts`];
  const slug = target.replace(/^src\//, '').replace(/\.ts$/, '').replaceAll('/', '-');
  return {
    folder: entry.folder,
    mutate,
    tests: entry.tests,
    exclude: entry.exclude,
    reportDirectory: `reports/mutation/${slug}`,
    incrementalFile: `reports/mutation/${slug}/incremental.json`,
  };
}
