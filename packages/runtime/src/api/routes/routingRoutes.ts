import { checkRoutingTable, routingTableSchema, type RoutingTable } from '@exflow/shared';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createDefinitionRepository } from '../../store/definitionRepository.js';
import { createRoutingRepository } from '../../store/routingRepository.js';
import { defineRoutes } from '../route.js';

export const routingRoutes = defineRoutes([
  {
    method: 'get',
    path: '/routing',
    summary: "The tenant's routing table: which finding kinds (and FEEL conditions) open an exception case on which flow",
    tag: 'routing',
    roles: READERS,
    responses: { '200': '{ rules, updatedBy, updatedAt }' },
    async handler(_req, res, { db, principal }) {
      res.json(await createRoutingRepository(db).get(principal.tenantId));
    },
  },
  {
    method: 'put',
    path: '/routing',
    summary:
      "Replace the tenant's routing table. Each rule's `when` must be valid FEEL and its `flow` a flow key the tenant has; the riskiest finding that a rule matches decides the flow.",
    tag: 'routing',
    roles: DESIGNERS,
    body: routingTableSchema,
    responses: { '200': 'The stored table', '422': 'A rule names an unknown flow or has a FEEL condition that does not parse' },
    async handler(req, res, { db, principal }) {
      const table = req.body as RoutingTable;
      const flows = new Set((await createDefinitionRepository(db).list(principal.tenantId)).map((d) => d.key));
      const problems = checkRoutingTable(table, flows);
      if (problems.length)
        throw unprocessable('invalid-routing', `The routing table is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
      await db.transaction(async (trx) => {
        await createRoutingRepository(trx).put(principal.tenantId, { rules: table.rules }, principal.userId);
        await createAuditRepository(trx).record(principal.tenantId, {
          actor: principal.userId,
          action: 'routing.changed',
          entity: 'tenant',
          entityId: principal.tenantId,
          data: { rules: table.rules },
        });
      });
      res.json(await createRoutingRepository(db).get(principal.tenantId));
    },
  },
]);
