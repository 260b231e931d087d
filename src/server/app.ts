// The runtime HTTP server (docs/runtime-api.md): `createServer(options)` builds the fastify
// instance with every route, without listening, so tests use `inject()` and the CLI
// calls `listen()`. Decisions are pure calls into the engine; this module does the IO
// around them: sessions, the history store, the clock, hot swaps, metrics, logs.
import { createHash, timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { countBundle } from '../bundle/index.js';
import type { Bundle, BundleChannel, EventAction } from '../bundle/index.js';
import { loadEngine as loadEngineFromText, parseTreatmentCode, type Engine } from '../engine/index.js';
import type { Decision, HistoryRow } from '../engine/index.js';
import { BundleHolder, type ActiveBundle, type LoadEngine } from './bundle-holder.js';
import type { HistoryStore } from './history-store.js';
import { ApiError, toHttpError } from './http-errors.js';
import { createMetrics, requestRecorder, type ServerMetrics } from './metrics.js';
import {
  adminBundleSchema,
  bundleInfoSchema,
  createSessionSchema,
  deleteSessionSchema,
  errorSchema,
  eventSchema,
  healthSchema,
  metricsSchema,
  offersBatchSchema,
  offersSchema,
  type CreateSessionBody,
  type EventBody,
  type OfferRequestBody,
  type OffersBatchBody,
  type SessionParams,
} from './schemas.js';
import { DEFAULT_SESSION_LIMITS, SessionStore, type Session, type SessionLimits } from './session-store.js';

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
  /** Body limit for API requests, bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Body limit for PUT /admin/bundle, bytes (default 64 MiB). */
  bundleBodyLimit?: number;
  /** A pino logger (structured JSON); false for none. */
  logger?: FastifyBaseLogger | false;
  /** Node's default process metrics in /metrics (default true). */
  processMetrics?: boolean;
}

/** What the server holds, reachable as `app.offerops` (tests, the CLI, the benchmark). */
export interface ServerRuntime {
  bundles: BundleHolder;
  sessions: SessionStore;
  metrics: ServerMetrics;
  history: HistoryStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    offerops: ServerRuntime;
  }
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const DEFAULT_BUNDLE_BODY_LIMIT = 64 * 1024 * 1024;

const LOG_ACTIONS: Partial<Record<EventAction, HistoryRow['event']>> = { logContact: 'contact', logAccept: 'accept', logReject: 'reject' };

export function createServer(options: ServerOptions): FastifyInstance {
  const now = options.now ?? Date.now;
  const metrics = createMetrics({ defaultMetrics: options.processMetrics ?? true });
  const sessions = new SessionStore({ ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits }, now);
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

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Wrong types are errors, not silently coerced; unknown fields are errors, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200 },
    // Errors fastify raises before routing (bad URL encoding, over-long path parameters)
    // go through the same mapping as everything else.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const mapped = toHttpError(error);
      void reply.code(mapped.statusCode).headers(mapped.headers).type('application/json').send(mapped.body);
    },
  });
  log = app.log;
  app.decorate('offerops', { bundles, sessions, metrics, history } satisfies ServerRuntime);
  app.addSchema(errorSchema);

  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.serverFault) request.log.error({ err: error, route: routeOf(request) }, 'request failed');
    void reply.code(mapped.statusCode).headers(mapped.headers).type('application/json').send(mapped.body);
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
        description: 'Sessions, offers and events for touchpoints; bundle, health and metrics for operators.',
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
    api.post<{ Body: CreateSessionBody }>('/v1/sessions', { schema: createSessionSchema }, async (request, reply) => {
      const { engine } = bundles.current;
      const body = request.body;
      const profile = body.profile ?? {};
      const attributes = body.session ?? {};
      const problems = engine.checkAudience(body.channel, body.audienceLevel, profile, attributes);
      if (problems.length > 0) throw audienceError(problems);
      const declared = declaredFields(engine.bundle, body.channel, body.audienceLevel);
      const created = sessions.create({
        ...(body.sessionId === undefined ? {} : { id: body.sessionId }),
        channel: body.channel,
        audienceLevel: body.audienceLevel,
        audienceId: body.audienceId,
        // Undeclared fields are ignored by decisions (docs/decisions.md#the-steps); a session keeps none of them.
        profile: keepDeclared(profile, declared.profile),
        attributes: keepDeclared(attributes, declared.session),
      });
      if (!created.ok) {
        if (created.reason === 'exists') throw new ApiError(409, 'session-exists', `session '${body.sessionId ?? ''}' already exists; delete it first or use another id`, 'sessionId');
        metrics.sessionsRefused.inc();
        request.log.warn({ maxSessions: sessions.limits.maxSessions }, 'session limit reached');
        throw new ApiError(503, 'too-many-sessions', `the server holds its maximum of ${sessions.limits.maxSessions} sessions; retry later`, undefined, undefined, { 'retry-after': '5' });
      }
      const session = created.session;
      return reply.code(201).send({
        sessionId: session.id,
        channel: session.channel,
        audienceLevel: session.audienceLevel,
        audienceId: session.audienceId,
        ttlSeconds: Math.round(sessions.limits.ttlMs / 1000),
        bundle: engine.digest,
      });
    });

    api.post<{ Params: SessionParams; Body: OfferRequestBody }>('/v1/sessions/:sessionId/offers', { schema: offersSchema }, async (request) => {
      // The engine is read once: this request finishes on the bundle it started with.
      const { engine } = bundles.current;
      const session = requireSession(request.params.sessionId);
      checkPoint(engine, session, request.body.interactionPoint, 'interactionPoint');
      const memberHistory = await history.readMember(session.audienceId);
      const result = decideFor(engine, session, request.body, memberHistory);
      return { sessionId: session.id, bundle: engine.digest, ...result };
    });

    api.post<{ Params: SessionParams; Body: OffersBatchBody }>('/v1/sessions/:sessionId/offers::batch', { schema: offersBatchSchema }, async (request) => {
      const { engine } = bundles.current;
      const session = requireSession(request.params.sessionId);
      request.body.requests.forEach((item, index) => checkPoint(engine, session, item.interactionPoint, `requests.${index}.interactionPoint`));
      const memberHistory = await history.readMember(session.audienceId);
      const results = request.body.requests.map((item) => decideFor(engine, session, item, memberHistory));
      return { sessionId: session.id, bundle: engine.digest, results };
    });

    api.post<{ Params: SessionParams; Body: EventBody }>('/v1/sessions/:sessionId/events', { schema: eventSchema }, async (request) => {
      const { engine } = bundles.current;
      const session = requireSession(request.params.sessionId);
      const body = request.body;
      const channel = engine.bundle.body.channels.find((c) => c.name === session.channel);
      const declared = channel?.events.find((e) => e.name === body.event);
      if (!channel || !declared) throw unknownEvent(channel, session.channel, body.event);

      // Attribute updates are checked before anything is applied: a bad one changes nothing.
      const profile = body.profile ? { ...session.profile, ...body.profile } : session.profile;
      const attributes = body.session ? { ...session.attributes, ...body.session } : session.attributes;
      if (body.profile || body.session) {
        const problems = engine.checkAudience(session.channel, session.audienceLevel, profile, attributes);
        if (problems.length > 0) throw audienceError(problems);
      }

      const logEvents = declared.actions.map((action) => LOG_ACTIONS[action]).filter((event): event is HistoryRow['event'] => event !== undefined);
      const offer = body.offer !== undefined || body.treatmentCode !== undefined ? resolveOffer(engine, session, body) : null;
      if (logEvents.length > 0 && offer === null) {
        throw new ApiError(400, 'invalid-request', `event '${body.event}' logs ${logEvents.join(', ')}: give the offer it is about as offer or treatmentCode`, 'offer');
      }
      const date = isoDay(now());
      const rows: HistoryRow[] = offer === null ? [] : logEvents.map((event) => ({ customerId: session.audienceId, offer, channel: session.channel, date, package: null, event }));
      // 2xx only after the store has durably committed (docs/runtime-api.md#history-store-and-durability).
      await history.append(rows);
      for (const row of rows) metrics.historyRowsWritten.inc({ event: row.event });
      metrics.events.inc({ channel: session.channel, event: declared.name });

      // This event's updates go onto the session as it is now (another event of the session
      // may have updated it while the history write was awaited); declared fields only.
      const fields = declaredFields(engine.bundle, session.channel, session.audienceLevel);
      if (body.profile) session.profile = { ...session.profile, ...keepDeclared(body.profile, fields.profile) };
      if (body.session) session.attributes = { ...session.attributes, ...keepDeclared(body.session, fields.session) };
      const resegment = declared.actions.includes('resegment') || body.profile !== undefined || body.session !== undefined;
      if (resegment) {
        session.segmentCache = null;
        session.segmentCacheDigest = null;
      }
      return {
        sessionId: session.id,
        event: declared.name,
        actions: declared.actions,
        logged: rows.map(({ customerId, offer: rowOffer, channel: rowChannel, date: rowDate, event }) => ({ customerId, offer: rowOffer, channel: rowChannel, date: rowDate, event })),
        resegmented: resegment,
      };
    });

    api.delete<{ Params: SessionParams }>('/v1/sessions/:sessionId', { schema: deleteSessionSchema }, async (request, reply) => {
      if (!sessions.delete(request.params.sessionId)) throw unknownSession(request.params.sessionId);
      return reply.code(204).send();
    });

    api.get('/v1/bundle', { schema: bundleInfoSchema }, async () => {
      const active = bundles.current;
      return {
        digest: active.engine.digest,
        formatVersion: active.engine.bundle.formatVersion,
        source: active.source,
        loadedAt: active.loadedAt,
        counts: countBundle(active.engine.bundle),
      };
    });

    api.get('/healthz', { schema: healthSchema }, async (_request, reply) => {
      const base = { bundle: bundles.current.engine.digest, history: history.kind, sessions: sessions.size };
      try {
        await history.ping();
        return { status: 'ok', ...base };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable', ...base, message: `history store: ${(error as Error).message}` });
      }
    });

    api.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
      sessions.sweep();
      metrics.sessions.set(sessions.size);
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });

    api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });

  // The admin API in its own scope: the body is kept as text (the digest is verified over
  // it), a larger body limit applies, and the token is checked before the body is read.
  void app.register(async (admin) => {
    admin.removeAllContentTypeParsers();
    admin.addContentTypeParser(['application/json', 'application/octet-stream'], { parseAs: 'string', bodyLimit: options.bundleBodyLimit ?? DEFAULT_BUNDLE_BODY_LIMIT }, (_request, body, done) => {
      done(null, body);
    });
    admin.addHook('onRequest', async (request) => {
      checkAdminToken(options.adminToken, request.headers.authorization);
    });
    admin.put<{ Body: string }>('/admin/bundle', { schema: adminBundleSchema, bodyLimit: options.bundleBodyLimit ?? DEFAULT_BUNDLE_BODY_LIMIT }, async (request) => {
      const result = bundles.swap(request.body, 'PUT /admin/bundle');
      if (result.swapped) return { digest: result.active.engine.digest, previousDigest: result.previousDigest, swapped: true };
      return { digest: result.active.engine.digest, swapped: false };
    });
  });

  if (options.watchDir) {
    const dir = options.watchDir;
    app.addHook('onReady', async () => {
      bundles.watchDirectory(dir);
      log?.info({ dir }, 'watching for bundle.json');
    });
  }
  app.addHook('onClose', async () => bundles.stopWatching());

  function requireSession(id: string): Session {
    const session = sessions.use(id);
    if (!session) throw unknownSession(id);
    return session;
  }

  function decideFor(engine: Engine, session: Session, item: OfferRequestBody, memberHistory: readonly HistoryRow[]): Omit<Decision, 'channel'> {
    if (session.segmentCache === null || session.segmentCacheDigest !== engine.digest) {
      session.segmentCache = engine.newSegmentCache();
      session.segmentCacheDigest = engine.digest;
    }
    const decision = engine.decide(
      {
        channel: session.channel,
        interactionPoint: item.interactionPoint,
        audience: { level: session.audienceLevel, id: session.audienceId, profile: session.profile },
        session: session.attributes,
        history: memberHistory,
        at: isoDay(now()),
        count: item.count,
        explain: item.explain,
      },
      session.segmentCache,
    );
    countDecision(session.channel, decision.interactionPoint, decision.offers.length);
    const offers = decision.offers.map((chosen) => {
      sessions.remember(session, chosen.treatmentCode, { offer: chosen.offer, interactionPoint: decision.interactionPoint, rule: chosen.rule });
      const offer = findOffer(engine, chosen.offer);
      if (!offer) return chosen;
      return { offer: chosen.offer, score: chosen.score, rule: chosen.rule, treatmentCode: chosen.treatmentCode, displayName: offer.displayName, attributes: offer.attributes };
    });
    const result: Omit<Decision, 'channel'> = { interactionPoint: decision.interactionPoint, zone: decision.zone, offers, controlGroups: decision.controlGroups, errors: decision.errors };
    if (decision.defaultString !== undefined) result.defaultString = decision.defaultString;
    if (decision.explain !== undefined) result.explain = decision.explain;
    return result;
  }

  // Label children cached per (channel, point): names come from the bundle, so the map is bounded.
  const decisionCounters = new Map<string, { decisions: ReturnType<ServerMetrics['decisions']['labels']>; offers: ReturnType<ServerMetrics['offersReturned']['labels']> }>();
  function countDecision(channel: string, point: string, offerCount: number): void {
    const key = channel + '\0' + point;
    let counters = decisionCounters.get(key);
    if (!counters) {
      counters = { decisions: metrics.decisions.labels({ channel, interaction_point: point }), offers: metrics.offersReturned.labels({ channel }) };
      decisionCounters.set(key, counters);
    }
    counters.decisions.inc();
    if (offerCount > 0) counters.offers.inc(offerCount);
  }

  return app;
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function viaOf(source: string): string {
  return source === 'PUT /admin/bundle' ? 'admin' : 'watch';
}

/** Decision day: the clock's UTC calendar day. */
function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

const offerIndexes = new WeakMap<Engine, Map<string, Engine['bundle']['body']['offers'][number]>>();

function findOffer(engine: Engine, name: string): Engine['bundle']['body']['offers'][number] | undefined {
  let index = offerIndexes.get(engine);
  if (!index) {
    index = new Map(engine.bundle.body.offers.map((offer) => [offer.name, offer]));
    offerIndexes.set(engine, index);
  }
  return index.get(name);
}

function checkPoint(engine: Engine, session: Session, point: string, field: string): void {
  if (engine.findInteractionPoint(point, session.channel) === null) {
    throw new ApiError(400, 'unknown-interaction-point', `interaction point '${point}' is not declared by channel '${session.channel}'`, field);
  }
}

function unknownSession(id: string): ApiError {
  return new ApiError(404, 'unknown-session', `session '${id}' does not exist or has expired; start a new one with POST /v1/sessions`, 'sessionId');
}

function unknownEvent(channel: BundleChannel | undefined, channelName: string, event: string): ApiError {
  if (!channel) return new ApiError(400, 'unknown-event', `channel '${channelName}' is not in the active bundle`, 'event');
  const names = channel.events.map((e) => e.name);
  return new ApiError(400, 'unknown-event', `event '${event}' is not declared by channel '${channel.name}'; declared: ${names.length > 0 ? names.join(', ') : '(none)'}`, 'event');
}

function audienceError(problems: { message: string; field?: string }[]): ApiError {
  const listed = problems.slice(0, 20).map((problem) => ({ field: problem.field ?? '(body)', message: problem.message }));
  const first = listed[0] as { field: string; message: string };
  return new ApiError(400, 'invalid-request', first.message, first.field, listed);
}

/** The offer an event is about: a treatment code shown in this session, or one valid for the active bundle, or an offer code. */
function resolveOffer(engine: Engine, session: Session, body: EventBody): string {
  let fromCode: string | null = null;
  if (body.treatmentCode !== undefined) {
    const shown = session.shown.get(body.treatmentCode);
    const parsed = parseTreatmentCode(engine, body.treatmentCode);
    const known = shown ?? (parsed && parsed.channel === session.channel ? parsed : null);
    if (!known) {
      throw new ApiError(400, 'unknown-treatment-code', `treatmentCode '${truncate(body.treatmentCode)}' was not issued in this session nor by the active bundle for channel '${session.channel}'`, 'treatmentCode');
    }
    fromCode = known.offer;
  }
  if (body.offer !== undefined) {
    const shownOffer = [...session.shown.values()].some((shown) => shown.offer === body.offer);
    if (!shownOffer && !findOffer(engine, body.offer)) throw new ApiError(400, 'unknown-offer', `offer '${body.offer}' is not in the active bundle`, 'offer');
    if (fromCode !== null && fromCode !== body.offer) {
      throw new ApiError(400, 'invalid-request', `offer '${body.offer}' does not match treatmentCode, which is for offer '${fromCode}'`, 'offer');
    }
    return body.offer;
  }
  return fromCode as string;
}

function truncate(text: string): string {
  return text.length > 80 ? text.slice(0, 80) + '…' : text;
}

function checkAdminToken(expected: string | undefined, header: string | undefined): void {
  if (!expected) throw new ApiError(403, 'admin-disabled', 'the admin API is disabled: start the server with OFFEROPS_ADMIN_TOKEN set');
  const challenge = { 'www-authenticate': 'Bearer realm="offerops-admin"' };
  const match = /^Bearer (\S+)$/i.exec(header ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', 'send the admin token as Authorization: Bearer <token>', 'authorization', undefined, challenge);
  // Compare fixed-length hashes in constant time: neither the token nor its length leaks.
  const given = createHash('sha256').update(match[1] as string).digest();
  const wanted = createHash('sha256').update(expected).digest();
  if (!timingSafeEqual(given, wanted)) throw new ApiError(401, 'unauthorized', 'the admin token is not valid', 'authorization', undefined, challenge);
}

/** The profile fields (the level's attributes and id field) and session attributes a channel declares. */
function declaredFields(bundle: Bundle, channelName: string, levelName: string | undefined): { profile: ReadonlySet<string>; session: ReadonlySet<string> } {
  const channel = bundle.body.channels.find((c) => c.name === channelName);
  const level = channel?.audienceLevels.find((l) => l.name === levelName) ?? channel?.audienceLevels[0];
  return {
    profile: new Set(level ? [...Object.keys(level.attributes), level.idField] : []),
    session: new Set(Object.keys(channel?.sessionAttributes ?? {})),
  };
}

function keepDeclared(values: Record<string, unknown>, declared: ReadonlySet<string>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (declared.has(key)) kept[key] = values[key];
  return kept;
}
