import type { Route } from './route.js';

export const API_BASE = '/api/v1';

/** `/cases/:id` → `/cases/{id}` */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

const problem = { $ref: '#/components/responses/Problem' };

/**
 * The OpenAPI 3.1 document, generated from the same route table that builds the router, so
 * every documented path exists and every route is documented.
 */
export function buildOpenApi(routes: Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {
    '/health': {
      get: { operationId: 'health', summary: 'Liveness and database check', tags: ['health'], security: [], responses: { '200': { description: 'Up' }, '503': problem } },
    },
  };
  for (const route of routes) {
    const path = `${API_BASE}${toOpenApiPath(route.path)}`;
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: false, description: q.description, schema: { type: q.type } }));
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(route.responses)) {
      responses[status] = Number(status) >= 400 ? { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } : { description };
    }
    if (route.roles !== 'public') {
      responses['401'] ??= problem;
      responses['403'] ??= problem;
    }
    if (route.body) responses['400'] ??= problem;
    (paths[path] ??= {})[route.method] = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: [route.tag],
      ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
      parameters: [...pathParams, ...queryParams],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: stripIds(route.body) } } } } : {}),
      ...(route.rawBody
        ? { requestBody: { required: true, description: `${route.rawBody.description} (at most ${route.rawBody.limit})`, content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string' } }])) } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Exflow API', version, description: 'Finance exception workflows: definitions, invoices, durable cases and tasks. Errors are RFC 9457 problem+json.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, nodeId: { type: 'string' }, edgeId: { type: 'string' } } } },
          },
        },
      },
      responses: { Problem: { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    },
  };
}

function stripIds(schema: Record<string, unknown>): Record<string, unknown> {
  const { $id: _id, ...rest } = schema;
  return rest;
}
