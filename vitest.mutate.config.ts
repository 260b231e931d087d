// The tests mutation testing runs (stryker.config.mjs): for one target folder or file
// (OFFEROPS_MUTATE_TARGET, set by scripts/mutate.mjs) the tests paired with its folder in
// scripts/mutate-targets.mjs; without a target, those of every folder. No real
// processes, servers or at-scale runs: they cover none of that code more than these do.
import { defineConfig } from 'vitest/config';
import { allFolders, mutateTarget, targetVariable } from './scripts/mutate-targets.mjs';

const target = mutateTarget(process.env[targetVariable]) ?? allFolders;

export default defineConfig({
  test: {
    // The test files of one mutant's run share their modules instead of each loading the
    // stages again: the engine's tests run in less than half the time, and every mutant
    // runs them. Nothing carries over from one mutant to the next: vitest starts each run
    // (Stryker starts one per mutant) in a new worker. A mutant reported with and without
    // isolation gets the same verdict (README.md#mutation-testing).
    isolate: false,
    include: target.tests,
    exclude: target.exclude,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
