import type { MigratingCase, MigrationBatch, MigrationItem, MigrationView, NodeMapping } from '@exflow/shared';
import { createCaseRepository, toCase, type CaseRecord } from './caseRepository.js';
import type { Db } from './db.js';
import { newId } from './ids.js';

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

/** A running case with what it waits on, as the migration plan reads it. */
export interface RunningCase {
  record: CaseRecord;
  state: MigratingCase;
}

/** The fields of an open task a migration changes, as they were (to restore them) or are. */
export interface TaskState {
  id: string;
  nodeId: string;
  title: string;
  queue: string;
  candidateRoles: string[];
  instructions: string | null;
  form: Record<string, unknown> | null;
  outcomes: { id: string; label?: string }[];
  priority: number;
  assignee: string | null;
  claimedAt: string | null;
  dueAt: string | null;
}

/** A timer a migration changes, as it was or is. */
export interface TimerState {
  id: string;
  nodeId: string;
  timerId: string;
  dueAt: string;
  status: 'pending' | 'cancelled';
}

/** A case's part of the migration: the state before, the state after (what rollback restores and checks). */
export interface CaseSide {
  caseVersion: number;
  definitionVersion: number;
  snapshot: CaseRecord['snapshot'];
  activeNodes: string[];
  tasks: TaskState[];
  timers: TimerState[];
}

/** What moving (or moving back) one case writes, under its version check. */
export interface CaseMove {
  tenantId: string;
  caseId: string;
  expectedVersion: number;
  definitionVersion: number;
  snapshot: CaseRecord['snapshot'];
  activeNodes: string[];
  event: { type: string; payload: Record<string, unknown> };
  actor: string | null;
  tasks: TaskState[];
  timers: TimerState[];
}

const toTaskState = (r: any): TaskState => ({
  id: r.id,
  nodeId: r.node_id,
  title: r.title,
  queue: r.queue,
  candidateRoles: r.candidate_roles ?? [],
  instructions: r.instructions,
  form: r.form,
  outcomes: r.outcomes ?? [],
  priority: r.priority,
  assignee: r.assignee,
  claimedAt: iso(r.claimed_at),
  dueAt: iso(r.due_at),
});

const EMPTY_PLAN = {
  effects: [],
  cancelEffectNodes: [],
  openTasks: [],
  closeTaskNodes: [],
  timers: [],
  cancelTimerNodes: [],
  subscriptions: [],
  unsubscribeNodes: [],
};

export function createMigrationRepository(db: Db) {
  /** Open tasks, pending timers and calls in flight of the given cases (rows locked with `lock`). */
  async function waitsOf(tenantId: string, records: CaseRecord[], lock = false) {
    const ids = records.map((r) => r.id);
    const tasks = db('tasks').where({ tenant_id: tenantId, status: 'open' }).whereIn('case_id', ids).orderBy('created_at');
    const timers = db('timers').where({ tenant_id: tenantId, status: 'pending' }).whereIn('case_id', ids).orderBy('created_at');
    if (lock) {
      tasks.forUpdate();
      timers.forUpdate();
    }
    // one after the other: in a transaction they share one connection
    const taskRows = await tasks;
    const timerRows = await timers;
    const effectRows = await db('effects')
      .where({ tenant_id: tenantId })
      .whereIn('status', ['pending', 'running'])
      .whereIn('case_id', ids)
      .select('case_id', 'node_id');
    return records.map((record): RunningCase & { tasks: TaskState[]; timers: TimerState[] } => {
      const own = (r: { case_id: string }) => r.case_id === record.id;
      return {
        record,
        tasks: taskRows.filter(own).map(toTaskState),
        timers: timerRows
          .filter(own)
          .map((r: any) => ({ id: r.id, nodeId: r.node_id, timerId: r.timer_id, dueAt: iso(r.due_at)!, status: 'pending' as const })),
        state: {
          status: record.status,
          value: record.snapshot.value,
          openTasks: taskRows.filter(own).map((r: any) => ({
            id: r.id,
            nodeId: r.node_id,
            queue: r.queue,
            candidateRoles: r.candidate_roles ?? [],
            assignee: r.assignee,
            createdAt: iso(r.created_at)!,
            dueAt: iso(r.due_at),
          })),
          pendingTimers: timerRows
            .filter(own)
            .map((r: any) => ({ id: r.id, nodeId: r.node_id, timerId: r.timer_id, dueAt: iso(r.due_at)!, createdAt: iso(r.created_at)! })),
          pendingEffects: effectRows.filter(own).map((r: any) => ({ nodeId: r.node_id })),
        },
      };
    });
  }

  return {
    /** The live cases (open or in an incident) on one version of a definition, oldest first. */
    async runningCases(tenantId: string, definitionId: string, version: number, caseIds?: string[]): Promise<RunningCase[]> {
      const q = db('cases').where({ tenant_id: tenantId, definition_id: definitionId, definition_version: version }).whereIn('status', ['open', 'incident']);
      if (caseIds) q.whereIn('id', caseIds);
      const rows = await q.orderBy([{ column: 'opened_at' }, { column: 'id' }]).limit(10_000);
      return waitsOf(tenantId, rows.map(toCase));
    },

    /** The versions below `below` that running cases of the definition are on, oldest first. */
    async versionsWithRunningCases(tenantId: string, definitionId: string, below: number): Promise<number[]> {
      const rows = await db('cases')
        .where({ tenant_id: tenantId, definition_id: definitionId })
        .whereIn('status', ['open', 'incident'])
        .andWhere('definition_version', '<', below)
        .distinct('definition_version')
        .orderBy('definition_version');
      return rows.map((r: { definition_version: number }) => r.definition_version);
    },

    /** One case with its waits, its row and its tasks and timers locked (call inside a transaction). */
    async lockCase(tenantId: string, caseId: string) {
      const row = await db('cases').where({ tenant_id: tenantId, id: caseId }).forUpdate().first();
      return row ? (await waitsOf(tenantId, [toCase(row)], true))[0] : undefined;
    },

    /**
     * Moves a case (or moves it back): its snapshot and version under the version check, an event
     * and audit row (as a transition writes them), its definition version, its tasks updated in
     * place and its timers re-planned. Returns the new case version, or `null` if it moved on.
     */
    async writeMove(m: CaseMove): Promise<number | null> {
      const written = await createCaseRepository(db).writeTransition({
        tenantId: m.tenantId,
        caseId: m.caseId,
        expectedVersion: m.expectedVersion,
        snapshot: m.snapshot,
        status: 'open',
        outcome: null,
        activeNodes: m.activeNodes,
        event: m.event,
        actor: m.actor,
        plan: EMPTY_PLAN,
      });
      if (written === null) return null;
      const { version } = written;
      await db('cases').where({ tenant_id: m.tenantId, id: m.caseId }).update({ definition_version: m.definitionVersion });
      for (const t of m.tasks) {
        await db('tasks')
          .where({ tenant_id: m.tenantId, id: t.id })
          .update({
            node_id: t.nodeId,
            title: t.title,
            queue: t.queue,
            candidate_roles: JSON.stringify(t.candidateRoles),
            instructions: t.instructions,
            form: t.form === null ? null : JSON.stringify(t.form),
            outcomes: JSON.stringify(t.outcomes),
            priority: t.priority,
            assignee: t.assignee,
            claimed_at: t.claimedAt,
            due_at: t.dueAt,
          });
      }
      for (const t of m.timers) {
        const fields = { node_id: t.nodeId, timer_id: t.timerId, due_at: t.dueAt, status: t.status };
        const n = await db('timers').where({ tenant_id: m.tenantId, id: t.id }).update(fields).returning('id');
        if (!n.length) await db('timers').insert({ tenant_id: m.tenantId, id: t.id, case_id: m.caseId, ...fields });
      }
      return version;
    },

    async create(
      tenantId: string,
      plan: {
        definitionId: string;
        fromVersion: number;
        toVersion: number;
        mapping: NodeMapping;
        unmapped: string[];
        batchSize: number;
        actor: string | null;
        items: { caseId: string; batch: number; status: 'pending' | 'blocked'; reason: string | null; expectedVersion: number }[];
      },
    ): Promise<string> {
      const id = newId();
      await db('case_migrations').insert({
        tenant_id: tenantId,
        id,
        definition_id: plan.definitionId,
        from_version: plan.fromVersion,
        to_version: plan.toVersion,
        mapping: JSON.stringify(plan.mapping),
        unmapped: JSON.stringify(plan.unmapped),
        batch_size: plan.batchSize,
        created_by: plan.actor,
      });
      const batches = [...new Set(plan.items.map((i) => i.batch).filter((n) => n > 0))];
      if (batches.length) await db('case_migration_batches').insert(batches.map((n) => ({ tenant_id: tenantId, migration_id: id, n })));
      for (let i = 0; i < plan.items.length; i += 500) {
        await db('case_migration_items').insert(
          plan.items.slice(i, i + 500).map((item) => ({
            tenant_id: tenantId,
            migration_id: id,
            case_id: item.caseId,
            batch: item.batch,
            status: item.status,
            reason: item.reason,
            expected_version: item.expectedVersion,
          })),
        );
      }
      return id;
    },

    async get(tenantId: string, definitionId: string, id: string): Promise<MigrationView | undefined> {
      const m = await db('case_migrations').where({ tenant_id: tenantId, definition_id: definitionId, id }).first();
      if (!m) return undefined;
      const batchRows = await db('case_migration_batches').where({ tenant_id: tenantId, migration_id: id }).orderBy('n');
      const itemRows = await db('case_migration_items')
        .where({ tenant_id: tenantId, migration_id: id })
        .orderBy([{ column: 'batch' }, { column: 'case_id' }]);
      const cases: MigrationItem[] = itemRows.map((r: any) => ({ caseId: r.case_id, batch: r.batch, status: r.status, reason: r.reason }));
      const batches: MigrationBatch[] = batchRows.map((b: any) => {
        const of = cases.filter((c) => c.batch === b.n);
        const count = (status: string) => of.filter((c) => c.status === status).length;
        return {
          n: b.n,
          status: b.status,
          cases: of.length,
          migrated: count('migrated'),
          skipped: count('skipped'),
          rolledBack: count('rolled-back'),
          appliedAt: iso(b.applied_at),
          rolledBackAt: iso(b.rolled_back_at),
        };
      });
      return {
        id: m.id,
        definitionId: m.definition_id,
        fromVersion: m.from_version,
        toVersion: m.to_version,
        mapping: m.mapping,
        unmapped: m.unmapped,
        batchSize: m.batch_size,
        createdAt: iso(m.created_at)!,
        createdBy: m.created_by,
        batches,
        cases,
      };
    },

    /** Locks a batch row for applying or rolling back; its status, or `undefined` when there is none. */
    async lockBatch(tenantId: string, migrationId: string, n: number): Promise<string | undefined> {
      const row = await db('case_migration_batches').where({ tenant_id: tenantId, migration_id: migrationId, n }).forUpdate().first('status');
      return row?.status;
    },

    async setBatch(tenantId: string, migrationId: string, n: number, status: 'applied' | 'rolled-back', actor: string | null): Promise<void> {
      const at = status === 'applied' ? { applied_at: db.fn.now(), applied_by: actor } : { rolled_back_at: db.fn.now(), rolled_back_by: actor };
      await db('case_migration_batches')
        .where({ tenant_id: tenantId, migration_id: migrationId, n })
        .update({ status, ...at });
    },

    async items(tenantId: string, migrationId: string, n: number) {
      const rows = await db('case_migration_items').where({ tenant_id: tenantId, migration_id: migrationId, batch: n }).orderBy('case_id');
      return rows.map((r: any) => ({
        caseId: r.case_id as string,
        status: r.status as MigrationItem['status'],
        expectedVersion: r.expected_version as number,
        before: r.before as CaseSide | null,
        after: r.after as CaseSide | null,
      }));
    },

    async setItem(
      tenantId: string,
      migrationId: string,
      caseId: string,
      change: { status: MigrationItem['status']; reason: string | null; before?: CaseSide; after?: CaseSide },
    ): Promise<void> {
      await db('case_migration_items')
        .where({ tenant_id: tenantId, migration_id: migrationId, case_id: caseId })
        .update({
          status: change.status,
          reason: change.reason,
          ...(change.before ? { before: JSON.stringify(change.before) } : {}),
          ...(change.after ? { after: JSON.stringify(change.after) } : {}),
          updated_at: db.fn.now(),
        });
    },
  };
}
