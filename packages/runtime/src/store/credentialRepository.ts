import type { Db } from './db.js';

export type CredentialType = 'bearer' | 'basic' | 'secret';

/** A credential as anyone may see it: never its value. */
export interface CredentialInfo {
  name: string;
  type: CredentialType;
  description: string | null;
  /** The id of the key that sealed it (a key rotation reseals the others at start). */
  keyId: string;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toInfo = (r: any): CredentialInfo => ({
  name: r.name,
  type: r.type,
  description: r.description,
  keyId: r.key_id,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  lastUsedAt: iso(r.last_used_at),
});

/** Tenant credentials (migration 019): sealed values in, names and dates out. */
export function createCredentialRepository(db: Db) {
  return {
    /** Creates or replaces a credential; `created` says which. */
    async put(
      tenantId: string,
      c: { name: string; type: CredentialType; sealed: string; keyId: string; description?: string; by: string | null },
    ): Promise<{ credential: CredentialInfo; created: boolean }> {
      const result = await db.raw(
        `INSERT INTO credentials (tenant_id, name, type, sealed, key_id, description, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, name) DO UPDATE SET type = excluded.type, sealed = excluded.sealed, key_id = excluded.key_id,
           description = excluded.description, updated_at = now()
         RETURNING *, (xmax = 0) AS inserted`,
        [tenantId, c.name, c.type, c.sealed, c.keyId, c.description ?? null, c.by],
      );
      const row = result.rows[0];
      return { credential: toInfo(row), created: Boolean(row.inserted) };
    },

    async list(tenantId: string): Promise<CredentialInfo[]> {
      return (await db('credentials').where({ tenant_id: tenantId }).orderBy('name')).map(toInfo);
    },

    async get(tenantId: string, name: string): Promise<CredentialInfo | undefined> {
      const row = await db('credentials').where({ tenant_id: tenantId, name }).first();
      return row ? toInfo(row) : undefined;
    },

    async remove(tenantId: string, name: string): Promise<boolean> {
      // the deleted rows, not a count: knex-pglite does not report one
      return (await db('credentials').where({ tenant_id: tenantId, name }).delete().returning('name')).length > 0;
    },

    /** The sealed value for a call that uses it, and `last_used_at` set to now. */
    async takeForUse(tenantId: string, name: string): Promise<{ type: CredentialType; sealed: string } | undefined> {
      const [row] = await db('credentials').where({ tenant_id: tenantId, name }).update({ last_used_at: db.fn.now() }).returning(['type', 'sealed']);
      return row ? { type: row.type, sealed: row.sealed } : undefined;
    },

    /** Whether any sealed secret is stored (credentials or webhook secrets), in any tenant. */
    async anyStored(): Promise<boolean> {
      const found = await db.raw(`SELECT EXISTS (SELECT 1 FROM credentials) OR EXISTS (SELECT 1 FROM webhook_subscriptions) AS any`);
      return Boolean(found.rows[0]?.any);
    },

    /**
     * Reseals what is not sealed with `keyId`: webhook secrets stored as written (before
     * migration 019) and values an earlier key sealed. `reseal` gets the stored text and gives
     * the new one. Returns how many values changed.
     */
    async resealAll(keyId: string, reseal: (stored: string) => string): Promise<number> {
      let changed = 0;
      await db.transaction(async (trx) => {
        for (const row of await trx('credentials').whereNot({ key_id: keyId }).forUpdate().select('tenant_id', 'name', 'sealed')) {
          await trx('credentials')
            .where({ tenant_id: row.tenant_id, name: row.name })
            .update({ sealed: reseal(row.sealed), key_id: keyId });
          changed++;
        }
        const current = `v1.${keyId}.%`;
        const stale = await trx('webhook_subscriptions')
          .where((q) => q.whereNot('secret', 'like', current).orWhere((p) => p.whereNotNull('previous_secret').whereNot('previous_secret', 'like', current)))
          .forUpdate()
          .select('tenant_id', 'id', 'secret', 'previous_secret');
        for (const row of stale) {
          await trx('webhook_subscriptions')
            .where({ tenant_id: row.tenant_id, id: row.id })
            .update({ secret: reseal(row.secret), previous_secret: row.previous_secret ? reseal(row.previous_secret) : null });
          changed++;
        }
      });
      return changed;
    },
  };
}
