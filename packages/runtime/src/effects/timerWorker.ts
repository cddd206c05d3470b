import type { Engine } from '../engine/engine.js';
import { CaseClosed, EventNotAccepted } from '../errors.js';
import type { Db } from '../store/db.js';
import { createTimerRepository } from '../store/timerRepository.js';

/** Thrown inside the transition when another worker took the timer first: skip it. */
const skipped = new Error('timer taken by another worker');

interface TimerWorkerOptions {
  db: Db;
  engine: Engine;
  log?: (m: string, c: Record<string, unknown>) => void;
  /** The clock timers fall due by, ms since the epoch: the engine's, which set their due times (default `Date.now`). */
  now?: () => number;
}

/** Fires due durable timers as `timer.fired` events; the timer row is marked in the same transaction. */
export function createTimerWorker({ db, engine, log = () => {}, now = Date.now }: TimerWorkerOptions) {
  const timers = createTimerRepository(db);
  return {
    async tick(): Promise<number> {
      const due = await timers.due(20, new Date(now()));
      let fired = 0;
      for (const timer of due) {
        try {
          await engine.send(timer.tenantId, timer.caseId, { type: 'timer.fired', timerId: timer.timerId, nodeId: timer.nodeId }, 'system', {
            within: async (trx) => {
              if (!(await createTimerRepository(trx).take(timer))) throw skipped;
            },
          });
          fired++;
        } catch (e) {
          if (e === skipped) continue;
          if (e instanceof EventNotAccepted || e instanceof CaseClosed) {
            await timers.markStale(timer);
            continue;
          }
          log('timer worker error', { timerId: timer.id, tenantId: timer.tenantId, caseId: timer.caseId, error: String(e) });
        }
      }
      return fired;
    },
  };
}
