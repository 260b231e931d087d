// The runtime HTTP server (docs/runtime-api.md): `createServer(options)` builds the
// fastify instance with every route, without listening, so tests use `inject()` and the
// CLI calls `listen()`. This module owns the instance-wide concerns — request limits,
// the one error mapping, logs, metrics, the OpenAPI description, the bundle holder and
// its watch — and registers the routes, one fastify plugin per concern in routes/.
// Decisions are pure calls into the engine; the routes do the IO around them.
import { STATUS_CODES } from 'node:http';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { loadEngine as loadEngineFromText, type Engine } from '../engine/index.js';
import { BundleHolder, type ActiveBundle, type LoadEngine } from './bundle-holder.js';
import type { HistoryStore } from './history-store.js';
import { ApiError, clientErrorResponse, toHttpError } from './http-errors.js';
import { parseJsonAsUtf8 } from './json-body.js';
import { createMetrics, requestRecorder } from './metrics.js';
import { adminRoutes } from './routes/admin.js';
import { eventRoutes } from './routes/events.js';
import { offerRoutes } from './routes/offers.js';
import { operationRoutes } from './routes/operations.js';
import { sessionRoutes } from './routes/sessions.js';
import type { ServerRuntime } from './runtime.js';
import { errorSchema } from './schemas.js';
import { SegmentMemos } from './segment-memos.js';
import { DEFAULT_SESSION_LIMITS, MemorySessionStore, type SessionLimits, type SessionStore } from './session-store.js';

export type { ServerRuntime } from './runtime.js';

export interface ServerOptions {
  /** The engine of the bundle to serve first, and where that bundle came from. */
  engine: Engine;
  bundleSource: string;
  /** An opened history store. The server does not close it (its owner does). */
  history: HistoryStore;
  /** Verifies and loads a bundle for hot swaps; default: the engine's `loadEngine`. */
  loadEngine?: LoadEngine;
  /** Bearer token for PUT /admin/bundle; without one the admin API answers 403. */
  adminToken?: string;
  /** A directory whose bundle.json is swapped in when it changes (deploy's directory target). */
  watchDir?: string;
  /** Epoch milliseconds; decides the decision day (UTC) and session expiry. Tests inject it. */
  now?: () => number;
  sessionLimits?: Partial<SessionLimits>;
  /**
   * An opened session store (the server does not close it); default: in memory, with
   * `sessionLimits`. A store brings its own limits.
   */
  sessions?: SessionStore;
  /** Body limit for API requests, bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Body limit for PUT /admin/bundle, bytes (default 64 MiB). */
  bundleBodyLimit?: number;
  /** Time a request (headers and body) may take to arrive, ms (default 30 s); later: 408. */
  requestTimeout?: number;
  /** A pino logger (structured JSON); false for none. */
  logger?: FastifyBaseLogger | false;
  /** Node's default process metrics in /metrics (default true). */
  processMetrics?: boolean;
  /**
   * Called after PUT /admin/bundle swapped a bundle in, before the answer: a cluster
   * worker hands it to the other workers here (cluster.ts). A rejection fails the request.
   */
  afterAdminSwap?: (text: string, source: string) => Promise<void>;
  /** What GET /metrics answers instead of this server's own registry (a cluster worker: every worker's, aggregated). */
  metricsText?: () => Promise<{ contentType: string; text: string }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    offerops: ServerRuntime;
  }
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const DEFAULT_BUNDLE_BODY_LIMIT = 64 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
const SEGMENT_MEMO_SESSIONS = 50_000;

export function createServer(options: ServerOptions): FastifyInstance {
  const now = options.now ?? Date.now;
  const sessions = options.sessions ?? new MemorySessionStore({ ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits }, now);
  const metrics = createMetrics({ defaultMetrics: options.processMetrics ?? true, sessionCount: () => sessions.count() });
  // Memberships memoised for the sessions this process serves (bounded whatever the store holds).
  const memos = new SegmentMemos(Math.min(sessions.limits.maxSessions, SEGMENT_MEMO_SESSIONS));
  const history = options.history;
  const initial: ActiveBundle = { engine: options.engine, source: options.bundleSource, loadedAt: new Date(now()).toISOString() };
  let log: FastifyBaseLogger | null = null;
  const bundles = new BundleHolder(
    initial,
    options.loadEngine ?? loadEngineFromText,
    {
      onSwap: (active, previousDigest) => {
        metrics.bundleInfo.reset();
        metrics.bundleInfo.set({ digest: active.engine.digest }, 1);
        metrics.bundleSwaps.inc({ via: viaOf(active.source) });
        log?.info({ digest: active.engine.digest, previousDigest, source: active.source }, 'bundle swapped in');
      },
      onRefused: (source, error) => {
        metrics.bundlesRefused.inc({ via: viaOf(source) });
        log?.warn({ source, reason: error.message, activeDigest: bundles.current.engine.digest }, 'bundle refused; the active bundle keeps serving');
      },
    },
    now,
  );
  metrics.bundleInfo.set({ digest: options.engine.digest }, 1);

  const requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  let shuttingDown = false;
  let drainingStarted!: () => void;
  const draining = new Promise<void>((resolve) => (drainingStarted = resolve));
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Wrong types are errors, not silently coerced; unknown fields are errors, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Requests arriving while the server drains get our 503 (with code and Retry-After), below.
    return503OnClosing: false,
    requestTimeout,
    // Node checks request timeouts every connectionsCheckingInterval (30 s by default) and
    // times out headers only after headersTimeout (60 s): a stalled request got its 408 after
    // up to 90 s. Headers and body now share the one timeout, checked often enough.
    http: { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))) },
    // Requests Node's parser refuses (bad HTTP, oversized headers, timeouts) get the same JSON error shape.
    clientErrorHandler: (error, socket) => {
      const response = clientErrorResponse(error);
      if (response !== null && socket.writable) {
        const body = JSON.stringify(response.body);
        socket.write(
          `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        log?.info({ statusCode: response.statusCode, code: response.body.code }, 'request refused by the HTTP parser');
      }
      socket.destroy();
    },
    routerOptions: { maxParamLength: 200 },
    // Errors fastify raises before routing (bad URL encoding, over-long path parameters)
    // go through the same mapping as everything else.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const mapped = toHttpError(error);
      void reply.code(mapped.statusCode).headers(mapped.headers).type('application/json').send(mapped.body);
    },
  });
  log = app.log;
  const runtime: ServerRuntime = { bundles, sessions, memos, metrics, history, now, draining };
  app.decorate('offerops', runtime);
  app.addSchema(errorSchema);

  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.serverFault) request.log.error({ err: error, route: routeOf(request) }, 'request failed');
    // Serialised here, not by the route's response schema: a route whose 503 is another
    // shape (/healthz) still answers errors such as shutting-down in the error shape.
    void reply.code(mapped.statusCode).headers(mapped.headers).type('application/json; charset=utf-8').serializer(JSON.stringify).send(mapped.body);
  });
  // Draining: requests still arriving (on a busy keep-alive connection) are turned away
  // with a 503 a load balancer and a touchpoint understand, rather than started.
  app.addHook('preClose', async () => {
    shuttingDown = true;
    drainingStarted();
  });
  app.addHook('onRequest', async () => {
    if (shuttingDown) throw new ApiError(503, 'shutting-down', 'this server is shutting down; send the request again (another instance will answer)', undefined, undefined, { 'retry-after': '1' });
  });
  app.setNotFoundHandler(async (request) => {
    throw new ApiError(404, 'not-found', `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`);
  });

  const recordRequest = requestRecorder(metrics);
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    recordRequest(request.method, route, status, reply.elapsedTime / 1000);
    if (status >= 400) request.log.info({ method: request.method, route, statusCode: status }, 'request refused');
    else request.log.debug({ method: request.method, route, statusCode: status, ms: reply.elapsedTime }, 'request completed');
    done();
  });

  void app.register(swagger, {
    // Shared schemas keep their $id as their name (components/schemas/Error).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${index}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'offerops runtime API',
        version: '1',
        description: 'Sessions, offers and events for touchpoints; bundle, health and metrics for operators (docs/runtime-api.md).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'sessions', description: 'A session per audience member visit' },
        { name: 'offers', description: 'Decisions for interaction points' },
        { name: 'events', description: "Events the channel declares, with their actions" },
        { name: 'operations', description: 'Bundle, health, metrics' },
        { name: 'admin', description: 'Bundle hot swap' },
      ],
    },
  });

  void app.register(async (api) => {
    // JSON only: fastify's default text/plain parser would let a string body reach validation.
    api.removeContentTypeParser('text/plain');
    parseJsonAsUtf8(api);
    await api.register(sessionRoutes, { runtime });
    await api.register(offerRoutes, { runtime });
    await api.register(eventRoutes, { runtime });
    await api.register(operationRoutes, { runtime, openapi: () => app.swagger(), ...(options.metricsText ? { metricsText: options.metricsText } : {}) });
  });
  void app.register(adminRoutes, {
    runtime,
    adminToken: options.adminToken,
    bundleBodyLimit: options.bundleBodyLimit ?? DEFAULT_BUNDLE_BODY_LIMIT,
    ...(options.afterAdminSwap ? { afterSwap: options.afterAdminSwap } : {}),
  });

  if (options.watchDir) {
    const dir = options.watchDir;
    app.addHook('onReady', async () => {
      bundles.watchDirectory(dir);
      log?.info({ dir }, 'watching for bundle.json');
    });
  }
  app.addHook('onClose', async () => bundles.stopWatching());

  return app;
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function viaOf(source: string): string {
  return source === 'PUT /admin/bundle' ? 'admin' : 'watch';
}
