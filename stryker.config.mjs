// Mutation testing (README.md#mutation-testing): `npm run mutate -- <folder or file>`
// (scripts/mutate.mjs) mutates one folder where the bundle's meaning lives — the engine,
// the optimizer's rule handlers, the bundle format or the config's cross-document rules —
// or one file in it, and runs the tests paired with that folder in
// scripts/mutate-targets.mjs (vitest.mutate.config.ts), each mutant against only the
// tests that reach it (per-test coverage). Without a target (`npm run mutate`, or
// `npx stryker run`) it mutates every folder with every listed test: hours on two cores.
// Incremental: each target keeps its results in reports/mutation/<target>/incremental.json,
// and a later run only tries again the mutants whose code or covering tests changed.
import { allFolders, mutateTarget, targetVariable } from './scripts/mutate-targets.mjs';

const target = mutateTarget(process.env[targetVariable]) ?? allFolders;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related: false — vitest's related mode keeps only test files that import the mutated
  // file statically, and the optimizer's tests load it with a dynamic import
  // (test/optimize/contract.ts): with it, mutants those tests kill were reported alive.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: target.mutate,
  // Mutants in code that runs once at module load would re-run the whole suite each: skipped.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: target.incrementalFile,
  // The first run collects per-test coverage over every paired test: longer than
  // Stryker's default of 5 minutes on a busy machine.
  dryRunTimeoutMinutes: 40,
  timeoutFactor: 3,
  // mutant-log (scripts/stryker-mutant-log.mjs): each result as soon as it is known.
  appendPlugins: ['./scripts/stryker-mutant-log.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'mutant-log'],
  htmlReporter: { fileName: `${target.reportDirectory}/mutation.html` },
  jsonReporter: { fileName: `${target.reportDirectory}/mutation.json` },
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
