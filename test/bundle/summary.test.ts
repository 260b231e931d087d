// A bundle's counts in words, as compile, inspect and start print them.
import { describe, expect, it } from 'vitest';
import { countBundle, describeCounts, type BundleCounts } from '../../src/bundle/summary.js';
import type { Bundle } from '../../src/bundle/types.js';

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

describe('countBundle', () => {
  it('counts each kind of document, the points of every channel and the rules of every policy', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `x${i}` }));
    const points = (n: number) => Object.fromEntries(items(n).map((p) => [p.name, {}]));
    const bundle = {
      body: {
        channels: [{ interactionPoints: points(2) }, { interactionPoints: points(3) }, { interactionPoints: {} }],
        offers: items(4),
        offerLists: items(5),
        segments: items(6),
        strategies: items(7),
        rules: items(8),
        policies: [{ rules: items(1) }, { rules: items(9) }],
      },
    } as unknown as Bundle;
    expect(countBundle(bundle)).toEqual({
      channels: 3,
      interactionPoints: 5,
      offers: 4,
      offerLists: 5,
      segments: 6,
      strategies: 7,
      treatmentRules: 8,
      policies: 2,
      policyRules: 10,
    });
  });
});
