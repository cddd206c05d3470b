import type { Db } from './db.js';

export interface ApiKeyRecord {
  tenantId: string;
  id: string;
  name: string;
  secretHash: string;
  role: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toKey = (r: any): ApiKeyRecord => ({
  tenantId: r.tenant_id,
  id: r.id,
  name: r.name,
  secretHash: r.secret_hash,
  role: r.role,
  createdBy: r.created_by,
  createdAt: iso(r.created_at)!,
  revokedAt: iso(r.revoked_at),
  lastUsedAt: iso(r.last_used_at),
});

export function createApiKeyRepository(db: Db) {
  return {
    async insert(key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'>): Promise<void> {
      await db('api_keys').insert({
        tenant_id: key.tenantId,
        id: key.id,
        name: key.name,
        secret_hash: key.secretHash,
        role: key.role,
        created_by: key.createdBy,
      });
    },
    /** By key id alone: the id is globally unique and says which tenant the key belongs to. */
    async byId(id: string): Promise<ApiKeyRecord | undefined> {
      const row = await db('api_keys').where({ id }).first();
      return row ? toKey(row) : undefined;
    },
    async list(tenantId: string): Promise<ApiKeyRecord[]> {
      return (await db('api_keys').where({ tenant_id: tenantId }).orderBy('created_at')).map(toKey);
    },
    async revoke(tenantId: string, id: string): Promise<boolean> {
      const rows = await db('api_keys').where({ tenant_id: tenantId, id }).whereNull('revoked_at').update({ revoked_at: db.fn.now() }).returning('id');
      return rows.length === 1;
    },
    async touch(id: string): Promise<void> {
      await db('api_keys').where({ id }).update({ last_used_at: db.fn.now() });
    },
  };
}
