import { PROBLEM_DETAIL_MAX, PROBLEM_ERRORS_MAX, PROBLEM_TEXT_MAX } from './problem.js';
import { MAX_PATH_PARAM_LENGTH, MAX_QUERY_LENGTH, type Route } from './route.js';

export const API_BASE = '/api/v1';

/** `/cases/:id` → `/cases/{id}` */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** `5mb` → bytes: the most characters a text body within that limit can hold. */
function limitBytes(limit: string): number {
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(limit.trim());
  if (!m) throw new Error(`rawBody limit "${limit}" is not like "512kb" or "5mb"`);
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
}

/** The rate-limit headers every response under the API base carries (express-rate-limit, IETF draft 8). */
const rateLimitHeaders = { RateLimit: { $ref: '#/components/headers/RateLimit' }, 'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' } };

/**
 * The responses every operation can give besides its own, from the layers in front of every
 * handler: authentication (401) and roles (403) on non-public routes, the JSON parser (400
 * malformed JSON, on any route), the input guard and body schema (422), the per-address rate limits (429)
 * and the problem middleware (500).
 */
function commonResponses(route: Route): Record<string, unknown> {
  return {
    '400': ref('BadRequest'),
    ...(route.roles !== 'public' ? { '401': ref('Unauthorized'), '403': ref('Forbidden') } : {}),
    '422': ref('Unprocessable'),
    '429': ref('TooManyRequests'),
    '500': ref('InternalError'),
  };
}

const problemResponse = (description: string, headers: Record<string, unknown> = rateLimitHeaders) => ({
  description,
  headers,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * The OpenAPI 3.1 document, generated from the same route table that builds the router, so
 * every documented path exists and every route is documented. Limits in it (string lengths,
 * array sizes, integer ranges) are the ones the router enforces: request bodies are checked
 * against the very schemas shown here.
 */
export function buildOpenApi(routes: Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness and database check',
        description: 'For load balancers and probes: public, outside the API base and its rate limits.',
        tags: ['health'],
        security: [],
        responses: {
          '200': { description: 'Up', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          '503': problemResponse('The database does not answer', {}),
        },
      },
    },
  };
  for (const route of routes) {
    const path = `${API_BASE}${toOpenApiPath(route.path)}`;
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: MAX_PATH_PARAM_LENGTH },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, q]) => ({
      name,
      in: 'query',
      required: false,
      description: q.description,
      schema:
        q.type === 'string'
          ? { type: 'string', maxLength: q.maxLength ?? MAX_QUERY_LENGTH }
          : q.type === 'integer'
            ? { type: 'integer', format: 'int32', minimum: q.minimum, maximum: q.maximum }
            : { type: 'boolean' },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(route.responses)) {
      const code = Number(status);
      const schema = route.responseSchemas?.[status];
      const files = route.responseFiles?.[status];
      const content = schema ? { 'application/json': { schema: plainJson(schema) } } : files && Object.fromEntries(files.map((type) => [type, {}]));
      responses[status] =
        code >= 400
          ? problemResponse(description, code >= 500 ? {} : rateLimitHeaders)
          : { description, headers: rateLimitHeaders, ...(content ? { content } : {}) };
    }
    for (const [status, response] of Object.entries(commonResponses(route))) responses[status] ??= response;
    (paths[path] ??= {})[route.method] = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      description: route.roles === 'public' ? `${route.summary}. Public: no token needed.` : `${route.summary}. Roles: ${route.roles.join(', ')}.`,
      tags: [route.tag],
      ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
      parameters: [...pathParams, ...queryParams],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: stripIds(route.body) } } } } : {}),
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              description: `${route.rawBody.description} (at most ${route.rawBody.limit})`,
              content: Object.fromEntries(
                route.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', maxLength: limitBytes(route.rawBody!.limit) } }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  const tags = [...new Set(['health', ...routes.map((r) => r.tag)])].sort().map((name) => ({ name }));
  const text = (maxLength: number, description: string) => ({ type: 'string', maxLength, description });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Exflow API',
      version,
      description: 'Finance exception workflows: definitions, invoices, durable cases and tasks. Errors are RFC 9457 problem+json.',
      contact: { name: 'Exflow', url: 'https://exflow.dev' },
    },
    servers: [
      { url: '/', description: 'This Exflow runtime (relative: the production, staging or local instance serving this document)', 'x-internal': false },
    ],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT from POST /api/v1/auth/login (the built-in issuer) or from the configured OIDC issuer, or an API key (exf_…) for integrations. ' +
            'JWTs are handled as RFC8725 (JSON Web Token Best Current Practices) asks: only asymmetric signatures verified against the issuer\'s JWKS (the built-in issuer signs ES256; "none" and HMAC are refused), ' +
            'issuer, audience and expiry always checked.',
        },
      },
      headers: {
        RateLimit: {
          description: 'Requests left in the current window and seconds until it resets, per policy (IETF draft-ietf-httpapi-ratelimit-headers-08)',
          schema: { type: 'string', maxLength: 500 },
        },
        'RateLimit-Policy': { description: 'The quota and window of each limit that applies (IETF draft 8)', schema: { type: 'string', maxLength: 500 } },
        'Retry-After': { description: 'Seconds until a request is accepted again', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 } },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: {
              type: 'string',
              format: 'uri-reference',
              maxLength: 200,
              description: 'Where the code is explained: GET it for the catalogue entry (status, title, how to fix)',
            },
            title: text(200, 'Short summary of the kind of problem'),
            status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
            detail: text(PROBLEM_DETAIL_MAX, 'What is wrong and how to fix it'),
            code: { type: 'string', maxLength: 100, pattern: '^[a-z0-9.-]+$', description: 'Stable code a client may switch on' },
            instance: text(2000, 'The request path'),
            errors: {
              type: 'array',
              maxItems: PROBLEM_ERRORS_MAX,
              items: {
                type: 'object',
                properties: {
                  path: text(PROBLEM_TEXT_MAX, 'The field: a JSON pointer into the body, a parameter or header name'),
                  message: text(PROBLEM_TEXT_MAX, 'What is wrong with it'),
                  code: text(100, 'Stable code of this problem'),
                  nodeId: text(200, 'The node of a definition it concerns'),
                  edgeId: text(200, 'The edge of a definition it concerns'),
                  severity: { enum: ['error', 'warning'], description: 'A warning does not refuse' },
                  pathNodeIds: {
                    type: 'array',
                    maxItems: 1000,
                    items: text(200, 'A node id'),
                    description: 'The path (node ids, in order) that breaks a segregation-of-duties rule',
                  },
                  pathEdgeIds: { type: 'array', maxItems: 1000, items: text(200, 'An edge id'), description: 'The edges of that path, in order' },
                },
              },
            },
          },
        },
        Health: {
          type: 'object',
          properties: {
            status: { const: 'ok' },
            database: { enum: ['postgresql', 'pglite'] },
            rowLevelSecurityOnReads: { type: 'boolean' },
          },
        },
      },
      responses: {
        BadRequest: problemResponse('Malformed JSON, or a query parameter given twice or out of range'),
        Unauthorized: problemResponse('No or invalid bearer token'),
        Forbidden: problemResponse('Your roles do not allow this call'),
        Unprocessable: problemResponse(
          'A body that does not match the schema, a path or query parameter too long, or text the database cannot store (a NUL character, a lone surrogate, JSON nested deeper than 64 levels, a non-finite number); errors[].path names the field',
        ),
        TooManyRequests: problemResponse(
          'More requests a minute from your address than the limit (EXFLOW_RATE_LIMIT_API for the whole API; also EXFLOW_RATE_LIMIT_AUTH on sign-in and EXFLOW_RATE_LIMIT_INTAKE on intake); retry after Retry-After seconds',
          {
            ...rateLimitHeaders,
            'Retry-After': { $ref: '#/components/headers/Retry-After' },
          },
        ),
        InternalError: problemResponse(
          'An unexpected error on the server (it is logged with the request; the answer carries no detail), or the database failed',
          {},
        ),
      },
    },
  };
}

function stripIds(schema: Record<string, unknown>): Record<string, unknown> {
  const { $id: _id, ...rest } = schema;
  return rest;
}

/** The schema as JSON (TypeBox keeps its own markers under symbol keys; they are not part of it). */
const plainJson = (schema: object): Record<string, unknown> => JSON.parse(JSON.stringify(schema));
