import type { Db } from './db.js';

/**
 * One database transaction and what is to happen once it has committed. Work that must not be
 * seen before its data is durable (realtime messages, waking the workers) is handed to
 * `afterCommit`; a rollback drops it.
 */
export interface UnitOfWork {
  /** The open transaction: pass it to repositories. */
  readonly trx: Db;
  /** Runs `callback` after the transaction commits (never if it rolls back), in order. */
  afterCommit(callback: () => void): void;
}

/**
 * Runs `work` in one transaction of `db`, then the unit's after-commit callbacks. A callback
 * that throws does not undo the commit: the others still run and the first error is rethrown.
 *
 * @example
 * const caseId = await inUnitOfWork(db, async (unit) => {
 *   await createInvoiceRepository(unit.trx).insert(...);
 *   return (await engine.startCase(tenantId, input, actor, { unit })).caseId;
 * });
 */
export async function inUnitOfWork<T>(db: Db, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  const callbacks: (() => void)[] = [];
  const result = await db.transaction((trx) => work({ trx, afterCommit: (callback) => void callbacks.push(callback) }));
  let failure: unknown;
  for (const callback of callbacks) {
    try {
      callback();
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure !== undefined) throw failure;
  return result;
}
