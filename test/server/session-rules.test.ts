// docs/runtime-api.md#session-rules: the runtime keeps each session's activity (offers
// returned, accepted, rejected) and the channel's session rules read it, across requests,
// inside a batch, and per session (another session of the same member starts afresh).
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { BundleSessionRules } from '../../src/bundle/types.js';
import { createEngine } from '../../src/engine/engine.js';
import { fixtureBundle, makeServer, startSession } from './harness.js';

interface Result {
  offers: { offer: string; treatmentCode: string }[];
  defaultString?: string;
  explain?: { offer: string; outcome: string }[];
}
type App = Awaited<ReturnType<typeof makeServer>>['app'];

async function withRules(session: BundleSessionRules) {
  const body = structuredClone((await fixtureBundle()).body);
  body.channels.find((c) => c.name === 'web')!.session = session;
  return makeServer({ engine: createEngine(createBundle(body)) });
}

async function ask(app: App, id: string, interactionPoint: string, count = 1, explain = false): Promise<Result> {
  const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint, count, explain } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Result>();
}

async function batch(app: App, id: string, requests: { interactionPoint: string; count?: number }[]): Promise<Result[]> {
  const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers:batch`, payload: { requests } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ results: Result[] }>().results;
}

const offers = (result: Result): string[] => result.offers.map((o) => o.offer);

describe('session rules in the runtime', () => {
  it('maxOffers 3: 2 offers (N−1), then a batch that reaches 3 (N) at its first point, then only default strings (N+1)', async () => {
    const { app } = await withRules({ maxOffers: 3 });
    const id = await startSession(app);
    expect(offers(await ask(app, id, 'home-sidebar', 2))).toEqual(['gold-card', 'savings-plus']);
    const [hero, upsell] = await batch(app, id, [{ interactionPoint: 'home-hero' }, { interactionPoint: 'checkout-upsell', count: 2 }]);
    expect(offers(hero!)).toEqual(['gold-card']);
    expect(offers(upsell!)).toEqual([]);
    expect(upsell!.defaultString).toBe('Thank you');
    const after = await ask(app, id, 'home-hero', 1, true);
    expect(offers(after)).toEqual([]);
    expect(after.defaultString).toBe('Welcome back');
    expect(after.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'session-cap' }));
    // Another session of the same member has its own count.
    const other = await startSession(app);
    expect(offers(await ask(app, other, 'home-sidebar', 3))).toEqual(['gold-card', 'savings-plus', 'travel-card']);
    expect(offers(await ask(app, other, 'home-sidebar', 3))).toEqual([]);
  });

  it('a batch that crosses the cap within itself gives the later points what is left', async () => {
    const { app } = await withRules({ maxOffers: 2 });
    const id = await startSession(app);
    const results = await batch(app, id, [{ interactionPoint: 'home-hero' }, { interactionPoint: 'home-sidebar', count: 3 }, { interactionPoint: 'checkout-upsell' }]);
    expect(results.map(offers)).toEqual([['gold-card'], ['gold-card'], []]);
    expect(results[2]!.defaultString).toBe('Thank you');
  });

  it('suppressRejected and suppressAccepted drop offers for the rest of the session only', async () => {
    const { app } = await withRules({ suppressAccepted: true, suppressRejected: true });
    const id = await startSession(app);
    expect(offers(await ask(app, id, 'home-hero'))).toEqual(['gold-card']);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-dismiss', offer: 'gold-card' } })).statusCode).toBe(200);
    const afterReject = await ask(app, id, 'home-hero', 1, true);
    expect(offers(afterReject)).toEqual(['savings-plus']);
    expect(afterReject.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'session-rejected' }));
    const code = afterReject.offers[0]!.treatmentCode;
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-click', treatmentCode: code } })).statusCode).toBe(200);
    expect(offers(await ask(app, id, 'home-sidebar', 3))).toEqual(['travel-card']);
    // One reject of gold-card is no history suppression, and savings-plus has no afterAccept: a new session sees both.
    const other = await startSession(app);
    expect(offers(await ask(app, other, 'home-sidebar', 3))).toEqual(['gold-card', 'savings-plus', 'travel-card']);
  });

  it('without session rules a session is answered as before, whatever it was given or rejected', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    for (let i = 0; i < 4; i++) expect(offers(await ask(app, id, 'home-sidebar', 2))).toEqual(['gold-card', 'savings-plus']);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-dismiss', offer: 'gold-card' } })).statusCode).toBe(200);
    expect(offers(await ask(app, id, 'home-sidebar', 2))).toEqual(['gold-card', 'savings-plus']);
  });
});
