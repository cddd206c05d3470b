import { commentListSchema, inboxPageSchema, inboxSummarySchema, teamListSchema, type InboxPage, type InboxSummary, type TeamMember } from '@exflow/shared';
import type { Principal } from '../../auth/roles.js';
import { STAFF, WORKERS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createCommentRepository } from '../../store/commentRepository.js';
import { createInboxRepository, type InboxCursor, type InboxFilter, type InboxView } from '../../store/inboxRepository.js';
import { createTaskWork, isLead, requireLead } from '../../tasks/taskWork.js';
import { param, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

const VIEWS: InboxView[] = ['mine', 'unclaimed', 'team'];
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const MAX_BULK = 200;

/** The roles that may take tasks at all; an auditor has none, so nothing is "unclaimed" for them. */
const workerRoles = (principal: Principal) => principal.roles.filter((r) => (WORKERS as readonly string[]).includes(r));

/** A query problem names the parameter; nothing is read or changed. */
const badQuery = (name: string, message: string) => unprocessable('invalid-query', `Query parameter "${name}" ${message}`, [{ path: name, message }]);

function readFilter(query: (name: string) => string | undefined, principal: Principal): InboxFilter {
  const view = (query('view') ?? 'unclaimed') as InboxView;
  if (!VIEWS.includes(view)) throw badQuery('view', `must be one of ${VIEWS.join(', ')}; got "${view}"`);
  const decimal = (name: string) => {
    const v = query(name);
    if (v !== undefined && !DECIMAL.test(v)) throw badQuery(name, `must be an amount such as 1500 or 1500.50; got "${v}"`);
    return v;
  };
  const time = (name: string) => {
    const v = query(name);
    if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v))))
      throw badQuery(name, `must be an ISO 8601 date or time such as 2026-12-01 or 2026-12-01T12:00:00Z; got "${v}"`);
    return v;
  };
  const limitText = query('limit') ?? '50';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badQuery('limit', `must be an integer from 1 to 200; got "${limitText}"`);
  const amountMin = decimal('amountMin');
  const amountMax = decimal('amountMax');
  if (amountMin !== undefined && amountMax !== undefined && Number(amountMin) > Number(amountMax))
    throw badQuery('amountMax', `must not be below amountMin (${amountMin})`);
  const assignee = query('assignee');
  if (assignee !== undefined && view !== 'team') throw badQuery('assignee', 'is only for view=team');
  return {
    view,
    userId: principal.userId,
    roles: workerRoles(principal),
    queue: query('queue'),
    assignee,
    exceptionKind: query('exceptionKind'),
    supplier: query('supplier'),
    businessUnit: query('businessUnit'),
    amountMin,
    amountMax,
    dueAfter: time('dueAfter'),
    dueBefore: time('dueBefore'),
    after: readCursor(query('cursor')),
    limit,
  };
}

const encodeCursor = (c: InboxCursor) => Buffer.from(JSON.stringify([c.rankAt, c.id])).toString('base64url');

function readCursor(value: string | undefined): InboxCursor | undefined {
  if (value === undefined) return undefined;
  try {
    const [rankAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof rankAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(rankAt))) return { rankAt, id };
  } catch {
    // falls through to the problem below
  }
  throw badQuery('cursor', 'is not a cursor this API returned; pass nextCursor of the previous page as it is');
}

const reasonSchema = { type: 'string', minLength: 1, maxLength: 1000 };

export const inboxRoutes = defineRoutes([
  {
    method: 'get',
    path: '/inbox',
    summary:
      "The task inbox: your tasks, the unclaimed tasks you may take, or (leads) the team's; filtered, sorted by priority (effective due time), one page at a time",
    tag: 'inbox',
    roles: STAFF,
    query: {
      view: { type: 'string', description: 'mine, unclaimed (default) or team (leads only)' },
      queue: { type: 'string', description: 'Only this queue' },
      assignee: { type: 'string', description: 'view=team only: tasks held by this user id' },
      exceptionKind: { type: 'string', description: 'e.g. priceVariance, quantityVariance, missingGoodsReceipt, missingPo' },
      supplier: { type: 'string', description: 'Supplier id (or name when the invoice had no id)' },
      businessUnit: { type: 'string', description: 'Business unit of the invoice (or of its PO)' },
      amountMin: { type: 'string', description: 'Invoice gross total at least this (decimal)' },
      amountMax: { type: 'string', description: 'Invoice gross total at most this (decimal)' },
      dueAfter: { type: 'string', description: 'Due at or after this time (ISO 8601)' },
      dueBefore: { type: 'string', description: 'Due at or before this time (ISO 8601)' },
      cursor: { type: 'string', description: 'nextCursor of the previous page' },
      limit: { type: 'integer', minimum: 1, maximum: 200, description: '1 to 200, default 50' },
    },
    responseSchemas: { '200': inboxPageSchema },
    responses: { '200': '{ items, nextCursor }', '403': 'view=team and you are not a lead', '422': 'A bad query parameter (named in errors[].path)' },
    async handler(req, res, { db, principal }) {
      const filter = readFilter((name) => queryString(req, name), principal);
      if (filter.view === 'team') await requireLead(db, principal, 'The team view');
      const items = await createInboxRepository(db).list(principal.tenantId, filter);
      const last = items.at(-1);
      res.json({ items, nextCursor: items.length === filter.limit && last ? encodeCursor({ rankAt: last.rankAt, id: last.id }) : null } satisfies InboxPage);
    },
  },
  {
    method: 'get',
    path: '/inbox/summary',
    summary: 'Counts per view and per queue (open, unclaimed, yours, overdue) and the values the inbox filters can take',
    tag: 'inbox',
    roles: STAFF,
    responses: { '200': '{ lead, views, queues, facets }' },
    responseSchemas: { '200': inboxSummarySchema },
    async handler(_req, res, { db, principal }) {
      const lead = await isLead(db, principal);
      res.json({
        lead,
        ...(await createInboxRepository(db).summary(principal.tenantId, principal.userId, workerRoles(principal), lead)),
      } satisfies InboxSummary);
    },
  },
  {
    method: 'get',
    path: '/inbox/mentions',
    summary: 'The latest comments that mention you, newest first',
    tag: 'inbox',
    roles: STAFF,
    responses: { '200': 'Comments' },
    responseSchemas: { '200': commentListSchema },
    async handler(_req, res, { db, principal }) {
      res.json(await createCommentRepository(db).mentioning(principal.tenantId, principal.userId, 20));
    },
  },
  {
    method: 'get',
    path: '/team',
    summary: 'The people of your tenant (to reassign to, to mention), with their roles and lead flag',
    tag: 'inbox',
    roles: STAFF,
    responses: { '200': 'Users' },
    responseSchemas: { '200': teamListSchema },
    async handler(_req, res, { db, principal }) {
      res.json((await createInboxRepository(db).team(principal.tenantId)) satisfies TeamMember[]);
    },
  },
  {
    method: 'put',
    path: '/team/:userId/lead',
    summary: 'Mark a user as a lead (sees the team view, reassigns and re-prioritises in bulk) or not',
    tag: 'inbox',
    roles: ['tenant_admin'],
    body: { type: 'object', required: ['lead'], additionalProperties: false, properties: { lead: { type: 'boolean' } } },
    responses: { '200': 'The user', '404': 'Unknown user' },
    async handler(req, res, { db, principal }) {
      const userId = param(req, 'userId');
      const repo = createInboxRepository(db);
      const { lead } = req.body as { lead: boolean };
      await db.transaction(async (trx) => {
        if (!(await createInboxRepository(trx).setLead(principal.tenantId, userId, lead))) throw notFound('user', userId);
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: null,
          actor: principal.userId,
          action: lead ? 'user.lead.granted' : 'user.lead.revoked',
          entity: 'user',
          entityId: userId,
          data: { lead },
        });
      });
      res.json(await repo.member(principal.tenantId, userId));
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/reassign',
    summary: 'Give an open task to another person of its queue (its holder, or a lead, may)',
    tag: 'tasks',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['assignee'],
      additionalProperties: false,
      properties: { assignee: { type: 'string', minLength: 1, maxLength: 200 }, reason: reasonSchema },
    },
    responses: {
      '200': 'The task',
      '403': 'Neither its holder nor a lead',
      '404': 'Unknown task',
      '409': 'Closed, or taken meanwhile',
      '422': 'The assignee cannot work this task',
    },
    async handler(req, res, ctx) {
      const { assignee, reason } = req.body as { assignee: string; reason?: string };
      res.json(await createTaskWork(ctx).reassign(ctx.principal, param(req, 'id'), assignee, reason));
    },
  },
  {
    method: 'post',
    path: '/inbox/bulk/reassign',
    summary: 'Leads: give selected open tasks to one person; all or nothing',
    tag: 'inbox',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['taskIds', 'assignee'],
      additionalProperties: false,
      properties: {
        taskIds: { type: 'array', minItems: 1, maxItems: MAX_BULK, items: { type: 'string', minLength: 1, maxLength: 100 } },
        assignee: { type: 'string', minLength: 1, maxLength: 200 },
        reason: reasonSchema,
      },
    },
    responses: {
      '200': '{ changed }',
      '403': 'Not a lead',
      '409': 'A task closed meanwhile (nothing changed)',
      '422': 'A task or the assignee is not valid (named in errors[].path; nothing changed)',
    },
    async handler(req, res, ctx) {
      const { taskIds, assignee, reason } = req.body as { taskIds: string[]; assignee: string; reason?: string };
      res.json(await createTaskWork(ctx).bulkReassign(ctx.principal, taskIds, assignee, reason));
    },
  },
  {
    method: 'post',
    path: '/inbox/bulk/priority',
    summary: 'Leads: set the priority (1 highest … 5) of selected open tasks; their rank follows; all or nothing',
    tag: 'inbox',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['taskIds', 'priority'],
      additionalProperties: false,
      properties: {
        taskIds: { type: 'array', minItems: 1, maxItems: MAX_BULK, items: { type: 'string', minLength: 1, maxLength: 100 } },
        priority: { type: 'integer', format: 'int32', minimum: 1, maximum: 5 },
        reason: reasonSchema,
      },
    },
    responses: {
      '200': '{ changed }',
      '403': 'Not a lead',
      '409': 'A task closed meanwhile (nothing changed)',
      '422': 'A task is not valid (named in errors[].path; nothing changed)',
    },
    async handler(req, res, ctx) {
      const { taskIds, priority, reason } = req.body as { taskIds: string[]; priority: number; reason?: string };
      res.json(await createTaskWork(ctx).bulkReprioritise(ctx.principal, taskIds, priority, reason));
    },
  },
]);
