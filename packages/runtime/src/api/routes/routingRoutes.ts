import { checkRoutingTable, effectiveRoutingSchema, routingTableSchema, type RoutingTable } from '@exflow/shared';
import { join } from 'node:path';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { loadTenantWithParent } from '../../auth/tenancy.js';
import { forbidden, unprocessable } from '../../errors.js';
import { builtInTemplatesDir, listPackNames, loadPack } from '../../packs/templatePack.js';
import { createDefinitionRepository } from '../../store/definitionRepository.js';
import { createRoutingRepository } from '../../store/routingRepository.js';
import { defineRoutes } from '../route.js';

export const routingRoutes = defineRoutes([
  {
    method: 'get',
    path: '/routing',
    summary:
      "The routing table in force for the tenant: which finding kinds (and FEEL conditions) open an exception case on which flow. A client of an MSP routes by its MSP's table unless the MSP lets clients override `routing`; `source` says whose table it is.",
    tag: 'routing',
    roles: READERS,
    responses: { '200': '{ rules, updatedBy, updatedAt, source: own | msp | none, ownAllowed }' },
    responseSchemas: { '200': effectiveRoutingSchema },
    async handler(_req, res, { db, principal }) {
      const { parent } = await loadTenantWithParent(db, principal.tenantId);
      res.json(await createRoutingRepository(db).effective(principal.tenantId, parent));
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
    responses: {
      '200': 'The table now in force',
      '403': "The tenant's MSP sets routing for its clients and does not list `routing` as overridable",
      '422': 'A rule names an unknown flow or has a FEEL condition that does not parse',
    },
    responseSchemas: { '200': effectiveRoutingSchema },
    async handler(req, res, { db, principal }) {
      const table = req.body as RoutingTable;
      const { tenant, parent } = await loadTenantWithParent(db, principal.tenantId);
      const routing = createRoutingRepository(db);
      if (!(await routing.effective(principal.tenantId, parent)).ownAllowed)
        throw forbidden(
          `Routing is set by your MSP "${parent!.id}" for its clients; ask it to list "routing" among its overridable policies to keep a table of your own.`,
        );
      const flows = new Set((await createDefinitionRepository(db).list(principal.tenantId)).map((d) => d.key));
      // an MSP routes its clients' invoices to flows its clients install from the template packs
      if (tenant.kind === 'msp')
        for (const name of await listPackNames(builtInTemplatesDir)) for (const f of (await loadPack(join(builtInTemplatesDir, name))).flows) flows.add(f.key);
      const problems = checkRoutingTable(table, flows);
      if (problems.length)
        throw unprocessable('invalid-routing', `The routing table is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
      await routing.put(principal.tenantId, { rules: table.rules }, principal.userId);
      res.json(await routing.effective(principal.tenantId, parent));
    },
  },
]);
