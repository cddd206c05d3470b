import { conflict, notFound } from '../errors.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { createEffectRepository, type EffectRecord } from '../store/effectRepository.js';

/**
 * Re-queues a failed effect of a case (a fresh retry budget) or makes a backing-off one due now,
 * and audits it, in one transaction. 404 for no such effect; 409 for one running, done or not
 * yet tried.
 */
export async function retryEffect(db: Db, tenantId: string, caseId: string, effectId: string, actor: string): Promise<EffectRecord> {
  return db.transaction(async (trx) => {
    const effects = createEffectRepository(trx);
    const current = (await effects.forCase(tenantId, caseId)).find((e) => e.id === effectId);
    if (!current) throw notFound('effect', effectId);
    const retried = await effects.retry(tenantId, caseId, effectId);
    if (!retried) {
      throw conflict(
        'effect-not-retryable',
        `Effect ${effectId} is ${current.status}${current.status === 'pending' ? ' and has not been tried yet' : ''}; only a failed effect, or one waiting to retry, can be retried`,
      );
    }
    await createAuditRepository(trx).record(tenantId, {
      caseId,
      actor,
      action: 'effect.retried',
      entity: 'effect',
      entityId: effectId,
      data: { service: current.service, nodeId: current.nodeId, status: current.status, attempts: current.attempts, lastError: current.lastError },
    });
    return retried;
  });
}
