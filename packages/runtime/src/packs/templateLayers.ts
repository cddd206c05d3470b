import { compile, effectiveFlow, validate, type TemplateFanOutFlow, type WorkflowDefinition } from '@exflow/shared';
import { tenantPolicies } from '../auth/tenancy.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createTemplateRepository, type TemplateLayerRecord } from '../store/templateRepository.js';

/** The design-time segregation-of-duties settings a tenant's flows are validated under. */
export async function sodOf(db: Db, tenantId: string) {
  const p = (await tenantPolicies(db, tenantId)) as { sodDesignCheck?: 'refuse' | 'warn'; fourEyesThreshold?: number };
  return { mode: p.sodDesignCheck ?? 'refuse', fourEyesThreshold: p.fourEyesThreshold ?? null } as const;
}

/** A flow compiled, and its problems that stop it being published (warnings left out). */
export const errorsOf = (flow: WorkflowDefinition, sod: Awaited<ReturnType<typeof sodOf>>) => {
  const compiled = compile(flow);
  const problems = compiled.ok ? validate(flow, { sod }).problems : compiled.problems;
  return { compiled, errors: problems.filter((p) => p.severity !== 'warning') };
};

/** The base flow a layer stands on, and the edges on which the client may add steps. */
export async function baseOf(db: Db, layer: Pick<TemplateLayerRecord, 'mspId' | 'pack' | 'baseVersion' | 'flowKey'>) {
  const pack = await createTemplateRepository(db).pack(layer.mspId, layer.pack, layer.baseVersion);
  const flow = pack?.flows.find((f) => f.key === layer.flowKey);
  return flow ? { flow, points: pack!.extensionPoints[layer.flowKey] ?? [] } : undefined;
}

/** Where one flow of a pack version goes into one client. */
export interface FlowTarget {
  clientId: string;
  mspId: string;
  pack: string;
  version: number;
  base: WorkflowDefinition;
  /** The edges of `base` on which clients may add steps. */
  points: string[];
  actor: string;
}

/**
 * Puts one base flow into one client: installs it with an empty layer, or recomputes the
 * client's effective flow on the new base (overrides kept or reported as conflicts), validates
 * it under the client's policies and publishes it. One transaction per client flow; `record`
 * runs inside it with the flow's report, so what was done and its record commit together.
 */
export async function fanOutFlow(db: Db, target: FlowTarget, record: (trx: Db, report: TemplateFanOutFlow) => Promise<void>): Promise<TemplateFanOutFlow> {
  const { clientId, mspId, pack, version, base, points, actor } = target;
  const sod = await sodOf(db, clientId);
  return db.transaction(async (trx) => {
    const report = await putFlow(trx);
    await record(trx, report);
    return report;
  });

  async function putFlow(trx: Db): Promise<TemplateFanOutFlow> {
    const templates = createTemplateRepository(trx);
    const definitions = createDefinitionRepository(trx);
    const layer = await templates.layer(clientId, base.key);
    if (!layer) {
      if (await definitions.getByKey(clientId, base.key))
        return { key: base.key, status: 'skipped', overrides: [], message: `The client has its own flow "${base.key}"; it is not replaced` };
      const { compiled, errors } = errorsOf(base, sod);
      if (!compiled.ok || errors.length) return { key: base.key, status: 'invalid', overrides: [], problems: errors };
      const id = newId();
      await definitions.create(clientId, id, base, actor);
      const published = await definitions.publish(clientId, id, base, compiled.flow, actor);
      await templates.saveLayer({
        tenantId: clientId,
        flowKey: base.key,
        mspId,
        pack,
        baseVersion: version,
        definitionId: id,
        overrides: { nodes: {} },
        report: [],
        updatedBy: actor,
      });
      return { key: base.key, status: 'installed', version: published.version, overrides: [] };
    }
    if (layer.mspId !== mspId || layer.pack !== pack)
      return { key: base.key, status: 'skipped', overrides: [], message: `The client's "${base.key}" stands on ${layer.mspId}/${layer.pack}` };
    if (layer.baseVersion === version) return { key: base.key, status: 'unchanged', overrides: layer.report };
    const previous = await baseOf(trx, layer);
    const { definition, outcomes } = effectiveFlow(base, layer.overrides, previous?.flow, points);
    const { compiled, errors } = errorsOf(definition, sod);
    if (!compiled.ok || errors.length) return { key: base.key, status: 'invalid', overrides: outcomes, problems: errors };
    await definitions.updateDraft(clientId, layer.definitionId, definition, actor);
    const published = await definitions.publish(clientId, layer.definitionId, definition, compiled.flow, actor);
    await templates.saveLayer({ ...layer, baseVersion: version, report: outcomes, updatedBy: actor });
    return { key: base.key, status: 'upgraded', version: published.version, overrides: outcomes };
  }
}
