// simulateAudience(engine, audience, options) → metrics: the pure library entry point of
// a simulation, on one thread. Members are decided in fixed batches whose tallies are
// merged in order — the same procedure the worker threads of run.ts follow, so both give
// the same metrics. compareAudience does the same with two bundles, for the diff.
import type { BundleBody } from '../bundle/index.js';
import type { Engine } from '../engine/index.js';
import type { HistoryRow } from '../engine/index.js';
import { emptyTally, mergeTally, prepareSide, runBatch, type BatchTally } from './batch.js';
import { pointLatency, sideMetrics, type PointLatency, type PointMetrics } from './metrics.js';
import { BATCH_SIZE, type AudienceMember, type MemberBatch, type SimulationOptions } from './types.js';

export interface SimulationResult {
  members: number;
  points: PointMetrics[];
  /** Per point decision latency: timing, not metrics (it changes from run to run). */
  latency: PointLatency[];
}

export type HistoryByMember = ReadonlyMap<string, readonly HistoryRow[]>;

/** Groups members into batches of BATCH_SIZE, each with its members' history. */
export function* batchesOf(audience: Iterable<AudienceMember>, history: HistoryByMember | null): Generator<MemberBatch> {
  let members: AudienceMember[] = [];
  let index = 0;
  const flush = (): MemberBatch => {
    const rows: Record<string, HistoryRow[]> = {};
    if (history !== null) for (const m of members) if (history.has(m.id)) rows[m.id] = history.get(m.id)! as HistoryRow[];
    const batch = { index: index++, members, history: rows };
    members = [];
    return batch;
  };
  for (const member of audience) {
    members.push(member);
    if (members.length === BATCH_SIZE) yield flush();
  }
  if (members.length > 0) yield flush();
}

/** Decides every member with every engine (one: simulate; two: base and head) on this thread. */
export function tallyAudience(engines: readonly Engine[], audience: Iterable<AudienceMember>, options: SimulationOptions, history: HistoryByMember | null = null): BatchTally {
  const sides = engines.map((engine) => prepareSide(engine, options));
  const total = emptyTally(options.points.length, engines.length);
  const now = (): number => performance.now();
  for (const batch of batchesOf(audience, history)) mergeTally(total, runBatch(sides, batch, options, now), options.examplesPerPoint);
  return total;
}

export function simulateAudience(engine: Engine, audience: Iterable<AudienceMember>, options: SimulationOptions, history: HistoryByMember | null = null): SimulationResult {
  const tally = tallyAudience([engine], audience, options, history);
  return resultOf(tally, engine.bundle.body, options);
}

/** The metrics of side `s` of a merged tally (`body`: that side's bundle). */
export function resultOf(tally: BatchTally, body: BundleBody, options: SimulationOptions, s = 0): SimulationResult {
  return {
    members: tally.members,
    points: sideMetrics(tally, s, body, options),
    latency: options.points.map(({ channel, point }, p) => pointLatency(tally.points[p]!.sides[s]!, channel, point)),
  };
}

/** Base and head side by side over the same audience: the tally behaviour-diff.ts reads. */
export function compareAudience(base: Engine, head: Engine, audience: Iterable<AudienceMember>, options: SimulationOptions, history: HistoryByMember | null = null): BatchTally {
  return tallyAudience([base, head], audience, options, history);
}
