import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile, validate, type WorkflowDefinition } from '@exflow/shared';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createReferenceRepository, type GoodsReceiptInput, type PurchaseOrderInput, type SupplierInput } from '../store/referenceRepository.js';

export interface PackSample {
  file: string;
  flow: string;
  expect: { route: string[]; status: string };
}

/** A template pack as read from `templates/<pack>/pack.json` and the files it names. */
export interface TemplatePack {
  name: string;
  title: string;
  version: string;
  flows: WorkflowDefinition[];
  referenceData: { suppliers: SupplierInput[]; purchaseOrders: PurchaseOrderInput[]; goodsReceipts: GoodsReceiptInput[] };
  samples: (PackSample & { invoice: unknown })[];
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

export async function loadPack(dir: string): Promise<TemplatePack> {
  const manifest = await readJson(join(dir, 'pack.json'));
  const flows: WorkflowDefinition[] = await Promise.all(manifest.flows.map((f: string) => readJson(join(dir, f))));
  for (const flow of flows) {
    const { ok, problems } = validate(flow);
    if (!ok) throw new Error(`Template ${manifest.name}/${flow.key} is invalid: ${problems.map((p) => p.message).join('; ')}`);
  }
  const referenceData = manifest.referenceData ? await readJson(join(dir, manifest.referenceData)) : { suppliers: [], purchaseOrders: [], goodsReceipts: [] };
  const samples = await Promise.all((manifest.samples ?? []).map(async (s: PackSample) => ({ ...s, invoice: await readJson(join(dir, s.file)) })));
  return { name: manifest.name, title: manifest.title, version: manifest.version, flows, referenceData, samples };
}

export interface InstallOptions {
  /** Publish each flow (else they are installed as drafts). */
  publish: boolean;
  referenceData: boolean;
  actor: string | null;
}

/** Installs a pack's flows (skipping keys the tenant already has) and, optionally, its reference data. */
export async function installPack(db: Db, tenantId: string, pack: TemplatePack, options: InstallOptions): Promise<{ installed: string[]; skipped: string[] }> {
  return db.transaction(async (trx) => {
    const definitions = createDefinitionRepository(trx);
    const installed: string[] = [];
    const skipped: string[] = [];
    for (const flow of pack.flows) {
      const id = newId();
      if (!(await definitions.create(tenantId, id, flow, options.actor))) {
        skipped.push(flow.key);
        continue;
      }
      if (options.publish) {
        const result = compile(flow);
        if (!result.ok) throw new Error(`Template ${flow.key} does not compile`);
        await definitions.publish(tenantId, id, flow, result.flow, options.actor);
      }
      installed.push(flow.key);
    }
    if (options.referenceData) {
      const reference = createReferenceRepository(trx);
      await reference.upsertSuppliers(tenantId, pack.referenceData.suppliers);
      await reference.upsertPurchaseOrders(tenantId, pack.referenceData.purchaseOrders);
      await reference.upsertGoodsReceipts(tenantId, pack.referenceData.goodsReceipts);
    }
    return { installed, skipped };
  });
}
