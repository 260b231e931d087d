// Every error that leaves the server as an HTTP response is mapped here, and only here
// (STYLE "errors cross a process boundary in one place"). Bodies are JSON:
//   { statusCode, code, message, field?, problems? }
// where `field` names the offending request field as a dotted path ("profile.age",
// "requests.0.count", "sessionId").
import { BundleRefusedError } from './bundle-holder.js';
import { HistoryStoreError } from './history-store.js';
import { SessionStoreError } from './session-store.js';

export type ApiErrorCode =
  | 'invalid-request'
  | 'invalid-json'
  | 'invalid-utf8'
  | 'invalid-http'
  | 'headers-too-large'
  | 'request-timeout'
  | 'shutting-down'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'unknown-session'
  | 'session-exists'
  | 'too-many-sessions'
  | 'unknown-interaction-point'
  | 'unknown-event'
  | 'unknown-offer'
  | 'unknown-treatment-code'
  | 'unauthorized'
  | 'admin-disabled'
  | 'bundle-refused'
  | 'history-unavailable'
  | 'sessions-unavailable'
  | 'not-found'
  | 'internal';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorBody {
  statusCode: number;
  code: ApiErrorCode;
  message: string;
  field?: string;
  problems?: FieldProblem[];
}

/** An error a route throws on purpose, with its status and the field it is about. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly problems?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: AjvLikeError[];
  validationContext?: string;
}

export interface HttpErrorResponse {
  statusCode: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True for errors that are bugs or outages: logged at error level with the stack. */
  serverFault: boolean;
}

/** The one mapping from a thrown error to an HTTP response. */
export function toHttpError(error: unknown): HttpErrorResponse {
  if (error instanceof ApiError) {
    const body: ErrorBody = { statusCode: error.statusCode, code: error.code, message: error.message };
    if (error.field !== undefined) body.field = error.field;
    if (error.problems !== undefined) body.problems = error.problems;
    return { statusCode: error.statusCode, body, headers: error.headers ?? {}, serverFault: error.statusCode >= 500 && error.statusCode !== 503 };
  }
  if (error instanceof BundleRefusedError) return plain(422, 'bundle-refused', `bundle refused, the active bundle keeps serving: ${error.message}`);
  if (error instanceof SessionStoreError) {
    return { ...plain(503, 'sessions-unavailable', 'the session store is unavailable; the request was not applied and may be retried'), headers: { 'retry-after': '1' }, serverFault: true };
  }
  if (error instanceof HistoryStoreError) {
    return { ...plain(503, 'history-unavailable', 'the history store is unavailable; the request was not applied and may be retried'), headers: { 'retry-after': '1' }, serverFault: true };
  }
  const fastifyError = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) return validationError(fastifyError.validation, fastifyError.validationContext ?? 'body');
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return plain(413, 'body-too-large', 'request body is larger than the limit for this route');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return plain(415, 'unsupported-media-type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return plain(400, 'invalid-json', 'the body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return plain(400, 'invalid-json', clip(`the body is not valid JSON: ${fastifyError.message ?? ''}`));
    default:
      break;
  }
  if (error instanceof SyntaxError || (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode === 400 && /JSON|prototype|property/i.test(fastifyError.message ?? ''))) {
    return plain(400, 'invalid-json', clip(`the body is not valid JSON: ${fastifyError.message ?? ''}`));
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return plain(fastifyError.statusCode, 'invalid-request', clip(fastifyError.message ?? 'bad request'));
  }
  return { ...plain(500, 'internal', 'internal server error; this is a bug in offerops, please report it'), serverFault: true };
}

/** Messages that quote input (a URL, a JSON fragment) are kept short. */
function clip(message: string): string {
  return message.length > 300 ? message.slice(0, 300) + '…' : message;
}

function plain(statusCode: number, code: ApiErrorCode, message: string): HttpErrorResponse {
  return { statusCode, body: { statusCode, code, message }, headers: {}, serverFault: false };
}

/** `/requests/0/count` + missing property → `requests.0.count`. */
export function fieldOf(error: AjvLikeError, context: string): string {
  const parts = (error.instancePath ?? '').split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params ?? {};
  if (typeof params['missingProperty'] === 'string') parts.push(params['missingProperty']);
  if (typeof params['additionalProperty'] === 'string') parts.push(params['additionalProperty']);
  if (parts.length === 0) return context === 'body' ? '(body)' : context;
  return parts.join('.');
}

function describe(error: AjvLikeError, field: string): string {
  const params = error.params ?? {};
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a known field`;
    case 'type':
      return `${field} must be ${String(params['type'])}`;
    case 'pattern':
      return `${field} has an invalid format (expected ${String(params['pattern'])})`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * A request Node's HTTP parser refuses before fastify sees it (malformed HTTP, headers
 * over the size limit, a request that did not arrive within the timeout): the response
 * the server writes on the raw socket, in the same JSON shape as every other error.
 * null when nothing should be written (the peer is gone).
 */
export function clientErrorResponse(error: { code?: string; message?: string }): { statusCode: number; body: ErrorBody } | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'HPE_HEADER_OVERFLOW':
      return { statusCode: 431, body: { statusCode: 431, code: 'headers-too-large', message: 'the request headers are larger than the server accepts (16 KiB)' } };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { statusCode: 408, body: { statusCode: 408, code: 'request-timeout', message: 'the request did not arrive completely within the request timeout; send it again' } };
    default:
      return { statusCode: 400, body: { statusCode: 400, code: 'invalid-http', message: clip(`the request is not valid HTTP/1.1 (${error.code ?? 'parse error'}: ${error.message ?? ''})`) } };
  }
}

/** A session id that names no live session. */
export function unknownSession(id: string): ApiError {
  return new ApiError(404, 'unknown-session', `session '${id}' does not exist or has expired; start a new one with POST /v1/sessions`, 'sessionId');
}

/** Profile or session attributes that do not fit the bundle's declarations (the engine's input errors). */
export function audienceError(problems: readonly { message: string; field?: string }[]): ApiError {
  const listed = problems.slice(0, 20).map((problem) => ({ field: problem.field ?? '(body)', message: problem.message }));
  const first = listed[0] as FieldProblem;
  return new ApiError(400, 'invalid-request', first.message, first.field, listed);
}

function validationError(errors: AjvLikeError[], context: string): HttpErrorResponse {
  const problems = errors.slice(0, 20).map((error) => {
    const field = fieldOf(error, context);
    return { field, message: describe(error, field) };
  });
  const first = problems[0] as FieldProblem;
  return {
    statusCode: 400,
    body: { statusCode: 400, code: 'invalid-request', message: first.message, field: first.field, problems },
    headers: {},
    serverFault: false,
  };
}
