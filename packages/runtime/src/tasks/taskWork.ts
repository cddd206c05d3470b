import { createAjv, describeAjvError, type Invoice } from '@exflow/shared';
import { delegatedAuthority } from '../auth/delegatedRoles.js';
import { WORKERS, type Principal } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { gateApproval } from '../engine/approvalGate.js';
import { recordHumanDecision } from './aiDecision.js';
import { conflict, forbidden, notFound, ProblemError, unprocessable, type ProblemDetail } from '../errors.js';
import { stableHash } from '../ingest/stableHash.js';
import type { Realtime } from '../realtime/realtime.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { createInboxRepository, type TaskRef, type TeamMember } from '../store/inboxRepository.js';
import { createInvoiceRepository, type StoredInvoice } from '../store/invoiceRepository.js';
import { createTaskRepository, type TaskRecord } from '../store/taskRepository.js';

/** What working on tasks needs: the database, the engine a completion moves, and who to tell. */
export interface TaskWorkDeps {
  db: Db;
  engine: Engine;
  realtime: Pick<Realtime, 'taskChanged'>;
}

/** A completion's answer: 200 when the case moved on, 202 when a first approval waits for a second. */
export type CompletionResult =
  | { status: 200; body: { task: TaskRecord; case: { id: string; version: number; status: string; activeNodes: string[] } } }
  | { status: 202; body: { task: TaskRecord; awaitingSecondApproval: true } };

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

export async function loadTask(db: Db, principal: Principal, id: string): Promise<TaskRecord> {
  const task = await createTaskRepository(db).get(principal.tenantId, id);
  if (!task) throw notFound('task', id);
  return task;
}

function assertCandidate(task: TaskRecord, principal: Principal, roles: readonly string[] = principal.roles) {
  if (task.candidateRoles.length && !task.candidateRoles.some((r) => roles.includes(r))) {
    throw forbidden(`Task "${task.title}" is for ${task.candidateRoles.join(' or ')}; you are ${roles.join(', ') || 'without a role'}`);
  }
}

/** Leads see and act on the whole team's tasks: tenant admins, and users flagged `lead`. */
export async function isLead(db: Db, principal: Principal): Promise<boolean> {
  if (principal.roles.includes('tenant_admin')) return true;
  return (await createInboxRepository(db).member(principal.tenantId, principal.userId))?.lead ?? false;
}

export async function requireLead(db: Db, principal: Principal, what: string): Promise<void> {
  if (!(await isLead(db, principal))) {
    throw forbidden(`${what} is for leads (tenant admins, or users a tenant admin marked as lead with PUT /team/:userId/lead)`);
  }
}

/** Someone may take a task when they hold a worker role its candidate roles allow. */
function canWork(member: Pick<TeamMember, 'roles'>, candidateRoles: readonly string[]): boolean {
  const worker = member.roles.filter((r) => (WORKERS as readonly string[]).includes(r));
  return candidateRoles.length ? worker.some((r) => candidateRoles.includes(r)) : worker.length > 0;
}

async function loadAssignee(db: Db, principal: Principal, assignee: string): Promise<TeamMember> {
  const member = await createInboxRepository(db).member(principal.tenantId, assignee);
  if (!member)
    throw unprocessable('unknown-assignee', `/assignee "${assignee}" is not a user of this tenant`, [{ path: '/assignee', message: 'unknown user' }]);
  return member;
}

/**
 * Who may do what with a task, in one place: claiming, releasing, completing (candidate roles,
 * form, segregation of duties and four-eyes), reassigning one or many, re-prioritising, and
 * withdrawing approvals when the invoice they were given on is corrected. Routes parse the
 * request, call one of these and send back what it returns.
 */
export function createTaskWork({ db, engine, realtime }: TaskWorkDeps) {
  /** Reassigns or re-ranks tasks after checking every one; changes all of them or none. */
  async function bulk(
    principal: Principal,
    taskIds: string[],
    check: (task: { id: string; candidateRoles: string[]; status: string }, index: number) => ProblemDetail | undefined,
    write: (trx: Db, ids: string[]) => Promise<string[]>,
    audit: (task: TaskRef) => { action: string; data: Record<string, unknown> },
    change: 'reassigned' | 'reprioritised',
  ): Promise<{ changed: number }> {
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
      throw unprocessable(
        'invalid-selection',
        `Nothing was changed: ${problems
          .slice(0, 5)
          .map((p) => `${p.path}: ${p.message}`)
          .join('; ')}`,
        problems,
      );
    }
    await db.transaction(async (trx) => {
      const changed = await write(trx, taskIds);
      if (changed.length !== taskIds.length)
        throw conflict('selection-changed', 'A selected task was completed or cancelled meanwhile; nothing was changed, reload and try again');
      const auditRepo = createAuditRepository(trx);
      for (const id of taskIds) {
        const task = found.get(id)!;
        const entry = audit(task);
        await auditRepo.record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: entry.action,
          entity: 'task',
          entityId: id,
          data: entry.data,
        });
      }
    });
    const repo = createInboxRepository(db);
    for (const id of taskIds) {
      const t = await repo.get(principal.tenantId, id);
      if (t) realtime.taskChanged(principal.tenantId, { ...t, status: 'open' }, change);
    }
    return { changed: taskIds.length };
  }

  return {
    async claim(principal: Principal, id: string): Promise<TaskRecord> {
      const task = await loadTask(db, principal, id);
      assertCandidate(task, principal);
      // claimed and audited together: who held a task, and when, is part of the case's trail
      const claimed = await db.transaction(async (trx) => {
        const row = await createTaskRepository(trx).claim(principal.tenantId, task.id, principal.userId);
        if (!row) {
          throw conflict('task-unavailable', task.status !== 'open' ? `Task is ${task.status}` : `Task is already claimed by ${task.assignee}`);
        }
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'task.claimed',
          entity: 'task',
          entityId: task.id,
          data: { nodeId: task.nodeId, queue: task.queue },
        });
        return row;
      });
      realtime.taskChanged(principal.tenantId, claimed, 'claimed');
      return claimed;
    },

    async release(principal: Principal, id: string): Promise<TaskRecord> {
      const task = await loadTask(db, principal, id);
      await db.transaction(async (trx) => {
        if (!(await createTaskRepository(trx).release(principal.tenantId, task.id, principal.userId))) {
          throw conflict('task-not-yours', 'Only the person who claimed an open task can release it');
        }
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'task.released',
          entity: 'task',
          entityId: task.id,
          data: { nodeId: task.nodeId, queue: task.queue },
        });
      });
      const released = await loadTask(db, principal, task.id);
      realtime.taskChanged(principal.tenantId, released, 'released');
      return released;
    },

    /**
     * Completes a task: the caller must be a candidate (own or delegated roles), the outcome one
     * of the task's and the data its form's; an approval passes segregation of duties (refusals
     * are audited, 403 with their code) and, above the four-eyes threshold, a first approval is
     * recorded and the task waits for a second person. The case moves in the same transaction.
     */
    async complete(principal: Principal, id: string, outcome: string, data: Record<string, unknown>): Promise<CompletionResult> {
      const task = await loadTask(db, principal, id);
      assertCandidate(task, principal, (await delegatedAuthority(db, principal)).roles);
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
        throw new ProblemError(gate.decision.code, gate.decision.reason);
      }
      if (gate?.decision.kind === 'first-approval') {
        if (!(await createTaskRepository(db).addApproval(principal.tenantId, task.id, approval!, task.approvals.length))) {
          throw conflict('task-unavailable', 'The task changed meanwhile (completed, or approved by someone else); reload it');
        }
        await createAuditRepository(db).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'approval.first',
          entity: 'task',
          entityId: task.id,
          data: { outcome, amount: gate.attempt.amount, onBehalfOf: approval!.onBehalfOf },
        });
        const waiting = await loadTask(db, principal, task.id);
        realtime.taskChanged(principal.tenantId, waiting, 'released');
        return { status: 202, body: { task: waiting, awaitingSecondApproval: true } };
      }
      const approvedBy = gate ? [...task.approvals, approval!] : undefined;
      let completed: TaskRecord | undefined;
      const change = await engine.send(
        principal.tenantId,
        task.caseId,
        { type: 'task.completed', nodeId: task.nodeId, taskId: task.id, outcome, data, ...(approvedBy ? { approvedBy } : {}) },
        principal.userId,
        {
          within: async (trx) => {
            completed = await createTaskRepository(trx).complete(principal.tenantId, task.id, principal.userId, outcome, data);
            if (!completed) throw conflict('task-unavailable', 'The task was completed, cancelled or claimed by someone else meanwhile');
            await recordHumanDecision(trx, principal.tenantId, { caseId: task.caseId, stepId: task.nodeId, taskId: task.id, outcome, user: principal.userId });
          },
        },
      );
      // (the row as the completing statement left it; the transition may close other tasks, never this one again)
      if (!completed) completed = await loadTask(db, principal, task.id);
      realtime.taskChanged(principal.tenantId, completed, 'completed');
      return {
        status: 200,
        body: { task: completed, case: { id: change.caseId, version: change.version, status: change.status, activeNodes: change.activeNodes } },
      };
    },

    /** Gives an open task to another person who may work it; its holder, or a lead, may. */
    async reassign(principal: Principal, id: string, assignee: string, reason?: string) {
      const repo = createInboxRepository(db);
      const [task] = await repo.byIds(principal.tenantId, [id]);
      if (!task) throw notFound('task', id);
      if (task.status !== 'open') throw conflict('task-unavailable', `Task is ${task.status}`);
      const lead = await isLead(db, principal);
      if (!lead && task.assignee !== principal.userId) {
        throw forbidden(
          task.assignee ? `Only ${task.assignee}, who holds the task, or a lead can reassign it` : 'Claim the task first, or ask a lead to assign it',
        );
      }
      const member = await loadAssignee(db, principal, assignee);
      if (!canWork(member, task.candidateRoles)) {
        throw unprocessable(
          'assignee-not-candidate',
          `/assignee ${member.name} cannot work "${task.title}": it is for ${task.candidateRoles.join(' or ') || 'workers'}; ${member.name} is ${member.roles.join(', ') || 'without a role'}`,
          [{ path: '/assignee', message: 'not a candidate for this task' }],
        );
      }
      await db.transaction(async (trx) => {
        // the holder hands over only what they still hold; a lead overrides whoever holds it
        if (!(await createTaskRepository(trx).reassign(principal.tenantId, id, assignee, lead ? undefined : principal.userId))) {
          throw conflict('task-unavailable', 'The task was completed, cancelled or taken meanwhile');
        }
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'task.reassigned',
          entity: 'task',
          entityId: id,
          data: { from: task.assignee, to: assignee, queue: task.queue, ...(reason ? { reason } : {}) },
        });
      });
      const updated = (await repo.get(principal.tenantId, id))!;
      realtime.taskChanged(principal.tenantId, { ...updated, status: 'open' }, 'reassigned');
      return updated;
    },

    /** Leads: gives the selected open tasks to one person who may work them all; all or nothing. */
    async bulkReassign(principal: Principal, taskIds: string[], assignee: string, reason?: string) {
      await requireLead(db, principal, 'Bulk reassignment');
      const member = await loadAssignee(db, principal, assignee);
      return bulk(
        principal,
        taskIds,
        (task, index) =>
          canWork(member, task.candidateRoles)
            ? undefined
            : { path: `/taskIds/${index}`, message: `${member.name} cannot work task ${task.id} (for ${task.candidateRoles.join(' or ')})` },
        (trx, ids) => createInboxRepository(trx).assign(principal.tenantId, ids, assignee),
        (task) => ({ action: 'task.reassigned', data: { from: task.assignee, to: assignee, queue: task.queue, bulk: true, ...(reason ? { reason } : {}) } }),
        'reassigned',
      );
    },

    /** Leads: sets the priority of the selected open tasks; all or nothing. */
    async bulkReprioritise(principal: Principal, taskIds: string[], priority: number, reason?: string) {
      await requireLead(db, principal, 'Bulk re-prioritisation');
      return bulk(
        principal,
        taskIds,
        () => undefined,
        (trx, ids) => createInboxRepository(trx).setPriority(principal.tenantId, ids, priority),
        (task) => ({ action: 'task.reprioritised', data: { from: task.priority, to: priority, ...(reason ? { reason } : {}) } }),
        'reprioritised',
      );
    },

    /**
     * Corrects a received invoice: the corrector becomes its last editor (who may not approve
     * it), and approvals already given on its open tasks are withdrawn, so four-eyes starts again
     * on the new data. `undefined` when there is no such invoice.
     */
    async correctInvoice(principal: Principal, id: string, invoice: Invoice): Promise<StoredInvoice | undefined> {
      const corrected = await db.transaction(async (trx) => {
        const before = await createInvoiceRepository(trx).body(principal.tenantId, id);
        if (!before || !(await createInvoiceRepository(trx).correct(principal.tenantId, id, invoice, principal.userId))) return false;
        const [old, now] = [before as unknown as Record<string, unknown>, invoice as unknown as Record<string, unknown>];
        // compared by content: the stored copy comes back from jsonb with its keys reordered
        const changed = Object.keys({ ...old, ...now }).filter((k) => stableHash(old[k] ?? null) !== stableHash(now[k] ?? null));
        const reset = await createTaskRepository(trx).withdrawApprovalsOfInvoice(principal.tenantId, id);
        await createAuditRepository(trx).record(principal.tenantId, {
          actor: principal.userId,
          action: 'invoice.corrected',
          entity: 'invoice',
          entityId: id,
          data: { changed, approvalsWithdrawnOnTasks: reset },
        });
        return true;
      });
      return corrected ? createInvoiceRepository(db).get(principal.tenantId, id) : undefined;
    },
  };
}
