import {
  compile,
  definitionListSchema,
  definitionSchema,
  definitionViewSchema,
  validate,
  versionListSchema,
  versionRecordSchema,
  versionSummarySchema,
  type DefinitionSummary,
  type DefinitionView,
  type VersionRecord,
  type VersionSummary,
  type WorkflowDefinition,
} from '@exflow/shared';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { createDefinitionRepository, type DefinitionRecord } from '../../store/definitionRepository.js';
import { newId } from '../../store/ids.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const view = (d: DefinitionRecord): DefinitionView => ({ id: d.id, key: d.key, name: d.name, draft: d.draft, draftUpdatedAt: d.draftUpdatedAt, draftUpdatedBy: d.draftUpdatedBy, latestVersion: d.latestVersion });

const problemsToErrors = (problems: ReturnType<typeof validate>['problems']) =>
  problems.map((p) => ({ code: p.code, message: p.message, path: p.path, nodeId: p.nodeId, edgeId: p.edgeId }));

export const definitionRoutes = defineRoutes([
  {
    method: 'get',
    path: '/definitions',
    summary: 'List workflow definitions with their draft and latest published version',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'Definitions' },
    responseSchemas: { '200': definitionListSchema },
    async handler(_req, res, { db, principal }) {
      const list = await createDefinitionRepository(db).list(principal.tenantId);
      res.json(list.map(({ draft: _draft, ...rest }) => rest) satisfies DefinitionSummary[]);
    },
  },
  {
    method: 'post',
    path: '/definitions',
    summary: 'Create a definition from a draft (it may still have graph problems; it must match the schema)',
    tag: 'definitions',
    roles: DESIGNERS,
    body: definitionSchema,
    responses: { '201': 'Created', '409': 'Key already used', '422': 'Not a definition' },
    responseSchemas: { '201': definitionViewSchema },
    async handler(req, res, { db, principal }) {
      const draft = req.body as WorkflowDefinition;
      const repo = createDefinitionRepository(db);
      const id = newId();
      if (!(await repo.create(principal.tenantId, id, draft, principal.userId))) {
        throw conflict('definition-key-taken', `A definition with key "${draft.key}" already exists; choose another key or update that one`);
      }
      res.status(201).location(`/api/v1/definitions/${id}`).json(view((await repo.get(principal.tenantId, id))!));
    },
  },
  {
    method: 'post',
    path: '/definitions/validate',
    summary: 'Validate a definition without storing it',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': '{ ok, problems }' },
    async handler(req, res) {
      res.json(validate(req.body));
    },
  },
  {
    method: 'get',
    path: '/definitions/:id',
    summary: 'Get a definition with its draft',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'Definition', '404': 'Unknown definition' },
    responseSchemas: { '200': definitionViewSchema },
    async handler(req, res, { db, principal }) {
      const found = await createDefinitionRepository(db).get(principal.tenantId, param(req, 'id'));
      if (!found) throw notFound('definition', param(req, 'id'));
      res.json(view(found));
    },
  },
  {
    method: 'put',
    path: '/definitions/:id/draft',
    summary: 'Replace the draft',
    tag: 'definitions',
    roles: DESIGNERS,
    body: definitionSchema,
    responses: { '200': 'Saved', '404': 'Unknown definition', '422': 'Not a definition, or its key differs' },
    responseSchemas: { '200': definitionViewSchema },
    async handler(req, res, { db, principal }) {
      const repo = createDefinitionRepository(db);
      const found = await repo.get(principal.tenantId, param(req, 'id'));
      if (!found) throw notFound('definition', param(req, 'id'));
      const draft = req.body as WorkflowDefinition;
      if (draft.key !== found.key) {
        throw unprocessable('definition-key-changed', `/key is "${draft.key}" but this definition's key is "${found.key}"; a key cannot change`, [{ path: '/key', message: 'must equal the stored key' }]);
      }
      await repo.updateDraft(principal.tenantId, found.id, draft, principal.userId);
      res.json(view((await repo.get(principal.tenantId, found.id))!));
    },
  },
  {
    method: 'delete',
    path: '/definitions/:id',
    summary: 'Delete a definition that was never published',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '204': 'Deleted', '404': 'Unknown definition', '409': 'It has published versions' },
    async handler(req, res, { db, principal }) {
      const repo = createDefinitionRepository(db);
      const found = await repo.get(principal.tenantId, param(req, 'id'));
      if (!found) throw notFound('definition', param(req, 'id'));
      if (!(await repo.deleteUnpublished(principal.tenantId, found.id))) {
        throw conflict('definition-published', `Definition "${found.key}" has published versions, which cases may use; it cannot be deleted`);
      }
      res.status(204).end();
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/publish',
    summary: 'Validate and compile the draft and publish it as the next immutable version',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '201': 'Published', '404': 'Unknown definition', '422': 'The draft has problems (listed in errors)' },
    responseSchemas: { '201': versionSummarySchema },
    async handler(req, res, { db, principal }) {
      const id = param(req, 'id');
      const published = await db.transaction(async (trx) => {
        const repo = createDefinitionRepository(trx);
        const found = await repo.get(principal.tenantId, id);
        if (!found) throw notFound('definition', id);
        const result = compile(found.draft);
        if (!result.ok) {
          throw unprocessable('definition-invalid', `The draft of "${found.key}" has ${result.problems.length} problem(s); fix them before publishing`, problemsToErrors(result.problems));
        }
        return repo.publish(principal.tenantId, id, found.draft, result.flow, principal.userId);
      });
      res.status(201).json({ version: published.version, publishedAt: published.publishedAt, publishedBy: published.publishedBy } satisfies VersionSummary);
    },
  },
  {
    method: 'get',
    path: '/definitions/:id/versions',
    summary: 'List published versions, newest first',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'Versions', '404': 'Unknown definition' },
    responseSchemas: { '200': versionListSchema },
    async handler(req, res, { db, principal }) {
      const repo = createDefinitionRepository(db);
      if (!(await repo.get(principal.tenantId, param(req, 'id')))) throw notFound('definition', param(req, 'id'));
      res.json((await repo.versions(principal.tenantId, param(req, 'id'))).map(({ definitionId: _d, ...v }) => v) satisfies VersionSummary[]);
    },
  },
  {
    method: 'get',
    path: '/definitions/:id/versions/:version',
    summary: 'Get one published version with its compiled machine',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'Version', '404': 'Unknown definition or version' },
    responseSchemas: { '200': versionRecordSchema },
    async handler(req, res, { db, principal }) {
      const version = Number(param(req, 'version'));
      const found = Number.isInteger(version) ? await createDefinitionRepository(db).getVersion(principal.tenantId, param(req, 'id'), version) : undefined;
      if (!found) throw notFound('definition version', `${param(req, 'id')}@${param(req, 'version')}`);
      res.json({ version: found.version, definition: found.definition, compiled: found.compiled, publishedAt: found.publishedAt, publishedBy: found.publishedBy } satisfies VersionRecord);
    },
  },
]);
