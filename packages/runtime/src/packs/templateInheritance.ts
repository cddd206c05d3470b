import { effectiveFlow, overrideDiff, type TemplateOverrides } from '@exflow/shared';
import { loadTenantWithParent } from '../auth/tenancy.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { createTemplateRepository } from '../store/templateRepository.js';
import { baseOf, errorsOf, type sodOf } from './templateLayers.js';

/** The caller's tenant, when it is an MSP; 409 `msp-only` otherwise. */
export async function requireMsp(db: Db, tenantId: string) {
  const { tenant } = await loadTenantWithParent(db, tenantId);
  if (tenant.kind !== 'msp') throw conflict('msp-only', `Tenant "${tenantId}" is not an MSP: only an MSP uploads template packs and publishes them to clients`);
  return tenant;
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
