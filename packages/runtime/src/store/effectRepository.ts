import type { Invoice, RetryPolicy } from '@exflow/shared';
import type { Db } from './db.js';

export interface EffectRecord {
  tenantId: string;
  id: string;
  caseId: string;
  caseVersion: number;
  nodeId: string;
  kind: string;
  service: string | null;
  params: Record<string, unknown>;
  status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  attempts: number;
  /** Attempts per run of the retry policy; 0: until its deadline. */
  maxAttempts: number;
  retryPolicy: RetryPolicy | null;
  /** When the policy is spent: take the node's error edge, or wait in an incident. */
  onFailure: 'error-edge' | 'incident';
  /** The current run of the retry policy: when it started, and the attempts made before it. */
  policyStartedAt: string;
  policyAttemptsBase: number;
  runAt: string;
  lastError: string | null;
  /** What a failed call waits for before its next attempt ("ERP"), while it waits. */
  waitingFor: string | null;
  /** When a call that failed is tried next (its `runAt`), while it waits; otherwise `null`. */
  nextRetryAt: string | null;
  result: unknown;
}

/** A claimed effect, with the body of its case's invoice (read by the claiming statement; `null` when the case has none). */
export type ClaimedEffect = EffectRecord & { invoice: Invoice | null };

/**
 * What marking a running effect finished came to: `marked` false when fenced (a newer attempt
 * holds it; nothing changed), and whether the case has since asked again for the same step (a
 * later visit: then the effect's answer is stale).
 */
export interface EffectMark {
  marked: boolean;
  superseded: boolean;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toEffect = (r: any): EffectRecord => ({
  tenantId: r.tenant_id,
  id: r.id,
  caseId: r.case_id,
  caseVersion: r.case_version,
  nodeId: r.node_id,
  kind: r.kind,
  service: r.service,
  params: r.params,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  retryPolicy: r.retry_policy ?? null,
  onFailure: r.on_failure ?? 'error-edge',
  policyStartedAt: iso(r.policy_started_at ?? r.created_at),
  policyAttemptsBase: r.policy_attempts_base ?? 0,
  runAt: iso(r.run_at),
  lastError: r.last_error,
  waitingFor: r.status === 'pending' ? (r.waiting_for ?? null) : null,
  nextRetryAt: r.status === 'pending' && r.attempts > 0 ? iso(r.run_at) : null,
  result: r.result,
});

export function createEffectRepository(db: Db) {
  return {
    /**
     * Claims due effects for this worker: pending ones whose time has come, and running ones
     * whose lease ran out (their worker died). SKIP LOCKED lets any number of workers share.
     */
    async claim(limit: number, leaseMs: number): Promise<ClaimedEffect[]> {
      // the invoice comes with the claim: most services read it, and a read of its own is a round trip per effect
      const result = await db.raw(
        `UPDATE effects e SET status = 'running', attempts = e.attempts + 1, locked_until = now() + (? * interval '1 millisecond')
         FROM (SELECT tenant_id, id FROM effects
               WHERE (status = 'pending' AND run_at <= now()) OR (status = 'running' AND locked_until < now())
               ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED) due
         WHERE e.tenant_id = due.tenant_id AND e.id = due.id
         RETURNING e.*, (SELECT i.body FROM cases c JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
           WHERE c.tenant_id = e.tenant_id AND c.id = e.case_id) AS invoice_body`,
        [leaseMs, limit],
      );
      return result.rows.map((r: any) => ({ ...toEffect(r), invoice: r.invoice_body ?? null }));
    },

    /**
     * Marks a running effect finished (`set`), fenced by its attempt number, and tells in the
     * same statement whether the case has since asked again for the same step.
     */
    async mark(effect: EffectRecord, set: { status: 'done'; result: unknown } | { status: 'failed'; error: string }): Promise<EffectMark> {
      const result = await db.raw(
        `WITH m AS (UPDATE effects SET status = ?, result = coalesce(?::jsonb, result), last_error = coalesce(?, last_error),
             completed_at = now(), locked_until = NULL, waiting_for = NULL
           WHERE tenant_id = ? AND id = ? AND status = 'running' AND attempts = ? RETURNING 1)
         SELECT (SELECT count(*) FROM m) AS marked, EXISTS (SELECT 1 FROM effects
           WHERE tenant_id = ? AND case_id = ? AND node_id = ? AND case_version > ?) AS superseded`,
        [
          set.status,
          set.status === 'done' ? JSON.stringify(set.result ?? null) : null,
          set.status === 'failed' ? set.error : null,
          effect.tenantId,
          effect.id,
          effect.attempts,
          effect.tenantId,
          effect.caseId,
          effect.nodeId,
          effect.caseVersion,
        ],
      );
      const row = result.rows[0] as { marked: number | string; superseded: boolean };
      return { marked: Number(row.marked) === 1, superseded: row.superseded };
    },

    /**
     * Records the answer of an effect run in its transition's transaction (a local step): one
     * attempt, done. `false` when the row is no longer pending (a worker took it, or its step
     * was left), and then nothing changes.
     */
    async completeLocal(tenantId: string, id: string, result: unknown): Promise<boolean> {
      const n = await db('effects')
        .where({ tenant_id: tenantId, id, status: 'pending' })
        .update({ status: 'done', attempts: db.raw('attempts + 1'), result: JSON.stringify(result ?? null), completed_at: db.fn.now(), locked_until: null });
      return n === 1;
    },

    /**
     * Back in the queue after `delayMs`; `waitingFor` names what it waits for ("ERP"), when the
     * service said. Returns when it is due (ISO), or `null` when this worker no longer holds it.
     */
    async retryLater(effect: EffectRecord, error: string, delayMs: number, waitingFor: string | null = null): Promise<string | null> {
      const rows: { run_at: unknown }[] = await db('effects')
        .where({ tenant_id: effect.tenantId, id: effect.id, status: 'running', attempts: effect.attempts })
        .update({
          status: 'pending',
          last_error: error,
          locked_until: null,
          waiting_for: waitingFor,
          run_at: db.raw("now() + (? * interval '1 millisecond')", [delayMs]),
        })
        .returning(['run_at']);
      return rows[0] ? iso(rows[0].run_at) : null;
    },

    /**
     * Puts an effect back in the queue, due now: a failed one starts a fresh run of its retry
     * policy (its attempts keep counting), a pending one waiting for its backoff runs without
     * further wait. Returns the effect, or `undefined` when it is running, done, or was never tried.
     */
    async retry(tenantId: string, caseId: string, id: string): Promise<EffectRecord | undefined> {
      const rows = await db('effects')
        .where({ tenant_id: tenantId, case_id: caseId, id })
        .andWhere((q) => q.where('status', 'failed').orWhere((p) => p.where('status', 'pending').andWhere('attempts', '>', 0)))
        .update({
          status: 'pending',
          run_at: db.fn.now(),
          locked_until: null,
          completed_at: null,
          policy_started_at: db.raw('CASE WHEN status = ? THEN now() ELSE policy_started_at END', ['failed']),
          policy_attempts_base: db.raw('CASE WHEN status = ? THEN attempts ELSE policy_attempts_base END', ['failed']),
        })
        .returning('*');
      return rows.length ? toEffect(rows[0]) : undefined;
    },

    async forCase(tenantId: string, caseId: string): Promise<EffectRecord[]> {
      return (await db('effects').where({ tenant_id: tenantId, case_id: caseId }).orderBy('created_at')).map(toEffect);
    },
  };
}
