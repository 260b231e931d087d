// The memo of segment membership (docs/decisions.md#segment-membership-and-the-session-cache): per member, each
// segment's state (not evaluated yet, member, not a member, failed, being evaluated) and
// what its evaluation reported. SegmentMemo is all the membership rules need
// (segments.ts); SessionSegmentCache adds what the engine keeps per session beside it.
import type { CompiledBundle } from './compiled-types.js';
import type { DecisionError } from './types.js';

/** Per-session memo of segment membership; opaque to callers. */
export interface SegmentCache {
  readonly kind: 'segment-cache';
}

/** A failure reported while an expression ran: place, message, consequence. */
export type CapturedError = readonly [string, string, string];

// Segment states; 0: not evaluated yet.
export const MEMBER = 1;
export const NOT_MEMBER = 2;
export const FAILED = 3;
export const EVALUATING = 4;

/** One member's segment states, by segment index. */
export class SegmentMemo {
  states: Uint8Array = new Uint8Array(0);
  failures: (string | undefined)[] = [];
  /** Failures of other segments reported while this one was evaluated (through inSegment), reported again on every use of the memo. */
  nested: (CapturedError[] | undefined)[] = [];

  /** Forgets every state: the next member starts afresh. */
  clear(segmentCount: number): void {
    if (this.states.length === segmentCount) this.states.fill(0);
    else this.states = new Uint8Array(segmentCount);
    if (this.failures.length > 0) this.failures = [];
    if (this.nested.length > 0) this.nested = [];
  }
}

export class SessionSegmentCache extends SegmentMemo implements SegmentCache {
  readonly kind = 'segment-cache';
  /** The engine, member and day the memo belongs to; any change starts it afresh. */
  owner: CompiledBundle | null = null;
  audienceId = '';
  level = '';
  at = '';
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
    this.clear(owner.segments.length);
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
