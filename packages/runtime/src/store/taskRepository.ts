import type { TaskView } from '@exflow/shared';
import type { Db } from './db.js';

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

export function createTaskRepository(db: Db) {
  const tasks = () => db('tasks');
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

    /** The task, its row locked until the transaction `db` ends. */
    async getForUpdate(tenantId: string, id: string): Promise<TaskRecord | undefined> {
      const row = await tasks().where({ tenant_id: tenantId, id }).forUpdate().first();
      return row ? toTask(row) : undefined;
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

    /** Marks an open task completed by a user; `false` if it is no longer open or held by another. */
    async complete(tenantId: string, id: string, userId: string, outcome: string, data: Record<string, unknown>): Promise<TaskRecord | undefined> {
      const [row] = await tasks()
        .where({ tenant_id: tenantId, id, status: 'open' })
        .andWhere((q) => q.whereNull('assignee').orWhere('assignee', userId))
        .update({ status: 'completed', assignee: userId, completed_by: userId, completed_at: db.fn.now(), outcome, data: JSON.stringify(data) })
        .returning('*');
      return row ? toTask(row) : undefined;
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
