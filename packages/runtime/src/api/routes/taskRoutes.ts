import { taskAwaitingSecondApprovalSchema, taskCompletedSchema, taskListSchema, taskViewSchema, type TaskView } from '@exflow/shared';
import { STAFF, WORKERS } from '../../auth/roles.js';
import { unprocessable } from '../../errors.js';
import { createTaskRepository } from '../../store/taskRepository.js';
import { createTaskWork, loadTask } from '../../tasks/taskWork.js';
import { param, queryInt, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

export const taskRoutes = defineRoutes([
  {
    method: 'get',
    path: '/tasks',
    summary: 'List tasks by queue or assignee (assignee=me for your own), highest priority and earliest due first',
    tag: 'tasks',
    roles: STAFF,
    query: {
      queue: { type: 'string', description: 'Queue name' },
      assignee: { type: 'string', description: 'User id, or "me"' },
      unassigned: { type: 'boolean', description: 'true: only unclaimed tasks' },
      status: { type: 'string', description: 'open (default), completed or cancelled' },
      caseId: { type: 'string', description: 'Only tasks of this case' },
      limit: { type: 'integer', minimum: 1, maximum: 500, description: '1 to 500, default 100' },
    },
    responses: { '200': 'Tasks' },
    responseSchemas: { '200': taskListSchema },
    async handler(req, res, { db, principal }) {
      const assignee = queryString(req, 'assignee');
      const status = queryString(req, 'status');
      if (status && !['open', 'completed', 'cancelled'].includes(status)) {
        throw unprocessable('invalid-filter', `status "${status}" is not one of open, completed, cancelled`, [{ path: 'status', message: 'unknown status' }]);
      }
      res.json(
        (await createTaskRepository(db).list(principal.tenantId, {
          queue: queryString(req, 'queue'),
          assignee: assignee === 'me' ? principal.userId : assignee,
          unassigned: queryString(req, 'unassigned') === 'true' ? true : undefined,
          status,
          caseId: queryString(req, 'caseId'),
          limit: queryInt(req, 'limit', { min: 1, max: 500, fallback: 100 }),
        })) satisfies TaskView[],
      );
    },
  },
  {
    method: 'get',
    path: '/tasks/:id',
    summary: 'Get a task with its form and outcomes',
    tag: 'tasks',
    roles: STAFF,
    responses: { '200': 'Task', '404': 'Unknown task' },
    responseSchemas: { '200': taskViewSchema },
    async handler(req, res, { db, principal }) {
      res.json((await loadTask(db, principal, param(req, 'id'))) satisfies TaskView);
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/claim',
    summary: 'Claim an open task for yourself',
    tag: 'tasks',
    roles: WORKERS,
    responses: { '200': 'Claimed', '403': 'Not a candidate', '404': 'Unknown task', '409': 'Closed or held by someone else' },
    responseSchemas: { '200': taskViewSchema },
    async handler(req, res, ctx) {
      res.json(await createTaskWork(ctx).claim(ctx.principal, param(req, 'id')));
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/release',
    summary: 'Give a claimed task back to its queue',
    tag: 'tasks',
    roles: WORKERS,
    responses: { '200': 'Released', '404': 'Unknown task', '409': 'Not claimed by you' },
    responseSchemas: { '200': taskViewSchema },
    async handler(req, res, ctx) {
      res.json(await createTaskWork(ctx).release(ctx.principal, param(req, 'id')));
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/complete',
    summary: 'Complete a task with an outcome and form data; the case moves on in the same transaction',
    tag: 'tasks',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['outcome'],
      additionalProperties: false,
      properties: { outcome: { type: 'string', minLength: 1, maxLength: 1000 }, data: { type: 'object' } },
    },
    responses: {
      '200': 'Completed: { task, case }',
      '202': 'A first approval above the four-eyes threshold: { task, awaitingSecondApproval }',
      '403': 'Not a candidate, or refused by segregation of duties (code sod.*)',
      '404': 'Unknown task',
      '409': 'Closed or held by someone else',
      '422': 'Unknown outcome or invalid form data',
    },
    responseSchemas: { '200': taskCompletedSchema, '202': taskAwaitingSecondApprovalSchema },
    async handler(req, res, ctx) {
      const { outcome, data = {} } = req.body as { outcome: string; data?: Record<string, unknown> };
      const result = await createTaskWork(ctx).complete(ctx.principal, param(req, 'id'), outcome, data);
      res.status(result.status).json(result.body);
    },
  },
]);
