import type { Db } from './db.js';

export interface UserRecord {
  tenantId: string;
  id: string;
  email: string;
  name: string;
  roles: string[];
  passwordHash: string | null;
}

const toUser = (r: any): UserRecord => ({ tenantId: r.tenant_id, id: r.id, email: r.email, name: r.name, roles: r.roles, passwordHash: r.password_hash });

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
    async upsertTenant(id: string, name: string): Promise<void> {
      await db('tenants').insert({ id, name }).onConflict('id').ignore();
    },
    async upsert(user: UserRecord): Promise<void> {
      await db('users')
        .insert({ tenant_id: user.tenantId, id: user.id, email: user.email, name: user.name, roles: JSON.stringify(user.roles), password_hash: user.passwordHash })
        .onConflict(['tenant_id', 'id'])
        .merge();
    },
  };
}
