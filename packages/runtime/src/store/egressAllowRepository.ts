import type { Db } from './db.js';
import { newId } from './ids.js';

export interface EgressAllowEntry {
  id: string;
  /** A host name, an IP address or a CIDR network. */
  entry: string;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

const toEntry = (r: any): EgressAllowEntry => ({
  id: r.id,
  entry: r.entry,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at,
});

/** The egress allow-list a platform admin keeps: per tenant, and an MSP's entries reach its clients. */
export function createEgressAllowRepository(db: Db) {
  return {
    async list(tenantId: string): Promise<EgressAllowEntry[]> {
      return (await db('egress_allow').where({ tenant_id: tenantId }).orderBy('created_at')).map(toEntry);
    },
    /** Adds an entry; answers the existing one when the same entry is already there. */
    async add(tenantId: string, entry: { entry: string; note?: string; createdBy: string }): Promise<{ record: EgressAllowEntry; created: boolean }> {
      const inserted = await db('egress_allow')
        .insert({ tenant_id: tenantId, id: newId(), entry: entry.entry, note: entry.note ?? null, created_by: entry.createdBy })
        .onConflict(['tenant_id', 'entry'])
        .ignore()
        .returning('*');
      if (inserted.length) return { record: toEntry(inserted[0]), created: true };
      return { record: toEntry(await db('egress_allow').where({ tenant_id: tenantId, entry: entry.entry }).first()), created: false };
    },
    async remove(tenantId: string, id: string): Promise<EgressAllowEntry | undefined> {
      const [row] = await db('egress_allow').where({ tenant_id: tenantId, id }).delete().returning('*');
      return row ? toEntry(row) : undefined;
    },
    /** The entries in force for a tenant's calls: its own and its MSP's. */
    async entriesFor(tenantId: string): Promise<string[]> {
      const rows = await db('egress_allow')
        .where('tenant_id', tenantId)
        .orWhereIn('tenant_id', db('tenants').where({ id: tenantId }).whereNotNull('parent_id').select('parent_id'))
        .select('entry');
      return rows.map((r: { entry: string }) => r.entry);
    },
  };
}
