import type { Invoice } from '@exflow/shared';
import type { Principal } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { conflict, forbidden, notFound, ProblemError, unprocessable, type ProblemDetail } from '../errors.js';
import { stableHash } from '../ingest/stableHash.js';
import type { Realtime } from '../realtime/realtime.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { createInboxRepository, type TaskRef, type TeamMember } from '../store/inboxRepository.js';
import { createInvoiceRepository, type StoredInvoice } from '../store/invoiceRepository.js';
import { createTaskRepository, type TaskRecord } from '../store/taskRepository.js';
import { decideCompletion } from './completion.js';
import { assertCandidate, canWork } from './taskRules.js';

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

export async function loadTask(db: Db, principal: Principal, id: string): Promise<TaskRecord> {
  const task = await createTaskRepository(db).get(principal.tenantId, id);
  if (!task) throw notFound('task', id);
  return task;
}

/** The task, its row locked until `trx` ends; 404 when there is none. */
async function lockTask(trx: Db, principal: Principal, id: string): Promise<TaskRecord> {
  const task = await createTaskRepository(trx).getForUpdate(principal.tenantId, id);
  if (!task) throw notFound('task', id);
  return task;
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
  /**
   * Reassigns or re-ranks tasks: in one transaction, their rows locked, every one checked, then
   * all of them changed and audited, or none.
   */
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
    await db.transaction(async (trx) => {
      const found = new Map((await createInboxRepository(trx).lockByIds(principal.tenantId, taskIds)).map((t) => [t.id, t]));
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
    /**
     * Takes an open task nobody else holds, claimed and audited together: one statement when
     * the claim is allowed (the usual case); when it claims nothing, decided again on the
     * locked row, which says why (404, 403, 409), or claims it if it has become free meanwhile.
     */
    async claim(principal: Principal, id: string): Promise<TaskRecord> {
      const claimed =
        (await createTaskRepository(db).claimAudited(principal.tenantId, id, principal.userId, principal.roles)) ??
        (await db.transaction(async (trx) => {
          const task = await lockTask(trx, principal, id);
          assertCandidate(task, principal);
          if (task.status !== 'open') throw conflict('task-unavailable', `Task is ${task.status}`);
          if (task.assignee && task.assignee !== principal.userId) throw conflict('task-unavailable', `Task is already claimed by ${task.assignee}`);
          const row = (await createTaskRepository(trx).claim(principal.tenantId, task.id, principal.userId))!;
          // who held a task, and when, is part of the case's trail
          await createAuditRepository(trx).record(principal.tenantId, {
            caseId: task.caseId,
            actor: principal.userId,
            action: 'task.claimed',
            entity: 'task',
            entityId: task.id,
            data: { nodeId: task.nodeId, queue: task.queue },
          });
          return row;
        }));
      realtime.taskChanged(principal.tenantId, claimed, 'claimed');
      return claimed;
    },

    /** Gives a claimed open task back to its queue; only its holder may. */
    async release(principal: Principal, id: string): Promise<TaskRecord> {
      const released = await db.transaction(async (trx) => {
        const task = await lockTask(trx, principal, id);
        if (task.status !== 'open' || task.assignee !== principal.userId) {
          throw conflict('task-not-yours', 'Only the person who claimed an open task can release it');
        }
        await createTaskRepository(trx).release(principal.tenantId, task.id, principal.userId);
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'task.released',
          entity: 'task',
          entityId: task.id,
          data: { nodeId: task.nodeId, queue: task.queue },
        });
        return lockTask(trx, principal, id);
      });
      realtime.taskChanged(principal.tenantId, released, 'released');
      return released;
    },

    /**
     * Completes a task: decided (`decideCompletion`: candidate, outcome, form, segregation of
     * duties and four-eyes) on the case and task rows locked in the transaction that applies
     * the transition (`engine.decide`). A refusal is audited and answered 403 with its code; a
     * first of two approvals is recorded and answered 202, the case waiting for a second person.
     */
    async complete(principal: Principal, id: string, outcome: string, data: Record<string, unknown>): Promise<CompletionResult> {
      // which case to lock (remembered: it never changes); all else is read once locked
      const caseId = await createTaskRepository(db).caseOf(principal.tenantId, id);
      if (!caseId) throw notFound('task', id);
      // the case and the task are locked by one statement (case first), the task handed to the decision
      let task: TaskRecord | undefined;
      const lock = async (trx: Db) => {
        const locked = await createTaskRepository(trx).lockWithCase(principal.tenantId, caseId, id);
        task = locked?.task;
        return locked?.record;
      };
      const { result, change } = await engine.decide(
        principal.tenantId,
        caseId,
        principal.userId,
        (trx, record) => decideCompletion(trx, principal, record, task, id, outcome, data),
        { lock },
      );
      if (result.kind === 'refused') throw new ProblemError(result.code, result.reason);
      if (result.kind === 'first-approval') {
        realtime.taskChanged(principal.tenantId, result.task, 'released');
        return { status: 202, body: { task: result.task, awaitingSecondApproval: true } };
      }
      // (the row as the completing statement left it; the transition may close other tasks, never this one again)
      realtime.taskChanged(principal.tenantId, result.task, 'completed');
      return {
        status: 200,
        body: { task: result.task, case: { id: change!.caseId, version: change!.version, status: change!.status, activeNodes: change!.activeNodes } },
      };
    },

    /** Gives an open task to another person who may work it; its holder, or a lead, may. Decided on its locked row. */
    async reassign(principal: Principal, id: string, assignee: string, reason?: string) {
      await db.transaction(async (trx) => {
        const [task] = await createInboxRepository(trx).lockByIds(principal.tenantId, [id]);
        if (!task) throw notFound('task', id);
        if (task.status !== 'open') throw conflict('task-unavailable', `Task is ${task.status}`);
        const lead = await isLead(trx, principal);
        if (!lead && task.assignee !== principal.userId) {
          throw forbidden(
            task.assignee ? `Only ${task.assignee}, who holds the task, or a lead can reassign it` : 'Claim the task first, or ask a lead to assign it',
          );
        }
        const member = await loadAssignee(trx, principal, assignee);
        if (!canWork(member, task.candidateRoles)) {
          throw unprocessable(
            'assignee-not-candidate',
            `/assignee ${member.name} cannot work "${task.title}": it is for ${task.candidateRoles.join(' or ') || 'workers'}; ${member.name} is ${member.roles.join(', ') || 'without a role'}`,
            [{ path: '/assignee', message: 'not a candidate for this task' }],
          );
        }
        await createTaskRepository(trx).reassign(principal.tenantId, id, assignee);
        await createAuditRepository(trx).record(principal.tenantId, {
          caseId: task.caseId,
          actor: principal.userId,
          action: 'task.reassigned',
          entity: 'task',
          entityId: id,
          data: { from: task.assignee, to: assignee, queue: task.queue, ...(reason ? { reason } : {}) },
        });
      });
      const updated = (await createInboxRepository(db).get(principal.tenantId, id))!;
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
