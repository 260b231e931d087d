// A bundle's counts in words, as compile, inspect and start print them.
import { describe, expect, it } from 'vitest';
import { describeCounts, type BundleCounts } from '../../src/bundle/summary.js';

const counts = (n: number): BundleCounts => ({
  channels: n,
  interactionPoints: n,
  offers: n,
  offerLists: n,
  segments: n,
  strategies: n,
  treatmentRules: n,
  policies: n,
  policyRules: n,
});

describe('describeCounts', () => {
  it('uses the singular for one of a kind', () => {
    expect(describeCounts(counts(1))).toBe(
      '1 channel (1 interaction point), 1 offer, 1 offer list, 1 segment, 1 treatment rule in 1 strategy, 1 optimization rule in 1 policy',
    );
  });

  it('uses the plural for none and for several', () => {
    for (const n of [0, 2]) {
      expect(describeCounts(counts(n))).toBe(
        `${n} channels (${n} interaction points), ${n} offers, ${n} offer lists, ${n} segments, ${n} treatment rules in ${n} strategies, ${n} optimization rules in ${n} policies`,
      );
    }
  });
});
