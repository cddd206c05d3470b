import { createAuditRepository } from './auditRepository.js';
import type { Db } from './db.js';

export interface UserRecord {
  tenantId: string;
  id: string;
  email: string;
  name: string;
  roles: string[];
  passwordHash: string | null;
  /** When a tenant admin disabled the user; null while they may sign in. */
  disabledAt?: string | null;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toUser = (r: any): UserRecord => ({
  tenantId: r.tenant_id,
  id: r.id,
  email: r.email,
  name: r.name,
  roles: r.roles,
  passwordHash: r.password_hash,
  disabledAt: iso(r.disabled_at),
});

export function createUserRepository(db: Db) {
  return {
    async byEmail(email: string): Promise<UserRecord | undefined> {
      const row = await db('users').whereRaw('lower(email) = lower(?)', [email]).first();
      return row ? toUser(row) : undefined;
    },
    async byId(tenantId: string, id: string): Promise<UserRecord | undefined> {
      const row = await db('users').where({ tenant_id: tenantId, id }).first();
      return row ? toUser(row) : undefined;
    },
    /** True when the user exists and is disabled (a user the database does not know, e.g. from an OIDC issuer, is not). */
    async isDisabled(tenantId: string, id: string): Promise<boolean> {
      const row = await db('users').where({ tenant_id: tenantId, id }).whereNotNull('disabled_at').first('id');
      return Boolean(row);
    },
    /** Disables or enables a user and audits it, in one transaction; false (nothing written) when there is no such user. */
    async setDisabled(tenantId: string, id: string, disabled: boolean, actor: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const n = await trx('users')
          .where({ tenant_id: tenantId, id })
          .update({ disabled_at: disabled ? trx.fn.now() : null });
        if (n !== 1) return false;
        await createAuditRepository(trx).record(tenantId, { actor, action: disabled ? 'user.disabled' : 'user.enabled', entity: 'user', entityId: id });
        return true;
      });
    },
    async upsertTenant(id: string, name: string): Promise<void> {
      await db('tenants').insert({ id, name }).onConflict('id').ignore();
    },
    async upsert(user: UserRecord): Promise<void> {
      await db('users')
        .insert({
          tenant_id: user.tenantId,
          id: user.id,
          email: user.email,
          name: user.name,
          roles: JSON.stringify(user.roles),
          password_hash: user.passwordHash,
        })
        .onConflict(['tenant_id', 'id'])
        .merge();
    },
  };
}
