// JSON Schemas of the runtime API (docs/runtime-api.md#the-api): fastify validates every request against
// them, serialises responses with them, and @fastify/swagger turns them into the OpenAPI
// description. Limits here keep one request small, which bounds session memory.

const name = { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', maxLength: 63 } as const;
const scalar = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] } as const;
// A map attribute (e.g. model scores by offer name) holds one value per key: as many keys as a bundle may have offers in a request's reach.
const attributeValue = {
  anyOf: [...scalar.anyOf, { type: 'array', maxItems: 100, items: scalar }, { type: 'object', maxProperties: 1000, propertyNames: { maxLength: 128 }, additionalProperties: scalar }],
} as const;

/** Profile and session attributes: flat maps of scalars, lists of scalars, or string-keyed maps of scalars (map attributes). */
const attributeMap = (description: string) =>
  ({ type: 'object', description, maxProperties: 100, propertyNames: { maxLength: 128 }, additionalProperties: attributeValue }) as const;

export const sessionIdPattern = '^[A-Za-z0-9._~-]{1,128}$';
const sessionId = { type: 'string', pattern: sessionIdPattern, description: 'Letters, digits and . _ ~ -, at most 128 characters' } as const;

export const sessionParams = {
  type: 'object',
  required: ['sessionId'],
  properties: { sessionId },
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every 4xx/5xx answer',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    message: { type: 'string' },
    field: { type: 'string', description: 'The offending request field as a dotted path, e.g. profile.age' },
    problems: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;

const errorRef = { $ref: 'Error#' } as const;
const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorRef]));

export const createSessionSchema = {
  summary: 'Start a session for one audience member',
  tags: ['sessions'],
  body: {
    type: 'object',
    required: ['channel', 'audienceId'],
    additionalProperties: false,
    properties: {
      sessionId: { ...sessionId, description: 'Chosen by the caller; generated (a UUID) when omitted' },
      channel: { ...name, description: 'The channel (a Channel document of the bundle)' },
      audienceLevel: { ...name, description: "One of the channel's audience levels; default: its first" },
      // Lone surrogates are refused too: a store would hand back a different id, and the
      // member's history would no longer be theirs.
      audienceId: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]+$', description: 'The member id (no control characters, well-formed Unicode)' },
      profile: attributeMap("The member's profile attributes, checked against the audience level's declared attributes"),
      session: attributeMap("Session attributes, checked against the channel's sessionAttributes"),
    },
  },
  response: {
    201: {
      type: 'object',
      required: ['sessionId', 'channel', 'audienceLevel', 'audienceId', 'ttlSeconds', 'bundle'],
      properties: {
        sessionId: { type: 'string' },
        channel: { type: 'string' },
        audienceLevel: { type: 'string' },
        audienceId: { type: 'string' },
        ttlSeconds: { type: 'integer', description: 'Idle time after which the session expires' },
        bundle: { type: 'string', description: 'Digest of the active bundle' },
      },
    },
    ...errorResponses(400, 409, 415, 413, 503),
  },
} as const;

const offerRequest = {
  type: 'object',
  required: ['interactionPoint'],
  additionalProperties: false,
  properties: {
    interactionPoint: name,
    count: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: "Offers wanted, capped by the point's maxOffers" },
    explain: { type: 'boolean', default: false, description: 'Return why each offer considered was chosen or dropped' },
  },
} as const;

const chosenOffer = {
  type: 'object',
  required: ['offer', 'score', 'rule', 'treatmentCode'],
  properties: {
    offer: { type: 'string', description: 'The offer code' },
    score: { type: 'number' },
    rule: { type: 'string', description: 'The treatment rule that gave the offer' },
    treatmentCode: { type: 'string', description: 'Send it back with events about this offer' },
    displayName: { type: 'string' },
    // No per-value schema: fast-json-stringify would validate every value to pick an anyOf branch.
    attributes: {
      type: 'object',
      description: "The offer's attributes (strings, numbers, booleans), e.g. its creative: its own values, with those the rule that gave it sets evaluated for this member (docs/decisions.md#offer-attributes)",
      additionalProperties: true,
    },
  },
} as const;

const decisionResult = {
  type: 'object',
  required: ['interactionPoint', 'zone', 'offers', 'controlGroups', 'errors'],
  properties: {
    interactionPoint: { type: 'string' },
    zone: { type: 'string' },
    offers: { type: 'array', items: chosenOffer },
    defaultString: { type: 'string', description: 'The point\'s default string, when no offer qualifies' },
    controlGroups: { type: 'array', items: { type: 'string' }, description: "Rules whose control group this member is in" },
    explain: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          offer: { type: 'string' },
          rule: { type: 'string' },
          outcome: { type: 'string' },
          reason: { type: 'string' },
          score: { type: 'number' },
          rank: { type: 'integer' },
          segment: { type: 'string' },
          policyRule: { type: 'string' },
        },
      },
    },
    errors: {
      type: 'array',
      description: 'Run-time expression failures (counted as false) and ignored-input notes',
      items: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } },
    },
  },
} as const;

export const offersSchema = {
  summary: 'Offers for one interaction point',
  tags: ['offers'],
  params: sessionParams,
  body: offerRequest,
  response: {
    200: {
      type: 'object',
      required: ['sessionId', 'bundle', ...decisionResult.required],
      properties: { sessionId: { type: 'string' }, bundle: { type: 'string' }, ...decisionResult.properties },
    },
    ...errorResponses(400, 404, 413, 415, 503),
  },
} as const;

export const offersBatchSchema = {
  summary: 'Offers for several interaction points in one call',
  tags: ['offers'],
  params: sessionParams,
  body: {
    type: 'object',
    required: ['requests'],
    additionalProperties: false,
    properties: {
      requests: { type: 'array', minItems: 1, maxItems: 50, items: offerRequest },
      dedupe: { type: 'boolean', default: false, description: 'An offer given to an earlier interaction point of the batch is not given to a later one (docs/decisions.md#batch-de-duplication).' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['sessionId', 'bundle', 'results'],
      properties: { sessionId: { type: 'string' }, bundle: { type: 'string' }, results: { type: 'array', items: decisionResult } },
    },
    ...errorResponses(400, 404, 413, 415, 503),
  },
} as const;

export const eventSchema = {
  summary: 'Post an event; its channel-declared actions are applied',
  tags: ['events'],
  params: sessionParams,
  body: {
    type: 'object',
    required: ['event'],
    additionalProperties: false,
    properties: {
      event: name,
      offer: { ...name, description: 'The offer the event is about (or give treatmentCode)' },
      treatmentCode: { type: 'string', minLength: 1, maxLength: 512, description: 'A treatment code returned by an offers call' },
      profile: attributeMap('Profile attributes to update (merged) before the actions apply'),
      session: attributeMap('Session attributes to update (merged) before the actions apply'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['sessionId', 'event', 'actions', 'logged', 'resegmented'],
      properties: {
        sessionId: { type: 'string' },
        event: { type: 'string' },
        actions: { type: 'array', items: { type: 'string' } },
        logged: {
          type: 'array',
          description: 'History rows durably written',
          items: {
            type: 'object',
            properties: { customerId: { type: 'string' }, offer: { type: 'string' }, channel: { type: 'string' }, date: { type: 'string' }, event: { type: 'string' } },
          },
        },
        resegmented: { type: 'boolean' },
      },
    },
    ...errorResponses(400, 404, 413, 415, 503),
  },
} as const;

export const deleteSessionSchema = {
  summary: 'End a session',
  tags: ['sessions'],
  params: sessionParams,
  response: { 204: { type: 'null', description: 'Ended' }, ...errorResponses(400, 404) },
} as const;

export const bundleInfoSchema = {
  summary: 'The active bundle',
  tags: ['operations'],
  response: {
    200: {
      type: 'object',
      required: ['digest', 'formatVersion', 'source', 'loadedAt'],
      properties: {
        digest: { type: 'string' },
        formatVersion: { type: 'integer' },
        source: { type: 'string' },
        loadedAt: { type: 'string', format: 'date-time' },
        counts: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    },
  },
} as const;

export const healthSchema = {
  summary: 'Liveness and readiness: the bundle is loaded and the history and session stores answer',
  tags: ['operations'],
  response: {
    200: {
      type: 'object',
      required: ['status', 'bundle', 'history', 'sessionStore', 'sessions'],
      properties: {
        status: { type: 'string', enum: ['ok', 'unavailable'] },
        bundle: { type: 'string', description: 'Digest of the active bundle' },
        history: { type: 'string', description: 'The history store: sqlite or postgres' },
        sessionStore: { type: 'string', description: 'The session store: memory or redis' },
        sessions: { type: 'integer', description: 'Live sessions in the session store' },
      },
    },
    503: {
      type: 'object',
      required: ['status', 'bundle', 'history', 'sessionStore'],
      properties: {
        status: { type: 'string', enum: ['ok', 'unavailable'] },
        bundle: { type: 'string' },
        history: { type: 'string' },
        sessionStore: { type: 'string' },
        sessions: { type: 'integer' },
        message: { type: 'string', description: 'Which store does not answer, and why' },
      },
    },
  },
} as const;

export const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['operations'],
  produces: ['text/plain'],
  response: { 200: { type: 'string' } },
} as const;

export const adminBundleSchema = {
  summary: 'Hot-swap the bundle (bearer token); a refused bundle leaves the old one serving',
  tags: ['admin'],
  security: [{ bearerAuth: [] }],
  consumes: ['application/json', 'application/octet-stream'],
  body: { type: 'string', description: 'The bundle file, byte for byte as compiled' },
  response: {
    200: {
      type: 'object',
      required: ['digest', 'swapped'],
      properties: {
        digest: { type: 'string', description: 'The digest now serving' },
        previousDigest: { type: 'string' },
        swapped: { type: 'boolean', description: 'false when the bundle was already active' },
      },
    },
    ...errorResponses(401, 403, 413, 415, 422),
  },
} as const;

// Request bodies as TypeScript sees them after validation.
export interface CreateSessionBody {
  sessionId?: string;
  channel: string;
  audienceLevel?: string;
  audienceId: string;
  profile?: Record<string, unknown>;
  session?: Record<string, unknown>;
}

export interface OfferRequestBody {
  interactionPoint: string;
  count: number;
  explain: boolean;
}

export interface OffersBatchBody {
  requests: OfferRequestBody[];
  dedupe?: boolean;
}

export interface EventBody {
  event: string;
  offer?: string;
  treatmentCode?: string;
  profile?: Record<string, unknown>;
  session?: Record<string, unknown>;
}

export interface SessionParams {
  sessionId: string;
}
