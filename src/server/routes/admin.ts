// PUT /admin/bundle (docs/runtime-api.md#bundle-hot-swap): the bundle hot swap, in its
// own scope: the body is kept as text (the digest is verified over it), a larger body
// limit applies, and the bearer token is checked before the body is read.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../http-errors.js';
import type { ServerRuntime } from '../runtime.js';
import { adminBundleSchema } from '../schemas.js';

export interface AdminRoutesOptions {
  runtime: ServerRuntime;
  /** Bearer token; without one the admin API answers 403. */
  adminToken: string | undefined;
  bundleBodyLimit: number;
  /** Called after a swap, before the answer (a cluster worker reaches the other workers here). */
  afterSwap?: (text: string, source: string) => Promise<void>;
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (admin, { runtime, adminToken, bundleBodyLimit, afterSwap }) => {
  admin.removeAllContentTypeParsers();
  admin.addContentTypeParser(['application/json', 'application/octet-stream'], { parseAs: 'string', bodyLimit: bundleBodyLimit }, (_request, body, done) => {
    done(null, body);
  });
  admin.addHook('onRequest', async (request) => {
    checkAdminToken(adminToken, request.headers.authorization);
  });
  admin.put<{ Body: string }>('/admin/bundle', { schema: adminBundleSchema, bodyLimit: bundleBodyLimit }, async (request) => {
    const result = runtime.bundles.swap(request.body, 'PUT /admin/bundle');
    // Also when this instance had it already: another worker of the group may not.
    if (afterSwap) await afterSwap(request.body, 'PUT /admin/bundle');
    if (result.swapped) return { digest: result.active.engine.digest, previousDigest: result.previousDigest, swapped: true };
    return { digest: result.active.engine.digest, swapped: false };
  });
};

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
