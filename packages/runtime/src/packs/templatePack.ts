import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRoutingTable, compile, createAjv, routingTableSchema, validate, type RoutingTable, type WorkflowDefinition } from '@exflow/shared';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createRoutingRepository } from '../store/routingRepository.js';
import { createReferenceRepository, type GoodsReceiptInput, type PurchaseOrderInput, type SupplierInput } from '../store/referenceRepository.js';

/** What a sample's case should look like: the nodes it passed through, in order, and its status. */
export interface PackExpectation {
  route: string[];
  status: string;
}

/** One thing done to a sample's case after intake: a person completes a task, or an SLA runs out. */
export type PackStep =
  /**
   * `by`: the role of the person who completes the task; a list when several people must (an
   * approval above the four-eyes threshold), each entry a different person with that role.
   */
  { complete: string; outcome: string; data?: Record<string, unknown>; by: string | string[] } | { timeout: string };

export interface PackSample {
  file: string;
  flow: string;
  /** Right after intake, once the case waits (for a person, a timer) or has closed. */
  expect: PackExpectation;
  /** For a sample that waits for people: what they do, in order, ... */
  steps?: PackStep[];
  /** ... and how the case ends then. */
  end?: PackExpectation;
}

/** A template pack as read from `templates/<pack>/pack.json` and the files it names. */
export interface TemplatePack {
  name: string;
  title: string;
  version: string;
  description: string;
  flows: WorkflowDefinition[];
  referenceData: { suppliers: SupplierInput[]; purchaseOrders: PurchaseOrderInput[]; goodsReceipts: GoodsReceiptInput[] };
  samples: (PackSample & { invoice: unknown })[];
  /** The pack's default routing table (finding kinds → its flows), installed when the tenant has none. */
  routing: RoutingTable | null;
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

/** The `templates/` folder of this repository, where the built-in packs live. */
export const builtInTemplatesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../templates');

/** A pack name is a folder name: lower case letters, digits and dashes. */
export const PACK_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Names of the packs in a templates folder (sub-folders with a pack.json), sorted. */
export async function listPackNames(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && PACK_NAME.test(e.name) && existsSync(join(dir, e.name, 'pack.json')))
    .map((e) => e.name)
    .sort();
}

export async function loadPack(dir: string): Promise<TemplatePack> {
  const manifest = await readJson(join(dir, 'pack.json'));
  const flows: WorkflowDefinition[] = await Promise.all(manifest.flows.map((f: string) => readJson(join(dir, f))));
  for (const flow of flows) {
    const { ok, problems } = validate(flow);
    if (!ok) throw new Error(`Template ${manifest.name}/${flow.key} is invalid: ${problems.map((p) => p.message).join('; ')}`);
  }
  const referenceData = manifest.referenceData ? await readJson(join(dir, manifest.referenceData)) : { suppliers: [], purchaseOrders: [], goodsReceipts: [] };
  const samples = await Promise.all((manifest.samples ?? []).map(async (s: PackSample) => ({ ...s, invoice: await readJson(join(dir, s.file)) })));
  const routing: RoutingTable | null = manifest.routing ? await readJson(join(dir, manifest.routing)) : null;
  if (routing) {
    const validateTable = createAjv().compile(routingTableSchema);
    const problems = validateTable(routing)
      ? checkRoutingTable(routing, new Set(flows.map((f) => f.key)))
      : [{ path: '', message: validateTable.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ') ?? 'invalid' }];
    if (problems.length)
      throw new Error(`Template ${manifest.name}/${manifest.routing} is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  }
  return {
    name: manifest.name,
    title: manifest.title,
    version: manifest.version,
    description: manifest.description ?? '',
    flows,
    referenceData,
    samples,
    routing,
  };
}

export interface InstallOptions {
  /** Publish each flow (else they are installed as drafts). */
  publish: boolean;
  referenceData: boolean;
  actor: string | null;
}

/** Installs a pack's flows (skipping keys the tenant already has) and, optionally, its reference data. */
export async function installPack(
  db: Db,
  tenantId: string,
  pack: TemplatePack,
  options: InstallOptions,
): Promise<{
  installed: string[];
  skipped: string[];
  referenceData: null | { suppliers: number; purchaseOrders: number; goodsReceipts: number };
  routing?: 'installed' | 'kept';
}> {
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
    const { suppliers = [], purchaseOrders = [], goodsReceipts = [] } = pack.referenceData;
    if (options.referenceData) {
      const reference = createReferenceRepository(trx);
      await reference.upsertSuppliers(tenantId, suppliers);
      await reference.upsertPurchaseOrders(tenantId, purchaseOrders);
      await reference.upsertGoodsReceipts(tenantId, goodsReceipts);
    }
    // a tenant's own routing table is never replaced: the pack's is its default
    const routing = pack.routing ? ((await createRoutingRepository(trx).putIfAbsent(tenantId, pack.routing, options.actor)) ? 'installed' : 'kept') : null;
    return {
      installed,
      skipped,
      ...(routing ? { routing } : {}),
      referenceData: options.referenceData ? { suppliers: suppliers.length, purchaseOrders: purchaseOrders.length, goodsReceipts: goodsReceipts.length } : null,
    };
  });
}
