import type { Db } from './db.js';
import { newId } from './ids.js';

export interface AuditEntry {
  id: string;
  caseId: string | null;
  actor: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string;
  data: Record<string, unknown>;
  createdAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/** A case's audit trail (append-only table `audit`), and the workspace's own audit rows. */
export function createCaseAuditRepository(db: Db) {
  return {
    async forCase(tenantId: string, caseId: string): Promise<AuditEntry[]> {
      const rows = await db('audit as a')
        .leftJoin('users as u', function () {
          this.on('u.tenant_id', 'a.tenant_id').andOn('u.id', 'a.actor');
        })
        .where({ 'a.tenant_id': tenantId, 'a.case_id': caseId })
        .orderBy([{ column: 'a.created_at' }, { column: 'a.id' }])
        .select('a.id', 'a.case_id', 'a.actor', 'a.action', 'a.entity', 'a.entity_id', 'a.data', 'a.created_at', 'u.name as actor_name');
      return rows.map((r: any) => ({
        id: r.id,
        caseId: r.case_id,
        actor: r.actor,
        actorName: r.actor_name ?? null,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        data: r.data,
        createdAt: iso(r.created_at),
      }));
    },

    /** Appends one audit row: reassignments, priority changes, retries, attachments. */
    async append(tenantId: string, entry: { caseId: string | null; actor: string; action: string; entity: string; entityId: string; data: Record<string, unknown> }): Promise<void> {
      await db('audit').insert({
        tenant_id: tenantId,
        id: newId(),
        case_id: entry.caseId,
        actor: entry.actor,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        data: JSON.stringify(entry.data),
      });
    },
  };
}
