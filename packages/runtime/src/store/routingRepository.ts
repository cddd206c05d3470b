import type { RoutingTable } from '@exflow/shared';
import { createAuditRepository } from './auditRepository.js';
import type { Db } from './db.js';
import { cachedRow, rowKeys, writeRow } from './rowCache.js';

export interface StoredRoutingTable extends RoutingTable {
  updatedBy: string | null;
  updatedAt: string | null;
}

/** The table a tenant routes by: its own, its MSP's, or none (no rules). */
export interface EffectiveRoutingTable extends StoredRoutingTable {
  source: 'own' | 'msp' | 'none';
  /** Whether the tenant may keep a table of its own in force (its MSP lists `routing` as overridable, or it has no MSP table). */
  ownAllowed: boolean;
}

/** A tenant's routing table (finding kinds → exception flows); a tenant without one has no rules. */
export function createRoutingRepository(db: Db) {
  // from the row cache when it holds it (every intake's routing reads it); a tenant without a table is remembered as such
  const find = async (tenantId: string): Promise<StoredRoutingTable | undefined> => {
    const { table } = await cachedRow(db, rowKeys.routing(tenantId), async () => {
      const row = await db('routing_tables').where({ tenant_id: tenantId }).first();
      if (!row) return { table: undefined };
      const stored: StoredRoutingTable = {
        rules: row.rules ?? [],
        updatedBy: row.updated_by,
        updatedAt: row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at,
      };
      return { table: stored };
    });
    return table && structuredClone(table);
  };
  return {
    async get(tenantId: string): Promise<StoredRoutingTable> {
      return (await find(tenantId)) ?? { rules: [], updatedBy: null, updatedAt: null };
    },

    /**
     * The table in force for a tenant: an MSP's table applies to its clients; a client's own
     * table wins only where the MSP lists `routing` among its overridable policies (or has no
     * table). A client reads its MSP's row through RLS policy `routing_from_msp` (migration 013).
     */
    async effective(tenantId: string, msp: { id: string; overridable: readonly string[] } | undefined): Promise<EffectiveRoutingTable> {
      const own = await find(tenantId);
      const inherited = msp ? await find(msp.id) : undefined;
      const ownAllowed = !inherited || msp!.overridable.includes('routing');
      if (inherited && !(own && ownAllowed)) return { ...inherited, source: 'msp', ownAllowed };
      return own ? { ...own, source: 'own', ownAllowed } : { rules: [], updatedBy: null, updatedAt: null, source: 'none', ownAllowed };
    },

    /** Replaces the tenant's own table and audits the change (`routing.changed`), in one transaction. */
    async put(tenantId: string, table: RoutingTable, actor: string): Promise<void> {
      await writeRow(db, rowKeys.routing(tenantId), () =>
        db.transaction(async (trx) => {
          await trx('routing_tables')
            .insert({ tenant_id: tenantId, rules: JSON.stringify(table.rules), updated_by: actor, updated_at: trx.fn.now() })
            .onConflict('tenant_id')
            .merge();
          await createAuditRepository(trx).record(tenantId, {
            actor,
            action: 'routing.changed',
            entity: 'tenant',
            entityId: tenantId,
            data: { rules: table.rules },
          });
        }),
      );
    },

    /** Installs a table only when the tenant has none, so a tenant's own routing survives a pack re-install. */
    async putIfAbsent(tenantId: string, table: RoutingTable, actor: string | null): Promise<boolean> {
      const rows = await writeRow(db, rowKeys.routing(tenantId), () =>
        db('routing_tables')
          .insert({ tenant_id: tenantId, rules: JSON.stringify(table.rules), updated_by: actor })
          .onConflict('tenant_id')
          .ignore()
          .returning('tenant_id'),
      );
      return rows.length === 1;
    },
  };
}
