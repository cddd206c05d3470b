import type { OverrideOutcome, TemplateOverrides, WorkflowDefinition } from '@exflow/shared';
import type { Db } from './db.js';

export interface TemplatePackRecord {
  mspId: string;
  name: string;
  version: number;
  title: string;
  flows: WorkflowDefinition[];
  /** Per flow key, the edge ids on which clients may add steps. */
  extensionPoints: Record<string, string[]>;
  createdBy: string | null;
  createdAt: string;
}

export interface TemplateLayerRecord {
  tenantId: string;
  flowKey: string;
  mspId: string;
  pack: string;
  baseVersion: number;
  definitionId: string;
  overrides: TemplateOverrides;
  report: OverrideOutcome[];
  updatedBy: string | null;
  updatedAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const toPack = (r: any): TemplatePackRecord => ({
  mspId: r.tenant_id,
  name: r.name,
  version: r.version,
  title: r.title,
  flows: json(r.flows),
  extensionPoints: json(r.extension_points),
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

const toLayer = (r: any): TemplateLayerRecord => ({
  tenantId: r.tenant_id,
  flowKey: r.flow_key,
  mspId: r.msp_id,
  pack: r.pack,
  baseVersion: r.base_version,
  definitionId: r.definition_id,
  overrides: json(r.overrides),
  report: json(r.report),
  updatedBy: r.updated_by,
  updatedAt: iso(r.updated_at),
});

/** MSP template packs (versioned, immutable) and the clients' override layers on their flows. */
export function createTemplateRepository(db: Db) {
  return {
    /** Stores the next version of the MSP's pack `name` (in the caller's transaction, or one of its own: the MSP row locked numbers versions). */
    async addPackVersion(
      mspId: string,
      name: string,
      title: string,
      flows: WorkflowDefinition[],
      extensionPoints: Record<string, string[]>,
      actor: string | null,
    ): Promise<TemplatePackRecord> {
      const add = async (x: Db) => {
        await x.raw('SELECT id FROM tenants WHERE id = ? FOR UPDATE', [mspId]);
        const latest = await x('template_packs').where({ tenant_id: mspId, name }).max('version as v').first();
        const [row] = await x('template_packs')
          .insert({
            tenant_id: mspId,
            name,
            version: Number(latest?.v ?? 0) + 1,
            title,
            flows: JSON.stringify(flows),
            extension_points: JSON.stringify(extensionPoints),
            created_by: actor,
          })
          .returning('*');
        return toPack(row);
      };
      return db.isTransaction ? add(db) : db.transaction(add);
    },

    async packs(mspId: string): Promise<TemplatePackRecord[]> {
      return (
        await db('template_packs')
          .where({ tenant_id: mspId })
          .orderBy([{ column: 'name' }, { column: 'version', order: 'desc' }])
      ).map(toPack);
    },

    async pack(mspId: string, name: string, version: number): Promise<TemplatePackRecord | undefined> {
      const row = await db('template_packs').where({ tenant_id: mspId, name, version }).first();
      return row ? toPack(row) : undefined;
    },

    async layer(tenantId: string, flowKey: string): Promise<TemplateLayerRecord | undefined> {
      const row = await db('template_layers').where({ tenant_id: tenantId, flow_key: flowKey }).first();
      return row ? toLayer(row) : undefined;
    },

    async layers(tenantId: string): Promise<TemplateLayerRecord[]> {
      return (await db('template_layers').where({ tenant_id: tenantId }).orderBy('flow_key')).map(toLayer);
    },

    async saveLayer(layer: Omit<TemplateLayerRecord, 'updatedAt'>): Promise<void> {
      await db('template_layers')
        .insert({
          tenant_id: layer.tenantId,
          flow_key: layer.flowKey,
          msp_id: layer.mspId,
          pack: layer.pack,
          base_version: layer.baseVersion,
          definition_id: layer.definitionId,
          overrides: JSON.stringify(layer.overrides),
          report: JSON.stringify(layer.report),
          updated_by: layer.updatedBy,
        })
        .onConflict(['tenant_id', 'flow_key'])
        .merge({
          msp_id: layer.mspId,
          pack: layer.pack,
          base_version: layer.baseVersion,
          definition_id: layer.definitionId,
          overrides: JSON.stringify(layer.overrides),
          report: JSON.stringify(layer.report),
          updated_by: layer.updatedBy,
          updated_at: db.fn.now(),
        });
    },
  };
}
