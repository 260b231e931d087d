// A bundle's vital statistics, for `compile --json`, `inspect` and `start`.
import type { Bundle } from './types.js';
import { plural } from '../words.js';

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
    `${plural(counts.channels, 'channel')} (${plural(counts.interactionPoints, 'interaction point')})`,
    plural(counts.offers, 'offer'),
    plural(counts.offerLists, 'offer list'),
    plural(counts.segments, 'segment'),
    `${plural(counts.treatmentRules, 'treatment rule')} in ${plural(counts.strategies, 'strategy', 'strategies')}`,
    `${plural(counts.policyRules, 'optimization rule')} in ${plural(counts.policies, 'policy', 'policies')}`,
  ].join(', ');
}
