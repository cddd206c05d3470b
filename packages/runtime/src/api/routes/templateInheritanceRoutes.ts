import {
  effectiveFlow,
  overrideDiff,
  templateFanOutSchema,
  templateLayerListSchema,
  templateLayerViewSchema,
  templateOverridesSavedSchema,
  templatePackCreatedSchema,
  templatePackListSchema,
  validate,
  type TemplateOverrides,
  type WorkflowDefinition,
} from '@exflow/shared';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { loadTenantWithParent } from '../../auth/tenancy.js';
import { forbidden, notFound, unprocessable } from '../../errors.js';
import { createTemplateFanOutRepository } from '../../store/templateFanOutRepository.js';
import { createTemplateRepository } from '../../store/templateRepository.js';
import { queueFanOut } from '../../packs/templateFanOut.js';
import { requireMsp, saveOverrides } from '../../packs/templateInheritance.js';
import { baseOf, sodOf } from '../../packs/templateLayers.js';
import { createTenantRepository } from '../../store/tenantRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const PACK_NAME = '^[a-z0-9][a-z0-9-]{0,63}$';

const overridesBody = {
  type: 'object',
  required: ['nodes'],
  additionalProperties: false,
  properties: {
    nodes: {
      type: 'object',
      maxProperties: 500,
      description: 'JSON merge patches (RFC 7386) of base nodes, by node id: { label?, config? }',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { label: { type: ['string', 'null'], maxLength: 200 }, config: { type: 'object' } },
      },
    },
    insert: {
      type: 'array',
      maxItems: 50,
      description: "Steps added on the base's extension points: the edge leads into the step, whose one way out leads where the edge led",
      items: {
        type: 'object',
        required: ['edge', 'node'],
        additionalProperties: false,
        properties: {
          edge: { type: 'string', maxLength: 100 },
          node: { type: 'object', required: ['id', 'kind'], description: 'A flow node (id, kind, label?, config?)' },
        },
      },
    },
  },
};

export const templateInheritanceRoutes = defineRoutes([
  {
    method: 'post',
    path: '/template-packs',
    summary:
      "An MSP uploads its own template pack: flows validated (schema, graph, FEEL, segregation of duties) and stored as the pack's next version; nothing reaches a client until it is published to them",
    tag: 'templates',
    roles: ['platform_admin'],
    body: {
      type: 'object',
      required: ['name', 'flows'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: PACK_NAME, maxLength: 64 },
        title: { type: 'string', maxLength: 200 },
        flows: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'object', description: 'A workflow definition' } },
        extensionPoints: {
          type: 'object',
          maxProperties: 100,
          description: 'Per flow key, the edge ids on which clients may add their own steps',
          additionalProperties: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 100 } },
        },
      },
    },
    responses: { '201': '{ name, version, flows }', '409': 'Not an MSP (msp-only)', '422': 'A flow has problems (errors[].path starts /flows/i)' },
    responseSchemas: { '201': templatePackCreatedSchema },
    async handler(req, res, { db, principal }) {
      await requireMsp(db, principal.tenantId);
      const {
        name,
        title,
        flows,
        extensionPoints = {},
      } = req.body as {
        name: string;
        title?: string;
        flows: WorkflowDefinition[];
        extensionPoints?: Record<string, string[]>;
      };
      const sod = await sodOf(db, principal.tenantId);
      const errors = flows.flatMap((flow, i) => {
        const duplicate = flows.findIndex((f) => f.key === flow.key) !== i;
        const problems = validate(flow, { sod }).problems.filter((p) => p.severity !== 'warning');
        return [
          ...(duplicate ? [{ path: `/flows/${i}/key`, message: `key "${flow.key}" is used twice in the pack` }] : []),
          ...problems.map((p) => ({ path: `/flows/${i}${p.path ?? ''}`, message: p.message, code: p.code, nodeId: p.nodeId })),
        ];
      });
      for (const [key, edges] of Object.entries(extensionPoints)) {
        const flow = flows.find((f) => f.key === key);
        if (!flow) errors.push({ path: `/extensionPoints/${key}`, message: `the pack has no flow "${key}"` });
        else
          edges.forEach((edge, j) => {
            if (!flow.edges.some((e) => e.id === edge)) errors.push({ path: `/extensionPoints/${key}/${j}`, message: `flow "${key}" has no edge "${edge}"` });
          });
      }
      if (errors.length) throw unprocessable('template-pack-invalid', `The pack "${name}" has ${errors.length} problem(s); nothing was stored`, errors);
      const stored = await createTemplateRepository(db).addPackVersion(principal.tenantId, name, title ?? name, flows, extensionPoints, principal.userId);
      res.status(201).json({ name: stored.name, version: stored.version, flows: stored.flows.map((f) => f.key) });
    },
  },
  {
    method: 'get',
    path: '/template-packs',
    summary: "The MSP's own template packs, every version (a client sees its MSP's)",
    tag: 'templates',
    roles: READERS,
    responses: { '200': '[{ msp, name, version, title, flows, createdAt }]' },
    responseSchemas: { '200': templatePackListSchema },
    async handler(_req, res, { db, principal }) {
      const { tenant } = await loadTenantWithParent(db, principal.tenantId);
      const msp = tenant.kind === 'msp' ? tenant.id : tenant.parentId;
      const packs = msp ? await createTemplateRepository(db).packs(msp) : [];
      res.json(
        packs.map((p) => ({
          msp: p.mspId,
          name: p.name,
          version: p.version,
          title: p.title,
          flows: p.flows.map((f) => ({ key: f.key, name: f.name })),
          createdAt: p.createdAt,
        })),
      );
    },
  },
  {
    method: 'post',
    path: '/template-packs/:name/versions/:version/publish',
    summary:
      "Publish (or upgrade to) a pack version in client tenants, as a durable job: for each client, each flow is installed with an empty override layer, or the client's effective flow is recomputed on the new base, validated under the client's policies, published, and its running cases moved to it through the migration dry run; answers 202 with the job, whose per-client report GET /template-fanouts/:id shows",
    tag: 'templates',
    roles: ['platform_admin'],
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        clients: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 200 }, description: 'Client tenant ids (default: every client)' },
      },
    },
    responses: {
      '202': '{ id, pack, version, status: running, clients: [{ tenantId, status: pending, flows: [] }] } (Location: the job)',
      '403': 'Not its client',
      '409': 'Not an MSP (msp-only)',
      '404': 'No such pack version',
    },
    responseSchemas: { '202': templateFanOutSchema },
    async handler(req, res, { db, principal }) {
      await requireMsp(db, principal.tenantId);
      const name = param(req, 'name');
      const version = Number(param(req, 'version'));
      const pack = Number.isInteger(version) ? await createTemplateRepository(db).pack(principal.tenantId, name, version) : undefined;
      if (!pack) throw notFound('template pack version', `${name}@${param(req, 'version')}`);
      const children = await createTenantRepository(db).children(principal.tenantId);
      const wanted = (req.body as { clients?: string[] } | undefined)?.clients;
      const foreign = (wanted ?? []).filter((id) => !children.some((c) => c.id === id));
      if (foreign.length) throw forbidden(`Not clients of "${principal.tenantId}": ${foreign.join(', ')}`);
      const clients = (wanted ? children.filter((c) => wanted.includes(c.id)) : children).map((c) => c.id);
      const job = await queueFanOut(db, principal.tenantId, { pack: pack.name, version: pack.version, clients, actor: principal.userId });
      res.status(202).location(`/api/v1/template-fanouts/${job.id}`).json(job);
    },
  },
  {
    method: 'get',
    path: '/template-fanouts/:id',
    summary:
      'A fan-out of a pack version and its per-client report as far as it has gone: per flow the status, the published version, the overrides kept or in conflict, and the running-case migration (dry-run counts, moved, and each case that did not move, with why)',
    tag: 'templates',
    roles: ['platform_admin'],
    responses: { '200': 'The fan-out', '404': 'No such fan-out of this MSP' },
    responseSchemas: { '200': templateFanOutSchema },
    async handler(req, res, { db, principal }) {
      const job = await createTemplateFanOutRepository(db).get(principal.tenantId, param(req, 'id'));
      if (!job) throw notFound('template fan-out', param(req, 'id'));
      res.json(job);
    },
  },
  {
    method: 'get',
    path: '/template-layers',
    summary: "The client's flows that stand on an MSP base, with the base version and the last recomputation's report",
    tag: 'templates',
    roles: READERS,
    responses: { '200': '[{ key, msp, pack, baseVersion, definitionId, overrides, report }]' },
    responseSchemas: { '200': templateLayerListSchema },
    async handler(_req, res, { db, principal }) {
      const layers = await createTemplateRepository(db).layers(principal.tenantId);
      res.json(
        layers.map((l) => ({
          key: l.flowKey,
          msp: l.mspId,
          pack: l.pack,
          baseVersion: l.baseVersion,
          definitionId: l.definitionId,
          overrides: l.overrides,
          report: l.report,
        })),
      );
    },
  },
  {
    method: 'get',
    path: '/template-layers/:key',
    summary:
      "Base vs override for one of the client's flows: the base, the edges it lets the client add steps on, the overrides, the value-by-value diff and the effective flow",
    tag: 'templates',
    roles: READERS,
    responses: { '200': '{ key, msp, pack, baseVersion, overrides, report, diff, base, effective }', '404': 'No layer for this key' },
    responseSchemas: { '200': templateLayerViewSchema },
    async handler(req, res, { db, principal }) {
      const layer = await createTemplateRepository(db).layer(principal.tenantId, param(req, 'key'));
      if (!layer) throw notFound('template layer', param(req, 'key'));
      const { flow: base, points } = (await baseOf(db, layer))!;
      res.json({
        key: layer.flowKey,
        msp: layer.mspId,
        pack: layer.pack,
        baseVersion: layer.baseVersion,
        overrides: layer.overrides,
        report: layer.report,
        extensionPoints: points,
        diff: overrideDiff(base, layer.overrides),
        base,
        effective: effectiveFlow(base, layer.overrides, undefined, points).definition,
      });
    },
  },
  {
    method: 'put',
    path: '/template-layers/:key/overrides',
    summary:
      "Replace the client's overrides of a base flow (JSON merge patches by node id); the effective flow is validated under the client's policies and published as the flow's next version",
    tag: 'templates',
    roles: DESIGNERS,
    body: overridesBody,
    responses: {
      '200': '{ key, version, report, diff }',
      '404': 'No layer for this key',
      '422': 'An override names a step the base lacks, or the effective flow has problems',
    },
    responseSchemas: { '200': templateOverridesSavedSchema },
    async handler(req, res, { db, principal }) {
      const overrides = req.body as TemplateOverrides;
      const key = param(req, 'key');
      const sod = await sodOf(db, principal.tenantId);
      const result = await saveOverrides(db, principal.tenantId, key, overrides, sod, principal.userId);
      res.json({ key, ...result });
    },
  },
]);
