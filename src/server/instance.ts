// One runtime server instance from plain settings (docs/runtime-api.md#running-several-instances):
// opens the history and session stores, builds the server on an already verified engine,
// listens. `offerops serve` runs one in its own process; with `--workers N` each cluster
// worker runs one (cluster.ts), the settings having crossed the IPC channel, which is
// why they are plain data.
import { pino, type Logger } from 'pino';
import type { Engine } from '../engine/index.js';
import { createServer, type ServerOptions } from './app.js';
import { signedBundleLoader, type LoadEngine } from './bundle-holder.js';
import type { HistoryStore } from './history-store.js';
import { createHistoryStore } from './open-history-store.js';
import { createSessionStore } from './open-session-store.js';
import type { SessionStore } from './session-store.js';

export interface InstanceSettings {
  /** Where the first bundle came from (shown by GET /v1/bundle). */
  bundleSource: string;
  /** `sqlite:FILE` (resolved against cwd) or `postgres://…`. */
  history: string;
  /** `memory` or `redis://…`. */
  sessions: string;
  cwd: string;
  host: string;
  port: number;
  maxSessions: number;
  ttlMs: number;
  requestTimeoutMs: number;
  watchDir?: string;
  logLevel: string;
  /** Load only bundles signed by this key (ed25519:…), the first one and every swap (docs/gitops.md#signing). */
  trustedKey?: string;
}

/** What an instance could not do, with the exit code `offerops serve` ends with. */
export class InstanceStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: 2 | 3,
  ) {
    super(message);
    this.name = 'InstanceStartError';
  }
}

export interface RunningInstance {
  app: ReturnType<typeof createServer>;
  address: string;
  history: HistoryStore;
  sessions: SessionStore;
  logger: Logger;
  /** Drains requests in flight, then closes the stores. */
  close(): Promise<void>;
}

export interface InstanceHooks {
  /** Where log lines go (one JSON object per line). */
  writeLog: (line: string) => void;
  /** Extra fields on every log line (e.g. the cluster worker's number). */
  logFields?: Record<string, unknown>;
  adminToken?: string;
  loadEngine?: LoadEngine;
  /** Cluster wiring (cluster.ts): bundle swaps reach every worker, /metrics covers them all. */
  server?: Pick<ServerOptions, 'afterAdminSwap' | 'metricsText' | 'processMetrics'>;
}

export function instanceLogger(level: string, hooks: Pick<InstanceHooks, 'writeLog' | 'logFields'>): Logger {
  return pino(
    { level, base: { service: 'offerops', ...hooks.logFields }, redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'], censor: '***' } },
    { write: (line: string) => hooks.writeLog(line) },
  );
}

export async function startInstance(settings: InstanceSettings, engine: Engine, hooks: InstanceHooks): Promise<RunningInstance> {
  const limits = { maxSessions: settings.maxSessions, ttlMs: settings.ttlMs, maxShownPerSession: 1000 };
  // Spec errors were reported by the serve command already; here they would be bugs.
  const history = createHistoryStore(settings.history, settings.cwd);
  const sessions = createSessionStore(settings.sessions, limits);
  try {
    await history.open();
  } catch (error) {
    throw new InstanceStartError((error as Error).message, 3);
  }
  try {
    await sessions.open();
  } catch (error) {
    await history.close();
    throw new InstanceStartError((error as Error).message, 3);
  }
  const logger = instanceLogger(settings.logLevel, hooks);
  const app = createServer({
    engine,
    bundleSource: settings.bundleSource,
    history,
    sessions,
    logger,
    requestTimeout: settings.requestTimeoutMs,
    ...(hooks.adminToken ? { adminToken: hooks.adminToken } : {}),
    ...(settings.watchDir ? { watchDir: settings.watchDir } : {}),
    ...(hooks.loadEngine ? { loadEngine: hooks.loadEngine } : settings.trustedKey ? { loadEngine: signedBundleLoader(settings.trustedKey) } : {}),
    ...hooks.server,
  });
  let address: string;
  try {
    address = await app.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    await app.close();
    await sessions.close();
    await history.close();
    throw new InstanceStartError(`cannot listen on ${settings.host}:${settings.port}: ${(error as Error).message}`, 3);
  }
  return {
    app,
    address,
    history,
    sessions,
    logger,
    close: async () => {
      await app.close();
      await sessions.close();
      await history.close();
    },
  };
}
