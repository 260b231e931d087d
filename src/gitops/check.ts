// `check --env NAME` (docs/gitops.md#check): replay members of the environment's
// simulation audience through each target's runtime API and hold the answers to the
// local engine's on the same bundle, and the runtime to the declared latency and
// throughput. This module is the pure part: the plan, comparing one answer with the
// engine's decision, and judging a target's replay against the limits. The replay
// itself (HTTP, timing) is apply.ts's.
import type { Decision } from '../engine/index.js';
import { verifiedPinnedBundle } from './deploy.js';
import type { Environment } from './environment.js';
import { short, type AudienceSource, type CheckLimits, type PlanOutcome } from './plan.js';
import type { TargetCheck } from './records.js';

export const DEFAULT_CHECK_MEMBERS = 200;
export const DEFAULT_CHECK_CONCURRENCY = 8;
/** The sample's day when the environment gives no simulation.at. */
export const DEFAULT_SAMPLE_DAY = '2026-01-01';

export interface CheckState {
  environment: Environment;
  pinnedText: string | null;
}

export function planCheck(state: CheckState): PlanOutcome {
  const { environment } = state;
  const pinned = verifiedPinnedBundle(environment, state.pinnedText);
  if (!pinned.ok) return { kind: 'refused', exitCode: 1, message: `not checking: ${pinned.message}` };
  if (environment.targets.length === 0) return { kind: 'refused', exitCode: 2, message: `${environment.name} has no targets to check (spec.targets in ${environment.file})` };
  const simulation = environment.spec.simulation;
  let audience: AudienceSource;
  if (simulation?.audience) audience = { kind: 'file', path: simulation.audience };
  else if (simulation?.sample) audience = { kind: 'sample', customers: simulation.sample.customers, seed: simulation.sample.seed, at: simulation.at ?? DEFAULT_SAMPLE_DAY };
  else return { kind: 'refused', exitCode: 2, message: `${environment.name} names no audience to replay: give spec.simulation.audience (a file) or spec.simulation.sample {customers, seed} in ${environment.file}` };
  const check = environment.spec.check ?? {};
  const limits: CheckLimits = { maxP99Ms: check.maxP99Ms ?? null, minRps: check.minRps ?? null };
  const members = check.members ?? DEFAULT_CHECK_MEMBERS;
  const digest = pinned.bundle.digest;
  return {
    kind: 'plan',
    plan: {
      command: 'check',
      environment: environment.name,
      summary: `replay ${members} member(s) per channel against ${short(digest)} on ${environment.targets.length} target(s)`,
      notes: [],
      steps: [
        { kind: 'check', environment: environment.name, digest, bundleFile: environment.spec.bundle!.path, targets: environment.targets, audience, members, concurrency: check.concurrency ?? DEFAULT_CHECK_CONCURRENCY, limits },
        { kind: 'record', draft: { kind: 'check', environment: environment.name, digest } },
      ],
    },
  };
}

interface AnsweredOffer {
  offer?: unknown;
  rule?: unknown;
  score?: unknown;
  treatmentCode?: unknown;
}

const offerText = (o: { offer?: unknown; rule?: unknown; score?: unknown }): string => `${String(o.offer)} (${String(o.rule)}, ${String(o.score)})`;

/**
 * Whether the runtime's answer to an offers request is the engine's decision: the same
 * offers in the same order with the same rules, scores and treatment codes, the same
 * control groups and default string. Null when equal, else what differs.
 */
export function compareAnswer(expected: Decision, answer: unknown): string | null {
  const got = (answer ?? {}) as { offers?: AnsweredOffer[]; controlGroups?: unknown; defaultString?: unknown };
  const offers = Array.isArray(got.offers) ? got.offers : [];
  const same =
    offers.length === expected.offers.length &&
    expected.offers.every((e, i) => offers[i]?.offer === e.offer && offers[i]?.rule === e.rule && offers[i]?.score === e.score && offers[i]?.treatmentCode === e.treatmentCode);
  if (!same) return `offers: expected ${expected.offers.map(offerText).join(', ') || 'none'}; got ${offers.map(offerText).join(', ') || 'none'}`;
  const groups = Array.isArray(got.controlGroups) ? [...(got.controlGroups as unknown[])].map(String).sort() : [];
  const wanted = [...expected.controlGroups].sort();
  if (groups.join('\0') !== wanted.join('\0')) return `control groups: expected ${wanted.join(', ') || 'none'}; got ${groups.join(', ') || 'none'}`;
  if ((got.defaultString ?? null) !== (expected.defaultString ?? null)) return `default string: expected ${JSON.stringify(expected.defaultString ?? null)}; got ${JSON.stringify(got.defaultString ?? null)}`;
  return null;
}

/** Nearest-rank percentile of ascending values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** What a replay through one target measured. */
export interface ReplayMeasurement {
  target: string;
  /** False when the target could not be reached, answered errors, or ran another bundle. */
  reached: boolean;
  members: number;
  decisions: number;
  mismatches: number;
  /** The first few mismatches, described. */
  examples: string[];
  /** Offer request latencies, milliseconds. */
  latencies: number[];
  /** Every request of the replay (sessions, offers, deletes). */
  requests: number;
  wallMs: number;
  problems: string[];
}

const round = (value: number | null, digits = 3): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Judges one target's replay: every decision equal, p99 ≤ maxP99Ms, throughput ≥ minRps. */
export function judgeReplay(measurement: ReplayMeasurement, limits: CheckLimits): TargetCheck {
  const problems = [...measurement.problems];
  const sorted = [...measurement.latencies].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const rps = measurement.wallMs > 0 ? (measurement.requests * 1000) / measurement.wallMs : null;
  if (measurement.reached) {
    if (measurement.mismatches > 0) problems.push(`${measurement.mismatches} of ${measurement.decisions} decisions differ from the local engine's, e.g. ${measurement.examples[0] ?? 'see the record'}`);
    if (measurement.decisions === 0) problems.push('no decisions were replayed (no members or no interaction points)');
    if (limits.maxP99Ms !== null && p99 !== null && p99 > limits.maxP99Ms) problems.push(`p99 ${round(p99)} ms is over the limit of ${limits.maxP99Ms} ms`);
    if (limits.minRps !== null && (rps === null || rps < limits.minRps)) problems.push(`${round(rps, 1) ?? 0} requests/s is under the limit of ${limits.minRps}`);
  }
  return {
    target: measurement.target,
    reached: measurement.reached,
    members: measurement.members,
    decisions: measurement.decisions,
    mismatches: measurement.mismatches,
    p50Ms: round(p50),
    p99Ms: round(p99),
    rps: round(rps, 1),
    passed: measurement.reached && problems.length === 0,
    problems,
  };
}
