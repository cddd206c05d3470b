import type { Principal } from '../../auth/roles.js';
import { READERS, STAFF, WORKERS } from '../../auth/roles.js';
import { conflict, forbidden, notFound, unprocessable, type ProblemDetail } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createCommentRepository } from '../../store/commentRepository.js';
import type { Db } from '../../store/db.js';
import { createInboxRepository, type TaskRef, type InboxCursor, type InboxFilter, type InboxView, type TeamMember } from '../../store/inboxRepository.js';
import { param, queryString } from '../params.js';
import type { HandlerContext } from '../route.js';
import { defineRoutes } from '../route.js';

const VIEWS: InboxView[] = ['mine', 'unclaimed', 'team'];
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const MAX_BULK = 200;

/** Leads see and act on the whole team's tasks: tenant admins, and users flagged `lead`. */
async function isLead(db: Db, principal: Principal): Promise<boolean> {
  if (principal.roles.includes('tenant_admin')) return true;
  return (await createInboxRepository(db).member(principal.tenantId, principal.userId))?.lead ?? false;
}

async function requireLead(db: Db, principal: Principal, what: string): Promise<void> {
  if (!(await isLead(db, principal))) {
    throw forbidden(`${what} is for leads (tenant admins, or users a tenant admin marked as lead with PUT /team/:userId/lead)`);
  }
}

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
    if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v)))) throw badQuery(name, `must be an ISO 8601 date or time such as 2026-12-01 or 2026-12-01T12:00:00Z; got "${v}"`);
    return v;
  };
  const limitText = query('limit') ?? '50';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badQuery('limit', `must be an integer from 1 to 200; got "${limitText}"`);
  const amountMin = decimal('amountMin');
  const amountMax = decimal('amountMax');
  if (amountMin !== undefined && amountMax !== undefined && Number(amountMin) > Number(amountMax)) throw badQuery('amountMax', `must not be below amountMin (${amountMin})`);
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

/** Someone may take a task when they hold a worker role its candidate roles allow. */
function canWork(member: Pick<TeamMember, 'roles'>, candidateRoles: readonly string[]): boolean {
  const worker = member.roles.filter((r) => (WORKERS as readonly string[]).includes(r));
  return candidateRoles.length ? worker.some((r) => candidateRoles.includes(r)) : worker.length > 0;
}

async function loadAssignee(db: Db, principal: Principal, assignee: string): Promise<TeamMember> {
  const member = await createInboxRepository(db).member(principal.tenantId, assignee);
  if (!member) throw unprocessable('unknown-assignee', `/assignee "${assignee}" is not a user of this tenant`, [{ path: '/assignee', message: 'unknown user' }]);
  return member;
}

const reasonSchema = { type: 'string', minLength: 1, maxLength: 1000 };

/** Reassigns or re-ranks tasks after checking every one; changes all of them or none. */
async function bulk(
  ctx: HandlerContext,
  taskIds: string[],
  check: (task: { id: string; candidateRoles: string[]; status: string }, index: number) => ProblemDetail | undefined,
  write: (trx: Db, ids: string[]) => Promise<string[]>,
  audit: (task: TaskRef) => { action: string; data: Record<string, unknown> },
) {
  const { db, principal } = ctx;
  const unique = [...new Set(taskIds)];
  if (unique.length !== taskIds.length) {
    const index = taskIds.findIndex((id, i) => taskIds.indexOf(id) !== i);
    throw unprocessable('invalid-body', `/taskIds/${index} repeats task ${taskIds[index]}`, [{ path: `/taskIds/${index}`, message: 'listed twice' }]);
  }
  const found = new Map((await createInboxRepository(db).byIds(principal.tenantId, taskIds)).map((t) => [t.id, t]));
  const problems: ProblemDetail[] = [];
  taskIds.forEach((id, index) => {
    const task = found.get(id);
    if (!task) problems.push({ path: `/taskIds/${index}`, message: `no task ${id}` });
    else if (task.status !== 'open') problems.push({ path: `/taskIds/${index}`, message: `task ${id} is ${task.status}` });
    else {
      const problem = check(task, index);
      if (problem) problems.push(problem);
    }
  });
  if (problems.length) {
    throw unprocessable('invalid-selection', `Nothing was changed: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  await db.transaction(async (trx) => {
    const changed = await write(trx, taskIds);
    if (changed.length !== taskIds.length) throw conflict('selection-changed', 'A selected task was completed or cancelled meanwhile; nothing was changed, reload and try again');
    const auditRepo = createAuditRepository(trx);
    for (const id of taskIds) {
      const task = found.get(id)!;
      const entry = audit(task);
      await auditRepo.record(principal.tenantId, { caseId: task.caseId, actor: principal.userId, action: entry.action, entity: 'task', entityId: id, data: entry.data });
    }
  });
}

export const inboxRoutes = defineRoutes([
  {
    method: 'get',
    path: '/inbox',
    summary: 'The task inbox: your tasks, the unclaimed tasks you may take, or (leads) the team\'s; filtered, sorted by priority (effective due time), one page at a time',
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
    responses: { '200': '{ items, nextCursor }', '403': 'view=team and you are not a lead', '422': 'A bad query parameter (named in errors[].path)' },
    async handler(req, res, { db, principal }) {
      const filter = readFilter((name) => queryString(req, name), principal);
      if (filter.view === 'team') await requireLead(db, principal, 'The team view');
      const items = await createInboxRepository(db).list(principal.tenantId, filter);
      const last = items.at(-1);
      res.json({ items, nextCursor: items.length === filter.limit && last ? encodeCursor({ rankAt: last.rankAt, id: last.id }) : null });
    },
  },
  {
    method: 'get',
    path: '/inbox/summary',
    summary: 'Counts per view and per queue (open, unclaimed, yours, overdue) and the values the inbox filters can take',
    tag: 'inbox',
    roles: STAFF,
    responses: { '200': '{ lead, views, queues, facets }' },
    async handler(_req, res, { db, principal }) {
      const lead = await isLead(db, principal);
      res.json({ lead, ...(await createInboxRepository(db).summary(principal.tenantId, principal.userId, workerRoles(principal), lead)) });
    },
  },
  {
    method: 'get',
    path: '/inbox/mentions',
    summary: 'The latest comments that mention you, newest first',
    tag: 'inbox',
    roles: STAFF,
    responses: { '200': 'Comments' },
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
    async handler(_req, res, { db, principal }) {
      res.json(await createInboxRepository(db).team(principal.tenantId));
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
        await createAuditRepository(trx).record(principal.tenantId, { caseId: null, actor: principal.userId, action: lead ? 'user.lead.granted' : 'user.lead.revoked', entity: 'user', entityId: userId, data: { lead } });
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
    responses: { '200': 'The task', '403': 'Neither its holder nor a lead', '404': 'Unknown task', '409': 'Closed, or taken meanwhile', '422': 'The assignee cannot work this task' },
    async handler(req, res, ctx) {
      const { db, principal, realtime } = ctx;
      const id = param(req, 'id');
      const { assignee, reason } = req.body as { assignee: string; reason?: string };
      const repo = createInboxRepository(db);
      const [task] = await repo.byIds(principal.tenantId, [id]);
      if (!task) throw notFound('task', id);
      if (task.status !== 'open') throw conflict('task-unavailable', `Task is ${task.status}`);
      const lead = await isLead(db, principal);
      if (!lead && task.assignee !== principal.userId) {
        throw forbidden(task.assignee ? `Only ${task.assignee}, who holds the task, or a lead can reassign it` : 'Claim the task first, or ask a lead to assign it');
      }
      const member = await loadAssignee(db, principal, assignee);
      if (!canWork(member, task.candidateRoles)) {
        throw unprocessable('assignee-not-candidate', `/assignee ${member.name} cannot work "${task.title}": it is for ${task.candidateRoles.join(' or ') || 'workers'}; ${member.name} is ${member.roles.join(', ') || 'without a role'}`, [{ path: '/assignee', message: 'not a candidate for this task' }]);
      }
      await db.transaction(async (trx) => {
        // the holder hands over only what they still hold; a lead overrides whoever holds it
        const q = trx('tasks').where({ tenant_id: principal.tenantId, id, status: 'open' });
        if (!lead) q.andWhere('assignee', principal.userId);
        const n = await q.update({ assignee, claimed_at: trx.fn.now() });
        if (n !== 1) throw conflict('task-unavailable', 'The task was completed, cancelled or taken meanwhile');
        await createAuditRepository(trx).record(principal.tenantId, { caseId: task.caseId, actor: principal.userId, action: 'task.reassigned', entity: 'task', entityId: id, data: { from: task.assignee, to: assignee, queue: task.queue, ...(reason ? { reason } : {}) } });
      });
      const updated = (await repo.get(principal.tenantId, id))!;
      realtime.taskChanged(principal.tenantId, { ...updated, status: 'open' }, 'reassigned');
      res.json(updated);
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
    responses: { '200': '{ changed }', '403': 'Not a lead', '409': 'A task closed meanwhile (nothing changed)', '422': 'A task or the assignee is not valid (named in errors[].path; nothing changed)' },
    async handler(req, res, ctx) {
      const { db, principal, realtime } = ctx;
      await requireLead(db, principal, 'Bulk reassignment');
      const { taskIds, assignee, reason } = req.body as { taskIds: string[]; assignee: string; reason?: string };
      const member = await loadAssignee(db, principal, assignee);
      await bulk(
        ctx,
        taskIds,
        (task, index) => (canWork(member, task.candidateRoles) ? undefined : { path: `/taskIds/${index}`, message: `${member.name} cannot work task ${task.id} (for ${task.candidateRoles.join(' or ')})` }),
        (trx, ids) => createInboxRepository(trx).assign(principal.tenantId, ids, assignee),
        (task) => ({ action: 'task.reassigned', data: { from: task.assignee, to: assignee, queue: task.queue, bulk: true, ...(reason ? { reason } : {}) } }),
      );
      const repo = createInboxRepository(db);
      for (const id of taskIds) {
        const t = await repo.get(principal.tenantId, id);
        if (t) realtime.taskChanged(principal.tenantId, { ...t, status: 'open' }, 'reassigned');
      }
      res.json({ changed: taskIds.length });
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
    responses: { '200': '{ changed }', '403': 'Not a lead', '409': 'A task closed meanwhile (nothing changed)', '422': 'A task is not valid (named in errors[].path; nothing changed)' },
    async handler(req, res, ctx) {
      const { db, principal, realtime } = ctx;
      await requireLead(db, principal, 'Bulk re-prioritisation');
      const { taskIds, priority, reason } = req.body as { taskIds: string[]; priority: number; reason?: string };
      await bulk(
        ctx,
        taskIds,
        () => undefined,
        (trx, ids) => createInboxRepository(trx).setPriority(principal.tenantId, ids, priority),
        (task) => ({ action: 'task.reprioritised', data: { from: task.priority, to: priority, ...(reason ? { reason } : {}) } }),
      );
      const repo = createInboxRepository(db);
      for (const id of taskIds) {
        const t = await repo.get(principal.tenantId, id);
        if (t) realtime.taskChanged(principal.tenantId, { ...t, status: 'open' }, 'reprioritised');
      }
      res.json({ changed: taskIds.length });
    },
  },
]);
