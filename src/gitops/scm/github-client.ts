// The connection to GitHub (docs/github.md): which API, which repository and which token,
// read from GITHUB_API_URL, GITHUB_REPOSITORY (or the origin remote) and GITHUB_TOKEN;
// octokit's REST client with the retry and throttling plugins (backoff on 5xx and
// secondary rate limits, a wait for the reset on primary limits, a timeout per request);
// and the one place where a failed call becomes an error people can act on
// (GitHubApiError: exit 3, status and a redacted cause kept). The token never reaches output: it is
// only ever sent in the Authorization header, and every message built here is redacted.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { UserError } from '../../errors.js';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface GitHubRepository {
  owner: string;
  name: string;
}

export interface GitHubConnection {
  apiUrl: string;
  repository: GitHubRepository;
  token: string;
}

/**
 * How long the client waits (docs/github.md#retries-and-rate-limits). GitHub gives waits in
 * seconds (retry-after, x-ratelimit-reset) and octokit backs off 1, 4, 9 seconds after a
 * 5xx; `unitMs` is the length of such a second — 1000 against GitHub, shorter against a
 * test server.
 */
export interface GitHubTiming {
  unitMs: number;
  /** Per request attempt. */
  requestTimeoutMs: number;
  /** A rate limit that asks for a longer wait (in seconds) gives up instead. */
  maxWaitSeconds: number;
  /** Retries after the first attempt, for 5xx and for each kind of rate limit. */
  retries: number;
}

export const DEFAULT_TIMING: GitHubTiming = { unitMs: 1000, requestTimeoutMs: 30_000, maxWaitSeconds: 600, retries: 3 };

const TIMING_VARIABLES = {
  OFFEROPS_GITHUB_BACKOFF_MS: 'unitMs',
  OFFEROPS_GITHUB_TIMEOUT: 'requestTimeoutMs',
  OFFEROPS_GITHUB_MAX_WAIT: 'maxWaitSeconds',
  OFFEROPS_GITHUB_RETRIES: 'retries',
} as const;

/** The timing, with what the environment variables change (each a whole number; the timeout in seconds). */
export function githubTiming(env: Record<string, string | undefined>): GitHubTiming {
  const timing = { ...DEFAULT_TIMING };
  for (const [variable, key] of Object.entries(TIMING_VARIABLES)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    if (!/^\d{1,9}$/.test(raw.trim())) throw new UserError(`${variable} must be a whole number, got '${raw}'`);
    const value = Number(raw.trim());
    if (key === 'requestTimeoutMs') {
      if (value < 1) throw new UserError(`${variable} must be at least 1 (seconds), got ${value}`);
      timing.requestTimeoutMs = value * 1000;
    } else timing[key] = value;
  }
  return timing;
}

/** `owner/name` from GITHUB_REPOSITORY or a remote URL (https, ssh or scp-like), else null. */
export function parseRepository(text: string): GitHubRepository | null {
  const trimmed = text.trim();
  const plain = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(trimmed);
  if (plain) return { owner: plain[1]!, name: plain[2]!.replace(/\.git$/, '') };
  const url = /^(?:[a-z+]+:\/\/)?(?:[^@/\s]+@)?[^/:\s]+(?::\d+)?[:/](?:.*\/)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(trimmed);
  if (!url || /^\//.test(trimmed) || /^file:/.test(trimmed)) return null;
  return { owner: url[1]!, name: url[2]! };
}

/**
 * The connection the environment describes: null without GITHUB_TOKEN (GitHub is not
 * configured, and everything works on git alone); a usage error when the token is set
 * but the repository cannot be told.
 */
export function githubConnection(env: Record<string, string | undefined>, originUrl: string | null): GitHubConnection | null {
  const token = env['GITHUB_TOKEN']?.trim();
  if (!token) return null;
  const apiUrl = (env['GITHUB_API_URL']?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(apiUrl)) throw new UserError(`GITHUB_API_URL must be an http(s) URL, got '${redact(apiUrl, [token])}'`);
  if (/^https?:\/\/[^/]*@/.test(apiUrl)) throw new UserError('GITHUB_API_URL must not carry credentials: the token goes in GITHUB_TOKEN');
  const named = env['GITHUB_REPOSITORY']?.trim();
  if (named) {
    const repository = parseRepository(named);
    if (!repository || named.includes(':')) throw new UserError(`GITHUB_REPOSITORY must be owner/name, got '${redact(named, [token])}'`);
    return { apiUrl, repository, token };
  }
  const fromOrigin = originUrl ? parseRepository(originUrl) : null;
  if (!fromOrigin) {
    throw new UserError(`GITHUB_TOKEN is set, but the repository on GitHub is unknown: set GITHUB_REPOSITORY=owner/name${originUrl ? ` (the origin remote, ${redact(stripCredentials(originUrl), [token])}, does not name one)` : ' (there is no origin remote)'}`);
  }
  return { apiUrl, repository: fromOrigin, token };
}

function stripCredentials(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^@/]*@/, '$1');
}

/** `text` with every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  // A token that reached a message some other way (e.g. echoed by a server in another encoding).
  return out.replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***');
}

/** A GitHub call that failed for good (after the retries): exit 3, with GitHub's status and a redacted copy of octokit's error as cause. */
export class GitHubApiError extends UserError {
  constructor(
    message: string,
    /** GitHub's HTTP status; 0 when no answer came (network, timeout). */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, 3, options);
    this.name = 'GitHubApiError';
  }
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function header(error: RequestErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** Why a call failed, in words that say what to do. */
function describeFailure(error: RequestErrorLike, connection: GitHubConnection, timing: GitHubTiming): string {
  const repo = `${connection.repository.owner}/${connection.repository.name}`;
  const status = error.status;
  const secondary = /\bsecondary rate\b/i.test(error.message);
  const primary = (status === 403 || status === 429) && header(error, 'x-ratelimit-remaining') === '0';
  if (secondary || primary) {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    const wait = secondary ? header(error, 'retry-after') : Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined;
    const when = secondary ? (wait ? `it asks to wait ${wait} s` : 'it gives no time to wait') : wait ? `it resets at ${wait}` : 'it gives no reset time';
    return `GitHub's ${secondary ? 'secondary' : 'primary'} rate limit was hit and ${when}; offerops waits at most ${timing.maxWaitSeconds} s (OFFEROPS_GITHUB_MAX_WAIT) and ${timing.retries} time(s): run it again later`;
  }
  if (status === 401) return 'GitHub refused the token (401): GITHUB_TOKEN is wrong or expired';
  if (status === 403) return `GitHub refused the request (403: ${error.message}): the token lacks a permission this needs (docs/github.md#permissions)`;
  if (status === 404) return `GitHub found nothing there (404): check that ${repo} exists at ${connection.apiUrl} and the token can see it (GITHUB_REPOSITORY, GITHUB_API_URL)`;
  if (status === 422) return `GitHub refused the request (422: ${validationMessage(error)})`;
  if (error.response === undefined) {
    const cause = /timeout|aborted/i.test(error.message) ? `no answer within ${timing.requestTimeoutMs / 1000} s` : error.message;
    return `GitHub could not be reached at ${connection.apiUrl} (${cause}), ${timing.retries + 1} attempt(s)`;
  }
  if (status >= 500) return `GitHub failed (${status}: ${error.message}) after ${timing.retries + 1} attempt(s) at ${connection.apiUrl}`;
  return `GitHub answered ${status}: ${error.message}`;
}

function validationMessage(error: RequestErrorLike): string {
  const data = error.response?.data as { message?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] } | undefined;
  const details = (data?.errors ?? []).map((e) => (typeof e.message === 'string' ? e.message : `${typeof e.field === 'string' ? e.field : ''} ${typeof e.code === 'string' ? e.code : ''}`.trim())).filter(Boolean);
  return [typeof data?.message === 'string' ? data.message : error.message, ...details].join('; ');
}

// Typed as plain @octokit/rest: what the plugins add (octokit.retry) is not used.
const RestClient: typeof Octokit = Octokit.plugin(retry, throttling);
export type RestOctokit = Octokit;

/** The REST client and the mapping of its failures; every GitHub call goes through `call`. */
export class GitHubClient {
  readonly octokit: RestOctokit;
  readonly owner: string;
  readonly repo: string;

  constructor(
    readonly connection: GitHubConnection,
    readonly timing: GitHubTiming = DEFAULT_TIMING,
  ) {
    this.owner = connection.repository.owner;
    this.repo = connection.repository.name;
    const unit = timing.unitMs;
    const wantRetry = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean => retryCount < timing.retries && retryAfter <= timing.maxWaitSeconds;
    const timeoutMs = timing.requestTimeoutMs;
    // A fresh timeout per attempt: a request that hangs fails like a 5xx and is retried.
    const timedFetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const signals = [AbortSignal.timeout(timeoutMs), ...(init?.signal ? [init.signal] : [])];
      return fetch(url, { ...init, signal: AbortSignal.any(signals) });
    };
    const silent = (): void => {};
    this.octokit = new RestClient({
      auth: connection.token,
      baseUrl: connection.apiUrl,
      userAgent: 'offerops',
      log: { debug: silent, info: silent, warn: silent, error: silent },
      request: { fetch: timedFetch },
      retry: { retryAfterBaseValue: unit, retries: timing.retries },
      throttle: {
        retryAfterBaseValue: unit,
        fallbackSecondaryRateRetryAfter: 60,
        // Own limiters (GitHub asks for a pause between writes; octokit's defaults are shared by every client in the process).
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: unit }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * unit }),
        search: new Bottleneck.Group({ maxConcurrent: 1, minTime: 2 * unit }),
        onRateLimit: wantRetry,
        onSecondaryRateLimit: wantRetry,
      },
    });
  }

  get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Runs one GitHub operation; a failure becomes a GitHubApiError saying what was being done and why it failed. */
  async call<T>(operation: string, run: (octokit: RestOctokit) => Promise<T>): Promise<T> {
    try {
      return await run(this.octokit);
    } catch (error) {
      throw this.failure(operation, error);
    }
  }

  /** The error a failed operation becomes (redacted). */
  failure(operation: string, error: unknown): GitHubApiError {
    const reason = isRequestError(error) ? describeFailure(error, this.connection, this.timing) : `GitHub could not be reached at ${this.connection.apiUrl}: ${error instanceof Error ? error.message : String(error)}`;
    return new GitHubApiError(this.redact(`${operation} on ${this.repository} failed: ${reason}`), isRequestError(error) ? error.status : 0, { cause: this.redactedCause(error) });
  }

  /**
   * What is kept of octokit's error as the cause: its name, status, message and stack,
   * redacted. Not octokit's error itself, whose request and response (a server may echo
   * the Authorization header into its error body) would carry the token to whoever logs
   * the error.
   */
  private redactedCause(error: unknown): Error {
    const original = error instanceof Error ? error : new Error(String(error));
    const cause = new Error(this.redact(original.message));
    cause.name = original.name;
    cause.stack = this.redact(original.stack ?? `${original.name}: ${original.message}`);
    if (isRequestError(original)) Object.assign(cause, { status: original.status });
    return cause;
  }

  redact(text: string): string {
    return redact(text, [this.connection.token]);
  }
}

/** The status of a GitHub failure, or null for other errors. */
export function githubStatus(error: unknown): number | null {
  if (error instanceof GitHubApiError) return error.status;
  return null;
}
