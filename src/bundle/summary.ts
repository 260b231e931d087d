// A bundle's vital statistics, for `compile --json`, `inspect` and `start`.
import type { Bundle } from './types.js';

export interface BundleCounts {
  channels: number;
  interactionPoints: number;
  offers: number;
  offerLists: number;
  segments: number;
  strategies: number;
  treatmentRules: number;
  policies: number;
  policyRules: number;
}

export function countBundle(bundle: Bundle): BundleCounts {
  const body = bundle.body;
  return {
    channels: body.channels.length,
    interactionPoints: body.channels.reduce((n, c) => n + Object.keys(c.interactionPoints).length, 0),
    offers: body.offers.length,
    offerLists: body.offerLists.length,
    segments: body.segments.length,
    strategies: body.strategies.length,
    treatmentRules: body.rules.length,
    policies: body.policies.length,
    policyRules: body.policies.reduce((n, p) => n + p.rules.length, 0),
  };
}

export function describeCounts(counts: BundleCounts): string {
  return [
    `${counts.channels} channels (${counts.interactionPoints} interaction points)`,
    `${counts.offers} offers`,
    `${counts.offerLists} offer lists`,
    `${counts.segments} segments`,
    `${counts.treatmentRules} treatment rules in ${counts.strategies} strategies`,
    `${counts.policyRules} optimization rules in ${counts.policies} policies`,
  ].join(', ');
}
