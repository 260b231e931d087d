// Holes an independent probe of `offerops serve` found in what requests may carry, each
// pinned by a test: a ReDoS pattern stalling the server, coerced attribute types, a
// profile naming another member, the audienceLevel default (docs/runtime-api.md).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine } from '../../src/engine/engine.js';
import { createServer } from '../../src/server/app.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { fixtureConfig, makeServer, richProfile, startSession } from './harness.js';

type App = Awaited<ReturnType<typeof makeServer>>['app'];

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function post(app: App, url: string, payload: unknown) {
  const response = await app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('E: one request cannot hang the server (ReDoS)', () => {
  it('answers a profile region of 34 a’s and a ! against ^(a+)+$ at once, and keeps serving', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-redos-'));
    temps.push(dir);
    await cp(fixtureConfig, dir, { recursive: true });
    await writeFile(
      path.join(dir, 'regex.yaml'),
      `apiVersion: offerops/v1
kind: Segment
metadata: { name: a-region }
spec: { channel: web, expression: 'profile.region.matches("^(a+)+$")' }
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: regional }
spec:
  channel: web
  rules:
    - { name: a-region-travel, segment: a-region, zone: home, offer: travel-card, score: 99 }
`,
    );
    const compiled = await compileDirectory(dir, { root: dir });
    expect(compiled.problems).toEqual([]);
    const history = new SqliteHistoryStore(':memory:');
    await history.open();
    const app = createServer({ engine: createEngine(compiled.bundle!), bundleSource: 'redos', history, processMetrics: false });
    await app.ready();
    const hostile = await startSession(app, { audienceId: 'r-1', profile: { ...richProfile, region: 'a'.repeat(34) + '!' } });
    const answer = await post(app, `/v1/sessions/${hostile}/offers`, { interactionPoint: 'home-hero' });
    expect(answer.status).toBe(200);
    expect((answer.body['offers'] as { offer: string }[]).map((o) => o.offer)).toEqual(['gold-card']);
    // Another visitor is served meanwhile, and the pattern still matches what it should.
    const fine = await startSession(app, { audienceId: 'r-2', profile: { ...richProfile, region: 'aaaa' } });
    expect(((await post(app, `/v1/sessions/${fine}/offers`, { interactionPoint: 'home-hero' })).body['offers'] as { offer: string }[])[0]!.offer).toBe('travel-card');
    await app.close();
    await history.close();
  });
});

describe('A: attribute types are checked, never coerced', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
    ['an int given as a string', { age: '30' }, {}, 'profile.age', /profile\.age must be a whole number, got the string "30"/],
    ['a bool given as a string', { hasMortgage: 'true' }, {}, 'profile.hasMortgage', /must be true or false, got the string "true"/],
    ['a list given as a pipe-separated string', { products: 'app|savings' }, {}, 'profile.products', /must be a list of string \(a JSON array\), got the string "app\|savings"/],
    ['a double given as a string', { income: '80000.5' }, {}, 'profile.income', /must be a number/],
    ['an int with a fraction', { age: 30.5 }, {}, 'profile.age', /must be a whole number, got 30\.5/],
    ['a session int given as a string', {}, { pageViews: '5' }, 'session.pageViews', /session\.pageViews must be a whole number, got the string "5"/],
    ['a list item of the wrong type', { products: ['app', 7] }, {}, 'profile.products', /profile\.products\[1\] must be a string, got 7/],
  ];

  it.each(cases)('refuses %s at session start with 400 naming the field', async (_name, profile, session, field, message) => {
    const { app } = await makeServer();
    const response = await post(app, '/v1/sessions', { channel: 'web', audienceId: 'c-1', profile: { ...richProfile, ...profile }, session });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid-request', field });
    expect(String(response.body['message'])).toMatch(message);
    expect((await app.offerops.sessions.count())).toBe(0);
  });

  it('refuses the same in profile and session updates sent with events, changing nothing', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { ...richProfile, products: ['app'] }, session: { pageViews: 1 } });
    for (const [payload, field] of [
      [{ event: 'page-view', profile: { age: '30' } }, 'profile.age'],
      [{ event: 'page-view', profile: { products: 'app|savings' } }, 'profile.products'],
      [{ event: 'page-view', session: { pageViews: '5' } }, 'session.pageViews'],
      [{ event: 'offer-shown', offer: 'gold-card', profile: { hasMortgage: 'false' } }, 'profile.hasMortgage'],
    ] as const) {
      const response = await post(app, `/v1/sessions/${id}/events`, payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(response.body).toMatchObject({ field });
    }
    const session = (await app.offerops.sessions.use(id))!;
    expect(session.profile).toEqual({ ...richProfile, products: ['app'] });
    expect(session.attributes).toEqual({ pageViews: 1 });
    expect(await app.offerops.history.readMember('c-1')).toEqual([]);
  });

  it('accepts typed JSON: whole numbers for doubles, dates as YYYY-MM-DD strings, arrays for lists', async () => {
    const { app } = await makeServer();
    const id = await startSession(app, { profile: { age: 30, income: 120000, tier: 'gold', hasMortgage: false, products: ['app', 'savings'] }, session: { pageViews: 5, device: 'mobile' } });
    expect((await post(app, `/v1/sessions/${id}/offers`, { interactionPoint: 'home-hero' })).body['offers']).toEqual([expect.objectContaining({ offer: 'gold-card' })]);
  });
});

describe('C: a profile must be about the session’s member', () => {
  it('refuses at session start a profile whose id field names another member', async () => {
    const { app } = await makeServer();
    const response = await post(app, '/v1/sessions', { channel: 'web', audienceId: 'c-1', profile: { ...richProfile, customerId: 'c-2' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid-request', field: 'profile.customerId' });
    expect(String(response.body['message'])).toContain('"c-2" but the audience id is "c-1"');
    // The same id, or none, is fine.
    expect((await post(app, '/v1/sessions', { channel: 'web', audienceId: 'c-1', profile: { ...richProfile, customerId: 'c-1' } })).status).toBe(201);
  });

  it('refuses an event whose profile update names another member', async () => {
    const { app } = await makeServer();
    const id = await startSession(app);
    const response = await post(app, `/v1/sessions/${id}/events`, { event: 'page-view', profile: { customerId: 'c-9' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field: 'profile.customerId' });
    expect((await post(app, `/v1/sessions/${id}/offers`, { interactionPoint: 'home-hero' })).body['errors']).toEqual([]);
  });
});

describe('audienceLevel is optional', () => {
  it("defaults to the channel's first audience level and says which it chose", async () => {
    const { app } = await makeServer();
    const response = await post(app, '/v1/sessions', { channel: 'web', audienceId: 'c-1', profile: richProfile });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ audienceLevel: 'customer' });
    const id = response.body['sessionId'] as string;
    expect((await post(app, `/v1/sessions/${id}/offers`, { interactionPoint: 'home-hero' })).body['offers']).toEqual([expect.objectContaining({ offer: 'gold-card' })]);
    const unknown = await post(app, '/v1/sessions', { channel: 'web', audienceLevel: 'household', audienceId: 'c-1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ field: 'audienceLevel' });
  });
});

