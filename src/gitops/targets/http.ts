// HTTP targets (docs/gitops.md#targets): a running `offerops serve`. Deploy sends the
// bundle file byte for byte to PUT /admin/bundle with the admin token read from the
// variable the target names (never from the repository, never printed), then asks
// GET /v1/bundle which digest it runs: only that answer confirms the deploy. The server
// verifies a bundle before swapping it in and keeps the old one when it refuses, so a
// failed PUT leaves it serving what it served.
import { DEFAULT_TOKEN_ENV, type HttpTarget } from '../environment.js';
import { TargetError, type DeployTarget, type RuntimeClient, type TargetContext } from './target.js';

function base(target: HttpTarget): string {
  return target.url.replace(/\/+$/, '');
}

function tokenVariable(target: HttpTarget): string {
  return target.tokenEnv ?? DEFAULT_TOKEN_ENV;
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function call(target: HttpTarget, method: string, url: string, context: TargetContext, init: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(base(target) + url, { method, signal: AbortSignal.timeout(context.timeoutMs), ...(init.body === undefined ? {} : { body: init.body }), ...(init.headers ? { headers: init.headers } : {}) });
  } catch (error) {
    throw new TargetError(`http ${target.url}: ${method} ${url} failed (${reason(error)})`, { cause: error });
  }
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body };
}

/** The runtime's error body is `{statusCode, code, message}` (docs/runtime-api.md#errors). */
function errorMessage(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200) ?? '';
}

export const httpTarget: DeployTarget<HttpTarget> = {
  describe: (target) => `http ${target.url}`,

  preflight(target, context) {
    const variable = tokenVariable(target);
    return context.env[variable] ? null : `http ${target.url}: the admin token variable ${variable} is not set`;
  },

  async current(target, context) {
    const { status, body } = await call(target, 'GET', '/v1/bundle', context);
    if (status !== 200) throw new TargetError(`http ${target.url}: GET /v1/bundle answered ${status} ${errorMessage(body)}`);
    const digest = (body as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string') throw new TargetError(`http ${target.url}: GET /v1/bundle did not say which digest it runs`);
    return digest;
  },

  async activate(target, text, digest, context) {
    const variable = tokenVariable(target);
    const token = context.env[variable];
    if (!token) throw new TargetError(`http ${target.url}: the admin token variable ${variable} is not set`);
    const { status, body } = await call(target, 'PUT', '/admin/bundle', context, { body: text, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    if (status === 401 || status === 403) throw new TargetError(`http ${target.url}: the admin API refused the token from ${variable} (${status})`);
    if (status !== 200) throw new TargetError(`http ${target.url}: PUT /admin/bundle answered ${status}: ${errorMessage(body)}`);
    const now = await this.current(target, context);
    if (now !== digest) throw new TargetError(`http ${target.url}: runs ${now ?? 'nothing'} after the swap, not ${digest}`);
  },

  async clear(target) {
    // A server always runs a bundle: there is no "nothing" to go back to.
    throw new TargetError(`http ${target.url}: a runtime server cannot be left without a bundle`);
  },

  async keptBundle() {
    return null;
  },

  async openRuntime(target, context): Promise<RuntimeClient> {
    return {
      label: `http ${target.url}`,
      async request(method, url, payload) {
        const started = performance.now();
        const { status, body } = await call(target, method, url, context, payload === undefined ? {} : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
        return { status, body, ms: performance.now() - started };
      },
      async close() {},
    };
  },
};
