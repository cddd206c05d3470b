import { join } from 'node:path';
import { templateInstallSchema, templateListSchema, type TemplateInstall, type TemplatePackView } from '@exflow/shared';
import { DESIGNERS, READERS } from '../../auth/roles.js';
import { tenantPolicies } from '../../auth/tenancy.js';
import { forbidden, notFound } from '../../errors.js';
import type { Db } from '../../store/db.js';
import { builtInTemplatesDir, installPack, listPackNames, loadPack, PACK_NAME } from '../../packs/templatePack.js';
import { createDefinitionRepository } from '../../store/definitionRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

/** The packs the tenant may see and install: the policy `allowedTemplates` (set by its MSP), else all. */
async function allowedPacks(db: Db, tenantId: string): Promise<(name: string) => boolean> {
  const allowed = (await tenantPolicies(db, tenantId)).allowedTemplates;
  if (!Array.isArray(allowed)) return () => true;
  return (name) => allowed.includes(name);
}

export const templateRoutes = defineRoutes([
  {
    method: 'get',
    path: '/templates',
    summary: 'List the template packs: their flows (and which keys this tenant already has), samples and reference data',
    tag: 'templates',
    roles: READERS,
    responses: { '200': 'Packs' },
    responseSchemas: { '200': templateListSchema },
    async handler(_req, res, { db, principal }) {
      const existing = new Set((await createDefinitionRepository(db).list(principal.tenantId)).map((d) => d.key));
      const allowed = await allowedPacks(db, principal.tenantId);
      const packs = await Promise.all((await listPackNames(builtInTemplatesDir)).filter(allowed).map((name) => loadPack(join(builtInTemplatesDir, name))));
      res.json(
        packs.map((p): TemplatePackView => ({
          name: p.name,
          title: p.title,
          version: p.version,
          description: p.description,
          flows: p.flows.map((f) => ({ key: f.key, name: f.name, description: f.description ?? null, installed: existing.has(f.key) })),
          samples: p.samples.map((s) => ({ file: s.file, flow: s.flow, expect: s.expect, ...(s.end ? { end: s.end } : {}) })),
          referenceData: {
            suppliers: p.referenceData.suppliers?.length ?? 0,
            purchaseOrders: p.referenceData.purchaseOrders?.length ?? 0,
            goodsReceipts: p.referenceData.goodsReceipts?.length ?? 0,
          },
        })),
      );
    },
  },
  {
    method: 'post',
    path: '/templates/:pack/install',
    summary:
      'Install a template pack in your tenant: its flows (as drafts, or published), optionally its reference data, and its routing table when the tenant has none. Flow keys the tenant already has are skipped; a pack outside the policy allowedTemplates is refused (403).',
    tag: 'templates',
    roles: DESIGNERS,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['publish', 'referenceData'],
      properties: {
        publish: { type: 'boolean', description: 'Publish each installed flow (else drafts)' },
        referenceData: { type: 'boolean', description: "Also upsert the pack's suppliers, purchase orders and goods receipts" },
      },
    },
    responses: {
      '200': '{ pack, installed, skipped, referenceData, routing }',
      '403': "The tenant's policy allowedTemplates does not include the pack",
      '404': 'No such pack',
    },
    responseSchemas: { '200': templateInstallSchema },
    async handler(req, res, { db, principal }) {
      const name = param(req, 'pack');
      if (!PACK_NAME.test(name) || !(await listPackNames(builtInTemplatesDir)).includes(name)) throw notFound('template pack', name);
      if (!(await allowedPacks(db, principal.tenantId))(name))
        throw forbidden(`Template pack "${name}" is not in this tenant's allowedTemplates policy; ask your MSP to allow it`);
      const pack = await loadPack(join(builtInTemplatesDir, name));
      const { publish, referenceData } = req.body as { publish: boolean; referenceData: boolean };
      const result = await installPack(db, principal.tenantId, pack, { publish, referenceData, actor: principal.userId });
      res.json({ pack: pack.name, ...result } satisfies TemplateInstall);
    },
  },
]);
