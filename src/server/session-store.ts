// Runtime sessions (docs/runtime-api.md#sessions-ttl-and-limits): who the touchpoint is
// talking to, with an idle TTL and a bound on how many are held. Two stores implement
// the one contract: in memory (the default, one process) and Redis (redis-session-store.ts,
// so any instance of a server group can continue any session).
//
// When the bound is reached after expired sessions are swept, a new session is refused
// (the server answers 503 with Retry-After) rather than evicting a live one: evicting
// would let a flood of session creations push out real visitors mid-visit.
import { randomUUID } from 'node:crypto';
import { ExternalSystemError } from '../errors.js';

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
  /** Declared profile and session attributes only (the routes keep nothing else). */
  profile: Record<string, unknown>;
  attributes: Record<string, unknown>;
  createdAt: number;
  lastUsedAt: number;
  /**
   * Bumped by every attribute update and resegment: memoised segment memberships are
   * valid for one version (segment-memos.ts).
   */
  version: number;
  /** What the session's channel rules read (docs/runtime-api.md#session-rules): offers returned, accepted and rejected in the session. */
  activity: SessionActivityState;
}

export interface SessionActivityState {
  /** Offers returned to the session so far, at every point. */
  offered: number;
  /** Offers accepted / rejected in the session (events with logAccept / logReject), each once, in order. */
  accepted: string[];
  rejected: string[];
}

export const noActivity = (): SessionActivityState => ({ offered: 0, accepted: [], rejected: [] });

export interface SessionLimits {
  /** Idle time after which a session expires, in ms. */
  ttlMs: number;
  maxSessions: number;
  /** Treatment codes remembered per session. */
  maxShownPerSession: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { ttlMs: 30 * 60 * 1000, maxSessions: 100_000, maxShownPerSession: 1000 };

export type NewSession = Pick<Session, 'channel' | 'audienceLevel' | 'audienceId' | 'profile' | 'attributes'> & { id?: string };

export type CreateSessionResult = { ok: true; session: Session } | { ok: false; reason: 'exists' | 'full' };

export interface SessionChange {
  /** Attributes merged into the profile / session attributes (already filtered to declared ones). */
  profile?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  /** Drop memoised segment memberships (a `resegment` event, or any update). */
  resegment: boolean;
  /** Offers the event accepted / rejected in the session (its logAccept / logReject rows). */
  accepted?: readonly string[];
  rejected?: readonly string[];
}

/** A session store that failed: the server maps it to 503 (the request may be retried). */
export class SessionStoreError extends ExternalSystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionStoreError';
  }
}

export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  /** Where sessions live, safe to print (no password). */
  readonly description: string;
  readonly limits: SessionLimits;
  /** Connects (Redis); called once before use. */
  open(): Promise<void>;
  create(input: NewSession): Promise<CreateSessionResult>;
  /** The live session with this id, touched (its TTL restarts); undefined when unknown or expired. */
  use(id: string): Promise<Session | undefined>;
  /** Merges attribute updates and bumps the version; a session that ended meanwhile stays ended. */
  update(id: string, change: SessionChange): Promise<void>;
  /**
   * Remembers treatment codes returned in the session (at most maxShownPerSession, oldest
   * dropped) and counts every one of them in the session's `activity.offered`.
   */
  remember(session: Session, shown: readonly (readonly [code: string, offer: ShownOffer])[]): Promise<void>;
  /** The offer a treatment code returned in this session was for. */
  shownCode(session: Session, code: string): Promise<ShownOffer | undefined>;
  /** Was this offer returned in this session? */
  shownOffer(session: Session, offer: string): Promise<boolean>;
  /** Ends a session; false when there was no live one. */
  delete(id: string): Promise<boolean>;
  /** Live sessions (expired ones are swept first). */
  count(): Promise<number>;
  /** Resolves when the store answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface MemorySession extends Session {
  shown: Map<string, ShownOffer>;
}

/**
 * Sessions in this process's memory. The Map is kept in last-use order (a touched
 * session moves to the end), so expired sessions are always at its front and a sweep
 * stops at the first live one.
 */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  readonly description = 'memory';
  private readonly sessions = new Map<string, MemorySession>();

  constructor(
    readonly limits: SessionLimits,
    private readonly now: () => number,
  ) {}

  /** Sessions held, expired ones not yet swept included. */
  get size(): number {
    return this.sessions.size;
  }

  async open(): Promise<void> {}

  async create(input: NewSession): Promise<CreateSessionResult> {
    const now = this.now();
    this.sweep(now);
    const id = input.id ?? randomUUID();
    if (this.sessions.has(id)) return { ok: false, reason: 'exists' };
    if (this.sessions.size >= this.limits.maxSessions) return { ok: false, reason: 'full' };
    const session: MemorySession = {
      id,
      channel: input.channel,
      audienceLevel: input.audienceLevel,
      audienceId: input.audienceId,
      profile: input.profile,
      attributes: input.attributes,
      createdAt: now,
      lastUsedAt: now,
      version: 0,
      activity: noActivity(),
      shown: new Map(),
    };
    this.sessions.set(id, session);
    return { ok: true, session };
  }

  async use(id: string): Promise<Session | undefined> {
    return this.useNow(id);
  }

  private useNow(id: string): MemorySession | undefined {
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

  async update(id: string, change: SessionChange): Promise<void> {
    // The session as it is now: another event of it may have updated it meanwhile.
    const session = this.sessions.get(id);
    if (!session) return;
    if (change.profile) session.profile = { ...session.profile, ...change.profile };
    if (change.attributes) session.attributes = { ...session.attributes, ...change.attributes };
    if (change.profile || change.attributes || change.resegment) session.version++;
    // A new object, so a session read before this event keeps the activity it was read with.
    if ((change.accepted?.length ?? 0) + (change.rejected?.length ?? 0) > 0) {
      const add = (held: string[], offers: readonly string[] | undefined): string[] => [...held, ...(offers ?? []).filter((offer, i, all) => !held.includes(offer) && all.indexOf(offer) === i)];
      session.activity = { offered: session.activity.offered, accepted: add(session.activity.accepted, change.accepted), rejected: add(session.activity.rejected, change.rejected) };
    }
  }

  async remember(session: Session, shown: readonly (readonly [string, ShownOffer])[]): Promise<void> {
    const held = this.sessions.get(session.id);
    if (!held) return;
    if (shown.length > 0) held.activity = { ...held.activity, offered: held.activity.offered + shown.length };
    for (const [code, offer] of shown) {
      if (held.shown.has(code)) held.shown.delete(code);
      held.shown.set(code, offer);
      if (held.shown.size > this.limits.maxShownPerSession) {
        const oldest = held.shown.keys().next();
        if (!oldest.done) held.shown.delete(oldest.value);
      }
    }
  }

  async shownCode(session: Session, code: string): Promise<ShownOffer | undefined> {
    return this.sessions.get(session.id)?.shown.get(code);
  }

  async shownOffer(session: Session, offer: string): Promise<boolean> {
    const held = this.sessions.get(session.id);
    if (!held) return false;
    for (const shown of held.shown.values()) if (shown.offer === offer) return true;
    return false;
  }

  async delete(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    return this.now() - session.lastUsedAt < this.limits.ttlMs;
  }

  async count(): Promise<number> {
    this.sweep();
    return this.sessions.size;
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

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
