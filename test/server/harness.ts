// Shared set-up for the server tests: the fixture bundle, a variant of it, servers on a
// fake clock, and captured structured logs.
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine } from '../../src/engine/engine.js';
import { createServer, type ServerOptions } from '../../src/server/app.js';
import type { HistoryStore } from '../../src/server/history-store.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';

export const fixtureConfig = path.resolve(import.meta.dirname, 'fixtures/config');

let cached: Bundle | null = null;

/** The fixture config compiled (once per test file). */
export async function fixtureBundle(): Promise<Bundle> {
  if (cached) return cached;
  const result = await compileDirectory(fixtureConfig, { root: fixtureConfig });
  if (!result.bundle) throw new Error(`fixture config does not compile: ${JSON.stringify(result.problems)}`);
  cached = result.bundle;
  return cached;
}

/** The same bundle with every rule's score changed: another digest, another ranking. */
export async function variantBundle(): Promise<Bundle> {
  const base = await fixtureBundle();
  const body = structuredClone(base.body);
  for (const rule of body.rules) rule.score = rule.name === 'adult-travel' ? 99 : rule.score;
  return createBundle(body);
}

export const bundleText = (bundle: Bundle): string => formatBundle(bundle);

export interface LogCapture {
  logger: Logger;
  lines: () => string;
}

export function captureLogs(level = 'debug'): LogCapture {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines: () => text };
}

/** Fixed clock: 2026-03-10 12:00 UTC, advanced by tests. */
export function fakeClock(start = Date.UTC(2026, 2, 10, 12)): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

export async function makeServer(overrides: Partial<ServerOptions> & { store?: HistoryStore } = {}) {
  const bundle = await fixtureBundle();
  const history = overrides.store ?? new SqliteHistoryStore(':memory:');
  await history.open();
  const clock = fakeClock();
  const app = createServer({ engine: createEngine(bundle), bundleSource: 'fixture', history, now: clock.now, processMetrics: false, ...overrides });
  await app.ready();
  return { app, history, clock, bundle };
}

export const richProfile = { age: 35, income: 120000.0, tier: 'gold' };

type App = Awaited<ReturnType<typeof makeServer>>['app'];

export async function startSession(app: App, body: Record<string, unknown> = {}): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceLevel: 'customer', audienceId: 'c-1', profile: richProfile, ...body } });
  if (response.statusCode !== 201) throw new Error(`session not created: ${response.statusCode} ${response.body}`);
  return response.json<{ sessionId: string }>().sessionId;
}
