// Sessions in Redis (`serve --sessions redis://…`), so every instance of a server group
// can continue any session (docs/runtime-api.md#running-several-instances). Each change
// is one Lua script, atomic in Redis: creating under the session limit, touching
// (expiry is judged by the servers' clock, as in memory; Redis's own key expiry only
// collects what nobody touches any more), merging attribute updates field by field (two
// events updating one session on two instances keep both updates), remembering treatment
// codes with the per-session bound.
//
// Keys, with the prefix (default `offerops:`), `{…}` hash tags keeping a session's keys
// together:
//   <prefix>session:{<id>}         hash: m (channel, level, member, created: JSON),
//                                  u (last used, ms), v (version), q (code counter),
//                                  p.<attr> / s.<attr> (profile / session attribute: JSON),
//                                  n (offers returned), a.<offer> / r.<offer> (accepted /
//                                  rejected in the session: the order of acceptance)
//   <prefix>session:{<id>}:shown   hash: treatment code → shown offer (JSON)
//   <prefix>session:{<id>}:order   sorted set: treatment code by when it was last shown
//   <prefix>sessions               sorted set: session id by last use (the count, the limit)
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redactUrl } from './history-store.js';
import { noActivity, SessionStoreError, type CreateSessionResult, type NewSession, type Session, type SessionChange, type SessionLimits, type SessionStore, type ShownOffer } from './session-store.js';

/** Redis drops a key nobody touched for the TTL plus this (a margin for clocks that differ between servers). */
const COLLECT_AFTER_TTL_MS = 60_000;

const SCRIPTS = {
  // KEYS: session, shown, order, index. ARGV: now, ttl, max, id, collectMs, field, value, …
  offeropsCreate: {
    numberOfKeys: 4,
    lua: `
local now = tonumber(ARGV[1]); local ttl = tonumber(ARGV[2]); local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - ttl)
if redis.call('EXISTS', KEYS[1]) == 1 then
  local last = tonumber(redis.call('HGET', KEYS[1], 'u'))
  if last ~= nil and now - last < ttl then return 'exists' end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
end
if redis.call('ZCARD', KEYS[4]) >= max then return 'full' end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[4], now, ARGV[4])
return 'ok'`,
  },
  // KEYS: session, shown, order, index. ARGV: now, ttl, id, collectMs. Returns the hash, or nil.
  offeropsUse: {
    numberOfKeys: 4,
    lua: `
local now = tonumber(ARGV[1]); local ttl = tonumber(ARGV[2])
local fields = redis.call('HGETALL', KEYS[1])
local last = nil
for i = 1, #fields, 2 do if fields[i] == 'u' then last = tonumber(fields[i + 1]) end end
if last == nil or now - last >= ttl then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
  return false
end
if now > last then
  redis.call('HSET', KEYS[1], 'u', now)
  redis.call('ZADD', KEYS[4], now, ARGV[3])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4]); redis.call('PEXPIRE', KEYS[2], ARGV[4]); redis.call('PEXPIRE', KEYS[3], ARGV[4])
return fields`,
  },
  // KEYS: session. ARGV: bump (1: bump the version), field, value, … (attribute updates,
  // accepted / rejected offers; HSETNX keeps an offer's first place).
  offeropsUpdate: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do
  local field = ARGV[i]
  if string.sub(field, 1, 2) == 'a.' or string.sub(field, 1, 2) == 'r.' then
    redis.call('HSETNX', KEYS[1], field, redis.call('HINCRBY', KEYS[1], 'o', 1))
  else
    redis.call('HSET', KEYS[1], field, ARGV[i + 1])
  end
end
if ARGV[1] == '1' then redis.call('HINCRBY', KEYS[1], 'v', 1) end
return 1`,
  },
  // KEYS: session, shown, order. ARGV: max, collectMs, code, shown JSON, …
  offeropsRemember: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'n', (#ARGV - 2) / 2)
for i = 3, #ARGV, 2 do
  local seq = redis.call('HINCRBY', KEYS[1], 'q', 1)
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[3], seq, ARGV[i])
end
local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[1])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[3], over)
  for i = 1, #oldest, 2 do redis.call('HDEL', KEYS[2], oldest[i]) end
end
redis.call('PEXPIRE', KEYS[2], ARGV[2]); redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1`,
  },
  // KEYS: session, shown, order, index. ARGV: now, ttl, id. 1 when a live session ended.
  offeropsDelete: {
    numberOfKeys: 4,
    lua: `
local last = tonumber(redis.call('HGET', KEYS[1], 'u'))
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[3])
if last ~= nil and tonumber(ARGV[1]) - last < tonumber(ARGV[2]) then return 1 end
return 0`,
  },
  // KEYS: index. ARGV: now, ttl.
  offeropsCount: {
    numberOfKeys: 1,
    lua: `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
return redis.call('ZCARD', KEYS[1])`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

export interface RedisSessionStoreOptions {
  url: string;
  limits: SessionLimits;
  now: () => number;
  /** Key prefix (tests use their own); default `offerops:`. */
  prefix?: string;
  /** A command that takes longer fails (503 sessions-unavailable) rather than hanging a request; ms. */
  commandTimeout?: number;
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
  readonly description: string;
  readonly limits: SessionLimits;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly collectMs: number;

  constructor(options: RedisSessionStoreOptions) {
    this.description = redactUrl(options.url);
    this.limits = options.limits;
    this.now = options.now;
    this.prefix = options.prefix ?? 'offerops:';
    this.collectMs = options.limits.ttlMs + COLLECT_AFTER_TTL_MS;
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail fast while Redis is away: a request answers 503 and may be retried, instead of
      // waiting in a queue; the client keeps reconnecting in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 10_000,
      commandTimeout: options.commandTimeout ?? 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // A lost connection must not crash the server; the next command reports it.
    this.redis.on('error', () => undefined);
    for (const [name, script] of Object.entries(SCRIPTS)) this.redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }

  async open(): Promise<void> {
    try {
      await this.redis.connect();
      await this.redis.ping();
    } catch (error) {
      this.redis.disconnect();
      throw new SessionStoreError(`cannot reach the Redis session store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  private keys(id: string): [string, string, string, string] {
    const session = `${this.prefix}session:{${id}}`;
    return [session, `${session}:shown`, `${session}:order`, `${this.prefix}sessions`];
  }

  private async run(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await (this.redis as unknown as Record<ScriptName, ScriptCall>)[name](...args);
    } catch (error) {
      throw new SessionStoreError(`Redis session store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  async create(input: NewSession): Promise<CreateSessionResult> {
    const now = this.now();
    const id = input.id ?? randomUUID();
    const session: Session = { ...input, id, createdAt: now, lastUsedAt: now, version: 0, activity: noActivity() };
    const fields: string[] = ['m', JSON.stringify({ channel: input.channel, level: input.audienceLevel, member: input.audienceId, created: now }), 'u', String(now), 'v', '0'];
    for (const [name, value] of Object.entries(input.profile)) fields.push(`p.${name}`, JSON.stringify(value));
    for (const [name, value] of Object.entries(input.attributes)) fields.push(`s.${name}`, JSON.stringify(value));
    const result = await this.run('offeropsCreate', ...this.keys(id), now, this.limits.ttlMs, this.limits.maxSessions, id, this.collectMs, ...fields);
    if (result === 'exists' || result === 'full') return { ok: false, reason: result };
    return { ok: true, session };
  }

  async use(id: string): Promise<Session | undefined> {
    const now = this.now();
    const fields = (await this.run('offeropsUse', ...this.keys(id), now, this.limits.ttlMs, id, this.collectMs)) as string[] | null;
    if (!fields) return undefined;
    type Meta = { channel: string; level: string; member: string; created: number };
    let meta = null as Meta | null;
    let version = 0;
    let offered = 0;
    const accepted: [string, number][] = [];
    const rejected: [string, number][] = [];
    const profile: Record<string, unknown> = {};
    const attributes: Record<string, unknown> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!;
      const value = fields[i + 1]!;
      if (name === 'm') meta = JSON.parse(value) as Meta;
      else if (name === 'v') version = Number(value);
      else if (name === 'n') offered = Number(value);
      else if (name.startsWith('a.')) accepted.push([name.slice(2), Number(value)]);
      else if (name.startsWith('r.')) rejected.push([name.slice(2), Number(value)]);
      else if (name.startsWith('p.')) profile[name.slice(2)] = JSON.parse(value) as unknown;
      else if (name.startsWith('s.')) attributes[name.slice(2)] = JSON.parse(value) as unknown;
    }
    if (meta === null) return undefined;
    const inOrder = (offers: [string, number][]): string[] => offers.sort((x, y) => x[1] - y[1]).map(([offer]) => offer);
    const activity = { offered, accepted: inOrder(accepted), rejected: inOrder(rejected) };
    return { id, channel: meta.channel, audienceLevel: meta.level, audienceId: meta.member, profile, attributes, createdAt: meta.created, lastUsedAt: now, version, activity };
  }

  async update(id: string, change: SessionChange): Promise<void> {
    const fields: string[] = [];
    for (const [name, value] of Object.entries(change.profile ?? {})) fields.push(`p.${name}`, JSON.stringify(value));
    for (const [name, value] of Object.entries(change.attributes ?? {})) fields.push(`s.${name}`, JSON.stringify(value));
    const bump = fields.length > 0 || change.resegment;
    for (const offer of change.accepted ?? []) fields.push(`a.${offer}`, '');
    for (const offer of change.rejected ?? []) fields.push(`r.${offer}`, '');
    if (fields.length === 0 && !bump) return;
    await this.run('offeropsUpdate', this.keys(id)[0], bump ? '1' : '0', ...fields);
  }

  async remember(session: Session, shown: readonly (readonly [string, ShownOffer])[]): Promise<void> {
    if (shown.length === 0) return;
    const [key, shownKey, orderKey] = this.keys(session.id);
    const args: string[] = [];
    for (const [code, offer] of shown) args.push(code, JSON.stringify(offer));
    await this.run('offeropsRemember', key, shownKey, orderKey, this.limits.maxShownPerSession, this.collectMs, ...args);
  }

  async shownCode(session: Session, code: string): Promise<ShownOffer | undefined> {
    try {
      const value = await this.redis.hget(this.keys(session.id)[1], code);
      return value === null ? undefined : (JSON.parse(value) as ShownOffer);
    } catch (error) {
      throw new SessionStoreError(`Redis session store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  async shownOffer(session: Session, offer: string): Promise<boolean> {
    try {
      const values = await this.redis.hvals(this.keys(session.id)[1]);
      return values.some((value) => (JSON.parse(value) as ShownOffer).offer === offer);
    } catch (error) {
      throw new SessionStoreError(`Redis session store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  async delete(id: string): Promise<boolean> {
    return (await this.run('offeropsDelete', ...this.keys(id), this.now(), this.limits.ttlMs, id)) === 1;
  }

  async count(): Promise<number> {
    return Number(await this.run('offeropsCount', `${this.prefix}sessions`, this.now(), this.limits.ttlMs));
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (error) {
      throw new SessionStoreError(`Redis session store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
