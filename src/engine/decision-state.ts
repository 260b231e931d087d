// What one decision carries through its steps (docs/decisions.md#the-steps): the member, the decision day,
// the CEL evaluation context and the errors found so far. Built once per decision and
// passed to each step, so the steps stay plain functions.
import type { DecisionError } from './types.js';
import type { CompiledBundle, CompiledChannel, CompiledLevel } from './compiled-bundle.js';
import type { SessionSegmentCache } from './segments.js';

export interface CelContext extends Record<string, unknown> {
  profile: Record<string, unknown>;
  session: Record<string, unknown>;
  /** The decision day's UTC midnight. */
  now: Date;
  /** The candidate offer, for eligibility and score expressions. */
  offer: Record<string, unknown> | null;
}

export interface DecisionState {
  compiled: CompiledBundle;
  channel: CompiledChannel;
  level: CompiledLevel;
  audienceId: string;
  /** Decision day: ISO and day number. */
  at: string;
  atDay: number;
  cel: CelContext;
  segments: SessionSegmentCache;
  errors: DecisionError[];
  /** Places whose run-time error is already in `errors` (each reported once per decision). */
  reported: Set<string> | null;
  /** While a segment is evaluated (depth > 0), every failure reported, so the segment's memo can report them again (segments.ts). */
  captureDepth?: number;
  captured?: CapturedError[];
}

/** A reported failure as reportExpressionError was called: place, message, consequence. */
export type CapturedError = readonly [string, string, string];

/** Records a run-time expression failure once per decision; returns its message. */
export function reportExpressionError(state: DecisionState, place: string, error: unknown, consequence = 'counted as false'): string {
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
