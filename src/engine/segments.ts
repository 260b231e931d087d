// Segment membership, the one reading shared by decisions and the optimizer
// (docs/decisions.md#segment-membership-and-the-session-cache,
// docs/optimization-semantics.md#contacts-days-and-scope):
// a bundle's segments are compiled once (a segment whose expression does not compile
// refuses the bundle), then evaluated lazily for a member, only when something needs
// them (a rule's segment, a policy rule's segment, inSegment()), and memoised in the
// member's SegmentMemo — per session in the engine, until the caller drops it (a
// `resegment` event). An expression that fails at run time (a missing attribute) makes
// the member not a member of that segment; the failure is kept with the memo so every
// decision that relies on it reports it in its errors and explanation.
import type { BundleBody } from '../bundle/index.js';
import { ExpressionCompileError, type Evaluator, type ExpressionCompiler } from '../expr/index.js';
import { EngineLoadError, type CompiledSegment } from './compiled-types.js';
import { reportExpressionError, type DecisionState, type MemberState } from './decision-state.js';
import { EVALUATING, FAILED, MEMBER, NOT_MEMBER } from './segment-cache.js';

/** Compiles every segment of the bundle; throws EngineLoadError naming the first one that cannot run. */
export function compileSegments(body: BundleBody, expressions: ExpressionCompiler): CompiledSegment[] {
  const channels = new Set(body.channels.map((c) => c.name));
  return body.segments.map((segment, index) => {
    const place = `segment '${segment.name}' expression`;
    if (!channels.has(segment.channel)) throw new EngineLoadError(`channel '${segment.channel}' is not in the bundle`, place);
    let evaluate: Evaluator;
    try {
      evaluate = expressions.compile('segment', segment.expression, place, segment.channel, segment.audienceLevel);
    } catch (error) {
      if (error instanceof ExpressionCompileError) throw new EngineLoadError(error.reason, error.place);
      throw error;
    }
    return { index, name: segment.name, channel: segment.channel, level: segment.audienceLevel, evaluate, place: `segment '${segment.name}'` };
  });
}

/** Why a segment does not apply to this member without evaluating it, or null when it can be evaluated. */
export function segmentMismatch(state: MemberState, segment: CompiledSegment): string | null {
  const channel = state.channel;
  if (channel !== null && segment.channel !== channel.name) return `segment '${segment.name}' is on channel '${segment.channel}', not '${channel.name}'`;
  const level = state.level;
  if (level !== null && segment.level !== level.name) return `segment '${segment.name}' is for audience level '${segment.level}', not '${level.name}'`;
  return null;
}

/** Is the member in the segment? Evaluates at most once per memo; failures count as false. */
export function isMember(state: MemberState, segment: CompiledSegment): boolean {
  const cache = state.segments;
  let known = cache.states[segment.index]!;
  if (known === 0) known = cache.borrow(segment.index);
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
export function segmentFailure(state: MemberState, segment: CompiledSegment): string | null {
  return state.segments.states[segment.index] === FAILED ? state.segments.failures[segment.index] ?? null : null;
}

/** `inSegment(name)` for a member: false for a name that is not a segment of `segmentByName`. */
export function inNamedSegment(state: MemberState, segmentByName: ReadonlyMap<string, CompiledSegment>, name: string): boolean {
  const segment = segmentByName.get(name);
  return segment !== undefined && isMember(state, segment);
}

/** The `inSegment(name)` lookup for a member, over the segments by name. */
export function memberSegmentLookup(state: MemberState, segmentByName: ReadonlyMap<string, CompiledSegment>): (name: string) => boolean {
  return (name) => inNamedSegment(state, segmentByName, name);
}

/** The `inSegment(name)` lookup for the decision in progress. */
export function segmentLookup(state: DecisionState): (name: string) => boolean {
  return memberSegmentLookup(state, state.compiled.segmentByName);
}
