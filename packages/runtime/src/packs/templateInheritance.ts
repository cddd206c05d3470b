import { compile, effectiveFlow, overrideDiff, validate, type TemplateFanOut, type TemplateOverrides, type WorkflowDefinition } from '@exflow/shared';
import { loadTenantWithParent, tenantPolicies } from '../auth/tenancy.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createTemplateRepository, type TemplateLayerRecord } from '../store/templateRepository.js';

/** The caller's tenant, when it is an MSP; 409 `msp-only` otherwise. */
export async function requireMsp(db: Db, tenantId: string) {
  const { tenant } = await loadTenantWithParent(db, tenantId);
  if (tenant.kind !== 'msp') throw conflict('msp-only', `Tenant "${tenantId}" is not an MSP: only an MSP uploads template packs and publishes them to clients`);
  return tenant;
}

/** The design-time segregation-of-duties policy of a tenant. */
export async function sodOf(db: Db, tenantId: string) {
  const p = (await tenantPolicies(db, tenantId)) as { sodDesignCheck?: 'refuse' | 'warn'; fourEyesThreshold?: number };
  return { mode: p.sodDesignCheck ?? 'refuse', fourEyesThreshold: p.fourEyesThreshold ?? null } as const;
}

const errorsOf = (flow: WorkflowDefinition, sod: Awaited<ReturnType<typeof sodOf>>) => {
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

type FlowReport = TemplateFanOut['clients'][number]['flows'][number];

/**
 * Puts one base flow into one client: installs it with an empty layer, or recomputes the
 * client's effective flow on the new base (overrides kept or reported as conflicts), validates
 * it under the client's policies and publishes it. One transaction per client flow.
 */
export async function fanOutFlow(
  db: Db,
  clientId: string,
  mspId: string,
  pack: string,
  version: number,
  base: WorkflowDefinition,
  points: string[],
  actor: string,
): Promise<FlowReport> {
  const sod = await sodOf(db, clientId);
  return db.transaction(async (trx) => {
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
  });
}

/**
 * Replaces a client's overrides of a base flow: the effective flow is computed on the layer's
 * base, validated under the client's policies (`sod`) and published as the flow's next version,
 * all in one transaction; 404 without a layer, 422 for an override the base cannot take or an
 * effective flow with problems (nothing changed).
 */
export async function saveOverrides(
  db: Db,
  tenantId: string,
  key: string,
  overrides: TemplateOverrides,
  sod: Awaited<ReturnType<typeof sodOf>>,
  actor: string,
) {
  return db.transaction(async (trx) => {
    const templates = createTemplateRepository(trx);
    const layer = await templates.layer(tenantId, key);
    if (!layer) throw notFound('template layer', key);
    const { flow: base, points } = (await baseOf(trx, layer))!;
    const { definition, outcomes } = effectiveFlow(base, overrides, undefined, points);
    const refused = outcomes.filter((o) => o.status === 'conflict');
    if (refused.length)
      throw unprocessable(
        'template-override-invalid',
        refused.map((m) => m.message).join('; '),
        refused.map((m) => ({
          path: m.paths[0] === '/insert' ? `/insert/${(overrides.insert ?? []).findIndex((i) => i.node.id === m.nodeId)}` : `/nodes/${m.nodeId}`,
          message: m.message,
        })),
      );
    const { compiled, errors } = errorsOf(definition, sod);
    if (!compiled.ok || errors.length)
      throw unprocessable(
        'template-override-invalid',
        `With these overrides "${key}" has ${errors.length} problem(s); nothing was changed`,
        errors.map((p) => ({
          path: p.nodeId ? `/nodes/${p.nodeId}${p.path ?? ''}` : (p.path ?? '/nodes'),
          message: p.message,
          code: p.code,
          nodeId: p.nodeId,
        })),
      );
    const definitions = createDefinitionRepository(trx);
    await definitions.updateDraft(tenantId, layer.definitionId, definition, actor);
    const published = await definitions.publish(tenantId, layer.definitionId, definition, compiled.flow, actor);
    await templates.saveLayer({ ...layer, overrides, report: outcomes, updatedBy: actor });
    return { version: published.version, report: outcomes, diff: overrideDiff(base, overrides) };
  });
}
