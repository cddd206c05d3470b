import { incidentListSchema, type IncidentView } from '@exflow/shared';
import { READERS } from '../../auth/roles.js';
import { unprocessable } from '../../errors.js';
import { createIncidentRepository, type IncidentFilter } from '../../store/incidentRepository.js';
import { queryInt, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

const STATUSES = ['open', 'resolved', 'all'] as const;

export const incidentRoutes = defineRoutes([
  {
    method: 'get',
    path: '/incidents',
    summary:
      'Incidents across cases, newest first: cases waiting at a step whose call failed past its retry policy (retry with POST /cases/{id}/effects/{effectId}/retry)',
    tag: 'cases',
    roles: READERS,
    query: {
      status: { type: 'string', description: 'open (default), resolved or all' },
      caseId: { type: 'string', description: 'Only incidents of this case' },
      definitionId: { type: 'string', description: 'Only incidents of cases of this definition' },
      nodeId: { type: 'string', description: 'Only incidents at this step' },
      service: { type: 'string', description: 'Only incidents of calls to this service' },
      limit: { type: 'integer', minimum: 1, maximum: 500, description: '1 to 500, default 100' },
    },
    responses: { '200': 'Incidents: case, step, service, error, attempts, why the retries stopped, raised/resolved times', '422': 'Unknown status' },
    responseSchemas: { '200': incidentListSchema },
    async handler(req, res, { db, principal }) {
      const status = queryString(req, 'status') ?? 'open';
      if (!(STATUSES as readonly string[]).includes(status)) {
        throw unprocessable('invalid-filter', `status "${status}" is not one of ${STATUSES.join(', ')}`, [{ path: 'status', message: 'unknown status' }]);
      }
      const incidents = await createIncidentRepository(db).list(principal.tenantId, {
        status: status as IncidentFilter['status'],
        caseId: queryString(req, 'caseId'),
        definitionId: queryString(req, 'definitionId'),
        nodeId: queryString(req, 'nodeId'),
        service: queryString(req, 'service'),
        limit: queryInt(req, 'limit', { min: 1, max: 500, fallback: 100 }),
      });
      res.json(incidents satisfies IncidentView[]);
    },
  },
]);
