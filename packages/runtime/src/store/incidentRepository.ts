import type { IncidentView } from '@exflow/shared';
import type { Db } from './db.js';

/** A case waiting at a step whose call failed past its retry policy (or for good, with no error edge): the wire shape of GET /incidents. */
export type IncidentRecord = IncidentView;

export interface IncidentFilter {
  status?: 'open' | 'resolved' | 'all';
  caseId?: string;
  definitionId?: string;
  nodeId?: string;
  service?: string;
  limit?: number;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toIncident = (r: any): IncidentRecord => ({
  id: r.id,
  caseId: r.case_id,
  effectId: r.effect_id,
  nodeId: r.node_id,
  service: r.service,
  error: r.error,
  reason: r.reason,
  attempts: r.attempts,
  raisedAt: iso(r.raised_at),
  updatedAt: iso(r.updated_at),
  resolvedAt: r.resolved_at ? iso(r.resolved_at) : null,
  resolution: r.resolution,
  definitionId: r.definition_id,
  caseStatus: r.case_status,
});

export function createIncidentRepository(db: Db) {
  const joined = (tenantId: string) =>
    db('incidents as i')
      .join('cases as c', function () {
        this.on('c.tenant_id', 'i.tenant_id').andOn('c.id', 'i.case_id');
      })
      .where('i.tenant_id', tenantId)
      .select('i.*', 'c.definition_id', 'c.status as case_status');
  return {
    /** Incidents of the tenant, newest first; open ones unless `status` says otherwise. */
    async list(tenantId: string, filter: IncidentFilter = {}): Promise<IncidentRecord[]> {
      const q = joined(tenantId);
      const status = filter.status ?? 'open';
      if (status === 'open') q.whereNull('i.resolved_at');
      if (status === 'resolved') q.whereNotNull('i.resolved_at');
      if (filter.caseId) q.andWhere('i.case_id', filter.caseId);
      if (filter.definitionId) q.andWhere('c.definition_id', filter.definitionId);
      if (filter.nodeId) q.andWhere('i.node_id', filter.nodeId);
      if (filter.service) q.andWhere('i.service', filter.service);
      const rows = await q
        .orderBy([
          { column: 'i.raised_at', order: 'desc' },
          { column: 'i.id', order: 'desc' },
        ])
        .limit(filter.limit ?? 100);
      return rows.map(toIncident);
    },

    /** The open incidents of one case: the steps it waits at. */
    async openForCase(tenantId: string, caseId: string): Promise<{ id: string; nodeId: string; effectId: string }[]> {
      const rows = await db('incidents').where({ tenant_id: tenantId, case_id: caseId }).whereNull('resolved_at').select('id', 'node_id', 'effect_id');
      return rows.map((r: any) => ({ id: r.id, nodeId: r.node_id, effectId: r.effect_id }));
    },
  };
}
