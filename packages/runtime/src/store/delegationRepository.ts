import type { Db } from './db.js';
import { cachedRow, rowKeys, writeRow } from './rowCache.js';

export interface DelegationRecord {
  id: string;
  fromUser: string;
  toUser: string;
  startsAt: string;
  endsAt: string;
  revokedAt: string | null;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toDelegation = (r: any): DelegationRecord => ({
  id: r.id,
  fromUser: r.from_user,
  toUser: r.to_user,
  startsAt: iso(r.starts_at)!,
  endsAt: iso(r.ends_at)!,
  revokedAt: iso(r.revoked_at),
});

export function createDelegationRepository(db: Db) {
  return {
    async insert(tenantId: string, d: Omit<DelegationRecord, 'revokedAt'>): Promise<void> {
      await writeRow(db, rowKeys.delegationsTo(tenantId, d.toUser), () =>
        db('delegations').insert({ tenant_id: tenantId, id: d.id, from_user: d.fromUser, to_user: d.toUser, starts_at: d.startsAt, ends_at: d.endsAt }),
      );
    },
    /** Delegations not revoked that overlap [from, to). */
    async overlapping(tenantId: string, from: string, to: string): Promise<DelegationRecord[]> {
      const rows = await db('delegations').where({ tenant_id: tenantId }).whereNull('revoked_at').andWhere('starts_at', '<', to).andWhere('ends_at', '>', from);
      return rows.map(toDelegation);
    },
    /**
     * Who delegated to `user` at `at`. Asked on every task completion: the user's delegations not
     * revoked (few: covers for absences) come from the row cache when it holds them, and are
     * filtered by time here.
     */
    async activeTo(tenantId: string, user: string, at: string): Promise<DelegationRecord[]> {
      const all = await cachedRow(db, rowKeys.delegationsTo(tenantId, user), async () =>
        (await db('delegations').where({ tenant_id: tenantId, to_user: user }).whereNull('revoked_at').orderBy('starts_at')).map(toDelegation),
      );
      const when = Date.parse(at);
      return all.filter((d) => Date.parse(d.startsAt) <= when && Date.parse(d.endsAt) > when).map((d) => ({ ...d }));
    },
    async list(tenantId: string): Promise<DelegationRecord[]> {
      return (await db('delegations').where({ tenant_id: tenantId }).orderBy('starts_at')).map(toDelegation);
    },
    async revoke(tenantId: string, id: string, by: string): Promise<boolean> {
      const delegation = await db('delegations').where({ tenant_id: tenantId, id }).first('to_user');
      if (!delegation) return false;
      const rows = await writeRow(db, rowKeys.delegationsTo(tenantId, delegation.to_user), () =>
        db('delegations').where({ tenant_id: tenantId, id, from_user: by }).whereNull('revoked_at').update({ revoked_at: db.fn.now() }).returning('id'),
      );
      return rows.length === 1;
    },
  };
}
