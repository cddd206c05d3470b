import type { Db } from './db.js';
import { cachedRow, rowKeys, writeRow } from './rowCache.js';

export interface Branding {
  productName: string;
  logoUrl?: string;
  primaryColor?: string;
  accentColor?: string;
  supportEmail?: string;
  supportUrl?: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  parentId: string | null;
  kind: 'msp' | 'client' | 'standalone';
  branding: Branding | null;
  policies: Record<string, unknown>;
  /** Policy keys a client of this MSP may override. */
  overridable: string[];
}

const toTenant = (r: any): TenantRecord => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  kind: r.kind,
  branding: r.branding,
  policies: r.policies ?? {},
  overridable: r.overridable ?? [],
});

export function createTenantRepository(db: Db) {
  return {
    /** The tenant (from the row cache when it holds it: read on nearly every request and transition). */
    async get(id: string): Promise<TenantRecord | undefined> {
      const tenant = await cachedRow(
        db,
        rowKeys.tenant(id),
        async () => {
          const row = await db('tenants').where({ id }).first();
          return row ? toTenant(row) : undefined;
        },
        (t) => t !== undefined,
      );
      return tenant && structuredClone(tenant); // callers may change what they get; the cached copy stays
    },
    async children(parentId: string): Promise<TenantRecord[]> {
      return (await db('tenants').where({ parent_id: parentId }).orderBy('name')).map(toTenant);
    },
    async upsert(t: Pick<TenantRecord, 'id' | 'name'> & Partial<TenantRecord>): Promise<void> {
      await writeRow(db, rowKeys.tenant(t.id), () =>
        db('tenants')
          .insert({
            id: t.id,
            name: t.name,
            parent_id: t.parentId ?? null,
            kind: t.kind ?? 'standalone',
            branding: t.branding ? JSON.stringify(t.branding) : null,
            policies: JSON.stringify(t.policies ?? {}),
            overridable: JSON.stringify(t.overridable ?? []),
          })
          .onConflict('id')
          .merge(['name', 'parent_id', 'kind', 'branding', 'policies', 'overridable']),
      );
    },
    async setPolicies(id: string, policies: Record<string, unknown>, overridable?: string[]): Promise<void> {
      await writeRow(db, rowKeys.tenant(id), () =>
        db('tenants')
          .where({ id })
          .update({ policies: JSON.stringify(policies), ...(overridable ? { overridable: JSON.stringify(overridable) } : {}) }),
      );
    },
    async setBranding(id: string, branding: Branding | null): Promise<void> {
      await writeRow(db, rowKeys.tenant(id), () =>
        db('tenants')
          .where({ id })
          .update({ branding: branding ? JSON.stringify(branding) : null }),
      );
    },
  };
}
