// The operators' routes (docs/runtime-api.md#operations): the active bundle, health,
// Prometheus metrics and the OpenAPI description.
import type { FastifyPluginAsync } from 'fastify';
import { countBundle } from '../../bundle/index.js';
import type { ServerRuntime } from '../runtime.js';
import { bundleInfoSchema, healthSchema, metricsSchema } from '../schemas.js';

export interface OperationRoutesOptions {
  runtime: ServerRuntime;
  /** The OpenAPI document of the whole server (the root instance's swagger()). */
  openapi: () => unknown;
  /** Replaces this server's own metrics (a cluster worker answers for every worker). */
  metricsText?: () => Promise<{ contentType: string; text: string }>;
}

export const operationRoutes: FastifyPluginAsync<OperationRoutesOptions> = async (api, { runtime, openapi, metricsText }) => {
  const { bundles, sessions, history, metrics } = runtime;

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
    const base = { bundle: bundles.current.engine.digest, history: history.kind, sessionStore: sessions.kind };
    // Ready when both stores answer: a load balancer then sends nothing to an instance
    // that would answer 503 to every request.
    try {
      await history.ping();
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', ...base, sessions: 0, message: `history store: ${(error as Error).message}` });
    }
    try {
      return { status: 'ok', ...base, sessions: await sessions.count() };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', ...base, sessions: 0, message: `session store: ${(error as Error).message}` });
    }
  });

  api.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
    if (metricsText) {
      const { contentType, text } = await metricsText();
      return reply.type(contentType).send(text);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  api.get('/openapi.json', { schema: { hide: true } }, async () => openapi());
};
