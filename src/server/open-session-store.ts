// `--sessions memory | redis://…` → a session store (docs/runtime-api.md#running-several-instances).
// Unknown forms are a usage error naming the accepted ones, never echoing a password.
import { RedisSessionStore } from './redis-session-store.js';
import { MemorySessionStore, type SessionLimits, type SessionStore } from './session-store.js';
import { UsageError } from '../errors.js';

export class SessionSpecError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'SessionSpecError';
  }
}

export function createSessionStore(spec: string, limits: SessionLimits, now: () => number = Date.now): SessionStore {
  if (spec === 'memory') return new MemorySessionStore(limits, now);
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) return new RedisSessionStore({ url: spec, limits, now });
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(spec)?.[1];
  const shown = scheme === undefined ? `'${spec.length > 40 ? spec.slice(0, 40) + '…' : spec}'` : `a '${scheme}:' URL (the rest is not shown: it may hold a password)`;
  throw new SessionSpecError(`--sessions must be memory or redis://[:PASSWORD@]HOST[:PORT][/DB], got ${shown}`);
}
