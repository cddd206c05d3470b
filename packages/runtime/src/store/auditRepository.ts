import type { Db } from './db.js';
import { newId } from './ids.js';

export interface AuditRecord {
  seq: number;
  id: string;
  caseId: string | null;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string;
  data: Record<string, unknown>;
  createdAt: string;
  chain: string;
  prevHash: string | null;
  hash: string;
}

/** A case's audit row as the case view shows it: with the actor's name. */
export interface CaseAuditEntry {
  id: string;
  caseId: string | null;
  actor: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface AuditBreak {
  seq: number;
  id: string;
  chain: string;
  caseId: string | null;
  action: string;
  /** `hash`: the row's content no longer matches its hash; `link`: its prev_hash is not the hash of the row before it. */
  problem: 'hash' | 'link';
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toAudit = (r: any): AuditRecord => ({
  seq: Number(r.seq),
  id: r.id,
  caseId: r.case_id,
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  data: r.data,
  createdAt: iso(r.created_at),
  chain: r.chain,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The append-only, hash-chained audit trail. Rows are chained by the database trigger. */
export function createAuditRepository(db: Db) {
  return {
    async record(tenantId: string, entry: { caseId?: string | null; actor: string | null; action: string; entity: string; entityId: string; data?: Record<string, unknown> }): Promise<void> {
      await db('audit').insert({
        tenant_id: tenantId,
        id: newId(),
        case_id: entry.caseId ?? null,
        actor: entry.actor,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        data: JSON.stringify(entry.data ?? {}),
      });
    },

    /** One case's trail, in chain order, with the actors' names. */
    async forCase(tenantId: string, caseId: string): Promise<CaseAuditEntry[]> {
      const rows = await db('audit as a')
        .leftJoin('users as u', function () {
          this.on('u.tenant_id', 'a.tenant_id').andOn('u.id', 'a.actor');
        })
        .where({ 'a.tenant_id': tenantId, 'a.case_id': caseId })
        .orderBy('a.seq')
        .select('a.id', 'a.case_id', 'a.actor', 'a.action', 'a.entity', 'a.entity_id', 'a.data', 'a.created_at', 'u.name as actor_name');
      return rows.map((r: any) => ({
        id: r.id,
        caseId: r.case_id,
        actor: r.actor,
        actorName: r.actor_name ?? null,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        data: r.data,
        createdAt: iso(r.created_at),
      }));
    },

    async list(tenantId: string, range: { from?: string; to?: string; caseId?: string; limit?: number }): Promise<AuditRecord[]> {
      const q = db('audit').where({ tenant_id: tenantId });
      if (range.from) q.andWhere('created_at', '>=', range.from);
      if (range.to) q.andWhere('created_at', '<', range.to);
      if (range.caseId) q.andWhere('case_id', range.caseId);
      return (await q.orderBy('seq').limit(range.limit ?? 100_000)).map(toAudit);
    },

    /** Recomputes every chain of the tenant; returns the rows that break it (none: intact). */
    async verify(tenantId: string): Promise<{ rows: number; chains: number; breaks: AuditBreak[] }> {
      const result = await db.raw(
        `SELECT seq, id, chain, case_id, action, hash <> audit_row_hash(prev_hash, a) AS bad_hash,
                prev_hash IS DISTINCT FROM lag(hash) OVER (PARTITION BY chain ORDER BY seq) AS bad_link
         FROM audit a WHERE tenant_id = ? ORDER BY seq`,
        [tenantId],
      );
      const rows = result.rows as any[];
      const breaks = rows
        .filter((r) => r.bad_hash || r.bad_link)
        .map((r) => ({ seq: Number(r.seq), id: r.id, chain: r.chain, caseId: r.case_id, action: r.action, problem: r.bad_hash ? ('hash' as const) : ('link' as const) }));
      return { rows: rows.length, chains: new Set(rows.map((r) => r.chain)).size, breaks };
    },
  };
}
