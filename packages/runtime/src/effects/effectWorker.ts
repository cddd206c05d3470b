import type { Engine } from '../engine/engine.js';
import { ProblemError } from '../errors.js';
import { PermanentServiceError, type ServiceRegistry } from '../services/registry.js';
import type { Db } from '../store/db.js';
import { createEffectRepository, type EffectRecord } from '../store/effectRepository.js';
import { createCaseRepository } from '../store/caseRepository.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';

export interface EffectWorkerOptions {
  db: Db;
  engine: Engine;
  services: ServiceRegistry;
  /** Delay before retry n is base × 2^(n−1), with jitter, capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  leaseMs?: number;
  batchSize?: number;
  log?: (message: string, context: Record<string, unknown>) => void;
}

const isNotAccepted = (e: unknown) => e instanceof ProblemError && (e.code === 'event-not-accepted' || e.code === 'case-closed');

/**
 * Runs outbox effects: claims due rows, calls the service, and reports the outcome back to the
 * case as `service.done` / `service.failed`, marking the effect in the same transaction.
 */
export function createEffectWorker(options: EffectWorkerOptions) {
  const { db, engine, services, baseBackoffMs = 1000, maxBackoffMs = 5 * 60_000, leaseMs = 30_000, batchSize = 10, log = () => {} } = options;
  const effects = createEffectRepository(db);

  async function report(effect: EffectRecord, event: Record<string, unknown>, mark: (trx: Db) => Promise<boolean>) {
    try {
      await engine.send(effect.tenantId, effect.caseId, { type: event.type as string, ...event }, 'system', {
        within: async (trx) => {
          if (!(await mark(trx))) throw new ProblemError(409, 'effect-fenced', 'Conflict', `effect ${effect.id} was taken over by another worker`);
          // the case left this step and came back: the answer belongs to the earlier visit
          if (await createEffectRepository(trx).supersededBy(effect)) throw new ProblemError(409, 'event-not-accepted', 'Conflict', `effect ${effect.id} answers an earlier visit of ${effect.nodeId}`);
        },
      });
    } catch (e) {
      if (!isNotAccepted(e)) throw e;
      // the case moved on (cancelled, or the step was left): the effect is finished anyway
      await mark(db);
    }
  }

  async function run(effect: EffectRecord): Promise<void> {
    const handler = effect.service ? services.get(effect.service) : undefined;
    let result: unknown;
    try {
      if (!handler) throw new PermanentServiceError(`No service named "${effect.service}" is registered`);
      const record = await createCaseRepository(db).get(effect.tenantId, effect.caseId);
      const invoice = record?.invoiceId ? await createInvoiceRepository(db).body(effect.tenantId, record.invoiceId) : null;
      result = await handler({
        tenantId: effect.tenantId,
        caseId: effect.caseId,
        nodeId: effect.nodeId,
        params: effect.params,
        invoice,
        vars: record?.snapshot.context.vars ?? {},
        idempotencyKey: effect.id,
        db,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentServiceError;
      if (!permanent && effect.attempts < effect.maxAttempts) {
        const delay = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (effect.attempts - 1)) * (0.8 + Math.random() * 0.4);
        log('effect failed, will retry', { effectId: effect.id, attempt: effect.attempts, delay: Math.round(delay), error: message });
        await effects.retryLater(effect, message, delay);
        return;
      }
      log('effect failed for good', { effectId: effect.id, attempts: effect.attempts, error: message });
      await report(effect, { type: 'service.failed', nodeId: effect.nodeId, effectId: effect.id, error: message }, (trx) => createEffectRepository(trx).fail(effect, message));
      return;
    }
    // The service answered: a failure to record that (fenced, a database error) is not a service
    // failure. The effect stays running; when its lease runs out it is run again, same key.
    await report(effect, { type: 'service.done', nodeId: effect.nodeId, effectId: effect.id, result }, (trx) => createEffectRepository(trx).complete(effect, result));
  }

  return {
    /** Claims and runs one batch; returns how many effects it ran. */
    async tick(): Promise<number> {
      const claimed = await effects.claim(batchSize, leaseMs);
      await Promise.all(claimed.map((e) => run(e).catch((err) => log('effect worker error', { effectId: e.id, error: String(err) }))));
      return claimed.length;
    },
  };
}
