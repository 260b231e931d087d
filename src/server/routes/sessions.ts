// POST /v1/sessions and DELETE /v1/sessions/:sessionId (docs/runtime-api.md#post-v1sessions--start-a-session).
// A session is checked against the active bundle's declarations when it starts and
// keeps only the declared profile and session fields.
import type { FastifyPluginAsync } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { declaredFields, keepDeclared } from '../declared-fields.js';
import { ApiError, audienceError, unknownSession } from '../http-errors.js';
import type { ServerRuntime } from '../runtime.js';
import { createSessionSchema, deleteSessionSchema, type CreateSessionBody, type SessionParams } from '../schemas.js';

export const sessionRoutes: FastifyPluginAsync<{ runtime: ServerRuntime }> = async (api, { runtime }) => {
  const { bundles, sessions, metrics } = runtime;

  api.post<{ Body: CreateSessionBody }>('/v1/sessions', { schema: createSessionSchema }, async (request, reply) => {
    const { engine } = bundles.current;
    const body = request.body;
    const profile = body.profile ?? {};
    const attributes = body.session ?? {};
    // The profile's id field, when given, must name the session's member: a session for
    // one member with another's profile would answer nothing but input errors later.
    const problems = engine.checkAudience(body.channel, body.audienceLevel, profile, attributes, body.audienceId);
    if (problems.length > 0) throw audienceError(problems);
    // Without audienceLevel, the channel's first level (checkAudience resolved it the same way).
    const audienceLevel = body.audienceLevel ?? firstLevel(engine, body.channel);
    const declared = declaredFields(engine.bundle, body.channel, audienceLevel);
    const created = await sessions.create({
      ...(body.sessionId === undefined ? {} : { id: body.sessionId }),
      channel: body.channel,
      audienceLevel,
      audienceId: body.audienceId,
      // Undeclared fields are ignored by decisions; a session keeps none of them.
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

  api.delete<{ Params: SessionParams }>('/v1/sessions/:sessionId', { schema: deleteSessionSchema }, async (request, reply) => {
    if (!(await sessions.delete(request.params.sessionId))) throw unknownSession(request.params.sessionId);
    runtime.memos.forget(request.params.sessionId);
    return reply.code(204).send();
  });
};

function firstLevel(engine: Engine, channelName: string): string {
  const level = engine.bundle.body.channels.find((c) => c.name === channelName)?.audienceLevels[0];
  // checkAudience refused a channel without one, so this is a bug if it happens.
  if (!level) throw new Error(`channel '${channelName}' has no audience level`);
  return level.name;
}
