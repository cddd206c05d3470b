import {
  validationAnswerSchema,
  bpmnImportResponseSchema,
  compile,
  definitionListSchema,
  definitionSchema,
  definitionViewSchema,
  invoiceForFeel,
  replayAnswerSchema,
  replayCases,
  validate,
  versionListSchema,
  versionRecordSchema,
  versionSummarySchema,
  type CompiledFlow,
  type DefinitionSummary,
  type DefinitionView,
  type ReplayAnswer,
  type ReplayCase,
  type ReplayFlow,
  type SodPolicy,
  type VersionRecord,
  type VersionSummary,
  type WorkflowDefinition,
  type BpmnImportResponse,
} from '@exflow/shared';
import { BpmnParseError, bpmnToDefinition, definitionToBpmn } from '@exflow/shared/bpmn';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { tenantPolicies } from '../../auth/tenancy.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { createCaseRepository } from '../../store/caseRepository.js';
import { createDefinitionRepository, type DefinitionRecord } from '../../store/definitionRepository.js';
import { createInvoiceRepository } from '../../store/invoiceRepository.js';
import { newId } from '../../store/ids.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const view = (d: DefinitionRecord): DefinitionView => ({
  id: d.id,
  key: d.key,
  name: d.name,
  draft: d.draft,
  draftUpdatedAt: d.draftUpdatedAt,
  draftUpdatedBy: d.draftUpdatedBy,
  latestVersion: d.latestVersion,
});

const problemsToErrors = (problems: ReturnType<typeof validate>['problems']) =>
  problems.map((p) => ({
    code: p.code,
    message: p.message,
    path: p.path,
    nodeId: p.nodeId,
    edgeId: p.edgeId,
    severity: p.severity,
    pathNodeIds: p.pathNodeIds,
    pathEdgeIds: p.pathEdgeIds,
  }));

/** Design-time segregation of duties under the tenant's policies: `sodDesignCheck` (default refuse) and its four-eyes threshold. */
async function sodPolicy(db: Parameters<typeof tenantPolicies>[0], tenantId: string): Promise<SodPolicy> {
  const policies = (await tenantPolicies(db, tenantId)) as { sodDesignCheck?: 'refuse' | 'warn'; fourEyesThreshold?: number };
  return { mode: policies.sodDesignCheck ?? 'refuse', fourEyesThreshold: policies.fourEyesThreshold ?? null };
}

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
      res
        .status(201)
        .location(`/api/v1/definitions/${id}`)
        .json(view((await repo.get(principal.tenantId, id))!));
    },
  },
  {
    method: 'post',
    path: '/definitions/validate',
    summary: "Validate a definition without storing it (segregation of duties under the tenant's policy)",
    tag: 'definitions',
    roles: READERS,
    responses: { '200': '{ ok, problems }' },
    responseSchemas: { '200': validationAnswerSchema },
    async handler(req, res, { db, principal }) {
      res.json(validate(req.body, { sod: await sodPolicy(db, principal.tenantId) }));
    },
  },
  {
    method: 'post',
    path: '/definitions/import/bpmn',
    summary:
      'Import BPMN 2.0 XML (the common subset: start/end events, user and service tasks, exclusive and parallel gateways, timer and message waits, timer boundary events on user tasks) as a new definition with a draft; positions come from the diagram (DI). The answer lists every element not carried over and what was done with it, and the problems that still stop the draft from publishing.',
    tag: 'definitions',
    roles: DESIGNERS,
    rawBody: { contentTypes: ['application/xml', 'text/xml', 'application/bpmn+xml'], limit: '5mb', description: 'The BPMN 2.0 file' },
    query: { key: { type: 'string', maxLength: 64, description: "The new definition's key (default: from the process id)" } },
    responses: {
      '201': 'Created: { definition, unsupported, problems }',
      '409': 'Key already used',
      '415': 'Not XML',
      '422': 'Malformed XML or not BPMN 2.0 (errors[].path names the element), or a bad key',
    },
    responseSchemas: { '201': bpmnImportResponseSchema },
    async handler(req, res, { db, principal }) {
      const key = typeof req.query.key === 'string' ? req.query.key : undefined;
      if (key !== undefined && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(key)) {
        throw unprocessable('invalid-bpmn', `key "${key}" must be lower-case letters, digits and dashes`, [
          { path: 'key', message: 'must match ^[a-z0-9][a-z0-9-]{0,63}$' },
        ]);
      }
      let imported: Awaited<ReturnType<typeof bpmnToDefinition>>;
      try {
        imported = await bpmnToDefinition(req.body as string, { key });
      } catch (error) {
        if (!(error instanceof BpmnParseError)) throw error;
        const where = error.line ? ` (line ${error.line}, column ${error.column})` : '';
        throw unprocessable('invalid-bpmn', `Not BPMN 2.0 that can be read: ${error.message}${where}`, [
          { path: error.element, message: `${error.message}${where}` },
        ]);
      }
      const { definition, unsupported } = imported;
      const checked = validate(definition, { sod: await sodPolicy(db, principal.tenantId) });
      const schemaErrors = checked.problems.filter((p) => p.code === 'schema');
      if (schemaErrors.length) {
        throw unprocessable('invalid-bpmn', `The BPMN file maps to ${schemaErrors.length} value(s) a definition cannot hold`, problemsToErrors(schemaErrors));
      }
      const repo = createDefinitionRepository(db);
      const id = newId();
      if (!(await repo.create(principal.tenantId, id, definition, principal.userId))) {
        throw conflict('definition-key-taken', `A definition with key "${definition.key}" already exists; import with ?key= another key`);
      }
      res
        .status(201)
        .location(`/api/v1/definitions/${id}`)
        .json({
          definition: view((await repo.get(principal.tenantId, id))!),
          unsupported,
          problems: problemsToErrors(checked.problems),
        } satisfies BpmnImportResponse);
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
        throw unprocessable('definition-key-changed', `/key is "${draft.key}" but this definition's key is "${found.key}"; a key cannot change`, [
          { path: '/key', message: 'must equal the stored key' },
        ]);
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
    summary:
      'Validate and compile the draft and publish it as the next immutable version; segregation-of-duties problems refuse it unless the tenant policy sodDesignCheck is warn',
    tag: 'definitions',
    roles: DESIGNERS,
    responses: {
      '201': 'Published (with SoD warnings, if any)',
      '404': 'Unknown definition',
      '422': 'The draft has problems (listed in errors, SoD ones with their path)',
    },
    responseSchemas: { '201': versionSummarySchema },
    async handler(req, res, { db, principal }) {
      const id = param(req, 'id');
      const sod = await sodPolicy(db, principal.tenantId);
      const outcome = await createDefinitionRepository(db).publishDraft(principal.tenantId, id, principal.userId, (found) => {
        const result = compile(found.draft);
        const problems = result.ok ? validate(found.draft, { sod }).problems : result.problems;
        const errors = problems.filter((p) => p.severity !== 'warning');
        if (!result.ok || errors.length) {
          throw unprocessable(
            'definition-invalid',
            `The draft of "${found.key}" has ${errors.length} problem(s); fix them before publishing`,
            problemsToErrors(errors),
          );
        }
        return { compiled: result.flow, also: problems };
      });
      if (!outcome) throw notFound('definition', id);
      const { published, also: warnings } = outcome;
      res.status(201).json({
        version: published.version,
        publishedAt: published.publishedAt,
        publishedBy: published.publishedBy,
        ...(warnings.length ? { warnings: problemsToErrors(warnings) } : {}),
      });
    },
  },
  {
    method: 'post',
    path: '/definitions/:id/replay',
    summary:
      "What-if replay: the definition's cases closed in [from, to) run through its draft or a published version from their recorded answers and times (SLA due times, timers and durations under the draft vs what happened); nothing is written",
    tag: 'definitions',
    roles: DESIGNERS,
    body: {
      type: 'object',
      required: ['from', 'to'],
      additionalProperties: false,
      properties: {
        from: { type: 'string', format: 'date-time', maxLength: 40, description: 'Cases closed at or after this instant' },
        to: { type: 'string', format: 'date-time', maxLength: 40, description: 'Cases closed before this instant' },
        version: {
          type: 'integer',
          format: 'int32',
          minimum: 1,
          maximum: 1_000_000,
          description: 'Replay through this published version (default: the draft)',
        },
        limit: { type: 'integer', format: 'int32', minimum: 1, maximum: 1000, description: 'At most this many cases, oldest first (default 1000)' },
      },
    },
    responses: {
      '200':
        '{ version, total, outcomeDiffers, pathDiffers, queuesDiffer, timesDiffer, stopped, late, paths, counts, cases }: per case both runs with their durations and tasks (opened, SLA due, closed, late)',
      '404': 'Unknown definition or version',
      '422': 'A bad period, or a draft that does not compile (listed in errors)',
    },
    responseSchemas: { '200': replayAnswerSchema },
    async handler(req, res, { db, principal }) {
      const { from, to, version, limit = 1000 } = req.body as { from: string; to: string; version?: number; limit?: number };
      if (Date.parse(to) <= Date.parse(from))
        throw unprocessable('replay-period', `/to (${to}) must be after /from (${from})`, [{ path: '/to', message: 'must be after from' }]);
      const id = param(req, 'id');
      const definitions = createDefinitionRepository(db);
      const found = await definitions.get(principal.tenantId, id);
      if (!found) throw notFound('definition', id);
      let candidate: ReplayFlow;
      if (version !== undefined) {
        const stored = await definitions.getVersion(principal.tenantId, id, version);
        if (!stored) throw notFound('definition version', `${id}@${version}`);
        candidate = { definition: stored.definition, flow: stored.compiled };
      } else {
        const result = compile(found.draft);
        if (!result.ok)
          throw unprocessable(
            'definition-invalid',
            `The draft of "${found.key}" has ${result.problems.length} problem(s); fix them before replaying`,
            problemsToErrors(result.problems),
          );
        candidate = { definition: found.draft, flow: result.flow };
      }
      const cases = createCaseRepository(db);
      const closed = await cases.closedBetween(principal.tenantId, id, new Date(from).toISOString(), new Date(to).toISOString(), limit);
      const events = await cases.eventsOfCases(
        principal.tenantId,
        closed.map((c) => c.id),
      );
      const invoices = await createInvoiceRepository(db).bodies(
        principal.tenantId,
        closed.flatMap((c) => (c.invoiceId ? [c.invoiceId] : [])),
      );
      const versions = new Map<number, ReplayFlow>();
      for (const v of new Set(closed.map((c) => c.definitionVersion))) {
        const stored = await definitions.getVersion(principal.tenantId, id, v);
        if (stored) versions.set(v, { definition: stored.definition, flow: stored.compiled as CompiledFlow });
      }
      const byCase = new Map(closed.map((c) => [c.id, c]));
      const runs: ReplayCase[] = closed.map((c) => {
        const body = c.invoiceId ? invoices.get(c.invoiceId) : undefined;
        const triage = c.snapshot.context?.vars?.triage as Record<string, unknown> | undefined;
        return {
          caseId: c.id,
          input: { invoice: body ? invoiceForFeel(body) : (c.snapshot.context?.invoice ?? {}), ...(triage ? { triage } : {}) },
          events: (events.get(c.id) ?? []).map((e) => ({ type: e.type, payload: e.payload, actor: e.actor, at: e.createdAt })),
        };
      });
      const report = replayCases((run) => versions.get(byCase.get(run.caseId)!.definitionVersion)!, candidate, runs);
      const answer: ReplayAnswer = { version: version ?? 'draft', from, to, ...report };
      res.json(answer);
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
      res.json({
        version: found.version,
        definition: found.definition,
        compiled: found.compiled,
        publishedAt: found.publishedAt,
        publishedBy: found.publishedBy,
      } satisfies VersionRecord);
    },
  },
  {
    method: 'get',
    path: '/definitions/:id/versions/:version/bpmn',
    summary:
      'Export one published version as BPMN 2.0 XML with its diagram (DI) from the node positions; every element keeps its Exflow kind and config as exflow: attributes, so importing it back gives the same graph',
    tag: 'definitions',
    roles: READERS,
    responses: { '200': 'BPMN 2.0 XML (application/xml)', '404': 'Unknown definition or version' },
    responseFiles: { '200': ['application/xml'] },
    async handler(req, res, { db, principal }) {
      const version = Number(param(req, 'version'));
      const found = Number.isInteger(version) ? await createDefinitionRepository(db).getVersion(principal.tenantId, param(req, 'id'), version) : undefined;
      if (!found) throw notFound('definition version', `${param(req, 'id')}@${param(req, 'version')}`);
      res
        .attachment(`${found.definition.key}.v${found.version}.bpmn`)
        .type('application/xml')
        .send(await definitionToBpmn(found.definition));
    },
  },
]);
