import {
  mapNodes,
  planCaseMigration,
  type MigrationCase,
  type MigrationDryRun,
  type MigrationView,
  type BusinessCalendar,
  type NodeMapping,
  type WorkflowDefinition,
} from '@exflow/shared';
import type { CaseChange } from '../engine/engine.js';
import { loadBusinessCalendar } from '../engine/businessCalendar.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import type { Realtime } from '../realtime/realtime.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createMigrationRepository, type CaseSide, type RunningCase, type TaskState, type TimerState } from '../store/migrationRepository.js';

/** What a dry run or a migration is asked for (the body of the migration routes). */
export interface MigrationRequest {
  fromVersion: number;
  toVersion: number;
  /** Overrides of the mapping by id: `{ stepInA: stepInB }`. */
  mapping?: NodeMapping;
  /** Only these cases (default: every running case of `fromVersion`). */
  caseIds?: string[];
}

/** Where moved cases are announced once their batch committed (realtime's publisher). */
export type MigrationAnnouncer = Pick<Realtime, 'caseChanged' | 'taskChanged'>;

/** A case a batch moved (or put back): its `case.changed` and its tasks whose queue or holder changed. */
interface Moved {
  change: CaseChange;
  reassigned: TaskState[];
}

function movedCase(
  m: { tenantId: string; caseId: string; definitionId: string; version: number; activeNodes: string[]; actor: string | null },
  type: 'case.migrated' | 'case.migration.rolled-back',
): CaseChange {
  return {
    tenantId: m.tenantId,
    caseId: m.caseId,
    definitionId: m.definitionId,
    version: m.version,
    status: 'open',
    outcome: null,
    activeNodes: m.activeNodes,
    event: { type, seq: m.version, actor: m.actor },
    tasksOpened: [],
    tasksClosedNodes: [],
  };
}

/** The tasks of `after` whose queue or holder differs from `before` (their inboxes change). */
const reassignedTasks = (before: TaskState[], after: TaskState[]) =>
  after.filter((t) => {
    const was = before.find((b) => b.id === t.id);
    return !was || was.queue !== t.queue || was.assignee !== t.assignee;
  });

/** The default number of cases per batch. */
const DEFAULT_BATCH_SIZE = 50;

interface Versions {
  from: WorkflowDefinition;
  to: WorkflowDefinition;
  mapping: NodeMapping;
  unmapped: string[];
  /** The tenant's business calendar, for task SLAs counted in business days. */
  calendar: BusinessCalendar;
}

/**
 * Running-case migration (docs/migration.md): the dry run, the plan in batches, applying a
 * batch and rolling one back. Each case moves in its own savepoint under its version check, so
 * it is moved whole or not at all; what a case was before is kept to put it back exactly.
 */
export function createCaseMigrations(db: Db, announcer?: MigrationAnnouncer) {
  /** Announces what a committed batch moved: open case views and inboxes update without a reload. */
  function announce(moved: Moved[]) {
    if (!announcer) return;
    for (const { change, reassigned } of moved) {
      announcer.caseChanged(change);
      for (const task of reassigned)
        announcer.taskChanged(
          change.tenantId,
          { id: task.id, caseId: change.caseId, queue: task.queue, title: task.title, assignee: task.assignee, status: 'open', priority: task.priority },
          'reassigned',
        );
    }
  }

  async function versions(exec: Db, tenantId: string, definitionId: string, request: MigrationRequest): Promise<Versions> {
    if (request.fromVersion === request.toVersion) {
      throw unprocessable('migration-versions', `/toVersion is ${request.toVersion}, the version the cases already run on; choose another version`, [
        { path: '/toVersion', message: 'must differ from fromVersion' },
      ]);
    }
    const repo = createDefinitionRepository(exec);
    if (!(await repo.get(tenantId, definitionId))) throw notFound('definition', definitionId);
    const from = await repo.getVersion(tenantId, definitionId, request.fromVersion);
    const to = await repo.getVersion(tenantId, definitionId, request.toVersion);
    if (!from) throw notFound('definition version', `${definitionId}@${request.fromVersion}`);
    if (!to) throw notFound('definition version', `${definitionId}@${request.toVersion}`);
    const mapped = mapNodes(from.definition, to.definition, request.mapping);
    if (mapped.problems.length) {
      throw unprocessable('migration-mapping', `The mapping names ${mapped.problems.length} step(s) the versions do not have`, mapped.problems);
    }
    return {
      from: from.definition,
      to: to.definition,
      mapping: mapped.mapping,
      unmapped: mapped.unmapped,
      calendar: await loadBusinessCalendar(exec, tenantId),
    };
  }

  function predict(v: Versions, running: RunningCase): MigrationCase {
    const plan = planCaseMigration(v.from, v.to, v.mapping, running.state, v.calendar);
    const base = { caseId: running.record.id, caseVersion: running.record.version, fromNodes: running.record.activeNodes };
    if (!plan.ok) return { ...base, canMove: false, blocks: plan.blocks, toNodes: [], tasks: [] };
    return {
      ...base,
      canMove: true,
      blocks: [],
      toNodes: plan.activeNodes,
      tasks: plan.tasks.map((t) => ({
        taskId: t.taskId,
        fromNodeId: t.fromNodeId,
        nodeId: t.nodeId,
        title: t.title,
        queue: t.queue,
        queueBefore: t.before.queue,
        candidateRoles: t.candidateRoles,
        candidateRolesBefore: t.before.candidateRoles,
        assignee: t.assignee,
        assigneeBefore: t.before.assignee,
        dueAt: t.dueAt,
        dueAtBefore: t.before.dueAt,
      })),
    };
  }

  async function dryRun(exec: Db, tenantId: string, definitionId: string, request: MigrationRequest): Promise<MigrationDryRun & { versions: Versions }> {
    const v = await versions(exec, tenantId, definitionId, request);
    const running = await createMigrationRepository(exec).runningCases(tenantId, definitionId, request.fromVersion, request.caseIds);
    const cases = running.map((r) => predict(v, r));
    const movable = cases.filter((c) => c.canMove).length;
    return {
      versions: v,
      fromVersion: request.fromVersion,
      toVersion: request.toVersion,
      mapping: v.mapping,
      unmapped: v.unmapped,
      total: cases.length,
      movable,
      blocked: cases.length - movable,
      cases,
    };
  }

  /** Moves one case in its own savepoint; the item's new status and reason. */
  async function moveCase(
    trx: Db,
    tenantId: string,
    migration: MigrationView,
    v: Versions,
    item: { caseId: string; expectedVersion: number },
    actor: string | null,
    moved: Moved[],
  ) {
    return trx.transaction(async (sp) => {
      const repo = createMigrationRepository(sp);
      const locked = await repo.lockCase(tenantId, item.caseId);
      const skip = async (reason: string) => {
        await repo.setItem(tenantId, migration.id, item.caseId, { status: 'skipped', reason });
        return 'skipped' as const;
      };
      if (!locked || locked.record.version !== item.expectedVersion || locked.record.definitionVersion !== migration.fromVersion) {
        return skip(`The case moved since the dry run (version ${item.expectedVersion}, now ${locked?.record.version ?? 'gone'}); it was left as it is`);
      }
      const plan = planCaseMigration(v.from, v.to, v.mapping, locked.state, v.calendar);
      if (!plan.ok) return skip(plan.blocks.map((b) => b.message).join('; '));
      const tasks: TaskState[] = locked.tasks.flatMap((before) => {
        const moved = plan.tasks.find((t) => t.taskId === before.id);
        if (!moved) return [];
        return [
          {
            ...before,
            nodeId: moved.nodeId,
            title: moved.title,
            queue: moved.queue,
            candidateRoles: moved.candidateRoles,
            instructions: moved.instructions,
            form: moved.form,
            outcomes: moved.outcomes,
            priority: moved.priority,
            assignee: moved.assignee,
            claimedAt: moved.assignee === before.assignee ? before.claimedAt : null,
            dueAt: moved.dueAt,
          },
        ];
      });
      const timers: TimerState[] = [
        ...plan.timers.map((t) => ({ id: t.id ?? newId(), nodeId: t.nodeId, timerId: t.timerId, dueAt: t.dueAt, status: 'pending' as const })),
        ...locked.timers.filter((t) => plan.cancelTimerIds.includes(t.id)).map((t) => ({ ...t, status: 'cancelled' as const })),
      ];
      const snapshot = { ...locked.record.snapshot, value: plan.value };
      const version = await repo.writeMove({
        tenantId,
        caseId: item.caseId,
        expectedVersion: item.expectedVersion,
        definitionVersion: migration.toVersion,
        snapshot,
        activeNodes: plan.activeNodes,
        event: {
          type: 'case.migrated',
          payload: {
            migrationId: migration.id,
            fromVersion: migration.fromVersion,
            toVersion: migration.toVersion,
            fromNodes: locked.record.activeNodes,
            toNodes: plan.activeNodes,
            mapping: Object.fromEntries(locked.record.activeNodes.map((n) => [n, v.mapping[n]])),
          },
        },
        actor,
        tasks,
        timers,
      });
      if (version === null) return skip('The case moved while it was being migrated; it was left as it is');
      const before: CaseSide = {
        caseVersion: locked.record.version,
        definitionVersion: migration.fromVersion,
        snapshot: locked.record.snapshot,
        activeNodes: locked.record.activeNodes,
        tasks: locked.tasks.filter((t) => tasks.some((m) => m.id === t.id)),
        timers: locked.timers.filter((t) => timers.some((m) => m.id === t.id)),
      };
      const after: CaseSide = { caseVersion: version, definitionVersion: migration.toVersion, snapshot, activeNodes: plan.activeNodes, tasks, timers };
      await repo.setItem(tenantId, migration.id, item.caseId, { status: 'migrated', reason: null, before, after });
      moved.push({
        change: movedCase(
          { tenantId, caseId: item.caseId, definitionId: migration.definitionId, version, activeNodes: plan.activeNodes, actor },
          'case.migrated',
        ),
        reassigned: reassignedTasks(before.tasks, tasks),
      });
      return 'migrated' as const;
    });
  }

  /** Puts one migrated case back as it was, in its own savepoint; `false` when it moved since. */
  async function restoreCase(
    trx: Db,
    tenantId: string,
    migration: MigrationView,
    item: { caseId: string; before: CaseSide; after: CaseSide },
    actor: string | null,
    moved: Moved[],
  ) {
    return trx.transaction(async (sp) => {
      const repo = createMigrationRepository(sp);
      const locked = await repo.lockCase(tenantId, item.caseId);
      const { before, after } = item;
      if (!locked || locked.record.version !== after.caseVersion) {
        await repo.setItem(tenantId, migration.id, item.caseId, {
          status: 'migrated',
          reason: `The case moved since it was migrated (version ${after.caseVersion}, now ${locked?.record.version ?? 'gone'}); it was not rolled back`,
        });
        return false;
      }
      const created = after.timers.filter((t) => !before.timers.some((b) => b.id === t.id)).map((t) => ({ ...t, status: 'cancelled' as const }));
      const version = await repo.writeMove({
        tenantId,
        caseId: item.caseId,
        expectedVersion: after.caseVersion,
        definitionVersion: before.definitionVersion,
        snapshot: before.snapshot,
        activeNodes: before.activeNodes,
        event: {
          type: 'case.migration.rolled-back',
          payload: {
            migrationId: migration.id,
            fromVersion: migration.toVersion,
            toVersion: migration.fromVersion,
            fromNodes: after.activeNodes,
            toNodes: before.activeNodes,
          },
        },
        actor,
        tasks: before.tasks,
        timers: [...before.timers, ...created],
      });
      if (version === null) return false;
      await repo.setItem(tenantId, migration.id, item.caseId, { status: 'rolled-back', reason: null });
      moved.push({
        change: movedCase(
          { tenantId, caseId: item.caseId, definitionId: migration.definitionId, version, activeNodes: before.activeNodes, actor },
          'case.migration.rolled-back',
        ),
        reassigned: reassignedTasks(after.tasks, before.tasks),
      });
      return true;
    });
  }

  const load = async (exec: Db, tenantId: string, definitionId: string, migrationId: string) => {
    const migration = await createMigrationRepository(exec).get(tenantId, definitionId, migrationId);
    if (!migration) throw notFound('migration', migrationId);
    return migration;
  };

  async function applyBatch(trx: Db, tenantId: string, migration: MigrationView, n: number, actor: string | null, moved: Moved[]) {
    const repo = createMigrationRepository(trx);
    const status = await repo.lockBatch(tenantId, migration.id, n);
    if (status === undefined) throw notFound('migration batch', `${migration.id}/${n}`);
    if (status !== 'pending') throw conflict('migration-batch-state', `Batch ${n} is ${status}; only a pending batch is applied`);
    const v = await versions(trx, tenantId, migration.definitionId, {
      fromVersion: migration.fromVersion,
      toVersion: migration.toVersion,
      mapping: migration.mapping,
    });
    const counts = { migrated: 0, skipped: 0 };
    for (const item of await repo.items(tenantId, migration.id, n)) {
      if (item.status !== 'pending') continue;
      counts[await moveCase(trx, tenantId, migration, v, item, actor, moved)]++;
    }
    await repo.setBatch(tenantId, migration.id, n, 'applied', actor);
    await createAuditRepository(trx).record(tenantId, {
      actor,
      action: 'migration.batch.applied',
      entity: 'migration',
      entityId: migration.id,
      data: { batch: n, fromVersion: migration.fromVersion, toVersion: migration.toVersion, ...counts },
    });
  }

  return {
    /** Every running case of `fromVersion` (or those asked for): where it would go, or why it cannot. Writes nothing. */
    async dryRun(tenantId: string, definitionId: string, request: MigrationRequest): Promise<MigrationDryRun> {
      const { versions: _v, ...report } = await dryRun(db, tenantId, definitionId, request);
      return report;
    },

    /** Stores a migration plan: the movable cases in batches of `batchSize`, the blocked ones with their reasons (batch 0). */
    async create(tenantId: string, definitionId: string, request: MigrationRequest & { batchSize?: number }, actor: string | null): Promise<MigrationView> {
      const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
      return db.transaction(async (trx) => {
        const report = await dryRun(trx, tenantId, definitionId, request);
        let movable = 0;
        const items = report.cases.map((c) => ({
          caseId: c.caseId,
          batch: c.canMove ? Math.floor(movable++ / batchSize) + 1 : 0,
          status: c.canMove ? ('pending' as const) : ('blocked' as const),
          reason: c.canMove ? null : c.blocks.map((b) => b.message).join('; '),
          expectedVersion: c.caseVersion,
        }));
        const id = await createMigrationRepository(trx).create(tenantId, {
          definitionId,
          fromVersion: request.fromVersion,
          toVersion: request.toVersion,
          mapping: report.mapping,
          unmapped: report.unmapped,
          batchSize,
          actor,
          items,
        });
        await createAuditRepository(trx).record(tenantId, {
          actor,
          action: 'migration.created',
          entity: 'migration',
          entityId: id,
          data: { definitionId, fromVersion: request.fromVersion, toVersion: request.toVersion, movable: report.movable, blocked: report.blocked, batchSize },
        });
        return (await load(trx, tenantId, definitionId, id))!;
      });
    },

    get: (tenantId: string, definitionId: string, migrationId: string) => load(db, tenantId, definitionId, migrationId),

    /** Applies one pending batch: each case moves whole or is skipped with its reason. */
    async applyBatch(tenantId: string, definitionId: string, migrationId: string, n: number, actor: string | null): Promise<MigrationView> {
      const moved: Moved[] = [];
      const view = await db.transaction(async (trx) => {
        const migration = await load(trx, tenantId, definitionId, migrationId);
        await applyBatch(trx, tenantId, migration, n, actor, moved);
        return load(trx, tenantId, definitionId, migrationId);
      });
      announce(moved);
      return view;
    },

    /** Applies every pending batch, one transaction each. */
    async applyAll(tenantId: string, definitionId: string, migrationId: string, actor: string | null): Promise<MigrationView> {
      const migration = await load(db, tenantId, definitionId, migrationId);
      for (const batch of migration.batches.filter((b) => b.status === 'pending')) {
        const moved: Moved[] = [];
        await db.transaction(async (trx) => applyBatch(trx, tenantId, await load(trx, tenantId, definitionId, migrationId), batch.n, actor, moved));
        announce(moved);
      }
      return load(db, tenantId, definitionId, migrationId);
    },

    /** Puts the cases of an applied batch back exactly as they were; a case that moved since is left and reported. */
    async rollbackBatch(tenantId: string, definitionId: string, migrationId: string, n: number, actor: string | null): Promise<MigrationView> {
      const moved: Moved[] = [];
      const view = await db.transaction(async (trx) => {
        const migration = await load(trx, tenantId, definitionId, migrationId);
        const repo = createMigrationRepository(trx);
        const status = await repo.lockBatch(tenantId, migrationId, n);
        if (status === undefined) throw notFound('migration batch', `${migrationId}/${n}`);
        if (status !== 'applied') throw conflict('migration-batch-state', `Batch ${n} is ${status}; only an applied batch is rolled back`);
        let restored = 0;
        let left = 0;
        for (const item of await repo.items(tenantId, migrationId, n)) {
          if (item.status !== 'migrated' || !item.before || !item.after) continue;
          if (await restoreCase(trx, tenantId, migration, { caseId: item.caseId, before: item.before, after: item.after }, actor, moved)) restored++;
          else left++;
        }
        await repo.setBatch(tenantId, migrationId, n, 'rolled-back', actor);
        await createAuditRepository(trx).record(tenantId, {
          actor,
          action: 'migration.batch.rolled-back',
          entity: 'migration',
          entityId: migrationId,
          data: { batch: n, restored, left },
        });
        return load(trx, tenantId, definitionId, migrationId);
      });
      announce(moved);
      return view;
    },
  };
}
