// The metrics JSON of a simulation (docs/simulation-and-diff.md#metrics), built from the
// merged tallies of batch.ts. Everything is sorted (by volume, then by name) and rounded
// so the same inputs give byte-identical metrics; latency lives in `timing`, the one
// block that changes from run to run.
import type { BundleBody } from '../bundle/index.js';
import { funnelSteps, type EmptyStep, type FunnelStep } from './explanation-steps.js';
import { MAX_VALUE_BANDS, MIN_BAND_MEMBERS, numericBandLabels, OTHER_BAND } from './fairness.js';
import { latencyQuantile } from './latency.js';
import type { BatchTally, SideTally } from './batch.js';
import type { SimulationOptions } from './types.js';

export interface AudienceInfo {
  /** The file (relative to the repository root), or `sample:N:seed` for a generated sample. */
  source: string;
  /** sha256 of the audience file's bytes, or of the generated sample's NDJSON. */
  digest: string;
  members: number;
  at: string;
}

export interface OfferImpressions {
  offer: string;
  /** Members whose list holds the offer. */
  impressions: number;
  /** impressions / members at the point. */
  share: number;
  /** Members who got it 1st, 2nd, … */
  byRank: number[];
}

export interface FairnessMetrics {
  attribute: string;
  bands: { band: string; members: number; offers: { offer: string; members: number; share: number }[] }[];
  /** The offer whose share differs most between two bands of at least MIN_BAND_MEMBERS members, in percentage points. */
  largestGap: { offer: string; gapPp: number; high: string; low: string } | null;
}

export interface FunnelMetrics {
  /** (rule, offer) candidates of the explained members. */
  candidates: number;
  removed: Record<FunnelStep, number>;
  chosen: number;
}

export interface PointMetrics {
  channel: string;
  point: string;
  zone: string | null;
  members: number;
  filled: number;
  fillRate: number;
  offers: OfferImpressions[];
  rules: { rule: string; hits: number }[];
  controlGroups: { rule: string; members: number }[];
  /** Segments the point's rules test, among explained members: members in it, of those it was evaluated for. */
  segments: { segment: string; members: number; of: number }[];
  score: { total: number; mean: number };
  errors: { input: number; expression: number };
  /** Members with no offer; `steps` splits the explained ones by the step that emptied their list. */
  noOffer: { members: number; steps: Partial<Record<EmptyStep, number>> };
  funnel: FunnelMetrics;
  /** Members explained at this point (the funnel, segments and no-offer steps count these). */
  explained: number;
  fairness?: FairnessMetrics;
}

export interface PointLatency {
  channel: string;
  point: string;
  latencyUs: { p50: number | null; p99: number | null };
}

export const round = (value: number, digits = 6): number => {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
};

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries by count descending, then name. */
function ranked<T>(map: Map<string, T>, count: (value: T) => number): [string, T][] {
  return [...map].sort((a, b) => count(b[1]) - count(a[1]) || byName(a[0], b[0]));
}

function fairnessMetrics(side: SideTally, options: SimulationOptions): FairnessMetrics | undefined {
  const fairness = options.fairness;
  if (fairness === null || side.members === 0) return undefined;
  let bands = [...side.fairness].map(([band, offers]) => ({ band, offers }));
  if (fairness.kind === 'numeric') {
    const order = numericBandLabels(fairness);
    bands.sort((a, b) => order.indexOf(a.band) - order.indexOf(b.band) || byName(a.band, b.band));
  } else {
    bands.sort((a, b) => (b.offers.get('') ?? 0) - (a.offers.get('') ?? 0) || byName(a.band, b.band));
    if (bands.length > MAX_VALUE_BANDS) {
      const other = new Map<string, number>();
      for (const { offers } of bands.slice(MAX_VALUE_BANDS - 1)) for (const [offer, n] of offers) other.set(offer, (other.get(offer) ?? 0) + n);
      bands = [...bands.slice(0, MAX_VALUE_BANDS - 1), { band: OTHER_BAND, offers: other }];
    }
  }
  const out: FairnessMetrics = { attribute: fairness.attribute, bands: [], largestGap: null };
  for (const { band, offers } of bands) {
    const members = offers.get('') ?? 0;
    const rows = [...offers]
      .filter(([offer]) => offer !== '')
      .sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))
      .map(([offer, n]) => ({ offer, members: n, share: round(members === 0 ? 0 : n / members) }));
    out.bands.push({ band, members, offers: rows });
  }
  out.largestGap = largestGap(out.bands);
  return out;
}

/** The largest difference of one offer's share between two bands big enough to compare. */
export function largestGap(bands: FairnessMetrics['bands']): FairnessMetrics['largestGap'] {
  const comparable = bands.filter((b) => b.members >= MIN_BAND_MEMBERS);
  if (comparable.length < 2) return null;
  const offers = [...new Set(comparable.flatMap((b) => b.offers.map((o) => o.offer)))].sort(byName);
  let best: FairnessMetrics['largestGap'] = null;
  for (const offer of offers) {
    let high = comparable[0]!;
    let low = comparable[0]!;
    const share = (band: (typeof comparable)[number]): number => band.offers.find((o) => o.offer === offer)?.share ?? 0;
    for (const band of comparable) {
      if (share(band) > share(high)) high = band;
      if (share(band) < share(low)) low = band;
    }
    const gapPp = round((share(high) - share(low)) * 100, 2);
    if (best === null || gapPp > best.gapPp) best = { offer, gapPp, high: high.band, low: low.band };
  }
  return best;
}

export function pointMetrics(side: SideTally, channel: string, point: string, body: BundleBody | null, options: SimulationOptions): PointMetrics {
  const zone = body?.channels.find((c) => c.name === channel)?.interactionPoints[point]?.zone ?? null;
  const members = side.members;
  const removed = Object.fromEntries(funnelSteps.map((step, i) => [step, side.removed[i]!])) as Record<FunnelStep, number>;
  const steps: Partial<Record<EmptyStep, number>> = {};
  for (const [step, n] of ranked(side.noOfferSteps, (n) => n)) steps[step as EmptyStep] = n;
  const metrics: PointMetrics = {
    channel,
    point,
    zone,
    members,
    filled: side.filled,
    fillRate: round(members === 0 ? 0 : side.filled / members),
    offers: ranked(side.offers, (c) => c[0]!).map(([offer, counts]) => ({
      offer,
      impressions: counts[0]!,
      share: round(members === 0 ? 0 : counts[0]! / members),
      byRank: counts.slice(1),
    })),
    rules: ranked(side.ruleHits, (n) => n).map(([rule, hits]) => ({ rule, hits })),
    controlGroups: ranked(side.holdouts, (n) => n).map(([rule, n]) => ({ rule, members: n })),
    segments: [...side.segments].sort((a, b) => byName(a[0], b[0])).map(([segment, [inside, of]]) => ({ segment, members: inside, of })),
    score: { total: round(side.score), mean: round(members === 0 ? 0 : side.score / members) },
    errors: { input: side.inputErrors, expression: side.expressionErrors },
    noOffer: { members: side.noOffer, steps },
    funnel: { candidates: side.candidates, removed, chosen: side.chosen },
    explained: side.explained,
  };
  const fairness = fairnessMetrics(side, options);
  if (fairness) metrics.fairness = fairness;
  return metrics;
}

export function pointLatency(side: SideTally, channel: string, point: string): PointLatency {
  return { channel, point, latencyUs: { p50: latencyQuantile(side.latency, 0.5), p99: latencyQuantile(side.latency, 0.99) } };
}

/** Metrics of side `s` of a merged tally, one entry per simulated point. */
export function sideMetrics(tally: BatchTally, s: number, body: BundleBody | null, options: SimulationOptions): PointMetrics[] {
  return options.points.map(({ channel, point }, p) => pointMetrics(tally.points[p]!.sides[s]!, channel, point, body, options));
}
