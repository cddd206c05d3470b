import type { Db } from './db.js';

export const APP_ROLE = 'exflow_app';

/**
 * Runs work in a read-only transaction as the application role, with row-level security
 * restricted to one tenant: whatever the queries inside forget to filter, PostgreSQL does.
 *
 * Still as the owner, it sets `exflow.tenant_id` and beside it `exflow.tenant_proof`, a keyed
 * hash of the tenant, this backend and this transaction that only the owner can compute
 * (`exflow_scope_proof`, migration 008); then it becomes `exflow_app`. The policies read the
 * tenant through `exflow_current_tenant()`, which accepts it only with its proof: code under
 * the scope that sets `exflow.tenant_id` to another tenant sees no tenant's rows at all.
 * @example withTenantScope(db, 'acme', (scoped) => scoped('cases').select()) // Acme's cases only
 */
export function withTenantScope<T>(db: Db, tenantId: string, work: (scoped: Db) => Promise<T>): Promise<T> {
  return db.transaction(
    async (trx) => {
      // the proof is computed (in FROM) before the projection switches the role
      await trx.raw(
        `SELECT set_config('exflow.tenant_id', ?, true), set_config('exflow.tenant_proof', p.proof, true), set_config('role', ?, true)
         FROM (SELECT exflow_scope_proof(?) AS proof) p`,
        [tenantId, APP_ROLE, tenantId],
      );
      return work(trx);
    },
    { readOnly: true },
  );
}

/** Reads one tenant's rows with `work`, which gets the connection to read them on. */
export type TenantReader = <T>(tenantId: string, work: (db: Db) => Promise<T>) => Promise<T>;

/**
 * How reads reach a tenant other than the one in scope (an MSP's figures of each client):
 * with `scoped` (reads run under row-level security), each in that tenant's own scope, a
 * read-only transaction of its own, since a scope admits one tenant and cannot be switched
 * from inside it (the proof is the owner's to make); without, on `db` as it is. The caller
 * decides which tenants it may read (an MSP its clients), as the repositories' filter does.
 * @example tenantReader(db, true)('acme', (scoped) => createInsightsRepository(scoped).metric('acme', ...))
 */
export function tenantReader(db: Db, scoped: boolean): TenantReader {
  return (tenantId, work) => (scoped ? withTenantScope(db, tenantId, work) : work(db));
}

/** Whether this PostgreSQL connection may become the application role (it exists and we are a member). */
export async function canUseTenantScope(db: Db): Promise<boolean> {
  const result = await db.raw(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) AND pg_has_role(current_user, ?, 'MEMBER') AS usable`, [
    APP_ROLE,
    APP_ROLE,
  ]);
  return result.rows[0]?.usable === true;
}
