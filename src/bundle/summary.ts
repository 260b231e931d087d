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

/** `1 offer list`, `12 offer lists`: counts in words. */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function describeCounts(counts: BundleCounts): string {
  return [
    `${count(counts.channels, 'channel')} (${count(counts.interactionPoints, 'interaction point')})`,
    count(counts.offers, 'offer'),
    count(counts.offerLists, 'offer list'),
    count(counts.segments, 'segment'),
    `${count(counts.treatmentRules, 'treatment rule')} in ${count(counts.strategies, 'strategy', 'strategies')}`,
    `${count(counts.policyRules, 'optimization rule')} in ${count(counts.policies, 'policy', 'policies')}`,
  ].join(', ');
}
