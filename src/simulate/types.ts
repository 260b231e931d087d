// What a simulation takes: audience members, the points to decide them at, and the
// options every side of a simulation or a diff shares (docs/simulation-and-diff.md).
import type { HistoryRow } from '../engine/index.js';

export interface AudienceMember {
  /** 0-based position in the audience (file order, or the sample's order). */
  index: number;
  /** Line of the audience file the member was read from; 0 for a generated sample. */
  line: number;
  /** The audience id (the audience level's id field). */
  id: string;
  /** Profile as read: the engine converts the declared attributes and ignores the rest. */
  profile: Record<string, unknown>;
  /** Session attributes, when the audience gives them. */
  session?: Record<string, unknown>;
}

/** An interaction point of a channel. */
export interface SimulatedPoint {
  channel: string;
  point: string;
}

/**
 * Bands of a declared attribute for the fairness view: numbers by cut points
 * (`[25, 35]` → `< 25`, `25–34`, `≥ 35` for ints; `< 25`, `25 to < 35`, `≥ 35` for doubles),
 * anything else by its value.
 */
export type FairnessBands = { attribute: string; kind: 'numeric'; cuts: number[]; integer: boolean } | { attribute: string; kind: 'values' };

export interface SimulationOptions {
  /** Decision day, YYYY-MM-DD. */
  at: string;
  /** Where every member is decided, in order. */
  points: SimulatedPoint[];
  /** Offers asked for; null = the point's maxOffers, else 1. */
  count: number | null;
  /** Members explained for the funnel, segment sizes, no-offer steps and reasons: index % stride === 0. */
  explainStride: number;
  fairness: FairnessBands | null;
  /** Changed members kept as examples per point (their two explanations and the step where they part). */
  examplesPerPoint: number;
}

/** A batch of members with their history (rows of other members are not included). */
export interface MemberBatch {
  /** Position of the batch: results are merged in this order, so the output never depends on scheduling. */
  index: number;
  members: AudienceMember[];
  history: Record<string, HistoryRow[]>;
}

/** A batch of a generated sample as sent to a worker: the index range [from, to) it draws itself, and their history. */
export interface SampleBatch {
  index: number;
  from: number;
  to: number;
  history: Record<string, HistoryRow[]>;
}

/**
 * Members per batch: fixed, so float sums are added in the same order however many workers
 * run. Each batch's tally travels back to this thread and is merged, so fewer, larger
 * batches leave more of the time to deciding.
 */
export const BATCH_SIZE = 1024;

/** Where a simulation's members come from: a file read as a stream, or a generated sample. */
export interface AudienceSource {
  /** The file (relative to the repository root), or `sample:CUSTOMERS:SEED`. */
  source: string;
  /** sha256 of the file's bytes, or of the sample's definition (docs/simulation-and-diff.md#audience). */
  digest: string;
  /** Members, or for a file an estimate from its line count (exact once read). */
  approxMembers: number;
  /** Calls `onMember` for every member in order, waiting when it returns a promise; resolves to the number of members. */
  forEach(onMember: (member: AudienceMember) => void | Promise<void>): Promise<number>;
}
