import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, Text, Timestamp } from './wire.js';

const MAX_CASES = 10_000;
const nodeMap = (description: string) => Type.Record(Type.String({ maxLength: 200 }), Id(), { description, maxProperties: 1000 });

/** Why a case cannot move (see shared's `planCaseMigration`). */
export const migrationBlockSchema = Type.Object({
  code: OneOf([
    'case.not-open',
    'node.unmapped',
    'node.kind-changed',
    'parallel.shape-changed',
    'task.step-gone',
    'effect.in-flight',
    'subscription.cannot-move',
    'subflow.child-running',
  ] as const),
  nodeId: Type.Optional(Id()),
  message: Text(1000, 'In English'),
  params: Type.Optional(
    Type.Record(Type.String({ maxLength: 40 }), Id(), {
      maxProperties: 10,
      description:
        'The values the message names, language-free, for a client that words it itself: status (case.not-open); target, kind, targetKind for a step mapped elsewhere; shape (branches, placement, step) for parallel.shape-changed',
    }),
  ),
});

/** An open task before → after the move (same task id, updated in place). */
export const migrationTaskSchema = Type.Object({
  taskId: Id(),
  fromNodeId: Id(),
  nodeId: Id(),
  title: Text(500),
  queue: Id(),
  queueBefore: Id(),
  candidateRoles: List(Id(), 50),
  candidateRolesBefore: List(Id(), 50),
  assignee: Nullable(Id()),
  assigneeBefore: Nullable(Id()),
  dueAt: Nullable(Timestamp("Recomputed SLA: the task creation time plus the target step's due-in")),
  dueAtBefore: Nullable(Timestamp()),
});
export type MigrationTask = Static<typeof migrationTaskSchema>;

/** One running case in a dry run: where it would go, or why it cannot. */
export const migrationCaseSchema = Type.Object({
  caseId: Id(),
  caseVersion: Count('The case version the prediction was made from; apply skips the case if it moved since'),
  canMove: Type.Boolean(),
  blocks: List(migrationBlockSchema, 50),
  fromNodes: List(Id(), 500),
  toNodes: List(Id(), 500),
  tasks: List(migrationTaskSchema, 50),
});
export type MigrationCase = Static<typeof migrationCaseSchema>;

/** `POST /definitions/:id/migrations/dry-run`: every running case of A, nothing written. */
export const migrationDryRunSchema = Type.Object({
  fromVersion: Count(),
  toVersion: Count(),
  mapping: nodeMap('The node mapping used: automatic by id, then the overrides'),
  unmapped: List(Id(), 1000, 'Steps of the source version a case can wait at that map to nothing'),
  total: Count(),
  movable: Count(),
  blocked: Count(),
  cases: List(migrationCaseSchema, MAX_CASES),
});
export type MigrationDryRun = Static<typeof migrationDryRunSchema>;

export const MIGRATION_BATCH_STATUSES = ['pending', 'applied', 'rolled-back'] as const;
export const MIGRATION_ITEM_STATUSES = ['pending', 'migrated', 'skipped', 'rolled-back', 'blocked'] as const;

/** A batch of a migration with its counts. */
export const migrationBatchSchema = Type.Object({
  n: Count(),
  status: OneOf(MIGRATION_BATCH_STATUSES),
  cases: Count(),
  migrated: Count(),
  skipped: Count(),
  rolledBack: Count(),
  appliedAt: Nullable(Timestamp()),
  rolledBackAt: Nullable(Timestamp()),
});
export type MigrationBatch = Static<typeof migrationBatchSchema>;

/** One case of a migration: its batch (0: blocked, in none), its status and why. */
export const migrationItemSchema = Type.Object({
  caseId: Id(),
  batch: Count(),
  status: OneOf(MIGRATION_ITEM_STATUSES),
  reason: Nullable(Text(1000)),
});
export type MigrationItem = Static<typeof migrationItemSchema>;

/** A migration plan (`POST /definitions/:id/migrations`, `GET …/migrations/:mid`). */
export const migrationViewSchema = Type.Object({
  id: Id(),
  definitionId: Id(),
  fromVersion: Count(),
  toVersion: Count(),
  mapping: nodeMap('The node mapping'),
  unmapped: List(Id(), 1000),
  batchSize: Count(),
  createdAt: Timestamp(),
  createdBy: Nullable(Id()),
  batches: List(migrationBatchSchema, MAX_CASES),
  cases: List(migrationItemSchema, MAX_CASES),
});
export type MigrationView = Static<typeof migrationViewSchema>;
