import type { Db } from './db.js';

/** A child case a sub-flow step opened, with where its outcome goes back to. */
export interface SubflowLink {
  tenantId: string;
  childCaseId: string;
  parentCaseId: string;
  parentNodeId: string;
  parentEffectId: string;
}

/** A finished child case whose parent has not been told yet. */
export interface FinishedChild extends SubflowLink {
  status: string;
  outcome: string | null;
  vars: Record<string, unknown>;
}

const toLink = (r: any): SubflowLink => ({
  tenantId: r.tenant_id,
  childCaseId: r.child_case_id,
  parentCaseId: r.parent_case_id,
  parentNodeId: r.parent_node_id,
  parentEffectId: r.parent_effect_id,
});

/** Parent and child cases of sub-flow steps (migration 022). */
export function createSubflowRepository(db: Db) {
  return {
    /** The child the effect already opened (a retried call opens none again). */
    async byEffect(tenantId: string, effectId: string): Promise<SubflowLink | undefined> {
      const row = await db('subflow_links').where({ tenant_id: tenantId, parent_effect_id: effectId }).first();
      return row ? toLink(row) : undefined;
    },

    async link(l: SubflowLink): Promise<void> {
      await db('subflow_links').insert({
        tenant_id: l.tenantId,
        child_case_id: l.childCaseId,
        parent_case_id: l.parentCaseId,
        parent_node_id: l.parentNodeId,
        parent_effect_id: l.parentEffectId,
      });
    },

    /** Closed children not yet reported to their parent (telling one twice is harmless: the message is deduplicated). */
    async finishedUnreported(limit: number): Promise<FinishedChild[]> {
      const rows = await db.raw(
        `SELECT l.*, c.status, c.outcome, c.snapshot #> '{context,vars}' AS vars FROM subflow_links l
         JOIN cases c ON c.tenant_id = l.tenant_id AND c.id = l.child_case_id
         WHERE l.reported_at IS NULL AND c.closed_at IS NOT NULL
         ORDER BY l.created_at LIMIT ?`,
        [limit],
      );
      return rows.rows.map((r: any) => ({ ...toLink(r), status: r.status, outcome: r.outcome, vars: r.vars ?? {} }));
    },

    /** Open children whose parent was cancelled: nothing waits for them any more. */
    async orphanedByCancel(limit: number): Promise<SubflowLink[]> {
      const rows = await db.raw(
        `SELECT l.* FROM subflow_links l
         JOIN cases p ON p.tenant_id = l.tenant_id AND p.id = l.parent_case_id
         JOIN cases c ON c.tenant_id = l.tenant_id AND c.id = l.child_case_id
         WHERE p.status = 'cancelled' AND c.status = 'open'
         ORDER BY l.created_at LIMIT ?`,
        [limit],
      );
      return rows.rows.map(toLink);
    },

    async reported(l: SubflowLink): Promise<void> {
      await db('subflow_links').where({ tenant_id: l.tenantId, child_case_id: l.childCaseId }).update({ reported_at: db.fn.now() });
    },
  };
}
