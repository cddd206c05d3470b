import type { Engine } from '../engine/engine.js';
import { CaseClosed, EventNotAccepted } from '../errors.js';
import type { Db } from '../store/db.js';
import { createTimerRepository, type TimerRecord } from '../store/timerRepository.js';

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
 */
export function createTimerWorker({ db, engine, log = () => {}, now = Date.now, batchSize = 10, leaseMs = 30_000 }: TimerWorkerOptions) {
  const timers = createTimerRepository(db);

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

  return {
    async tick(): Promise<number> {
      const claimed = await timers.claim(batchSize, new Date(now()), leaseMs);
      await Promise.all(
        claimed.map((timer) =>
          fire(timer).catch((e) => log('timer worker error', { timerId: timer.id, tenantId: timer.tenantId, caseId: timer.caseId, error: String(e) })),
        ),
      );
      return claimed.length;
    },
  };
}
