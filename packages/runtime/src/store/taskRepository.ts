import type { AiSuggestionView, TaskView } from '@exflow/shared';
import { toSuggestion } from './aiSuggestionRepository.js';
import { toCase, type CaseRecord } from './caseRepository.js';
import { createLru, databaseMemory } from './databaseMemory.js';
import type { Db } from './db.js';
import { newId } from './ids.js';

/** A task row as the API answers it. */
export type TaskRecord = TaskView;

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toTask = (r: any): TaskRecord => ({
  id: r.id,
  caseId: r.case_id,
  nodeId: r.node_id,
  title: r.title,
  queue: r.queue,
  candidateRoles: r.candidate_roles,
  instructions: r.instructions,
  form: r.form,
  outcomes: r.outcomes,
  status: r.status,
  priority: r.priority,
  assignee: r.assignee,
  dueAt: iso(r.due_at),
  createdAt: iso(r.created_at)!,
  claimedAt: iso(r.claimed_at),
  completedAt: iso(r.completed_at),
  completedBy: r.completed_by,
  outcome: r.outcome,
  data: r.data,
  approvals: r.approvals ?? [],
});

export interface TaskFilter {
  queue?: string;
  assignee?: string;
  status?: string;
  caseId?: string;
  /** Only tasks unassigned (true) or assigned (false). */
  unassigned?: boolean;
  limit?: number;
}

/** A completed task, and the AI suggestion for its step decided by the same statement (none when the step had none open). */
export interface CompletedTask {
  task: TaskRecord;
  suggestion?: AiSuggestionView;
}

export function createTaskRepository(db: Db) {
  const tasks = () => db('tasks');
  // a task's case never changes: remembered per database, so a completion knows which case to lock without a read
  const caseOfTask = databaseMemory(db, 'taskCases', () => createLru<string>(10_000));
  const remember = (tenantId: string, task: TaskRecord) => caseOfTask.set(`${tenantId}\u0000${task.id}`, task.caseId);
  return {
    async list(tenantId: string, filter: TaskFilter): Promise<TaskRecord[]> {
      const q = tasks().where({ tenant_id: tenantId, status: filter.status ?? 'open' });
      if (filter.queue) q.andWhere('queue', filter.queue);
      if (filter.assignee) q.andWhere('assignee', filter.assignee);
      if (filter.caseId) q.andWhere('case_id', filter.caseId);
      if (filter.unassigned === true) q.whereNull('assignee');
      const rows = await q.orderBy([{ column: 'priority' }, { column: 'due_at', nulls: 'last' }, { column: 'created_at' }]).limit(filter.limit ?? 100);
      return rows.map(toTask);
    },

    async get(tenantId: string, id: string): Promise<TaskRecord | undefined> {
      const row = await tasks().where({ tenant_id: tenantId, id }).first();
      return row ? toTask(row) : undefined;
    },

    /**
     * The case a task belongs to, `undefined` when the tenant has no such task. Remembered once
     * seen (claimed, or read here): the answer never changes, and whoever acts on the task locks
     * and reads it again, so a task deleted meanwhile is still refused there.
     */
    async caseOf(tenantId: string, id: string): Promise<string | undefined> {
      const key = `${tenantId}\u0000${id}`;
      const known = caseOfTask.get(key);
      if (known) return known;
      const row = await tasks().where({ tenant_id: tenantId, id }).first('case_id');
      if (row) caseOfTask.set(key, row.case_id);
      return row?.case_id;
    },

    /**
     * A case and one of its tasks, both rows locked until the transaction `db` ends, in one
     * statement: the case first (the order every transition takes them in), then the task.
     * `undefined` without the case; `task` `undefined` when the tenant has no such task.
     */
    async lockWithCase(tenantId: string, caseId: string, id: string): Promise<{ record: CaseRecord; task?: TaskRecord } | undefined> {
      const result = await db.raw(
        `WITH c AS MATERIALIZED (SELECT * FROM cases WHERE tenant_id = ? AND id = ? FOR UPDATE)
         SELECT c.*, (SELECT to_jsonb(t) FROM tasks t WHERE t.tenant_id = c.tenant_id AND t.id = ? FOR UPDATE) AS locked_task FROM c`,
        [tenantId, caseId, id],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return { record: toCase(row), task: row.locked_task ? toTask(row.locked_task) : undefined };
    },

    /** The task, its row locked until the transaction `db` ends. */
    async getForUpdate(tenantId: string, id: string): Promise<TaskRecord | undefined> {
      const row = await tasks().where({ tenant_id: tenantId, id }).forUpdate().first();
      return row ? toTask(row) : undefined;
    },

    /**
     * Claims an open task for a user whose `roles` its candidate roles allow (any, when it names
     * none) and audits the claim (`task.claimed`), in ONE statement: atomic without a
     * transaction of its own, one round trip. `undefined` when it was not claimed (no such task,
     * not a candidate, closed, held by another): nothing changed then, and the caller finds out why.
     */
    async claimAudited(tenantId: string, id: string, userId: string, roles: readonly string[]): Promise<TaskRecord | undefined> {
      const result = await db.raw(
        `WITH claimed AS (UPDATE tasks SET assignee = ?, claimed_at = now()
            WHERE tenant_id = ? AND id = ? AND status = 'open' AND (assignee IS NULL OR assignee = ?)
              AND (candidate_roles = '[]'::jsonb OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(candidate_roles) r(role)
                WHERE r.role IN (SELECT jsonb_array_elements_text(?::jsonb))))
            RETURNING *),
          au AS (INSERT INTO audit (tenant_id, id, case_id, actor, action, entity, entity_id, data)
            SELECT tenant_id, ?, case_id, ?, 'task.claimed', 'task', id, jsonb_build_object('nodeId', node_id, 'queue', queue) FROM claimed)
        SELECT * FROM claimed`,
        [userId, tenantId, id, userId, JSON.stringify(roles), newId(), userId],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      const task = toTask(row);
      remember(tenantId, task);
      return task;
    },

    /** Claims an open task for a user: the claimed task, or `undefined` if it is closed or someone else holds it. */
    async claim(tenantId: string, id: string, userId: string): Promise<TaskRecord | undefined> {
      const [row] = await tasks()
        .where({ tenant_id: tenantId, id, status: 'open' })
        .andWhere((q) => q.whereNull('assignee').orWhere('assignee', userId))
        .update({ assignee: userId, claimed_at: db.fn.now() })
        .returning('*');
      return row ? toTask(row) : undefined;
    },

    async release(tenantId: string, id: string, userId: string): Promise<boolean> {
      const n = await tasks().where({ tenant_id: tenantId, id, status: 'open', assignee: userId }).update({ assignee: null, claimed_at: null });
      return n === 1;
    },

    /**
     * Marks an open task completed by a user and, in the same statement, stores the decision
     * beside the newest undecided AI suggestion for its step (agreed when the outcomes match), so
     * a step without one costs no look-up. `undefined` (and nothing changed) if the task is no
     * longer open or held by another.
     */
    async complete(tenantId: string, id: string, userId: string, outcome: string, data: Record<string, unknown>): Promise<CompletedTask | undefined> {
      const result = await db.raw(
        `WITH done AS (UPDATE tasks SET status = 'completed', assignee = ?, completed_by = ?, completed_at = now(), outcome = ?, data = ?::jsonb
            WHERE tenant_id = ? AND id = ? AND status = 'open' AND (assignee IS NULL OR assignee = ?)
            RETURNING *),
          decided AS (UPDATE ai_suggestions a SET task_id = done.id, human_outcome = ?, human_user = ?, decided_by = ?, decided_at = now(),
              agreed = coalesce(a.suggested_outcome = ?, false)
            FROM done
            WHERE a.tenant_id = done.tenant_id AND a.decided_at IS NULL AND a.id = (SELECT o.id FROM ai_suggestions o
              WHERE o.tenant_id = done.tenant_id AND o.case_id = done.case_id AND o.step_id = done.node_id AND o.decided_at IS NULL
              ORDER BY o.created_at DESC LIMIT 1)
            RETURNING a.*)
        SELECT done.*, (SELECT to_jsonb(decided) FROM decided) AS decided_suggestion FROM done`,
        [userId, userId, outcome, JSON.stringify(data), tenantId, id, userId, outcome, userId, userId, outcome],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return { task: toTask(row), suggestion: row.decided_suggestion ? toSuggestion(row.decided_suggestion) : undefined };
    },

    /** Records a first approval and gives the task back to its queue for the second approver. */
    async addApproval(tenantId: string, id: string, approval: { by: string; onBehalfOf: string[]; at: string }, expectedCount: number): Promise<boolean> {
      const rows = await tasks()
        .where({ tenant_id: tenantId, id, status: 'open' })
        .andWhereRaw('jsonb_array_length(approvals) = ?', [expectedCount])
        .update({ approvals: db.raw(`approvals || ?::jsonb`, [JSON.stringify([approval])]), assignee: null, claimed_at: null })
        .returning('id');
      return rows.length === 1;
    },

    /**
     * Gives an open task to `assignee`. With `holder`, only while that person still holds it (a
     * holder hands over what they hold); without, whoever holds it (a lead overrides).
     */
    async reassign(tenantId: string, id: string, assignee: string, holder?: string): Promise<boolean> {
      const q = tasks().where({ tenant_id: tenantId, id, status: 'open' });
      if (holder !== undefined) q.andWhere('assignee', holder);
      return (await q.update({ assignee, claimed_at: db.fn.now() })) === 1;
    },

    /** Withdraws the approvals given on the open tasks of an invoice's cases; the ids of those tasks. */
    async withdrawApprovalsOfInvoice(tenantId: string, invoiceId: string): Promise<string[]> {
      const rows = await tasks()
        .where({ tenant_id: tenantId, status: 'open' })
        .whereIn('case_id', db('cases').select('id').where({ tenant_id: tenantId, invoice_id: invoiceId }))
        .andWhereRaw(`approvals <> '[]'::jsonb`)
        .update({ approvals: JSON.stringify([]) })
        .returning('id');
      return rows.map((r: { id: string }) => r.id);
    },
  };
}
