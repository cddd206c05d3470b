import type { RoutingTable } from '@exflow/shared';
import type { Db } from './db.js';

export interface StoredRoutingTable extends RoutingTable {
  updatedBy: string | null;
  updatedAt: string | null;
}

/** A tenant's routing table (finding kinds → exception flows); a tenant without one has no rules. */
export function createRoutingRepository(db: Db) {
  return {
    async get(tenantId: string): Promise<StoredRoutingTable> {
      const row = await db('routing_tables').where({ tenant_id: tenantId }).first();
      if (!row) return { rules: [], updatedBy: null, updatedAt: null };
      return { rules: row.rules ?? [], updatedBy: row.updated_by, updatedAt: row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at };
    },

    async put(tenantId: string, table: RoutingTable, actor: string | null): Promise<void> {
      await db('routing_tables')
        .insert({ tenant_id: tenantId, rules: JSON.stringify(table.rules), updated_by: actor, updated_at: db.fn.now() })
        .onConflict('tenant_id')
        .merge();
    },

    /** Installs a table only when the tenant has none, so a tenant's own routing survives a pack re-install. */
    async putIfAbsent(tenantId: string, table: RoutingTable, actor: string | null): Promise<boolean> {
      const rows = await db('routing_tables')
        .insert({ tenant_id: tenantId, rules: JSON.stringify(table.rules), updated_by: actor })
        .onConflict('tenant_id')
        .ignore()
        .returning('tenant_id');
      return rows.length === 1;
    },
  };
}
