import { createAjv, describeAjvError } from '@exflow/shared';
import type { Principal } from '../../auth/roles.js';
import { READERS, STAFF, WORKERS } from '../../auth/roles.js';
import { gateApproval } from '../../engine/approvalGate.js';
import { delegatedAuthority } from '../../auth/delegatedRoles.js';
import { conflict, forbidden, notFound, ProblemError, unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createTaskRepository, type TaskRecord } from '../../store/taskRepository.js';
import type { Db } from '../../store/db.js';
import { param, queryInt, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

// Forms come from users' definitions: lenient about unknown keywords, compiled once per schema.
const formAjv = createAjv({ strict: false });
const formValidators = new Map<string, ReturnType<typeof formAjv.compile>>();
function formValidator(form: Record<string, unknown>) {
  const key = JSON.stringify(form);
  let check = formValidators.get(key);
  if (!check) {
    if (formValidators.size > 1000) formValidators.clear();
    check = formAjv.compile(form);
    formValidators.set(key, check);
  }
  return check;
}

async function loadTask(db: Db, principal: Principal, id: string): Promise<TaskRecord> {
  const task = await createTaskRepository(db).get(principal.tenantId, id);
  if (!task) throw notFound('task', id);
  return task;
}

function assertCandidate(task: TaskRecord, principal: Principal, roles: readonly string[] = principal.roles) {
  if (task.candidateRoles.length && !task.candidateRoles.some((r) => roles.includes(r))) {
    throw forbidden(`Task "${task.title}" is for ${task.candidateRoles.join(' or ')}; you are ${roles.join(', ') || 'without a role'}`);
  }
}

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
    async handler(req, res, { db, principal }) {
      const assignee = queryString(req, 'assignee');
      const status = queryString(req, 'status');
      if (status && !['open', 'completed', 'cancelled'].includes(status)) {
        throw unprocessable('invalid-filter', `status "${status}" is not one of open, completed, cancelled`, [{ path: 'status', message: 'unknown status' }]);
      }
      res.json(
        await createTaskRepository(db).list(principal.tenantId, {
          queue: queryString(req, 'queue'),
          assignee: assignee === 'me' ? principal.userId : assignee,
          unassigned: queryString(req, 'unassigned') === 'true' ? true : undefined,
          status,
          caseId: queryString(req, 'caseId'),
          limit: queryInt(req, 'limit', { min: 1, max: 500, fallback: 100 }),
        }),
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
    async handler(req, res, { db, principal }) {
      res.json(await loadTask(db, principal, param(req, 'id')));
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/claim',
    summary: 'Claim an open task for yourself',
    tag: 'tasks',
    roles: WORKERS,
    responses: { '200': 'Claimed', '403': 'Not a candidate', '404': 'Unknown task', '409': 'Closed or held by someone else' },
    async handler(req, res, { db, principal, realtime }) {
      const task = await loadTask(db, principal, param(req, 'id'));
      assertCandidate(task, principal);
      if (!(await createTaskRepository(db).claim(principal.tenantId, task.id, principal.userId))) {
        throw conflict('task-unavailable', task.status !== 'open' ? `Task is ${task.status}` : `Task is already claimed by ${task.assignee}`);
      }
      const claimed = await loadTask(db, principal, task.id);
      realtime.taskChanged(principal.tenantId, claimed, 'claimed');
      res.json(claimed);
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/release',
    summary: 'Give a claimed task back to its queue',
    tag: 'tasks',
    roles: WORKERS,
    responses: { '200': 'Released', '404': 'Unknown task', '409': 'Not claimed by you' },
    async handler(req, res, { db, principal, realtime }) {
      const task = await loadTask(db, principal, param(req, 'id'));
      if (!(await createTaskRepository(db).release(principal.tenantId, task.id, principal.userId))) {
        throw conflict('task-not-yours', 'Only the person who claimed an open task can release it');
      }
      const released = await loadTask(db, principal, task.id);
      realtime.taskChanged(principal.tenantId, released, 'released');
      res.json(released);
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
    responses: { '200': 'Completed', '403': 'Not a candidate', '404': 'Unknown task', '409': 'Closed or held by someone else', '422': 'Unknown outcome or invalid form data' },
    async handler(req, res, { db, engine, principal, realtime }) {
      const task = await loadTask(db, principal, param(req, 'id'));
      assertCandidate(task, principal, (await delegatedAuthority(db, principal)).roles);
      const { outcome, data = {} } = req.body as { outcome: string; data?: Record<string, unknown> };
      if (!task.outcomes.some((o) => o.id === outcome)) {
        throw unprocessable('unknown-outcome', `/outcome "${outcome}" is not one of ${task.outcomes.map((o) => o.id).join(', ')}`, [{ path: '/outcome', message: 'unknown outcome' }]);
      }
      if (task.form) {
        const check = formValidator(task.form);
        if (!check(data)) {
          const errors = (check.errors ?? []).map((e) => describeAjvError(e, '/data'));
          throw unprocessable('invalid-form', `The form is not complete: ${errors.map((e) => e.message).join('; ')}`, errors);
        }
      }
      const gate = await gateApproval(db, principal, task, outcome);
      const approval = gate && { by: principal.userId, onBehalfOf: [...gate.attempt.actsAs, ...gate.attempt.onBehalfOf], at: new Date().toISOString() };
      if (gate?.decision.kind === 'refuse') {
        await createAuditRepository(db).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'sod.refused',
          entity: 'task',
          entityId: task.id,
          data: { code: gate.decision.code, reason: gate.decision.reason, outcome, amount: gate.attempt.amount },
        });
        throw new ProblemError(403, gate.decision.code, 'Forbidden', gate.decision.reason);
      }
      if (gate?.decision.kind === 'first-approval') {
        if (!(await createTaskRepository(db).addApproval(principal.tenantId, task.id, approval!, task.approvals.length))) {
          throw conflict('task-unavailable', 'The task changed meanwhile (completed, or approved by someone else); reload it');
        }
        await createAuditRepository(db).record(principal.tenantId, { caseId: task.caseId, actor: principal.userId, action: 'approval.first', entity: 'task', entityId: task.id, data: { outcome, amount: gate.attempt.amount, onBehalfOf: approval!.onBehalfOf } });
        const waiting = await loadTask(db, principal, task.id);
        realtime.taskChanged(principal.tenantId, waiting, 'released');
        res.status(202).json({ task: waiting, awaitingSecondApproval: true });
        return;
      }
      const approvedBy = gate ? [...task.approvals, approval!] : undefined;
      const change = await engine.send(principal.tenantId, task.caseId, { type: 'task.completed', nodeId: task.nodeId, taskId: task.id, outcome, data, ...(approvedBy ? { approvedBy } : {}) }, principal.userId, {
        within: async (trx) => {
          if (!(await createTaskRepository(trx).complete(principal.tenantId, task.id, principal.userId, outcome, data))) {
            throw conflict('task-unavailable', 'The task was completed, cancelled or claimed by someone else meanwhile');
          }
        },
      });
      const completed = await loadTask(db, principal, task.id);
      realtime.taskChanged(principal.tenantId, completed, 'completed');
      res.json({ task: completed, case: { id: change.caseId, version: change.version, status: change.status, activeNodes: change.activeNodes } });
    },
  },
]);
