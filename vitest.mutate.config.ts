// The tests mutation testing runs (stryker.config.mjs): the suites of the mutated folders
// and the ones that exercise them end to end, without real processes, servers or the
// at-scale runs, which cover none of that code more than the suites here do.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{engine,optimize,bundle,config,compile,kernel,example}/**/*.test.ts'],
    exclude: ['test/optimize/at-scale.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
