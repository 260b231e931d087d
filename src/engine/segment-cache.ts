// The memo of segment membership (docs/decisions.md#segment-membership-and-the-session-cache): per member, each
// segment's state (not evaluated yet, member, not a member, failed, being evaluated) and
// what its evaluation reported. SegmentMemo is all the membership rules need
// (segments.ts); SessionSegmentCache adds what the engine keeps per session beside it.
import { ProfileMemo } from './audience.js';
import type { CompiledBundle } from './compiled-types.js';
import { segmentTwins } from './peer-memo.js';
import type { DecisionError } from './types.js';

/** Per-session memo of segment membership; opaque to callers. */
export interface SegmentCache {
  readonly kind: 'segment-cache';
}

/** How a memo made by Engine.newSegmentCache behaves. */
export interface SegmentCacheOptions {
  /** false: keep no zone's ranking for a later decision at the same zone (default true). */
  keepRankings?: boolean;
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

  /**
   * A state for segment `index` known without evaluating it (a peer's, see SessionSegmentCache),
   * recorded in this memo; 0 when there is none and the segment must be evaluated.
   */
  borrow(index: number): number {
    void index;
    return 0;
  }

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
  /** false: no ranking is kept in `walks` (Engine.newSegmentCache's keepRankings). */
  keepRankings = true;
  /** Per zone plan: the zone's error pass (engine.ts), which depends only on the member, the session and the day, in zones with a list pick too. */
  sweeps = new Map<object, unknown>();
  /** What the conversion read (peer-memo.ts inputsId), -1 before any. */
  inputsId = -1;
  /** Whether the segment states may predate the current inputs (new inputs without a resegment keep them). */
  inputsChanged = false;
  /**
   * Another engine's memo of the same member's visit (Engine.newSegmentCache(peer)), and per
   * segment of this memo's bundle the index of its twin there (peer-memo.ts), or -1.
   */
  readonly peer: SessionSegmentCache | null;
  private twins: Int32Array | null = null;
  private twinsOf: CompiledBundle | null = null;

  /** The member's converted profile attributes, shared with the memos of the same visit's other channels (audience.ts). */
  readonly profileMemo: ProfileMemo;

  constructor(peer: SessionSegmentCache | null = null, sibling: SessionSegmentCache | null = null) {
    super();
    this.peer = peer;
    this.profileMemo = sibling?.profileMemo ?? new ProfileMemo();
  }

  /** Makes the memo fit this decision's engine, member and day. */
  prepare(owner: CompiledBundle, audienceId: string, level: string, at: string): void {
    if (this.owner === owner && this.audienceId === audienceId && this.level === level && this.at === at) return;
    if (this.owner !== owner || this.audienceId !== audienceId || this.level !== level) this.converted = false;
    this.owner = owner;
    this.audienceId = audienceId;
    this.level = level;
    this.at = at;
    this.inputsChanged = false;
    this.clear(owner.segments.length);
    this.forgetRankings();
  }

  /** Forgets what was worked out from the member's inputs (rankings, error passes); segment states stay. */
  forgetRankings(): void {
    if (this.walks.size > 0) this.walks = new Map();
    if (this.sweeps.size > 0) this.sweeps = new Map();
  }

  /**
   * The peer's inputs, when it holds the conversion of these same inputs with the same
   * declarations for this member (then this memo takes them rather than converting again).
   */
  peerInputs(rawProfile: unknown, rawSession: unknown, inputsId: number): SessionSegmentCache | null {
    const peer = this.peer;
    if (peer === null || !peer.converted || peer.inputsId !== inputsId || peer.rawProfile !== rawProfile || peer.rawSession !== rawSession) return null;
    return peer.audienceId === this.audienceId && peer.level === this.level ? peer : null;
  }

  /** A twin segment's state in the peer's memo of this member, day and inputs (docs/simulation-and-diff.md#what-base-and-head-share). */
  override borrow(index: number): number {
    const peer = this.peer;
    if (peer === null || peer.owner === null || this.owner === null) return 0;
    if (peer.inputsChanged || !this.converted || peer.at !== this.at || this.peerInputs(this.rawProfile, this.rawSession, this.inputsId) === null) return 0;
    if (this.twinsOf !== peer.owner) {
      this.twins = segmentTwins(this.owner, peer.owner);
      this.twinsOf = peer.owner;
    }
    const twin = this.twins![index]!;
    if (twin < 0) return 0;
    const state = peer.states[twin] ?? 0;
    if (state === 0 || state === EVALUATING) return 0;
    this.states[index] = state;
    if (state === FAILED) this.failures[index] = peer.failures[twin];
    const nested = peer.nested[twin];
    if (nested !== undefined) this.nested[index] = nested;
    return state;
  }

  /** Forgets everything (a decision without a session reuses one cache this way). */
  reset(): void {
    this.owner = null;
    this.converted = false;
  }

  setInputs(rawProfile: unknown, rawSession: unknown, profile: Record<string, unknown>, session: Record<string, unknown>, errors: DecisionError[], inputsId = -1): void {
    // Segment states evaluated with the inputs before stay (until a resegment): they may not be these inputs'.
    if (this.converted && this.states.some((state) => state !== 0)) this.inputsChanged = true;
    this.inputsId = inputsId;
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
