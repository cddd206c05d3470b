import { SUBFLOW_COMPLETED } from '@exflow/shared';
import type { Engine } from '../engine/engine.js';
import { CaseClosed, EventNotAccepted } from '../errors.js';
import { PermanentServiceError, type ServiceHandler } from '../services/registry.js';
import type { Db } from '../store/db.js';
import { createCaseRepository } from '../store/caseRepository.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { createSubflowRepository } from '../store/subflowRepository.js';
import { inUnitOfWork } from '../store/unitOfWork.js';
import { receiveMessage } from './messages.js';

/** Where completion messages of child cases come from (with the child's id, what makes one message once). */
const SUBFLOW_SOURCE = 'exflow:subflow';

/**
 * The service behind a sub-flow step: opens the child case of the named published flow for the
 * parent's invoice, and links it to the parent step, in one transaction. Run through the outbox
 * with the effect's id as key: a retried call finds the child it opened and opens none again.
 * Answers `{ caseId, definitionId, version }`.
 */
export function createSubflowService({ engine }: { engine: Engine }): ServiceHandler {
  return async ({ db, tenantId, caseId, nodeId, params, invoice, idempotencyKey }) => {
    const links = createSubflowRepository(db);
    const existing = await links.byEffect(tenantId, idempotencyKey);
    if (existing) return { caseId: existing.childCaseId };
    const flowKey = String(params.flow ?? '');
    const definition = await createDefinitionRepository(db).getByKey(tenantId, flowKey);
    const version = typeof params.version === 'number' ? params.version : definition?.latestVersion;
    if (!definition || !version) throw new PermanentServiceError(`Sub-flow "${flowKey}" has no published version in this tenant`);
    if (!invoice) throw new PermanentServiceError('A sub-flow needs the case to have an invoice');
    const invoiceId = (await createCaseRepository(db).get(tenantId, caseId))?.invoiceId ?? null;
    try {
      return await inUnitOfWork(db, async (unit) => {
        const child = await engine.startCase(tenantId, { definitionId: definition.id, version, invoiceId, invoice }, 'system', { unit });
        await createSubflowRepository(unit.trx).link({
          tenantId,
          childCaseId: child.caseId,
          parentCaseId: caseId,
          parentNodeId: nodeId,
          parentEffectId: idempotencyKey,
        });
        return { caseId: child.caseId, definitionId: definition.id, version };
      });
    } catch (error) {
      // a concurrent run of the same effect linked its child first (one link per effect): this
      // child rolled back with its link, and the call answers the one that stands
      const winner = (error as { code?: unknown }).code === '23505' ? await links.byEffect(tenantId, idempotencyKey) : undefined;
      if (winner) return { caseId: winner.childCaseId };
      throw error;
    }
  };
}

/**
 * Tells parents that their child cases finished: each closed child becomes one
 * `exflow.subflow.completed` message correlated by its case id (the waiting parent step gets it;
 * one that is not waiting yet finds it buffered). And the other way: an open child whose parent
 * was cancelled is cancelled too, with the reason. Nothing in memory: after a crash the same
 * children are read again (the message is recognised as already received; a cancelled child is
 * no longer open).
 */
export function createSubflowWatcher({ db, engine }: { db: Db; engine: Engine }) {
  const links = createSubflowRepository(db);
  return {
    async tick(): Promise<number> {
      let told = 0;
      for (const child of await links.finishedUnreported(50)) {
        await receiveMessage(
          db,
          engine,
          child.tenantId,
          {
            name: SUBFLOW_COMPLETED,
            correlationKey: child.childCaseId,
            id: child.childCaseId,
            source: SUBFLOW_SOURCE,
            ttl: 'P30D',
            payload: { caseId: child.childCaseId, status: child.status, outcome: child.outcome, vars: child.vars },
          },
          'system',
        );
        await links.reported(child);
        told++;
      }
      for (const child of await links.orphanedByCancel(50)) {
        const reason = `Its parent case ${child.parentCaseId} was cancelled while it waited at "${child.parentNodeId}"`;
        // a child that closed or moved meanwhile refuses the event: the next tick no longer finds it
        const cancelled = await engine.send(child.tenantId, child.childCaseId, { type: 'case.cancel', reason }, 'system').then(
          () => true,
          (e: unknown) => {
            if (e instanceof EventNotAccepted || e instanceof CaseClosed) return false;
            throw e;
          },
        );
        if (cancelled) told++;
      }
      return told;
    },
  };
}
