import { migrationDryRunSchema, migrationViewSchema } from '@exflow/shared';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { notFound } from '../../errors.js';
import { createCaseMigrations, type MigrationRequest } from '../../versions/caseMigrations.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const version = (description: string) => ({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000, description });
const planBody = {
  fromVersion: version('The published version the cases run on'),
  toVersion: version('The published version they move to'),
  mapping: {
    type: 'object',
    description: 'Overrides of the automatic mapping by id: { stepOfFromVersion: stepOfToVersion }',
    maxProperties: 1000,
    propertyNames: { maxLength: 200 },
    additionalProperties: { type: 'string', maxLength: 200 },
  },
  caseIds: {
    type: 'array',
    description: 'Only these cases (default: every running case of fromVersion)',
    maxItems: 10_000,
    uniqueItems: true,
    items: { type: 'string', maxLength: 200 },
  },
};

/** A batch number from the path: a positive integer, or 404 as an unknown batch. */
function batchOf(raw: string, migrationId: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw notFound('migration batch', `${migrationId}/${raw}`);
  return n;
}

export const migrationRoutes = defineRoutes([
  {
    method: 'post',
    path: '/definitions/:id/migrations/dry-run',
    summary:
      "Dry run of moving running cases from one published version to another: per case its new steps, its open task's new queue, candidates, assignee and recomputed SLA due time, or why it cannot move; nothing is written",
    tag: 'definitions',
    roles: DESIGNERS,
    body: { type: 'object', required: ['fromVersion', 'toVersion'], additionalProperties: false, properties: planBody },
    responses: {
      '200': 'The prediction for every running case of fromVersion',
      '404': 'Unknown definition or version',
      '422': 'The same version twice, or a mapping naming unknown steps (listed in errors)',
    },
    responseSchemas: { '200': migrationDryRunSchema },
    async handler(req, res, { db, principal }) {
      res.json(await createCaseMigrations(db).dryRun(principal.tenantId, param(req, 'id'), req.body as MigrationRequest));
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/migrations',
    summary: 'Create a migration: the dry run stored as a plan, the movable cases in batches, the blocked ones with their reasons (batch 0)',
    tag: 'definitions',
    roles: DESIGNERS,
    body: {
      type: 'object',
      required: ['fromVersion', 'toVersion'],
      additionalProperties: false,
      properties: {
        ...planBody,
        batchSize: { type: 'integer', format: 'int32', minimum: 1, maximum: 1000, description: 'Cases per batch (default 50)' },
      },
    },
    responses: { '201': 'The migration with its batches', '404': 'Unknown definition or version', '422': 'The same version twice, or a bad mapping' },
    responseSchemas: { '201': migrationViewSchema },
    async handler(req, res, { db, principal }) {
      const created = await createCaseMigrations(db).create(
        principal.tenantId,
        param(req, 'id'),
        req.body as MigrationRequest & { batchSize?: number },
        principal.userId,
      );
      res
        .status(201)
        .location(`/api/v1/definitions/${param(req, 'id')}/migrations/${created.id}`)
        .json(created);
    },
  },
  {
    method: 'get',
    path: '/definitions/:id/migrations/:mid',
    summary: 'Get a migration: its mapping, batches and every case with its status and reason',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'The migration', '404': 'Unknown migration' },
    responseSchemas: { '200': migrationViewSchema },
    async handler(req, res, { db, principal }) {
      res.json(await createCaseMigrations(db).get(principal.tenantId, param(req, 'id'), param(req, 'mid')));
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/migrations/:mid/apply',
    summary: 'Apply every pending batch of a migration, one transaction per batch',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '200': 'The migration after', '404': 'Unknown migration' },
    responseSchemas: { '200': migrationViewSchema },
    async handler(req, res, { db, principal, realtime }) {
      res.json(await createCaseMigrations(db, realtime).applyAll(principal.tenantId, param(req, 'id'), param(req, 'mid'), principal.userId));
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/migrations/:mid/batches/:n/apply',
    summary:
      'Apply one batch: each case moves whole (state, definition version, tasks in place, timers re-planned, a case.migrated event and audit row) or is skipped with its reason when it moved since the dry run',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '200': 'The migration after', '404': 'Unknown migration or batch', '409': 'The batch is not pending' },
    responseSchemas: { '200': migrationViewSchema },
    async handler(req, res, { db, principal, realtime }) {
      const n = batchOf(param(req, 'n'), param(req, 'mid'));
      res.json(await createCaseMigrations(db, realtime).applyBatch(principal.tenantId, param(req, 'id'), param(req, 'mid'), n, principal.userId));
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/migrations/:mid/batches/:n/rollback',
    summary:
      'Roll back an applied batch: each case gets back its exact prior snapshot, definition version, tasks and timers, with a case.migration.rolled-back event; a case that moved since is left and reported',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '200': 'The migration after', '404': 'Unknown migration or batch', '409': 'The batch is not applied' },
    responseSchemas: { '200': migrationViewSchema },
    async handler(req, res, { db, principal, realtime }) {
      const n = batchOf(param(req, 'n'), param(req, 'mid'));
      res.json(await createCaseMigrations(db, realtime).rollbackBatch(principal.tenantId, param(req, 'id'), param(req, 'mid'), n, principal.userId));
    },
  },
]);
