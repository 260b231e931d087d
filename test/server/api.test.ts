// docs/runtime-api.md and docs/decisions.md: the runtime API end to end in-process (fastify inject) with the real
// engine: sessions, offers, batches, events and their actions, the injected clock.
import { describe, expect, it } from 'vitest';
import { makeServer, richProfile, startSession } from './harness.js';

interface OffersBody {
  sessionId: string;
  bundle: string;
  offers: { offer: string; score: number; rule: string; treatmentCode: string; displayName?: string; attributes?: Record<string, unknown> }[];
  defaultString?: string;
  controlGroups: string[];
  errors: unknown[];
}

type App = Awaited<ReturnType<typeof makeServer>>['app'];

async function offers(app: App, sessionId: string, interactionPoint: string, count = 1): Promise<OffersBody> {
  const response = await app.inject({ method: 'POST', url: `/v1/sessions/${sessionId}/offers`, payload: { interactionPoint, count } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<OffersBody>();
}

async function postEvent(app: App, sessionId: string, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: `/v1/sessions/${sessionId}/events`, payload });
}

describe('sessions', () => {
  it('starts a session with a generated id, the TTL and the active digest', async () => {
    const { app, bundle } = await makeServer();
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceLevel: 'customer', audienceId: 'c-1', profile: richProfile } });
    expect(response.statusCode).toBe(201);
    const body = response.json<Record<string, unknown>>();
    expect(body).toMatchObject({ channel: 'web', audienceLevel: 'customer', audienceId: 'c-1', ttlSeconds: 1800, bundle: bundle.digest });
    expect(body['sessionId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses a session id the caller gives and refuses the same id twice with 409', async () => {
    const { app } = await makeServer();
    expect(await startSession(app, { sessionId: 'visit-42' })).toBe('visit-42');
    const again = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { sessionId: 'visit-42', channel: 'web', audienceLevel: 'customer', audienceId: 'c-2' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'session-exists', field: 'sessionId' });
  });

  it('refuses an unknown channel, audience level or a mistyped profile attribute, naming the field', async () => {
    const { app } = await makeServer();
    const cases: [Record<string, unknown>, string][] = [
      [{ channel: 'mobile' }, 'channel'],
      [{ audienceLevel: 'household' }, 'audienceLevel'],
      [{ profile: { age: 'old' } }, 'profile.age'],
      [{ profile: { tier: 'diamond' } }, 'profile.tier'],
      [{ session: { device: 'tv' } }, 'session.device'],
    ];
    for (const [change, field] of cases) {
      const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceLevel: 'customer', audienceId: 'c-1', ...change } });
      expect(response.statusCode, JSON.stringify(change)).toBe(400);
      expect(response.json(), JSON.stringify(change)).toMatchObject({ code: 'invalid-request', field });
    }
    expect((await app.offerops.sessions.count())).toBe(0);
  });

  it('expires a session after the idle TTL, and a used session stays alive', async () => {
    const { app, clock } = await makeServer({ sessionLimits: { ttlMs: 60_000 } });
    const idle = await startSession(app);
    const busy = await startSession(app);
    clock.advance(40_000);
    await offers(app, busy, 'home-hero');
    clock.advance(40_000);
    await offers(app, busy, 'home-hero');
    const expired = await app.inject({ method: 'POST', url: `/v1/sessions/${idle}/offers`, payload: { interactionPoint: 'home-hero' } });
    expect(expired.statusCode).toBe(404);
    expect(expired.json()).toMatchObject({ code: 'unknown-session', field: 'sessionId' });
  });

  it('refuses new sessions with 503 and Retry-After at the limit, and admits them once old ones expire', async () => {
    const { app, clock } = await makeServer({ sessionLimits: { maxSessions: 2, ttlMs: 60_000 } });
    await startSession(app);
    await startSession(app);
    const refused = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceLevel: 'customer', audienceId: 'c-3' } });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ code: 'too-many-sessions' });
    clock.advance(60_000);
    expect(await startSession(app)).toBeTruthy();
    expect((await app.offerops.sessions.count())).toBe(1);
  });

  it('ends a session with DELETE; it is then unknown', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${id}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } })).statusCode).toBe(404);
  });
});

describe('offers', () => {
  it('returns the highest-scored offer with its treatment code, display name and attributes', async () => {
    const { app, bundle } = await makeServer();
    const id = await startSession(app);
    const body = await offers(app, id, 'home-hero', 5);
    expect(body.bundle).toBe(bundle.digest);
    expect(body.offers).toHaveLength(1); // maxOffers 1
    expect(body.offers[0]).toMatchObject({ offer: 'gold-card', score: 80, rule: 'hv-gold', displayName: 'Gold card', attributes: { creative: '/img/gold.png' } });
    expect(body.offers[0]!.treatmentCode).toContain('gold-card');
    expect(body.controlGroups).toEqual([]);
  });

  it('decides on the UTC day of the injected clock (offer effective dates)', async () => {
    const { app, clock } = await makeServer();
    const before = await startSession(app);
    expect((await offers(app, before, 'checkout-upsell', 3)).offers.map((o) => o.offer)).toEqual(['savings-plus', 'travel-card']);
    clock.advance(5 * 86_400_000); // 2026-03-15: spring-sale becomes effective
    const after = await startSession(app);
    expect((await offers(app, after, 'checkout-upsell', 3)).offers.map((o) => o.offer)).toEqual(['spring-sale', 'savings-plus', 'travel-card']);
  });

  it('answers a batch with one result per interaction point, in order', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests: [{ interactionPoint: 'home-hero' }, { interactionPoint: 'checkout-upsell', count: 2 }] } });
    expect(response.statusCode).toBe(200);
    const results = response.json<{ results: OffersBody[] }>().results;
    expect(results.map((r) => r.offers.map((o) => o.offer))).toEqual([['gold-card'], ['savings-plus', 'travel-card']]);
  });

  it('with dedupe gives an offer at most once across the three points of a batch, the next in rank taking its place', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const requests = [{ interactionPoint: 'home-hero' }, { interactionPoint: 'home-sidebar', count: 1 }, { interactionPoint: 'checkout-upsell', count: 1 }];
    const plain = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests } });
    expect(plain.json<{ results: OffersBody[] }>().results.map((r) => r.offers.map((o) => o.offer))).toEqual([['gold-card'], ['gold-card'], ['savings-plus']]);
    const deduped = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests, dedupe: true } });
    expect(deduped.statusCode).toBe(200);
    expect(deduped.json<{ results: OffersBody[] }>().results.map((r) => r.offers.map((o) => o.offer))).toEqual([['gold-card'], ['savings-plus'], ['travel-card']]);
    const refused = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests, dedupe: 'yes' } });
    expect(refused.statusCode).toBe(400);
  });

  it("refuses an interaction point the session's channel does not declare, naming the field", async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const single = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'nowhere' } });
    expect(single.statusCode).toBe(400);
    expect(single.json()).toMatchObject({ code: 'unknown-interaction-point', field: 'interactionPoint' });
    const batch = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests: [{ interactionPoint: 'home-hero' }, { interactionPoint: 'nowhere' }] } });
    expect(batch.json()).toMatchObject({ field: 'requests.1.interactionPoint' });
  });

  it('returns explanations when asked', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero', explain: true } });
    const body = response.json<{ explain: { offer: string; outcome: string }[] }>();
    expect(body.explain.find((e) => e.offer === 'gold-card')?.outcome).toBe('chosen');
  });
});

describe('events', () => {
  it('logs an accept through the treatment code shown, and afterAccept suppression then drops the offer', async () => {
    const { app, history } = await makeServer();
    const id = await startSession(app);
    const shown = (await offers(app, id, 'home-hero')).offers[0]!;
    const response = await postEvent(app, id, { event: 'offer-click', treatmentCode: shown.treatmentCode });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      sessionId: id,
      event: 'offer-click',
      actions: ['logAccept'],
      logged: [{ customerId: 'c-1', offer: 'gold-card', channel: 'web', date: '2026-03-10', event: 'accept' }],
      resegmented: false,
    });
    expect(await history.readMember('c-1')).toEqual([{ customerId: 'c-1', offer: 'gold-card', channel: 'web', date: '2026-03-10', package: null, event: 'accept' }]);
    expect((await offers(app, id, 'home-hero')).offers.map((o) => o.offer)).toEqual(['savings-plus']);
    // Another session of the same member reads the same history.
    const other = await startSession(app);
    expect((await offers(app, other, 'home-hero')).offers.map((o) => o.offer)).toEqual(['savings-plus']);
  });

  it('logs contacts and rejects by offer code; maxRejects then suppresses and the default string is returned', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { audienceId: 'young', profile: { age: 19, income: 1000.0 } });
    expect((await offers(app, id, 'checkout-upsell')).offers.map((o) => o.offer)).toEqual(['savings-plus']);
    expect((await postEvent(app, id, { event: 'offer-shown', offer: 'savings-plus' })).json()).toMatchObject({ logged: [{ event: 'contact', offer: 'savings-plus' }] });
    for (let i = 0; i < 2; i++) expect((await postEvent(app, id, { event: 'offer-dismiss', offer: 'savings-plus' })).statusCode).toBe(200);
    const after = await offers(app, id, 'checkout-upsell');
    expect(after.offers).toEqual([]);
    expect(after.defaultString).toBe('Thank you');
  });

  it('refuses an event the channel does not declare, listing the declared ones', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await postEvent(app, id, { event: 'purchase', offer: 'gold-card' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'unknown-event', field: 'event' });
    expect(response.json<{ message: string }>().message).toContain('page-view, offer-shown, offer-click, offer-dismiss');
  });

  it('refuses a logging event without an offer, an unknown offer, a made-up code, and a code that contradicts the offer', async () => {
    const { app, history } = await makeServer();
    const id = await startSession(app);
    const shown = (await offers(app, id, 'home-hero')).offers[0]!;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ event: 'offer-click' }, 'invalid-request', 'offer'],
      [{ event: 'offer-click', offer: 'no-such-offer' }, 'unknown-offer', 'offer'],
      [{ event: 'offer-click', treatmentCode: '000000000000.web.home-hero.hv-gold.gold-card' }, 'unknown-treatment-code', 'treatmentCode'],
      [{ event: 'offer-click', treatmentCode: 'garbage' }, 'unknown-treatment-code', 'treatmentCode'],
      [{ event: 'offer-click', treatmentCode: shown.treatmentCode, offer: 'savings-plus' }, 'invalid-request', 'offer'],
    ];
    for (const [payload, code, field] of cases) {
      const response = await postEvent(app, id, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ code, field });
    }
    expect(await history.readMember('c-1')).toEqual([]);
  });

  it('accepts a valid code of the active bundle that this session was not shown', async () => {
    const { app } = await makeServer();
    const first = await startSession(app);
    const code = (await offers(app, first, 'home-hero')).offers[0]!.treatmentCode;
    const second = await startSession(app, { audienceId: 'c-2' });
    expect((await postEvent(app, second, { event: 'offer-shown', treatmentCode: code })).json()).toMatchObject({ logged: [{ customerId: 'c-2', offer: 'gold-card', event: 'contact' }] });
  });

  it('resegments on an event with resegment, using updated profile attributes', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { age: 30, income: 1000.0 } });
    expect((await offers(app, id, 'home-hero')).offers.map((o) => o.offer)).toEqual(['savings-plus']);
    const response = await postEvent(app, id, { event: 'page-view', profile: { income: 250000.0 } });
    expect(response.json()).toMatchObject({ actions: ['resegment'], logged: [], resegmented: true });
    expect((await offers(app, id, 'home-hero')).offers.map((o) => o.offer)).toEqual(['gold-card']);
  });

  it('keeps only declared attributes in a session, however many events bring others', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { age: 30, income: 1000.0, junk: 'x'.repeat(1000) } });
    for (let i = 0; i < 5; i++) expect((await postEvent(app, id, { event: 'page-view', profile: { [`extra${i}`]: 'y'.repeat(1000), age: 31 + i } })).statusCode).toBe(200);
    const session = (await app.offerops.sessions.use(id))!;
    expect(Object.keys(session.profile).sort()).toEqual(['age', 'income']);
    expect(session.profile['age']).toBe(35);
  });

  it('keeps the updates of concurrent events on one session', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { age: 30, income: 1000.0 } });
    // Events that log history: each awaits its write before it touches the session.
    const responses = await Promise.all([
      postEvent(app, id, { event: 'offer-shown', offer: 'gold-card', profile: { age: 99 } }),
      postEvent(app, id, { event: 'offer-shown', offer: 'savings-plus', profile: { income: 5.0 } }),
    ]);
    for (const response of responses) expect(response.statusCode).toBe(200);
    expect((await app.offerops.sessions.use(id))!.profile).toEqual({ age: 99, income: 5.0 });
  });

  it('changes nothing when an attribute update is invalid', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { age: 30, income: 1000.0 } });
    const response = await postEvent(app, id, { event: 'page-view', profile: { income: 'lots' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'profile.income' });
    expect((await offers(app, id, 'home-hero')).offers.map((o) => o.offer)).toEqual(['savings-plus']);
  });
});
