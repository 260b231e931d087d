// docs/runtime-api.md#errors: every request is validated; bad input gets a 4xx JSON error naming the
// field; no input crashes or wedges the server; tokens never reach the logs.
import { describe, expect, it } from 'vitest';
import { captureLogs, makeServer, startSession } from './harness.js';

type App = Awaited<ReturnType<typeof makeServer>>['app'];

async function stillServing(app: App): Promise<void> {
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  expect(health.statusCode).toBe(200);
  const id = await startSession(app);
  expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } })).statusCode).toBe(200);
}

const validSession = { channel: 'web', audienceLevel: 'customer', audienceId: 'c-1' };

describe('malformed bodies', () => {
  it('answers invalid JSON with 400 invalid-json', async () => {
    const { app } = await makeServer();
    for (const payload of ['{', '{"channel": }', 'null', '[]', '"text"', '{"a":1}{"b":2}', '\u0000\u0001']) {
      const response = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode, payload).toBe(400);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.json<{ code: string }>().code, payload).toMatch(/invalid-json|invalid-request/);
    }
    await stillServing(app);
  });

  it('answers an empty body with 400 and a wrong content type with 415', async () => {
    const { app } = await makeServer();
    expect((await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: '' })).statusCode).toBe(400);
    const text = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(validSession) });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'unsupported-media-type' });
    const form = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'channel=web' });
    expect(form.statusCode).toBe(415);
  });

  it('refuses a body over the limit with 413 before parsing it', async () => {
    const { app } = await makeServer();
    const huge = JSON.stringify({ ...validSession, profile: { note: 'x'.repeat(100 * 1024) } });
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: huge });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'body-too-large' });
    await stillServing(app);
  });

  it('refuses deeply nested values in a profile, naming the field', async () => {
    const { app } = await makeServer();
    const depth = 10_000;
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    const payload = `{"channel":"web","audienceLevel":"customer","audienceId":"c-1","profile":{"deep":${nested}}}`;
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ field: string }>().field).toMatch(/^profile\.deep/);
    const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const second = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: `{"channel":"web","audienceLevel":"customer","audienceId":"c-1","session":${objects}}` });
    expect(second.statusCode).toBe(400);
    await stillServing(app);
  });

  it('refuses __proto__ and constructor.prototype keys and pollutes nothing', async () => {
    const { app } = await makeServer();
    const payloads = [
      '{"channel":"web","audienceLevel":"customer","audienceId":"c-1","profile":{"__proto__":{"polluted":true}}}',
      '{"channel":"web","audienceLevel":"customer","audienceId":"c-1","profile":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"__proto__":{"polluted":true},"channel":"web","audienceLevel":"customer","audienceId":"c-1"}',
    ];
    for (const payload of payloads) {
      const response = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode, payload).toBe(400);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await app.offerops.sessions.count())).toBe(0);
  });

  it('refuses unicode junk in ids and names, naming the field', async () => {
    const { app } = await makeServer();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...validSession, sessionId: 'visit-😀' }, 'sessionId'],
      [{ ...validSession, sessionId: 'a'.repeat(129) }, 'sessionId'],
      [{ ...validSession, audienceId: 'c-1\u0000' }, 'audienceId'],
      [{ ...validSession, audienceId: '' }, 'audienceId'],
      [{ ...validSession, audienceId: 'c-\ud800' }, 'audienceId'], // a lone surrogate
      [{ ...validSession, audienceId: 'c-\udc00x' }, 'audienceId'],
      [{ ...validSession, channel: 'we\u202eb' }, 'channel'],
      [{ ...validSession, channel: 'ＷＥＢ' }, 'channel'],
    ];
    for (const [payload, field] of cases) {
      const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ code: 'invalid-request', field });
    }
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${encodeURIComponent('ä😀')}/offers`, payload: { interactionPoint: 'home-hero' } })).json()).toMatchObject({ field: 'sessionId' });
    // well-formed non-ASCII ids are members like any other
    expect((await app.inject({ method: 'POST', url: '/v1/sessions', payload: { ...validSession, audienceId: 'müller-😀' } })).statusCode).toBe(201);
    await stillServing(app);
  });
});

describe('wrong types on every field', () => {
  const sessionCases: [string, Record<string, unknown>, string][] = [
    ['sessionId number', { ...validSession, sessionId: 7 }, 'sessionId'],
    ['channel number', { ...validSession, channel: 5 }, 'channel'],
    ['channel missing', { audienceLevel: 'customer', audienceId: 'c-1' }, 'channel'],
    ['audienceLevel array', { ...validSession, audienceLevel: [] }, 'audienceLevel'],
    ['audienceId object', { ...validSession, audienceId: {} }, 'audienceId'],
    ['audienceId missing', { channel: 'web', audienceLevel: 'customer' }, 'audienceId'],
    ['profile string', { ...validSession, profile: 'rich' }, 'profile'],
    ['profile array', { ...validSession, profile: [1] }, 'profile'],
    ['profile value object', { ...validSession, profile: { age: { n: 1 } } }, 'profile.age'],
    ['session array', { ...validSession, session: [] }, 'session'],
    ['unknown field', { ...validSession, admin: true }, 'admin'],
  ];
  it.each(sessionCases)('POST /v1/sessions: %s → 400 naming the field', async (_name, payload, field) => {
    const { app } = await makeServer();
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-request', field });
  });

  const offerCases: [string, Record<string, unknown>, string][] = [
    ['interactionPoint number', { interactionPoint: 1 }, 'interactionPoint'],
    ['interactionPoint missing', { count: 1 }, 'interactionPoint'],
    ['count string', { interactionPoint: 'home-hero', count: '2' }, 'count'],
    ['count zero', { interactionPoint: 'home-hero', count: 0 }, 'count'],
    ['count fraction', { interactionPoint: 'home-hero', count: 1.5 }, 'count'],
    ['count huge', { interactionPoint: 'home-hero', count: 1e12 }, 'count'],
    ['explain string', { interactionPoint: 'home-hero', explain: 'yes' }, 'explain'],
    ['unknown field', { interactionPoint: 'home-hero', at: '2030-01-01' }, 'at'],
  ];
  it.each(offerCases)('POST offers: %s → 400 naming the field', async (_name, payload, field) => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-request', field });
  });

  const batchCases: [string, unknown, string][] = [
    ['requests object', { requests: {} }, 'requests'],
    ['requests empty', { requests: [] }, 'requests'],
    ['requests too many', { requests: Array.from({ length: 51 }, () => ({ interactionPoint: 'home-hero' })) }, 'requests'],
    ['request without point', { requests: [{ interactionPoint: 'home-hero' }, { count: 1 }] }, 'requests.1.interactionPoint'],
    ['request count string', { requests: [{ interactionPoint: 'home-hero', count: 'many' }] }, 'requests.0.count'],
  ];
  it.each(batchCases)('POST offers:batch: %s → 400 naming the field', async (_name, payload, field) => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: payload as Record<string, unknown> });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-request', field });
  });

  const eventCases: [string, Record<string, unknown>, string][] = [
    ['event null', { event: null }, 'event'],
    ['event missing', { offer: 'gold-card' }, 'event'],
    ['offer number', { event: 'offer-click', offer: 3 }, 'offer'],
    ['treatmentCode object', { event: 'offer-click', treatmentCode: {} }, 'treatmentCode'],
    ['profile list', { event: 'page-view', profile: ['x'] }, 'profile'],
  ];
  it.each(eventCases)('POST events: %s → 400 naming the field', async (_name, payload, field) => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-request', field });
  });
});

describe('unknown things', () => {
  it('answers an unknown session with 404 naming sessionId, and an unknown route with a JSON 404', async () => {
    const { app } = await makeServer();
    for (const url of ['/v1/sessions/nope/offers', '/v1/sessions/nope/offers:batch', '/v1/sessions/nope/events']) {
      const payload = url.endsWith('batch') ? { requests: [{ interactionPoint: 'home-hero' }] } : url.endsWith('events') ? { event: 'page-view' } : { interactionPoint: 'home-hero' };
      const response = await app.inject({ method: 'POST', url, payload });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ code: 'unknown-session', field: 'sessionId' });
    }
    const badUrl = await app.inject({ method: 'POST', url: '/v1/sessions/%E0%A4%A/offers', payload: { interactionPoint: 'home-hero' } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ code: 'invalid-request' });
    const longId = await app.inject({ method: 'POST', url: `/v1/sessions/${'a'.repeat(5000)}/offers`, payload: { interactionPoint: 'home-hero' } });
    expect(longId.statusCode).toBe(414);
    expect(longId.json()).toMatchObject({ code: 'invalid-request' });
    const route = await app.inject({ method: 'GET', url: '/v2/everything?x=1' });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ code: 'not-found' });
  });
});

describe('random input', () => {
  // A seeded generator of JSON-ish junk: the server answers each with a status below 500.
  function generator(seed: number) {
    let state = seed >>> 0;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const atoms = [null, true, false, 0, -1, 1e308, -0.5, '', 'web', 'home-hero', 'offer-click', 'gold-card', '__proto__', 'constructor', '😀', '\u0000', 'a'.repeat(300)];
    const keys = ['channel', 'audienceLevel', 'audienceId', 'profile', 'session', 'sessionId', 'interactionPoint', 'count', 'explain', 'requests', 'event', 'offer', 'treatmentCode', 'age', 'income', 'x'];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.5) return atoms[Math.floor(next() * atoms.length)];
      if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[keys[Math.floor(next() * keys.length)]!] = value(depth + 1);
      return object;
    };
    return { value, next };
  }

  it('never answers 5xx and keeps serving after 600 junk requests', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const { value, next } = generator(20260310);
    const urls = ['/v1/sessions', `/v1/sessions/${id}/offers`, `/v1/sessions/${id}/offers:batch`, `/v1/sessions/${id}/events`];
    for (let i = 0; i < 600; i++) {
      const url = urls[i % urls.length]!;
      const body = value(0);
      const raw = next() < 0.1 ? JSON.stringify(body).slice(0, Math.floor(next() * 20)) : JSON.stringify(body) ?? 'null';
      const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: raw });
      expect(response.statusCode, `${url} ${raw}`).toBeLessThan(500);
      expect(() => response.json<unknown>(), raw).not.toThrow();
    }
    await stillServing(app);
  });
});

describe('admin token', () => {
  it('answers 403 when no admin token is configured', async () => {
    const { app } = await makeServer();
    const response = await app.inject({ method: 'PUT', url: '/admin/bundle', headers: { 'content-type': 'application/json', authorization: 'Bearer anything' }, payload: '{}' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'admin-disabled' });
  });

  it('answers 401 for a missing or wrong token, and never logs a token', async () => {
    const token = 'sekrit-admin-token-0123456789';
    const logs = captureLogs('trace');
    const { app } = await makeServer({ adminToken: token, logger: logs.logger });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-abcdef' }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }, { authorization: token }];
    for (const headers of attempts) {
      const response = await app.inject({ method: 'PUT', url: '/admin/bundle', headers: { 'content-type': 'application/json', ...headers }, payload: 'not a bundle' });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.headers['www-authenticate']).toContain('Bearer');
      expect(response.body).not.toContain(token);
    }
    const refused = await app.inject({ method: 'PUT', url: '/admin/bundle', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: 'not a bundle' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).not.toContain(token);
    expect(logs.lines()).toContain('request refused');
    expect(logs.lines()).toContain('bundle refused');
    expect(logs.lines()).not.toContain(token);
    expect(logs.lines()).not.toContain('wrong-token-abcdef');
  });
});
