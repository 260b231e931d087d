// What one decision carries through its steps (docs/decisions.md#the-steps): the member, the
// decision day, the CEL evaluation context and the errors found so far. Built once per
// decision and passed to each step, so the steps stay plain functions. MemberState is
// the part segment membership and the per-customer rules read, which the optimizer
// builds for each customer of its audience too.
import type { CompiledBundle, CompiledChannel, CompiledLevel, CompiledOffer } from './compiled-types.js';
import type { CapturedError, SegmentMemo, SessionSegmentCache } from './segment-cache.js';
import type { DecisionError, ExplainOutcome } from './types.js';

export interface CelContext extends Record<string, unknown> {
  profile: Record<string, unknown>;
  session: Record<string, unknown>;
  /** The decision day's UTC midnight. */
  now: Date;
  /** The candidate offer, for eligibility and score expressions. */
  offer: Record<string, unknown> | null;
}

/** One audience member as segment membership and the per-customer rules see them. */
export interface MemberState {
  /** The member's channel and audience level; null when the member may be in any segment's (the optimizer's audience has no level). */
  channel: { readonly name: string } | null;
  level: { readonly name: string } | null;
  cel: CelContext;
  segments: SegmentMemo;
  errors: DecisionError[];
  /** Places whose run-time error is already in `errors` (each reported once per decision). */
  reported: Set<string> | null;
  /** While a segment is evaluated (depth > 0), every failure reported, so the segment's memo can report them again (segments.ts). */
  captureDepth?: number;
  captured?: CapturedError[];
}

/** Why the member cannot get an offer in this decision (the outcome an explanation gives it). */
export interface Unavailable {
  outcome: Extract<ExplainOutcome, 'given-earlier' | 'session-accepted' | 'session-rejected' | 'suppressed'>;
  reason: string;
}

/** What a list pick skips for this decision (list-pick.ts): the offers the member cannot get. */
export type PickGate = (offer: CompiledOffer) => Unavailable | null;

export interface DecisionState extends MemberState {
  compiled: CompiledBundle;
  channel: CompiledChannel;
  level: CompiledLevel;
  audienceId: string;
  /** Decision day: ISO and day number. */
  at: string;
  atDay: number;
  segments: SessionSegmentCache;
  /** What a list pick skips for this decision (list-pick.ts); absent when the zone has no picking rule. */
  pickGate?: PickGate;
}

export type { CapturedError } from './segment-cache.js';

/** Records a run-time expression failure once per decision; returns its message. */
export function reportExpressionError(state: MemberState, place: string, error: unknown, consequence = 'counted as false'): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  if (state.captureDepth) (state.captured ??= []).push([place, message, consequence]);
  const key = `${place}\0${message}`;
  if (state.reported === null) state.reported = new Set();
  if (!state.reported.has(key)) {
    state.reported.add(key);
    state.errors.push({ code: 'expression-error', place, message: `${place}: ${message} (${consequence})` });
  }
  return message;
}
