// Mutation testing (README.md#development): `npm run mutate` mutates the code where the
// bundle's meaning lives — the engine, the optimizer's rule handlers, the bundle format and
// the config's cross-document rules — and runs the tests that cover each mutant (vitest,
// per-test coverage). Incremental: results are kept in reports/stryker-incremental.json
// and only mutants whose code or covering tests changed run again. Too slow for CI on two
// cores; run it before a release or after changing those folders, e.g. one folder at a
// time: `npm run mutate -- --mutate 'src/bundle/**/*.ts'`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/engine/**/*.ts', 'src/optimize/rules/**/*.ts', 'src/bundle/**/*.ts', 'src/config/rules/**/*.ts', '!src/**/index.ts'],
  // Mutants in code that runs once at module load would re-run the whole suite each: skipped.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutFactor: 3,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
