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
  /** rows `from`..`to` of the tenant's stream are gone (deleted past the trigger) */
  | { problem: 'missing'; from: number; to: number }
  /** the head counts `expected` rows; only `found` are there: the newest were deleted */
  | { problem: 'truncated'; expected: number; found: number }
  /** the head row does not match the newest row (changed, or rows added past the trigger) */
  | { problem: 'head'; expected: number; found: number }
  /** a signed checkpoint counted `expected` rows; the head now says `found`: head and tail were rolled back */
  | { problem: 'rolled-back'; expected: number; found: number; checkpointAt: string }
  /** the row a checkpoint signed is not the row there now */
  | { problem: 'checkpoint'; rows: number; checkpointAt: string }
  /** a checkpoint whose signature does not verify with the runtime's key */
  | { problem: 'checkpoint-signature'; rows: number; checkpointAt: string }
  /** a case event changed, deleted, or added without its audit row */
  | { problem: 'event-changed' | 'event-missing' | 'event-unanchored'; caseId: string; seq: number };

/** A signed head: the tenant's row count and running hash at one moment. */
export interface AuditCheckpoint {
  rows: number;
  hash: string;
  keyId: string;
  signature: string;
  createdAt: string;
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
     * Recomputes every chain of the tenant and its running head, checks the head row and the
     * signed checkpoints against the rows, and each case event against the hash its transition's
     * audit row carries. One statement, so one snapshot: a writer committing meanwhile cannot
     * make a head look ahead of its rows. Checkpoint signatures are the caller's to check.
     */
    async verify(tenantId: string): Promise<AuditVerification> {
      const result = await db.raw(
        `WITH a AS (
           SELECT seq, tenant_seq, id, chain, case_id, action, entity, data, head_hash,
             hash <> audit_row_hash(prev_hash, a) AS bad_hash,
             prev_hash IS DISTINCT FROM lag(hash) OVER (PARTITION BY chain ORDER BY seq) AS bad_link,
             head_hash IS DISTINCT FROM audit_head_hash(lag(head_hash) OVER w, hash) AS bad_head,
             coalesce(lag(tenant_seq) OVER w, 0) AS prev_tenant_seq
           FROM audit a WHERE tenant_id = ? WINDOW w AS (ORDER BY tenant_seq)),
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
           WHERE r.hash IS DISTINCT FROM ev.hash)
         SELECT
           (SELECT count(*) FROM a) AS rows,
           (SELECT count(DISTINCT chain) FROM a) AS chains,
           (SELECT coalesce(json_agg(x ORDER BY x.tenant_seq), '[]') FROM (
              SELECT seq, tenant_seq, prev_tenant_seq, id, chain, case_id, action, bad_hash, bad_link, bad_head FROM a
              WHERE bad_hash OR bad_link OR bad_head OR tenant_seq IS DISTINCT FROM prev_tenant_seq + 1) x) AS suspicious,
           (SELECT row_to_json(x) FROM (SELECT tenant_seq, head_hash FROM a ORDER BY tenant_seq DESC LIMIT 1) x) AS last,
           (SELECT row_to_json(x) FROM (SELECT rows, hash FROM audit_heads WHERE tenant_id = ?) x) AS head,
           (SELECT coalesce(json_agg(x ORDER BY x.rows), '[]') FROM (
              SELECT c.rows, c.hash, c.key_id, c.signature, c.created_at, a.head_hash AS row_hash
              FROM audit_checkpoints c LEFT JOIN a ON a.tenant_seq = c.rows WHERE c.tenant_id = ?) x) AS checkpoints,
           (SELECT coalesce(json_agg(x ORDER BY x.case_id, x.seq), '[]') FROM event_problems x) AS events`,
        [tenantId, tenantId, tenantId, tenantId],
      );
      const r = result.rows[0] as {
        rows: number | string;
        chains: number | string;
        suspicious: {
          seq: number;
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
        last: { tenant_seq: number; head_hash: string } | null;
        head: { rows: number; hash: string } | null;
        checkpoints: { rows: number; hash: string; key_id: string; signature: string; created_at: string; row_hash: string | null }[];
        events: { case_id: string; seq: number; problem: 'event-changed' | 'event-missing' | 'event-unanchored' }[];
      };
      const rows = Number(r.rows);
      const breaks: AuditBreak[] = [];
      const findings: AuditFinding[] = [];
      for (const s of r.suspicious) {
        const gap = Number(s.tenant_seq) !== Number(s.prev_tenant_seq) + 1;
        if (gap) findings.push({ problem: 'missing', from: Number(s.prev_tenant_seq) + 1, to: Number(s.tenant_seq) - 1 });
        const problem = s.bad_hash ? 'hash' : s.bad_link ? 'link' : s.bad_head && !gap ? 'head' : undefined;
        if (problem) breaks.push({ seq: Number(s.seq), id: s.id, chain: s.chain, caseId: s.case_id, action: s.action, problem });
      }
      const headRows = r.head ? Number(r.head.rows) : 0;
      const lastSeq = r.last ? Number(r.last.tenant_seq) : 0;
      if (headRows > lastSeq) findings.push({ problem: 'truncated', expected: headRows, found: rows });
      else if (headRows < lastSeq || (r.last && r.head?.hash !== r.last.head_hash)) findings.push({ problem: 'head', expected: headRows, found: lastSeq });
      const checkpoints = r.checkpoints.map((c) => ({
        rows: Number(c.rows),
        hash: c.hash,
        keyId: c.key_id,
        signature: c.signature,
        createdAt: iso(c.created_at),
      }));
      r.checkpoints.forEach((c, i) => {
        const { rows: counted, createdAt } = checkpoints[i];
        if (counted > headRows) findings.push({ problem: 'rolled-back', expected: counted, found: headRows, checkpointAt: createdAt });
        else if (c.row_hash !== null && c.row_hash !== c.hash) findings.push({ problem: 'checkpoint', rows: counted, checkpointAt: createdAt });
      });
      for (const e of r.events) findings.push({ problem: e.problem, caseId: e.case_id, seq: Number(e.seq) });
      return { rows, chains: Number(r.chains), breaks, findings, checkpoints };
    },

    /** The tenant's head: how many rows it has appended and the running hash after the last. */
    async head(tenantId: string): Promise<{ rows: number; hash: string } | undefined> {
      const row = await db('audit_heads').where({ tenant_id: tenantId }).first('rows', 'hash');
      return row ? { rows: Number(row.rows), hash: row.hash } : undefined;
    },

    async latestCheckpoint(tenantId: string): Promise<AuditCheckpoint | undefined> {
      const row = await db('audit_checkpoints').where({ tenant_id: tenantId }).orderBy('rows', 'desc').first();
      return row ? { rows: Number(row.rows), hash: row.hash, keyId: row.key_id, signature: row.signature, createdAt: iso(row.created_at) } : undefined;
    },

    /** Stores a signed head; a second process storing the same one changes nothing. */
    async insertCheckpoint(tenantId: string, c: Omit<AuditCheckpoint, 'createdAt'>): Promise<void> {
      await db('audit_checkpoints')
        .insert({ tenant_id: tenantId, rows: c.rows, hash: c.hash, key_id: c.keyId, signature: c.signature })
        .onConflict(['tenant_id', 'rows'])
        .ignore();
    },

    /** Tenants whose head moved past their latest checkpoint. */
    async tenantsAheadOfCheckpoint(): Promise<string[]> {
      const rows = await db.raw(
        `SELECT h.tenant_id FROM audit_heads h
         WHERE h.rows > coalesce((SELECT max(c.rows) FROM audit_checkpoints c WHERE c.tenant_id = h.tenant_id), 0)`,
      );
      return rows.rows.map((r: { tenant_id: string }) => r.tenant_id);
    },
  };
}
