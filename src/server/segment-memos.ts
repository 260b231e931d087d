// Segment memberships memoised per session (docs/decisions.md#segment-membership-and-the-session-cache),
// in this process, whichever store holds the session. A memo is valid for one version
// of the session (any attribute update or resegment bumps it) and one bundle; it keeps
// the profile and attributes it was made for, so the engine sees the very same objects
// and reuses its conversions and rankings. A session continued on another instance
// gets a fresh memo there: memberships are a function of the profile, the session
// attributes and the day, so it finds the same ones.
import type { Engine, SegmentCache } from '../engine/index.js';
import type { Session } from './session-store.js';

interface Memo {
  version: number;
  digest: string;
  cache: SegmentCache;
  profile: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export interface SessionInputs {
  cache: SegmentCache;
  profile: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export class SegmentMemos {
  private readonly memos = new Map<string, Memo>();

  /** At most `capacity` sessions' memos are kept, least recently used dropped first. */
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.memos.size;
  }

  /** The memo for this session as it is, with the inputs to decide with. */
  for(session: Session, engine: Engine): SessionInputs {
    let memo = this.memos.get(session.id);
    if (memo !== undefined) this.memos.delete(session.id);
    if (memo === undefined || memo.version !== session.version || memo.digest !== engine.digest) {
      memo = { version: session.version, digest: engine.digest, cache: engine.newSegmentCache(), profile: session.profile, attributes: session.attributes };
    }
    this.memos.set(session.id, memo);
    if (this.memos.size > this.capacity) this.memos.delete(this.memos.keys().next().value as string);
    return memo;
  }

  forget(id: string): void {
    this.memos.delete(id);
  }
}
