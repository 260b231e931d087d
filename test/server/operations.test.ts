// docs/runtime-api.md: /v1/bundle, /healthz, /metrics (Prometheus), the OpenAPI description (served
// and committed as docs/openapi.json, which must not go stale), and a server on the
// PostgreSQL history store.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresHistoryStore } from '../../src/server/postgres-history-store.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { makeServer, startSession } from './harness.js';

const postgresUrl = process.env['OFFEROPS_TEST_POSTGRES'];

describe('operations endpoints', () => {
  it('GET /v1/bundle names the active digest, format, source and counts', async () => {
    const { app, bundle } = await makeServer();
    const body = (await app.inject({ method: 'GET', url: '/v1/bundle' })).json<Record<string, unknown>>();
    expect(body).toMatchObject({ digest: bundle.digest, formatVersion: 1, source: 'fixture', loadedAt: '2026-03-10T12:00:00.000Z' });
    expect(body['counts']).toMatchObject({ channels: 1, offers: 4, treatmentRules: 4 });
  });

  it('GET /healthz is 200 while the store answers and 503 when it does not', async () => {
    const store = new SqliteHistoryStore(':memory:');
    const { app, bundle } = await makeServer({ store });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', bundle: bundle.digest, history: 'sqlite', sessionStore: 'memory', sessions: 0 });
    await store.close();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable' });
  });

  it('answers 503 history-unavailable, not 500, when the store fails during a request', async () => {
    const store = new SqliteHistoryStore(':memory:');
    const { app } = await makeServer({ store });
    const id = await startSession(app);
    await store.close();
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-shown', offer: 'gold-card' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code: 'history-unavailable' });
  });

  it('GET /metrics exposes requests, latency, decisions, events, sessions and the bundle digest', async () => {
    const { app, bundle } = await makeServer();
    const id = await startSession(app);
    await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } });
    await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-shown', offer: 'gold-card' } });
    await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'nowhere' } });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('offerops_http_requests_total{method="POST",route="/v1/sessions/:sessionId/offers",status="200"} 1');
    expect(text).toContain('offerops_http_requests_total{method="POST",route="/v1/sessions/:sessionId/offers",status="400"} 1');
    expect(text).toContain('offerops_http_request_duration_seconds_bucket{le="0.01",route="/v1/sessions/:sessionId/offers"}');
    expect(text).toContain('offerops_decisions_total{channel="web",interaction_point="home-hero"} 1');
    expect(text).toContain('offerops_events_total{channel="web",event="offer-shown"} 1');
    expect(text).toContain('offerops_history_rows_written_total{event="contact"} 1');
    expect(text).toContain('offerops_sessions 1');
    expect(text).toContain(`offerops_bundle_info{digest="${bundle.digest}"} 1`);
    // Unknown names from a request never become label values.
    expect(text).not.toContain('nowhere');
  });
});

describe('OpenAPI description', () => {
  it('is served at /openapi.json and equals the committed docs/openapi.json (run vitest -u to refresh)', async () => {
    const { app } = await makeServer();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.0.3');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/admin/bundle',
      '/healthz',
      '/metrics',
      '/v1/bundle',
      '/v1/sessions',
      '/v1/sessions/{sessionId}',
      '/v1/sessions/{sessionId}/events',
      '/v1/sessions/{sessionId}/offers',
      '/v1/sessions/{sessionId}/offers:batch',
    ]);
    await expect(JSON.stringify(document, null, 2) + '\n').toMatchFileSnapshot(path.resolve(import.meta.dirname, '../../docs/openapi.json'));
  });
});

describe.runIf(postgresUrl)('a server on the PostgreSQL history store', () => {
  it('writes events to PostgreSQL and later decisions read them (afterAccept)', async () => {
    const table = `history_server_${process.pid}_${Date.now()}`;
    const store = new PostgresHistoryStore({ url: postgresUrl!, table });
    const { app } = await makeServer({ store });
    try {
      const id = await startSession(app, { audienceId: `pg-${Date.now()}` });
      const shown = (await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } })).json<{ offers: { offer: string; treatmentCode: string }[] }>();
      expect(shown.offers[0]!.offer).toBe('gold-card');
      expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-click', treatmentCode: shown.offers[0]!.treatmentCode } })).statusCode).toBe(200);
      const after = (await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } })).json<{ offers: { offer: string }[] }>();
      expect(after.offers.map((o) => o.offer)).toEqual(['savings-plus']);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
