import { isProblemCode, notFound, problemCatalogue } from '../../errors.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const entrySchema = {
  type: 'object',
  required: ['code', 'status', 'title', 'fix'],
  properties: {
    code: { type: 'string', maxLength: 100, pattern: '^[a-z0-9.-]+$' },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
    title: { type: 'string', maxLength: 200 },
    fix: { type: 'string', maxLength: 2000, description: 'How to fix it' },
  },
} as const;

/**
 * The problem catalogue (src/errors.ts), public: a problem's `type` is `/api/v1/problems/{code}`,
 * so a client (or a person) can look up what a code means and how to fix it.
 */
export const problemRoutes = defineRoutes([
  {
    method: 'get',
    path: '/problems',
    summary: 'Every problem code the API answers with: status, title and how to fix it',
    tag: 'problems',
    roles: 'public',
    responses: { '200': 'The catalogue' },
    responseSchemas: { '200': { type: 'array', maxItems: 1000, items: entrySchema } },
    async handler(_req, res) {
      res.json(Object.entries(problemCatalogue).map(([code, entry]) => ({ code, ...entry })));
    },
  },
  {
    method: 'get',
    path: '/problems/:code',
    summary: "One problem code's catalogue entry (where a problem's type URL points)",
    tag: 'problems',
    roles: 'public',
    responses: { '200': 'The entry', '404': 'No such code' },
    responseSchemas: { '200': entrySchema },
    async handler(req, res) {
      const code = param(req, 'code');
      if (!isProblemCode(code)) throw notFound('problem code', code);
      res.json({ code, ...problemCatalogue[code] });
    },
  },
]);
