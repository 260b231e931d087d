// The request bodies docs/runtime-api.md shows are sent, in order, to a server running the
// example organisation (config/) on 2026-11-25, and each must succeed: a page that names a
// point, attribute or offer the example does not have fails here, as it would for a user.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine } from '../../src/engine/engine.js';
import { createServer } from '../../src/server/app.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { fencedBlocks, repo } from './markdown-blocks.js';

const page = 'docs/runtime-api.md';
const requests = fencedBlocks(page)
  .map((block) => ({ block, match: block.directive ? /^<!--\s*doctest:\s*request\s+(\w+)\s+(\S+)\s*-->$/.exec(block.directive) : null }))
  .filter((r) => r.match !== null)
  .map(({ block, match }) => ({ line: block.line, method: match![1]! as 'POST' | 'PUT' | 'DELETE' | 'GET', route: match![2]!, body: JSON.parse(block.body) as Record<string, unknown> }));

let app: ReturnType<typeof createServer>;
const history = new SqliteHistoryStore(':memory:');

beforeAll(async () => {
  const compiled = await compileDirectory(path.join(repo, 'config'), { root: repo });
  expect(compiled.bundle).not.toBeNull();
  await history.open();
  app = createServer({ engine: createEngine(compiled.bundle!), bundleSource: 'config', history, now: () => Date.UTC(2026, 10, 25, 12), processMetrics: false });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await history.close();
});

describe('docs/runtime-api.md request examples', () => {
  it('shows a request for every session route', () => {
    expect(requests.map((r) => `${r.method} ${r.route}`)).toEqual([
      'POST /v1/sessions',
      'POST /v1/sessions/{sessionId}/offers',
      'POST /v1/sessions/{sessionId}/offers:batch',
      'POST /v1/sessions/{sessionId}/events',
    ]);
  });

  it('are accepted by a server running the example, in the order shown', async () => {
    let sessionId = '';
    for (const request of requests) {
      const url = request.route.replace('{sessionId}', sessionId);
      const response = await app.inject({ method: request.method, url, payload: request.body });
      expect(response.statusCode, `${page}:${request.line} ${request.method} ${url}\n${response.body}`).toBeLessThan(300);
      const answer = response.json<Record<string, unknown>>();
      if (request.route === '/v1/sessions') sessionId = String(answer['sessionId']);
      if (request.route.endsWith('/offers')) {
        // The page's answer for this request: the Black Friday card at home-hero.
        expect((answer['offers'] as { offer: string }[]).map((o) => o.offer), `${page}:${request.line}`).toEqual(['black-friday-cashback']);
      }
      if (request.route.endsWith('/events')) expect(answer['logged'], `${page}:${request.line}`).toHaveLength(1);
    }
    expect(sessionId).toBe('visit-8c1f');
  });
});
