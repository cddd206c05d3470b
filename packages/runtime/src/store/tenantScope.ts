import type { Db } from './db.js';

export const APP_ROLE = 'exflow_app';

/**
 * Runs work in a read-only transaction as the application role, with row-level security
 * restricted to one tenant: whatever the queries inside forget to filter, PostgreSQL does.
 * @example withTenantScope(db, 'acme', (scoped) => scoped('cases').select()) // Acme's cases only
 */
export function withTenantScope<T>(db: Db, tenantId: string, work: (scoped: Db) => Promise<T>): Promise<T> {
  return db.transaction(
    async (trx) => {
      await trx.raw(`SELECT set_config('role', ?, true), set_config('exflow.tenant_id', ?, true)`, [APP_ROLE, tenantId]);
      return work(trx);
    },
    { readOnly: true },
  );
}

/** Whether this PostgreSQL connection may become the application role (it exists and we are a member). */
export async function canUseTenantScope(db: Db): Promise<boolean> {
  const result = await db.raw(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) AND pg_has_role(current_user, ?, 'MEMBER') AS usable`, [APP_ROLE, APP_ROLE]);
  return result.rows[0]?.usable === true;
}
