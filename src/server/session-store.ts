// Runtime sessions (docs/runtime-api.md#sessions-ttl-and-limits): who the touchpoint is talking to, with an idle TTL and a
// bound on how many are held. The Map is kept in last-use order (a touched session moves
// to the end), so expired sessions are always at its front and a sweep stops at the
// first live one.
//
// When the bound is reached after expired sessions are swept, a new session is refused
// (the server answers 503 with Retry-After) rather than evicting a live one: evicting
// would let a flood of session creations push out real visitors mid-visit.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine/index.js';

type SegmentCache = ReturnType<Engine['newSegmentCache']>;

export interface ShownOffer {
  offer: string;
  interactionPoint: string;
  rule: string;
}

export interface Session {
  id: string;
  channel: string;
  audienceLevel: string;
  audienceId: string;
  profile: Record<string, unknown>;
  attributes: Record<string, unknown>;
  createdAt: number;
  lastUsedAt: number;
  /** Segment memberships, valid for the engine whose digest is `segmentCacheDigest`. */
  segmentCache: SegmentCache | null;
  segmentCacheDigest: string | null;
  /** Treatment codes returned in this session (bounded, oldest dropped). */
  shown: Map<string, ShownOffer>;
}

export interface SessionLimits {
  /** Idle time after which a session expires, in ms. */
  ttlMs: number;
  maxSessions: number;
  /** Treatment codes remembered per session. */
  maxShownPerSession: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { ttlMs: 30 * 60 * 1000, maxSessions: 100_000, maxShownPerSession: 1000 };

export type CreateSessionResult = { ok: true; session: Session } | { ok: false; reason: 'exists' | 'full' };

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly limits: SessionLimits,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  create(input: Omit<Session, 'id' | 'createdAt' | 'lastUsedAt' | 'segmentCache' | 'segmentCacheDigest' | 'shown'> & { id?: string }): CreateSessionResult {
    const now = this.now();
    this.sweep(now);
    const id = input.id ?? randomUUID();
    if (this.sessions.has(id)) return { ok: false, reason: 'exists' };
    if (this.sessions.size >= this.limits.maxSessions) return { ok: false, reason: 'full' };
    const session: Session = {
      id,
      channel: input.channel,
      audienceLevel: input.audienceLevel,
      audienceId: input.audienceId,
      profile: input.profile,
      attributes: input.attributes,
      createdAt: now,
      lastUsedAt: now,
      segmentCache: null,
      segmentCacheDigest: null,
      shown: new Map(),
    };
    this.sessions.set(id, session);
    return { ok: true, session };
  }

  /** The live session with this id, touched (its TTL restarts); undefined when unknown or expired. */
  use(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastUsedAt >= this.limits.ttlMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastUsedAt = now;
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  delete(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    return this.now() - session.lastUsedAt < this.limits.ttlMs;
  }

  /** Drops expired sessions; returns how many. */
  sweep(now = this.now()): number {
    let dropped = 0;
    for (const [id, session] of this.sessions) {
      if (now - session.lastUsedAt < this.limits.ttlMs) break;
      this.sessions.delete(id);
      dropped += 1;
    }
    return dropped;
  }

  remember(session: Session, code: string, shown: ShownOffer): void {
    if (session.shown.has(code)) session.shown.delete(code);
    session.shown.set(code, shown);
    if (session.shown.size > this.limits.maxShownPerSession) {
      const oldest = session.shown.keys().next();
      if (!oldest.done) session.shown.delete(oldest.value);
    }
  }
}
