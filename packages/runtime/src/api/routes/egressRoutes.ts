import { egressAllowEntrySchema, egressAllowListSchema } from '@exflow/shared';
import { notFound, unprocessable } from '../../errors.js';
import { parseAllowEntry } from '../../services/egress.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createEgressAllowRepository } from '../../store/egressAllowRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

/**
 * The egress allow-list: hosts and networks that outbound calls (webhook steps) may reach
 * although they are not public. Platform admins only: an entry of an MSP reaches its clients.
 */
export const egressRoutes = defineRoutes([
  {
    method: 'get',
    path: '/egress-allow',
    summary: "Egress allow-list: your entries and the operator's (EXFLOW_EGRESS_ALLOW, read-only)",
    tag: 'admin',
    roles: ['platform_admin'],
    responses: { '200': '{ entries, operator }' },
    responseSchemas: { '200': egressAllowListSchema },
    async handler(_req, res, { db, principal, config }) {
      res.json({ entries: await createEgressAllowRepository(db).list(principal.tenantId), operator: config.egressAllow });
    },
  },
  {
    method: 'post',
    path: '/egress-allow',
    summary: "Let outbound calls reach a non-public host, address or CIDR network (yours and your clients')",
    tag: 'admin',
    roles: ['platform_admin'],
    body: {
      type: 'object',
      required: ['entry'],
      additionalProperties: false,
      properties: {
        entry: { type: 'string', minLength: 1, maxLength: 253, description: 'host name (exact), IP address, or CIDR network such as 10.20.0.0/16' },
        note: { type: 'string', maxLength: 500 },
      },
    },
    responses: { '201': 'Added', '200': 'Already there', '422': 'Not a host name, address or network' },
    responseSchemas: { '201': egressAllowEntrySchema, '200': egressAllowEntrySchema },
    async handler(req, res, { db, principal }) {
      const { entry, note } = req.body as { entry: string; note?: string };
      if (!parseAllowEntry(entry)) {
        throw unprocessable(
          'egress-entry-invalid',
          `"${entry}" is not a host name, an IP address or a CIDR network (e.g. erp.internal, 10.1.2.3, 10.20.0.0/16)`,
          [{ path: '/entry', message: 'not a host name, IP address or CIDR network' }],
        );
      }
      const normalized = entry.trim().toLowerCase();
      const { record, created } = await createEgressAllowRepository(db).add(principal.tenantId, { entry: normalized, note, createdBy: principal.userId });
      if (created)
        await createAuditRepository(db).record(principal.tenantId, {
          actor: principal.userId,
          action: 'egress.allowed',
          entity: 'egressAllow',
          entityId: record.id,
          data: { entry: normalized, note },
        });
      res.status(created ? 201 : 200).json(record);
    },
  },
  {
    method: 'delete',
    path: '/egress-allow/:id',
    summary: 'Remove an entry of the egress allow-list',
    tag: 'admin',
    roles: ['platform_admin'],
    responses: { '204': 'Removed', '404': 'No such entry' },
    async handler(req, res, { db, principal }) {
      const removed = await createEgressAllowRepository(db).remove(principal.tenantId, param(req, 'id'));
      if (!removed) throw notFound('egress allow-list entry', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'egress.allowRemoved',
        entity: 'egressAllow',
        entityId: removed.id,
        data: { entry: removed.entry },
      });
      res.status(204).end();
    },
  },
]);
