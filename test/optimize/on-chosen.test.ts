// onChosen (docs/optimization.md#running-it): the chosen rows are handed over once the
// selection is final and before the last check and the report, so a caller can start
// writing them — the same rows the result gives, on the exact path and the scalable one,
// and only once.
import { describe, expect, it } from 'vitest';
import { optimizeContacts } from '../../src/optimize/index.js';
import { loadBaseBundle } from './problem-builder.js';
import { ALL_RULE_TYPES, randomInstance } from './random-instances.js';

describe('onChosen', () => {
  it.each([
    ['auto', 1],
    ['never', 1],
    ['never', 2],
  ] as const)('hands over the rows the result chooses (exact %s, seed %i)', async (exact, seed) => {
    const bundle = await loadBaseBundle();
    const { problem } = randomInstance(bundle, { seed, ruleTypes: ALL_RULE_TYPES, size: 'small' });
    const handed: (readonly number[])[] = [];
    const phases: string[] = [];
    const result = await optimizeContacts(problem, { exact, seed, onChosen: (chosen) => handed.push([...chosen]), onProgress: (_d, _t, phase) => phases.push(phase) });
    expect(handed).toEqual([result.chosen]);
    expect(result.chosen.length).toBeGreaterThan(0);
    // Ascending input indexes, as the result's.
    expect(result.chosen.every((row, i) => i === 0 || row > result.chosen[i - 1]!)).toBe(true);
    if (exact === 'auto') expect(result.report.method).toBe('exact');
    else expect(phases).toContain('search');
  });
});
