// The operators' routes (docs/runtime-api.md#operations): the active bundle, health,
// Prometheus metrics and the OpenAPI description.
import type { FastifyPluginAsync } from 'fastify';
import { countBundle } from '../../bundle/summary.js';
import type { ServerRuntime } from '../runtime.js';
import { bundleInfoSchema, healthSchema, metricsSchema } from '../schemas.js';

export interface OperationRoutesOptions {
  runtime: ServerRuntime;
  /** The OpenAPI document of the whole server (the root instance's swagger()). */
  openapi: () => unknown;
}

export const operationRoutes: FastifyPluginAsync<OperationRoutesOptions> = async (api, { runtime, openapi }) => {
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

  api.get('/openapi.json', { schema: { hide: true } }, async () => openapi());
};
