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
     * Leases up to `limit` pending timers due at `at` (the timer worker's clock), soonest first,
     * for `leaseMs`: rows another worker holds (locked now, or leased and the lease not yet run
     * out) are skipped, so lanes and processes claim different timers. The lease does not fire
     * anything: `take` in the firing transition does, once.
     */
    async claim(limit: number, at: Date, leaseMs: number): Promise<TimerRecord[]> {
      const result = await db.raw(
        `UPDATE timers t SET claimed_until = now() + (? * interval '1 millisecond')
         FROM (SELECT tenant_id, id FROM timers
               WHERE status = 'pending' AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED) due
         WHERE t.tenant_id = due.tenant_id AND t.id = due.id
         RETURNING t.*`,
        [leaseMs, at.toISOString(), limit],
      );
      return (result.rows as unknown[]).map(toTimer);
    },

    /** Takes a due timer for firing; `false` if another worker has it or it was cancelled. */
    async take(timer: TimerRecord): Promise<boolean> {
      const locked = await db('timers').where({ tenant_id: timer.tenantId, id: timer.id, status: 'pending' }).forUpdate().skipLocked().first('id');
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
