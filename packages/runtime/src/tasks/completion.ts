import { createAjv, describeAjvError, type CaseEvent } from '@exflow/shared';
import { delegatedAuthority } from '../auth/delegatedRoles.js';
import type { Principal } from '../auth/roles.js';
import type { Decision } from '../engine/engine.js';
import { conflict, notFound, unprocessable, type ProblemCode } from '../errors.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { CaseRecord } from '../store/caseRepository.js';
import type { Db } from '../store/db.js';
import { createTaskRepository, type TaskRecord } from '../store/taskRepository.js';
import { recordHumanDecision } from './aiDecision.js';
import { gateApproval } from './approvalGate.js';
import { assertCandidate } from './taskRules.js';

/** What deciding a completion came to; a refusal is committed (audited) before it is answered. */
export type CompletionDecision =
  | { kind: 'completed'; task: TaskRecord }
  | { kind: 'first-approval'; task: TaskRecord }
  | { kind: 'refused'; code: Extract<ProblemCode, `sod.${string}`>; reason: string };

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

/**
 * Decides a task completion inside the transition's transaction (`engine.decide`), on the case
 * row and the task row locked (`task`, locked with the case; `undefined` when there is none):
 * the caller must be a candidate (own or delegated roles) and the
 * task open and not held by another; the outcome one of the task's, the data its form's; an
 * approval passes segregation of duties on the approvals as they stand now (a correction that
 * withdrew them committed before, or waits until this commits). Returns the event to apply (a
 * completion) or none (a refusal, a first of two approvals); throws a problem that changes nothing.
 */
export async function decideCompletion(
  trx: Db,
  principal: Principal,
  record: CaseRecord,
  task: TaskRecord | undefined,
  taskId: string,
  outcome: string,
  data: Record<string, unknown>,
): Promise<Decision<CompletionDecision>> {
  const tasks = createTaskRepository(trx);
  if (!task || task.caseId !== record.id) throw notFound('task', taskId);
  const authority = await delegatedAuthority(trx, principal);
  assertCandidate(task, principal, authority.roles);
  if (!task.outcomes.some((o) => o.id === outcome)) {
    throw unprocessable('unknown-outcome', `/outcome "${outcome}" is not one of ${task.outcomes.map((o) => o.id).join(', ')}`, [
      { path: '/outcome', message: 'unknown outcome' },
    ]);
  }
  if (task.form) {
    const check = formValidator(task.form);
    if (!check(data)) {
      const errors = (check.errors ?? []).map((e) => describeAjvError(e, '/data'));
      throw unprocessable('invalid-form', `The form is not complete: ${errors.map((e) => e.message).join('; ')}`, errors);
    }
  }
  if (task.status !== 'open') throw conflict('task-unavailable', `Task is ${task.status}`);
  if (task.assignee && task.assignee !== principal.userId) throw conflict('task-unavailable', `Task is claimed by ${task.assignee}`);

  const audit = createAuditRepository(trx);
  const gate = await gateApproval(trx, principal, authority, record, task, outcome);
  const approval = gate && { by: principal.userId, onBehalfOf: [...gate.attempt.actsAs, ...gate.attempt.onBehalfOf], at: new Date().toISOString() };
  if (gate?.decision.kind === 'refuse') {
    await audit.record(principal.tenantId, {
      caseId: task.caseId,
      actor: principal.userId,
      action: 'sod.refused',
      entity: 'task',
      entityId: task.id,
      data: { code: gate.decision.code, reason: gate.decision.reason, outcome, amount: gate.attempt.amount },
    });
    return { result: { kind: 'refused', code: gate.decision.code, reason: gate.decision.reason } };
  }
  if (gate?.decision.kind === 'first-approval') {
    if (!(await tasks.addApproval(principal.tenantId, task.id, approval!, task.approvals.length))) {
      throw conflict('task-unavailable', 'The task changed meanwhile (completed, or approved by someone else); reload it');
    }
    await audit.record(principal.tenantId, {
      caseId: task.caseId,
      actor: principal.userId,
      action: 'approval.first',
      entity: 'task',
      entityId: task.id,
      data: { outcome, amount: gate.attempt.amount, onBehalfOf: approval!.onBehalfOf },
    });
    return { result: { kind: 'first-approval', task: (await tasks.get(principal.tenantId, task.id))! } };
  }
  const completed = await tasks.complete(principal.tenantId, task.id, principal.userId, outcome, data);
  if (!completed) throw conflict('task-unavailable', 'The task was completed, cancelled or claimed by someone else meanwhile');
  if (completed.suggestion) {
    const decision = { caseId: task.caseId, stepId: task.nodeId, taskId: task.id, outcome, user: principal.userId };
    await recordHumanDecision(trx, principal.tenantId, decision, completed.suggestion);
  }
  const approvedBy = gate ? [...task.approvals, approval!] : undefined;
  const event = { type: 'task.completed', nodeId: task.nodeId, taskId: task.id, outcome, data, ...(approvedBy ? { approvedBy } : {}) } as CaseEvent;
  return { event, result: { kind: 'completed', task: completed.task } };
}
