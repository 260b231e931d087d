// One contract for every session store (src/server/session-store.ts), run in memory and
// against Redis. Redis comes from OFFEROPS_TEST_REDIS (.ci/redis.sh sets it); under CI a
// missing URL fails the suite instead of skipping it.
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../src/server/redis-session-store.js';
import { MemorySessionStore, SessionStoreError, type SessionLimits, type SessionStore } from '../../src/server/session-store.js';
import { fakeClock, makeServer, richProfile } from './harness.js';

const redisUrl = process.env['OFFEROPS_TEST_REDIS'];
const inCi = process.env['CI'] === 'true';

const limits: SessionLimits = { ttlMs: 60_000, maxSessions: 3, maxShownPerSession: 4 };
const member = (audienceId: string, id?: string) => ({ ...(id ? { id } : {}), channel: 'web', audienceLevel: 'customer', audienceId, profile: { age: 30 }, attributes: { device: 'mobile' } });
const shown = (offer: string) => ({ offer, interactionPoint: 'home-hero', rule: 'r' });

let prefixCounter = 0;
interface Factory {
  name: string;
  /** Stores sharing one place (two servers), on one clock. */
  make: (clock: () => number) => Promise<SessionStore[]>;
}
const factories: Factory[] = [{ name: 'memory', make: async (now) => [new MemorySessionStore(limits, now)] }];
if (redisUrl) {
  factories.push({
    name: 'redis',
    make: async (now) => {
      const prefix = `offerops-test:${process.pid}:${Date.now()}:${prefixCounter++}:`;
      const stores = [new RedisSessionStore({ url: redisUrl, limits, now, prefix }), new RedisSessionStore({ url: redisUrl, limits, now, prefix })];
      for (const store of stores) await store.open();
      return stores;
    },
  });
}

describe('Redis for the session-store tests', () => {
  it.runIf(inCi)('is configured under CI (OFFEROPS_TEST_REDIS from .ci/redis.sh)', () => {
    expect(redisUrl, 'OFFEROPS_TEST_REDIS is not set: .ci/run must eval "$(.ci/redis.sh)"').toBeTruthy();
  });
});

describe.each(factories)('session store contract: $name', (factory) => {
  const opened: SessionStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  async function stores() {
    const clock = fakeClock();
    const made = await factory.make(clock.now);
    opened.push(...made);
    return { clock, first: made[0]!, other: made[made.length - 1]! };
  }

  it('creates a session, continues it, and ends it', async () => {
    const { first, other } = await stores();
    const created = await first.create(member('c-1', 'visit-1'));
    expect(created).toMatchObject({ ok: true, session: { id: 'visit-1', audienceId: 'c-1', version: 0 } });
    const used = await other.use('visit-1');
    expect(used).toMatchObject({ id: 'visit-1', channel: 'web', audienceLevel: 'customer', audienceId: 'c-1', profile: { age: 30 }, attributes: { device: 'mobile' }, version: 0 });
    expect(await first.create(member('c-2', 'visit-1'))).toEqual({ ok: false, reason: 'exists' });
    expect(await other.delete('visit-1')).toBe(true);
    expect(await first.use('visit-1')).toBeUndefined();
    expect(await first.delete('visit-1')).toBe(false);
    const generated = await first.create(member('c-3'));
    expect(generated.ok && generated.session.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('expires a session idle for the TTL: alive at TTL − 1 ms, gone at TTL, and every use restarts the clock', async () => {
    const { clock, first, other } = await stores();
    await first.create(member('c-1', 'a'));
    clock.advance(limits.ttlMs - 1);
    expect(await other.use('a')).toBeDefined();
    clock.advance(limits.ttlMs - 1);
    expect(await first.use('a')).toBeDefined();
    clock.advance(limits.ttlMs);
    expect(await other.use('a')).toBeUndefined();
    expect(await first.count()).toBe(0);
  });

  it('holds at most maxSessions live sessions: refuses one more rather than evicting, and has room again once one expires', async () => {
    const { clock, first, other } = await stores();
    for (let i = 0; i < limits.maxSessions - 1; i++) expect((await first.create(member(`c${i}`, `s${i}`))).ok).toBe(true);
    expect(await other.count()).toBe(limits.maxSessions - 1);
    expect((await other.create(member('c-last', 'last'))).ok).toBe(true);
    expect(await first.create(member('c-over', 'over'))).toEqual({ ok: false, reason: 'full' });
    expect(await first.use('s0')).toBeDefined();
    clock.advance(limits.ttlMs - 1);
    expect(await first.use('s0')).toBeDefined(); // s0 stays; the others expire at ttl
    clock.advance(1);
    expect(await other.count()).toBe(1);
    expect((await other.create(member('c-over', 'over'))).ok).toBe(true);
  });

  it('merges updates field by field and bumps the version, also when two servers update one session at once', async () => {
    const { first, other } = await stores();
    await first.create(member('c-1', 'a'));
    await Promise.all([first.update('a', { profile: { age: 99 }, resegment: true }), other.update('a', { profile: { income: 5.0 }, attributes: { device: 'desktop' }, resegment: true })]);
    const session = await other.use('a');
    expect(session).toMatchObject({ profile: { age: 99, income: 5.0 }, attributes: { device: 'desktop' }, version: 2 });
    await first.update('a', { resegment: true });
    expect((await first.use('a'))?.version).toBe(3);
    // An update of a session that ended does not bring it back.
    await first.delete('a');
    await other.update('a', { profile: { age: 1 }, resegment: true });
    expect(await first.use('a')).toBeUndefined();
  });

  it('keeps the session activity the session rules read: offers returned, accepted and rejected, on every server', async () => {
    const { first, other } = await stores();
    const created = await first.create(member('c-1', 'a'));
    if (!created.ok) throw new Error('not created');
    expect(created.session.activity).toEqual({ offered: 0, accepted: [], rejected: [] });
    await first.remember(created.session, [['code-1', shown('gold')], ['code-2', shown('silver')]]);
    await other.remember(created.session, [['code-1', shown('gold')]]);
    // Two events at once on two servers: both kept; an offer accepted twice is listed once, in its first place.
    await Promise.all([first.update('a', { resegment: false, accepted: ['gold'] }), other.update('a', { resegment: false, rejected: ['silver'] })]);
    await other.update('a', { resegment: false, accepted: ['bronze', 'gold'] });
    const session = await first.use('a');
    expect(session?.activity).toEqual({ offered: 3, accepted: ['gold', 'bronze'], rejected: ['silver'] });
    // Accepts and rejects change no attribute: segment memos stay valid.
    expect(session?.version).toBe(0);
    expect((await other.use('a'))?.activity).toEqual({ offered: 3, accepted: ['gold', 'bronze'], rejected: ['silver'] });
  });

  it('remembers treatment codes, the last maxShownPerSession of them, on every server', async () => {
    const { first, other } = await stores();
    const created = await first.create(member('c-1', 'a'));
    if (!created.ok) throw new Error('not created');
    const session = created.session;
    const codes = Array.from({ length: limits.maxShownPerSession + 1 }, (_, i) => [`code-${i}`, shown(`offer-${i}`)] as const);
    await first.remember(session, codes.slice(0, limits.maxShownPerSession - 1));
    expect(await other.shownCode(session, 'code-0')).toEqual(shown('offer-0'));
    // Shown again: it becomes the newest, so it survives the bound.
    await other.remember(session, [codes[0]!]);
    await first.remember(session, codes.slice(limits.maxShownPerSession - 1));
    expect(await other.shownCode(session, 'code-0')).toEqual(shown('offer-0'));
    expect(await other.shownCode(session, 'code-1')).toBeUndefined();
    expect(await first.shownCode(session, `code-${limits.maxShownPerSession}`)).toEqual(shown(`offer-${limits.maxShownPerSession}`));
    expect(await first.shownOffer(session, 'offer-2')).toBe(true);
    expect(await first.shownOffer(session, 'offer-1')).toBe(false);
    expect(await first.shownCode(session, 'never')).toBeUndefined();
  });
});

describe.runIf(Boolean(redisUrl))('Redis session store failures', () => {
  it('refuses to open when Redis cannot be reached, without printing the password', async () => {
    const store = new RedisSessionStore({ url: 'redis://:redis-secret-pw@127.0.0.1:1/0', limits, now: Date.now });
    const failure = await store.open().then(() => null, (error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(SessionStoreError);
    expect(failure?.message).not.toContain('redis-secret-pw');
    expect(store.description).not.toContain('redis-secret-pw');
  });

  it('answers 503 sessions-unavailable (not 500, not a hang) and reports it on /healthz while Redis is away', async () => {
    const sessions = new RedisSessionStore({ url: redisUrl!, limits, now: Date.now, prefix: `offerops-test:${process.pid}:away:` });
    await sessions.open();
    const { app } = await makeServer({ sessions });
    const created = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceId: 'c-1', profile: richProfile } });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ sessionId: string }>().sessionId;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok', sessionStore: 'redis', sessions: 1 });
    await sessions.close();
    const offers = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } });
    expect(offers.statusCode).toBe(503);
    expect(offers.headers['retry-after']).toBe('1');
    expect(offers.json()).toMatchObject({ code: 'sessions-unavailable' });
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable', message: expect.stringContaining('session store') });
    await app.close();
  });

  it('fails a command with SessionStoreError (not a hang) once the connection is gone', async () => {
    const store = new RedisSessionStore({ url: redisUrl!, limits, now: Date.now, prefix: `offerops-test:${process.pid}:gone:` });
    await store.open();
    await store.close();
    await expect(store.use('x')).rejects.toBeInstanceOf(SessionStoreError);
  });
});
