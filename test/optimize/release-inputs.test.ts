// releaseInputs (docs/optimization.md#memory): the optimizer may empty the problem's history
// and audience once its model holds them, so a caller that read them only for the run does
// not keep their rows. The choice must not change: the model already holds what it needs.
import { describe, expect, it } from 'vitest';
import { optimizeContacts } from '../../src/optimize/index.js';
import { loadBaseBundle } from './problem-builder.js';
import { ALL_RULE_TYPES, randomInstance } from './random-instances.js';

describe('releaseInputs', () => {
  it.each([1, 2, 3])('empties history and audience and chooses the same rows as a run that keeps them (seed %i)', async (seed) => {
    const bundle = await loadBaseBundle();
    const kept = randomInstance(bundle, { seed, ruleTypes: ALL_RULE_TYPES, size: 'small' }).problem;
    const released = randomInstance(bundle, { seed, ruleTypes: ALL_RULE_TYPES, size: 'small' }).problem;
    const history = kept.history.length;
    const audience = kept.audience.length;
    expect(history + audience).toBeGreaterThan(0);
    const a = await optimizeContacts(kept, { exact: 'never', seed });
    const b = await optimizeContacts(released, { exact: 'never', seed, releaseInputs: true });
    // The default leaves the caller's lists as they were.
    expect([kept.history.length, kept.audience.length]).toEqual([history, audience]);
    expect([released.history, released.audience]).toEqual([[], []]);
    expect(b.chosen).toEqual(a.chosen);
    expect(b.report.objective).toBe(a.report.objective);
    expect(b.report.upperBound).toBe(a.report.upperBound);
    expect(b.prices).toEqual(a.prices);
  });
});
