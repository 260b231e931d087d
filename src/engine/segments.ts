// Segment membership (docs/decisions.md#segment-membership-and-the-session-cache): evaluated lazily, only for the segments a
// decision needs (a rule's segment, a policy rule's segment, inSegment()), and memoised
// per session in a SegmentCache until the caller drops it (a `resegment` event). An
// expression that fails at run time (a missing attribute) makes the member not a member
// of that segment; the failure is kept with the memo so every decision that relies on it
// reports it in its errors and explanation.
import type { CompiledBundle, CompiledSegment } from './compiled-bundle.js';
import { reportExpressionError, type CapturedError, type DecisionState } from './decision-state.js';
import type { DecisionError } from './types.js';

/** Per-session memo of segment membership; opaque to callers. */
export interface SegmentCache {
  readonly kind: 'segment-cache';
}

// 0: not evaluated yet in this session
const MEMBER = 1;
const NOT_MEMBER = 2;
const FAILED = 3;
const EVALUATING = 4;

export class SessionSegmentCache implements SegmentCache {
  readonly kind = 'segment-cache';
  /** The engine, member and day the memo belongs to; any change starts it afresh. */
  owner: CompiledBundle | null = null;
  audienceId = '';
  level = '';
  at = '';
  states: Uint8Array = new Uint8Array(0);
  failures: (string | undefined)[] = [];
  /** Failures of other segments reported while this one was evaluated (through inSegment), reported again on every use of the memo. */
  nested: (CapturedError[] | undefined)[] = [];
  /** The last raw profile/session converted, and the result (same objects → no reconversion). */
  converted = false;
  rawProfile: unknown = undefined;
  rawSession: unknown = undefined;
  profile: Record<string, unknown> = {};
  session: Record<string, unknown> = {};
  inputErrors: DecisionError[] = [];
  /** Per zone plan: the lazy ranking produced so far (engine.ts), which depends only on the member, the session and the day. */
  walks = new Map<object, unknown>();

  /** Makes the memo fit this decision's engine, member and day. */
  prepare(owner: CompiledBundle, audienceId: string, level: string, at: string): void {
    if (this.owner === owner && this.audienceId === audienceId && this.level === level && this.at === at) return;
    if (this.owner !== owner || this.audienceId !== audienceId || this.level !== level) this.converted = false;
    this.owner = owner;
    this.audienceId = audienceId;
    this.level = level;
    this.at = at;
    if (this.states.length === owner.segments.length) this.states.fill(0);
    else this.states = new Uint8Array(owner.segments.length);
    if (this.failures.length > 0) this.failures = [];
    if (this.nested.length > 0) this.nested = [];
    if (this.walks.size > 0) this.walks = new Map();
  }

  /** Forgets everything (a decision without a session reuses one cache this way). */
  reset(): void {
    this.owner = null;
    this.converted = false;
  }

  setInputs(rawProfile: unknown, rawSession: unknown, profile: Record<string, unknown>, session: Record<string, unknown>, errors: DecisionError[]): void {
    this.converted = true;
    this.rawProfile = rawProfile;
    this.rawSession = rawSession;
    this.profile = profile;
    this.session = session;
    this.inputErrors = errors;
  }
}

export function isSegmentCache(value: unknown): value is SessionSegmentCache {
  return value instanceof SessionSegmentCache;
}

/** Why a segment does not apply to this member without evaluating it, or null when it can be evaluated. */
export function segmentMismatch(state: DecisionState, segment: CompiledSegment): string | null {
  if (segment.channel !== state.channel.name) return `segment '${segment.name}' is on channel '${segment.channel}', not '${state.channel.name}'`;
  if (segment.level !== state.level.name) return `segment '${segment.name}' is for audience level '${segment.level}', not '${state.level.name}'`;
  return null;
}

/** Is the member in the segment? Evaluates at most once per session; failures count as false. */
export function isMember(state: DecisionState, segment: CompiledSegment): boolean {
  const cache = state.segments;
  const known = cache.states[segment.index]!;
  if (known !== 0 && known !== EVALUATING) {
    // The memo answers as the evaluation did, failures included.
    const nested = cache.nested[segment.index];
    if (nested !== undefined) for (const [place, message, consequence] of nested) reportExpressionError(state, place, message, consequence);
    if (known === FAILED) reportExpressionError(state, segment.place, cache.failures[segment.index]);
    return known === MEMBER;
  }
  if (known === EVALUATING) return false; // a cycle; the compiler refuses them, so only a hand-made bundle gets here
  if (segmentMismatch(state, segment) !== null) {
    cache.states[segment.index] = NOT_MEMBER;
    return false;
  }
  cache.states[segment.index] = EVALUATING;
  const mark = state.captured?.length ?? 0;
  state.captureDepth = (state.captureDepth ?? 0) + 1;
  let result: unknown;
  let failed = false;
  let failure: unknown;
  try {
    result = segment.evaluate(state.cel);
  } catch (error) {
    failed = true;
    failure = error;
  }
  const depth = --state.captureDepth;
  const captured = state.captured;
  if (captured !== undefined && captured.length > mark) {
    cache.nested[segment.index] = captured.slice(mark);
    if (depth === 0) captured.length = 0;
  }
  if (failed) {
    const message = reportExpressionError(state, segment.place, failure);
    cache.failures[segment.index] = message;
    cache.states[segment.index] = FAILED;
    return false;
  }
  cache.states[segment.index] = result === true ? MEMBER : NOT_MEMBER;
  return result === true;
}

/** The run-time failure of a segment's expression for this member, if it failed. */
export function segmentFailure(state: DecisionState, segment: CompiledSegment): string | null {
  return state.segments.states[segment.index] === FAILED ? state.segments.failures[segment.index] ?? null : null;
}

/** The `inSegment(name)` lookup for the decision in progress. */
export function segmentLookup(state: DecisionState): (name: string) => boolean {
  return (name) => {
    const segment = state.compiled.segmentByName.get(name);
    return segment !== undefined && isMember(state, segment);
  };
}
