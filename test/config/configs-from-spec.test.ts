// Configs written from the language reference alone (docs/config-language.md), the way
// a new user would (not derived from the example in config/): the reference's snippets assembled into one organisation, and an
// insurer with two channels and two audience levels. They validate without a problem and
// compile; test/compile/determinism.test.ts also checks their bundles for determinism.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countBundle } from '../../src/bundle/summary.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe.each([
  ['spec-snippets', { channels: 1, offers: 11, offerLists: 4, segments: 4, treatmentRules: 3, policyRules: 10 }],
  ['insurance', { channels: 2, offers: 6, offerLists: 3, segments: 5, treatmentRules: 8, policyRules: 8 }],
])('the %s config', (name, counts) => {
  it('validates without errors or warnings and compiles', async () => {
    const result = await compileDirectory(`test/fixtures/configs/${name}`, { root: repo });
    expect(result.problems).toEqual([]);
    expect(result.bundle).not.toBeNull();
    expect(countBundle(result.bundle!)).toMatchObject(counts);
  });
});

describe('smart lists of the spec-snippets config', () => {
  it('expand to the offers whose labels and cost match', async () => {
    const { bundle } = await compileDirectory('test/fixtures/configs/spec-snippets', { root: repo });
    const lists = Object.fromEntries(bundle!.body.offerLists.map((l) => [l.name, l.offers]));
    expect(lists).toEqual({
      cards: ['gold-card-upgrade', 'platinum-card'],
      'credit-offers': ['gold-card-upgrade', 'platinum-card'],
      loans: ['personal-loan'],
      'mortgage-mail': ['mortgage-letter'],
    });
  });
});
