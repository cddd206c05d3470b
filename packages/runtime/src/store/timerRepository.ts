import type { Db } from './db.js';

export interface TimerRecord {
  tenantId: string;
  id: string;
  caseId: string;
  nodeId: string;
  timerId: string;
  dueAt: string;
  status: 'pending' | 'fired' | 'cancelled';
}

/** Where a claim stopped: the `(due_at, id)` of the last timer it took. */
export interface TimerCursor {
  /** due_at as the database wrote it (full precision) */
  dueAt: string;
  id: string;
}

export interface TimerClaim {
  timers: TimerRecord[];
  /** the last timer taken, in claim order; undefined when none was */
  last?: TimerCursor;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toTimer = (r: any): TimerRecord => ({
  tenantId: r.tenant_id,
  id: r.id,
  caseId: r.case_id,
  nodeId: r.node_id,
  timerId: r.timer_id,
  dueAt: iso(r.due_at),
  status: r.status,
});

export function createTimerRepository(db: Db) {
  return {
    /**
     * Leases up to `limit` pending timers due at `at` (the timer worker's clock), in `(due_at, id)`
     * order, for `leaseMs`: rows another worker holds (locked now, or leased and the lease not yet
     * run out) are skipped, so lanes and processes claim different timers. With `after` (the
     * `last` of an earlier claim) the scan starts past that timer instead of at the soonest due
     * one, so it does not walk again the index entries of the timers fired since. The lease does
     * not fire anything: `take` in the firing transition does, once.
     */
    async claim(limit: number, at: Date, leaseMs: number, after?: TimerCursor): Promise<TimerClaim> {
      const result = await db.raw(
        `WITH claimed AS (
           UPDATE timers t SET claimed_until = now() + (? * interval '1 millisecond')
           FROM (SELECT tenant_id, id FROM timers
                 WHERE status = 'pending' AND due_at <= ?${after ? ' AND (due_at, id) > (?::timestamptz, ?)' : ''}
                   AND (claimed_until IS NULL OR claimed_until < now())
                 ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED) due
           WHERE t.tenant_id = due.tenant_id AND t.id = due.id
           RETURNING t.*)
         SELECT *, due_at::text AS due_key FROM claimed ORDER BY due_at, id`,
        [leaseMs, at.toISOString(), ...(after ? [after.dueAt, after.id] : []), limit],
      );
      const rows = result.rows as { due_key: string; id: string }[];
      // the cursor keeps the database's own text of due_at: an ISO string from a Date drops microseconds
      const last = rows.at(-1);
      return { timers: rows.map(toTimer), last: last && { dueAt: last.due_key, id: last.id } };
    },

    /**
     * Takes a due timer for firing; `false` if another worker fired it first or it was cancelled.
     * Waits for the row's lock rather than skipping it: another lane's claim that saw the row
     * unleased in its snapshot locks it until its statement ends, and a timer skipped then stayed
     * pending until its lease ran out (docs/benchmarks.md, "Timer drain").
     */
    async take(timer: TimerRecord): Promise<boolean> {
      const locked = await db('timers').where({ tenant_id: timer.tenantId, id: timer.id, status: 'pending' }).forUpdate().first('id');
      if (!locked) return false;
      await db('timers').where({ tenant_id: timer.tenantId, id: timer.id }).update({ status: 'fired', fired_at: db.fn.now() });
      return true;
    },

    /** Marks a timer fired without an event (its state was already left). */
    async markStale(timer: TimerRecord): Promise<void> {
      await db('timers').where({ tenant_id: timer.tenantId, id: timer.id, status: 'pending' }).update({ status: 'fired', fired_at: db.fn.now() });
    },

    async forCase(tenantId: string, caseId: string): Promise<TimerRecord[]> {
      return (await db('timers').where({ tenant_id: tenantId, case_id: caseId }).orderBy('created_at')).map(toTimer);
    },
  };
}
