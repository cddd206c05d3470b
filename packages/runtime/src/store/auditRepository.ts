import { createHash } from 'node:crypto';
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
  /**
   * `hash`: the row's content no longer matches its hash; `link`: its prev_hash is not the hash
   * of the row before it in its chain; `head`: its running tenant hash does not follow the row before it.
   */
  problem: 'hash' | 'link' | 'head';
}

/** What is wrong with the trail as a whole (rows gone, head moved back, case events changed). */
export type AuditFinding =
  /** rows `from`..`to` of one shard's stream are gone (deleted past the trigger) */
  | { problem: 'missing'; shard: number; from: number; to: number }
  /** the heads count `expected` rows; only `found` are there: the newest of a shard were deleted */
  | { problem: 'truncated'; expected: number; found: number }
  /** a shard's head row does not match its newest row (changed, or rows added past the trigger) */
  | { problem: 'head'; expected: number; found: number }
  /** a signed checkpoint counted `expected` rows; the heads now say `found`, and some shard's head is behind it: head and tail were rolled back */
  | { problem: 'rolled-back'; expected: number; found: number; checkpointAt: string }
  /** the row a checkpoint signed is not the row there now */
  | { problem: 'checkpoint'; rows: number; checkpointAt: string }
  /** a checkpoint whose signature does not verify with the runtime's key */
  | { problem: 'checkpoint-signature'; rows: number; checkpointAt: string }
  /** a case event changed, deleted, or added without its audit row */
  | { problem: 'event-changed' | 'event-missing' | 'event-unanchored'; caseId: string; seq: number };

/** One shard's head: how many rows its stream has and the running hash after the last. */
export interface AuditShardHead {
  shard: number;
  rows: number;
  hash: string;
}

/**
 * A tenant's head (migration 014): the heads of its shards, `rows` their sum and `hash` the
 * digest of the vector (`auditHeadDigest`), which is what a checkpoint signs.
 */
export interface AuditHead {
  rows: number;
  hash: string;
  shards: AuditShardHead[];
}

/** A signed head: the tenant's row count and head digest at one moment. */
export interface AuditCheckpoint {
  rows: number;
  hash: string;
  /** the shard heads signed (through `hash`); null for checkpoints of before migration 014, which signed shard 0's head */
  shards: AuditShardHead[] | null;
  keyId: string;
  signature: string;
  createdAt: string;
}

/** SHA-256 over the shard heads in shard order: `shard:rows:hash|...`. */
export function auditHeadDigest(shards: AuditShardHead[]): string {
  const text = [...shards]
    .sort((a, b) => a.shard - b.shard)
    .map((s) => `${s.shard}:${s.rows}:${s.hash}`)
    .join('|');
  return createHash('sha256').update(text).digest('hex');
}

export interface AuditVerification {
  rows: number;
  chains: number;
  breaks: AuditBreak[];
  findings: AuditFinding[];
  /** The checkpoints found, for the caller to check their signatures. */
  checkpoints: AuditCheckpoint[];
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
    async record(
      tenantId: string,
      entry: { caseId?: string | null; actor: string | null; action: string; entity: string; entityId: string; data?: Record<string, unknown> },
    ): Promise<void> {
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

    /**
     * Recomputes every chain of the tenant and the running hash of each shard's stream, checks
     * the shard heads and the signed checkpoints against the rows, and each case event against
     * the hash its transition's audit row carries. One statement, so one snapshot: a writer
     * committing meanwhile cannot make a head look ahead of its rows. Checkpoint signatures are
     * the caller's to check.
     */
    async verify(tenantId: string): Promise<AuditVerification> {
      const result = await db.raw(
        `WITH a AS (
           SELECT seq, shard, tenant_seq, id, chain, case_id, action, entity, data, head_hash,
             hash <> audit_row_hash(prev_hash, a) AS bad_hash,
             prev_hash IS DISTINCT FROM lag(hash) OVER (PARTITION BY chain ORDER BY seq) AS bad_link,
             head_hash IS DISTINCT FROM audit_head_hash(lag(head_hash) OVER w, hash) AS bad_head,
             coalesce(lag(tenant_seq) OVER w, 0) AS prev_tenant_seq
           FROM audit a WHERE tenant_id = ? WINDOW w AS (PARTITION BY shard ORDER BY tenant_seq)),
         refs AS (
           SELECT a.case_id, (e->>'seq')::int AS seq, e->>'hash' AS hash
           FROM a CROSS JOIN jsonb_array_elements(CASE
             WHEN a.entity = 'case' AND a.data->'event' IS NOT NULL THEN jsonb_build_array(a.data->'event')
             WHEN a.action = 'case.events.anchored' THEN a.data->'events'
             ELSE '[]'::jsonb END) e
           WHERE a.case_id IS NOT NULL),
         ev AS (
           SELECT case_id, seq, case_event_hash(tenant_id, case_id, seq, type, payload, actor, created_at) AS hash
           FROM case_events WHERE tenant_id = ?),
         event_problems AS (
           SELECT coalesce(r.case_id, ev.case_id) AS case_id, coalesce(r.seq, ev.seq) AS seq,
             CASE WHEN ev.case_id IS NULL THEN 'event-missing' WHEN r.case_id IS NULL THEN 'event-unanchored' ELSE 'event-changed' END AS problem
           FROM refs r FULL JOIN ev ON ev.case_id = r.case_id AND ev.seq = r.seq
           WHERE r.hash IS DISTINCT FROM ev.hash),
         c AS (SELECT * FROM audit_checkpoints WHERE tenant_id = ?),
         -- each checkpoint's shard heads (one of before migration 014 signed shard 0's head)
         cs AS (
           SELECT c.rows AS checkpoint_rows, (s->>'shard')::int AS shard, (s->>'rows')::bigint AS rows, s->>'hash' AS hash
           FROM c CROSS JOIN jsonb_array_elements(coalesce(c.shards, jsonb_build_array(jsonb_build_object('shard', 0, 'rows', c.rows, 'hash', c.hash)))) s)
         SELECT
           (SELECT count(*) FROM a) AS rows,
           (SELECT count(DISTINCT chain) FROM a) AS chains,
           (SELECT coalesce(json_agg(x ORDER BY x.shard, x.tenant_seq), '[]') FROM (
              SELECT seq, shard, tenant_seq, prev_tenant_seq, id, chain, case_id, action, bad_hash, bad_link, bad_head FROM a
              WHERE bad_hash OR bad_link OR bad_head OR tenant_seq IS DISTINCT FROM prev_tenant_seq + 1) x) AS suspicious,
           (SELECT coalesce(json_agg(x), '[]') FROM (
              SELECT DISTINCT ON (shard) shard, tenant_seq, head_hash FROM a ORDER BY shard, tenant_seq DESC) x) AS last,
           (SELECT coalesce(json_agg(x), '[]') FROM (SELECT shard, rows, hash FROM audit_heads WHERE tenant_id = ?) x) AS heads,
           (SELECT coalesce(json_agg(x ORDER BY x.rows), '[]') FROM (
              SELECT c.rows, c.hash, c.shards, c.key_id, c.signature, c.created_at FROM c) x) AS checkpoints,
           (SELECT coalesce(json_agg(x), '[]') FROM (
              SELECT cs.checkpoint_rows, cs.shard, cs.rows, cs.hash, a.head_hash AS row_hash
              FROM cs LEFT JOIN a ON a.shard = cs.shard AND a.tenant_seq = cs.rows) x) AS checkpoint_shards,
           (SELECT coalesce(json_agg(x ORDER BY x.case_id, x.seq), '[]') FROM event_problems x) AS events`,
        [tenantId, tenantId, tenantId, tenantId],
      );
      const r = result.rows[0] as {
        rows: number | string;
        chains: number | string;
        suspicious: {
          seq: number;
          shard: number;
          tenant_seq: number;
          prev_tenant_seq: number;
          id: string;
          chain: string;
          case_id: string | null;
          action: string;
          bad_hash: boolean;
          bad_link: boolean;
          bad_head: boolean;
        }[];
        last: { shard: number; tenant_seq: number; head_hash: string }[];
        heads: { shard: number; rows: number; hash: string }[];
        checkpoints: { rows: number; hash: string; shards: AuditShardHead[] | null; key_id: string; signature: string; created_at: string }[];
        checkpoint_shards: { checkpoint_rows: number; shard: number; rows: number; hash: string; row_hash: string | null }[];
        events: { case_id: string; seq: number; problem: 'event-changed' | 'event-missing' | 'event-unanchored' }[];
      };
      const rows = Number(r.rows);
      const breaks: AuditBreak[] = [];
      const findings: AuditFinding[] = [];
      for (const s of r.suspicious) {
        const gap = Number(s.tenant_seq) !== Number(s.prev_tenant_seq) + 1;
        if (gap) findings.push({ problem: 'missing', shard: Number(s.shard), from: Number(s.prev_tenant_seq) + 1, to: Number(s.tenant_seq) - 1 });
        const problem = s.bad_hash ? 'hash' : s.bad_link ? 'link' : s.bad_head && !gap ? 'head' : undefined;
        if (problem) breaks.push({ seq: Number(s.seq), id: s.id, chain: s.chain, caseId: s.case_id, action: s.action, problem });
      }
      // each shard's head against its newest row; reported for the tenant as a whole
      const heads = new Map(r.heads.map((h) => [Number(h.shard), { rows: Number(h.rows), hash: h.hash }]));
      const last = new Map(r.last.map((l) => [Number(l.shard), { rows: Number(l.tenant_seq), hash: l.head_hash }]));
      const headRows = [...heads.values()].reduce((n, h) => n + h.rows, 0);
      const lastRows = [...last.values()].reduce((n, l) => n + l.rows, 0);
      let truncated = false;
      let moved = false;
      for (const shard of new Set([...heads.keys(), ...last.keys()])) {
        const head = heads.get(shard) ?? { rows: 0, hash: '' };
        const newest = last.get(shard) ?? { rows: 0, hash: '' };
        if (head.rows > newest.rows) truncated = true;
        else if (head.rows < newest.rows || head.hash !== newest.hash) moved = true;
      }
      if (truncated) findings.push({ problem: 'truncated', expected: headRows, found: rows });
      else if (moved) findings.push({ problem: 'head', expected: headRows, found: lastRows });
      const checkpoints = r.checkpoints.map((c) => ({
        rows: Number(c.rows),
        hash: c.hash,
        shards: c.shards,
        keyId: c.key_id,
        signature: c.signature,
        createdAt: iso(c.created_at),
      }));
      for (const c of checkpoints) {
        const signed = r.checkpoint_shards.filter((s) => Number(s.checkpoint_rows) === c.rows);
        if (signed.some((s) => Number(s.rows) > (heads.get(Number(s.shard))?.rows ?? 0))) {
          findings.push({ problem: 'rolled-back', expected: c.rows, found: headRows, checkpointAt: c.createdAt });
        } else if (signed.some((s) => s.row_hash !== null && s.row_hash !== s.hash)) {
          findings.push({ problem: 'checkpoint', rows: c.rows, checkpointAt: c.createdAt });
        }
      }
      for (const e of r.events) findings.push({ problem: e.problem, caseId: e.case_id, seq: Number(e.seq) });
      return { rows, chains: Number(r.chains), breaks, findings, checkpoints };
    },

    /** The tenant's head: its shard heads, their row count and digest (one statement, so one snapshot). */
    async head(tenantId: string): Promise<AuditHead | undefined> {
      const found = await db('audit_heads').where({ tenant_id: tenantId }).where('rows', '>', 0).orderBy('shard').select('shard', 'rows', 'hash');
      if (found.length === 0) return undefined;
      const shards = found.map((s: any) => ({ shard: Number(s.shard), rows: Number(s.rows), hash: s.hash as string }));
      return { rows: shards.reduce((n, s) => n + s.rows, 0), hash: auditHeadDigest(shards), shards };
    },

    async latestCheckpoint(tenantId: string): Promise<AuditCheckpoint | undefined> {
      const row = await db('audit_checkpoints').where({ tenant_id: tenantId }).orderBy('rows', 'desc').first();
      return row
        ? { rows: Number(row.rows), hash: row.hash, shards: row.shards ?? null, keyId: row.key_id, signature: row.signature, createdAt: iso(row.created_at) }
        : undefined;
    },

    /** Stores a signed head; a second process storing the same one changes nothing. */
    async insertCheckpoint(tenantId: string, c: Omit<AuditCheckpoint, 'createdAt'>): Promise<void> {
      await db('audit_checkpoints')
        .insert({
          tenant_id: tenantId,
          rows: c.rows,
          hash: c.hash,
          shards: c.shards ? JSON.stringify(c.shards) : null,
          key_id: c.keyId,
          signature: c.signature,
        })
        .onConflict(['tenant_id', 'rows'])
        .ignore();
    },

    /** Tenants whose head moved past their latest checkpoint. */
    async tenantsAheadOfCheckpoint(): Promise<string[]> {
      const rows = await db.raw(
        `SELECT h.tenant_id FROM audit_heads h GROUP BY h.tenant_id
         HAVING sum(h.rows) > coalesce((SELECT max(c.rows) FROM audit_checkpoints c WHERE c.tenant_id = h.tenant_id), 0)`,
      );
      return rows.rows.map((r: { tenant_id: string }) => r.tenant_id);
    },
  };
}
