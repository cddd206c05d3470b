import type { Engine } from '../engine/engine.js';
import { CaseClosed, EventNotAccepted } from '../errors.js';
import type { Db } from '../store/db.js';
import { createTimerRepository, type TimerCursor, type TimerRecord } from '../store/timerRepository.js';

/** Thrown inside the transition when another worker took the timer first: skip it. */
const skipped = new Error('timer taken by another worker');

interface TimerWorkerOptions {
  db: Db;
  engine: Engine;
  log?: (m: string, c: Record<string, unknown>) => void;
  /** The clock timers fall due by, ms since the epoch: the engine's, which set their due times (default `Date.now`). */
  now?: () => number;
  /** Due timers one tick claims and fires side by side (default 10). */
  batchSize?: number;
  /**
   * How long a claim keeps other workers off its timers, ms (default 30 s): a timer whose firing
   * failed, or whose worker died, is claimed again when it runs out.
   */
  leaseMs?: number;
}

/**
 * Fires due durable timers as `timer.fired` events: a tick claims a batch (a lease, so lanes and
 * processes take different timers) and fires them side by side, each in the transaction that
 * marks its row fired. Returns how many it claimed, so the poller runs again at once while a
 * backlog lasts and fans a full batch out to another lane.
 *
 * While claims come back full, the next one starts after the last timer claimed (a cursor in
 * `(due_at, id)` order, shared by this worker's lanes): the fired timers before it leave index
 * entries that vacuum alone removes, and a claim from the soonest due time walked past all of
 * them, so late in a large drain each claim cost more than the first. A claim that comes back
 * short, or a cursor older than a lease, sends the next claim back to the soonest due timer: a
 * timer the cursor has passed (a lease that ran out, a row another transaction held, a timer
 * written since with an earlier due time) is claimed then, at most about a lease late.
 */
export function createTimerWorker({ db, engine, log = () => {}, now = Date.now, batchSize = 10, leaseMs = 30_000 }: TimerWorkerOptions) {
  const timers = createTimerRepository(db);
  let after: TimerCursor | undefined;
  let cursorSince = 0;

  async function fire(timer: TimerRecord): Promise<void> {
    try {
      await engine.send(timer.tenantId, timer.caseId, { type: 'timer.fired', timerId: timer.timerId, nodeId: timer.nodeId }, 'system', {
        within: async (trx) => {
          if (!(await createTimerRepository(trx).take(timer))) throw skipped;
        },
      });
    } catch (e) {
      if (e === skipped) return;
      if (e instanceof EventNotAccepted || e instanceof CaseClosed) return void (await timers.markStale(timer));
      throw e;
    }
  }

  /** A batch past the cursor, topped up from the soonest due timer when that runs short; moves the cursor. */
  async function claimBatch(at: Date): Promise<TimerRecord[]> {
    // the lease runs out on the database's clock, the cursor ages on this process's: both real time
    if (after && Date.now() - cursorSince >= leaseMs) after = undefined;
    const past = after ? await timers.claim(batchSize, at, leaseMs, after) : undefined;
    const got = past?.timers.length ?? 0;
    // from the soonest due timer as well when past the cursor ran short, so an empty batch still means none is due
    const rest = got < batchSize ? await timers.claim(batchSize - got, at, leaseMs) : undefined;
    if (!rest) after = past?.last;
    else if (rest.timers.length === batchSize - got) [after, cursorSince] = [rest.last, Date.now()];
    else after = undefined;
    return [...(past?.timers ?? []), ...(rest?.timers ?? [])];
  }

  return {
    async tick(): Promise<number> {
      const claimed = await claimBatch(new Date(now()));
      await Promise.all(
        claimed.map((timer) =>
          fire(timer).catch((e) => log('timer worker error', { timerId: timer.id, tenantId: timer.tenantId, caseId: timer.caseId, error: String(e) })),
        ),
      );
      return claimed.length;
    },
  };
}
