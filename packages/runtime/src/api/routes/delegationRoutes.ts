import { delegationListSchema, delegationViewSchema } from '@exflow/shared';
import { STAFF, WORKERS, type Role } from '../../auth/roles.js';
import { checkDelegation } from '../../engine/delegationRules.js';
import { notFound, unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createDelegationRepository } from '../../store/delegationRepository.js';
import { newId } from '../../store/ids.js';
import { createUserRepository } from '../../store/userRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

export const delegationRoutes = defineRoutes([
  {
    method: 'get',
    path: '/delegations',
    summary: 'Delegations of approval authority in the tenant',
    tag: 'governance',
    roles: STAFF,
    responses: { '200': 'Delegations' },
    responseSchemas: { '200': delegationListSchema },
    async handler(_req, res, { db, principal }) {
      res.json(await createDelegationRepository(db).list(principal.tenantId));
    },
  },
  {
    method: 'post',
    path: '/delegations',
    summary: 'Delegate your approval authority to someone for a period (refused when it would break a rule)',
    tag: 'governance',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['toUserId', 'startsAt', 'endsAt'],
      additionalProperties: false,
      properties: {
        toUserId: { type: 'string', minLength: 1, maxLength: 200 },
        startsAt: { type: 'string', format: 'date-time', maxLength: 40 },
        endsAt: { type: 'string', format: 'date-time', maxLength: 40 },
      },
    },
    responses: { '201': 'Delegated', '422': 'Refused: self, loop, chain, overlap, conflict or bad period (code says which)' },
    responseSchemas: { '201': delegationViewSchema },
    async handler(req, res, { db, principal }) {
      const { toUserId, startsAt, endsAt } = req.body as { toUserId: string; startsAt: string; endsAt: string };
      const from = new Date(startsAt);
      const to = new Date(endsAt);
      const delegations = createDelegationRepository(db);
      const delegate = await createUserRepository(db).byId(principal.tenantId, toUserId);
      const refusal = checkDelegation({
        from: principal.userId,
        to: toUserId,
        startsAt: from,
        endsAt: to,
        now: new Date(),
        toRoles: delegate?.roles as Role[] | undefined,
        overlapping: to > from ? await delegations.overlapping(principal.tenantId, from.toISOString(), to.toISOString()) : [],
      });
      const audit = createAuditRepository(db);
      if (refusal) {
        await audit.record(principal.tenantId, {
          actor: principal.userId,
          action: 'delegation.refused',
          entity: 'delegation',
          entityId: toUserId,
          data: { ...refusal, startsAt, endsAt },
        });
        throw unprocessable(refusal.code, refusal.reason, [{ path: '/toUserId', message: refusal.reason }]);
      }
      const id = newId();
      await delegations.insert(principal.tenantId, {
        id,
        fromUser: principal.userId,
        toUser: toUserId,
        startsAt: from.toISOString(),
        endsAt: to.toISOString(),
      });
      await audit.record(principal.tenantId, {
        actor: principal.userId,
        action: 'delegation.created',
        entity: 'delegation',
        entityId: id,
        data: { toUserId, startsAt, endsAt },
      });
      res.status(201).json({ id, fromUser: principal.userId, toUser: toUserId, startsAt: from.toISOString(), endsAt: to.toISOString() });
    },
  },
  {
    method: 'delete',
    path: '/delegations/:id',
    summary: 'Revoke one of your delegations',
    tag: 'governance',
    roles: WORKERS,
    responses: { '204': 'Revoked', '404': 'No such active delegation of yours' },
    async handler(req, res, { db, principal }) {
      if (!(await createDelegationRepository(db).revoke(principal.tenantId, param(req, 'id'), principal.userId)))
        throw notFound('active delegation of yours', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'delegation.revoked',
        entity: 'delegation',
        entityId: param(req, 'id'),
      });
      res.status(204).end();
    },
  },
]);
