// The behaviour diff (docs/simulation-and-diff.md#behaviour): base and head decided for
// the same members at the same points, compared point by point — members whose decision
// changed, impressions per offer before / after, fill rate, holdouts, score, latency,
// members left with no offer, the decision funnel, segment sizes, the fairness view and
// why decisions changed — all from the merged tally of the two runs (simulate/batch.ts).
import type { BundleBody } from '../bundle/index.js';
import type { BatchTally, ChangeExample } from '../simulate/index.js';
import type { PartingStep } from '../simulate/index.js';
import { pointLatency, pointMetrics, round, type FairnessMetrics, type FunnelMetrics, type PointMetrics } from '../simulate/index.js';
import type { SimulationOptions } from '../simulate/index.js';

export interface Sides<T> {
  base: T;
  head: T;
}

export interface BehaviourPoint {
  channel: string;
  point: string;
  zone: string | null;
  /** Whether each bundle has the point (a point one side lacks decides nothing there). */
  present: Sides<boolean>;
  members: number;
  /** Members whose ordered list of (offer, rule) differs. */
  changed: number;
  changedShare: number;
  filled: Sides<number>;
  fillRate: Sides<number>;
  /** Members whose list holds the offer; sorted by the size of the change. */
  impressions: { offer: string; base: number; head: number; delta: number }[];
  controlGroups: { rule: string; base: number; head: number }[];
  rules: { rule: string; base: number; head: number }[];
  score: Sides<number>;
  latencyUs: Sides<{ p50: number | null; p99: number | null }>;
  errors: Sides<{ input: number; expression: number }>;
  noOffer: Sides<PointMetrics['noOffer']>;
  funnel: Sides<FunnelMetrics>;
  segments: { segment: string; base: { members: number; of: number } | null; head: { members: number; of: number } | null }[];
  /** Members explained at this point. */
  explained: number;
  /** Why the explained members' decisions changed: the first step where the two decisions part. */
  reasons: { step: PartingStep; why: string; members: number }[];
  fairness?: Sides<FairnessMetrics>;
}

export interface BehaviourDiff {
  /** Audience members, and those whose decision changed at one point at least. */
  members: number;
  changed: number;
  explained: { stride: number };
  points: BehaviourPoint[];
  examples: ChangeExample[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function pairs<T>(
  base: readonly T[],
  head: readonly T[],
  key: (item: T) => string,
  value: (item: T) => number,
): { name: string; base: number; head: number }[] {
  const names = [...new Set([...base.map(key), ...head.map(key)])];
  const get = (list: readonly T[], name: string): number => {
    const item = list.find((i) => key(i) === name);
    return item === undefined ? 0 : value(item);
  };
  return names.map((name) => ({ name, base: get(base, name), head: get(head, name) }));
}

/** Largest change first, then the larger volume, then by name. */
function byImpact(a: { name: string; base: number; head: number }, b: { name: string; base: number; head: number }): number {
  return Math.abs(b.head - b.base) - Math.abs(a.head - a.base) || Math.max(b.base, b.head) - Math.max(a.base, a.head) || byName(a.name, b.name);
}

/**
 * Up to `limit` examples of different members, taking turns across points (most changed
 * first), each point's candidates in audience order.
 */
export function pickExamples(points: readonly { changed: number; channel: string; point: string; examples: readonly ChangeExample[] }[], limit: number): ChangeExample[] {
  const order = [...points].filter((p) => p.examples.length > 0).sort((a, b) => b.changed - a.changed || byName(a.channel, b.channel) || byName(a.point, b.point));
  const out: ChangeExample[] = [];
  const members = new Set<string>();
  const next = order.map(() => 0);
  for (let took = true; took && out.length < limit; ) {
    took = false;
    order.forEach((point, i) => {
      while (out.length < limit && next[i]! < point.examples.length) {
        const example = point.examples[next[i]!++]!;
        if (members.has(example.audienceId)) continue;
        members.add(example.audienceId);
        out.push(example);
        took = true;
        break;
      }
    });
  }
  return out;
}

export const MAX_EXAMPLES = 5;

export function behaviourDiff(tally: BatchTally, base: BundleBody, head: BundleBody, options: SimulationOptions): BehaviourDiff {
  const points: BehaviourPoint[] = [];
  const withExamples: { changed: number; channel: string; point: string; examples: ChangeExample[] }[] = [];
  options.points.forEach(({ channel, point }, p) => {
    const t = tally.points[p]!;
    const a = pointMetrics(t.sides[0]!, channel, point, base, options);
    const b = pointMetrics(t.sides[1]!, channel, point, head, options);
    const change = t.change!;
    const members = Math.max(a.members, b.members);
    const impressions = pairs(a.offers, b.offers, (o) => o.offer, (o) => o.impressions)
      .sort(byImpact)
      .map(({ name, base: x, head: y }) => ({ offer: name, base: x, head: y, delta: y - x }));
    const segments = [...new Set([...a.segments.map((s) => s.segment), ...b.segments.map((s) => s.segment)])].sort(byName).map((segment) => {
      const x = a.segments.find((s) => s.segment === segment);
      const y = b.segments.find((s) => s.segment === segment);
      return { segment, base: x ? { members: x.members, of: x.of } : null, head: y ? { members: y.members, of: y.of } : null };
    });
    const entry: BehaviourPoint = {
      channel,
      point,
      zone: b.zone ?? a.zone,
      present: { base: a.zone !== null, head: b.zone !== null },
      members,
      changed: change.changed,
      changedShare: round(members === 0 ? 0 : change.changed / members),
      filled: { base: a.filled, head: b.filled },
      fillRate: { base: a.fillRate, head: b.fillRate },
      impressions,
      controlGroups: pairs(a.controlGroups, b.controlGroups, (c) => c.rule, (c) => c.members).sort(byImpact).map(({ name, base: x, head: y }) => ({ rule: name, base: x, head: y })),
      rules: pairs(a.rules, b.rules, (r) => r.rule, (r) => r.hits).sort(byImpact).map(({ name, base: x, head: y }) => ({ rule: name, base: x, head: y })),
      score: { base: a.score.total, head: b.score.total },
      latencyUs: { base: pointLatency(t.sides[0]!, channel, point).latencyUs, head: pointLatency(t.sides[1]!, channel, point).latencyUs },
      errors: { base: a.errors, head: b.errors },
      noOffer: { base: a.noOffer, head: b.noOffer },
      funnel: { base: a.funnel, head: b.funnel },
      segments,
      explained: Math.max(a.explained, b.explained),
      reasons: [...change.reasons]
        .map(([why, [step, n]]) => ({ step, why, members: n }))
        .sort((x, y) => y.members - x.members || byName(x.why, y.why)),
    };
    if (a.fairness && b.fairness) entry.fairness = { base: a.fairness, head: b.fairness };
    points.push(entry);
    withExamples.push({ changed: change.changed, channel, point, examples: change.examples });
  });
  return {
    members: tally.members,
    changed: tally.changedMembers,
    explained: { stride: options.explainStride },
    points,
    examples: pickExamples(withExamples, MAX_EXAMPLES),
  };
}
