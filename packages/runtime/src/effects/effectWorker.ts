import { DEFAULT_RETRY_POLICY, nextRetry, type CaseEvent, type EffectFailedMessage, type RetryPolicy } from '@exflow/shared';
import type { Engine } from '../engine/engine.js';
import type { WorkQueued } from '../engine/eventBus.js';
import { CaseClosed, EffectFenced, EventNotAccepted } from '../errors.js';
import { isNonRetryable, PermanentServiceError, type ServiceRegistry } from '../services/registry.js';
import type { Db } from '../store/db.js';
import { createEffectRepository, type ClaimedEffect, type EffectMark, type EffectRecord } from '../store/effectRepository.js';
import { createCaseRepository } from '../store/caseRepository.js';

export interface EffectWorkerOptions {
  db: Db;
  engine: Engine;
  services: ServiceRegistry;
  /**
   * Fills in what a node's retry policy leaves out (shared's `DEFAULT_RETRY_POLICY` fills the
   * rest): 1 s, doubling, at most 5 minutes apart, for 24 hours.
   */
  defaultRetryPolicy?: RetryPolicy;
  leaseMs?: number;
  batchSize?: number;
  log?: (message: string, context: Record<string, unknown>) => void;
  /** Announces a retry put back for later, so the worker is woken when it falls due (the publisher's `workQueued`). */
  announce?: (queued: WorkQueued) => void;
  /**
   * Tells watchers of the case that an attempt failed, once what follows (a retry, an incident,
   * the error edge) is recorded (the publisher's `effectFailed`): a retry writes no case event.
   */
  announceFailure?: (tenantId: string, failure: EffectFailedMessage) => void;
}

const isNotAccepted = (e: unknown) => e instanceof EventNotAccepted || e instanceof CaseClosed;

/**
 * Runs outbox effects: claims due rows, calls the service, retries by the effect's retry policy
 * (shared's `nextRetry`), and reports the outcome back to the case as `service.done` /
 * `service.failed`, or, when the policy is spent at a step with no error edge, as an incident;
 * the effect is marked in the same transaction.
 */
export function createEffectWorker(options: EffectWorkerOptions) {
  const {
    db,
    engine,
    services,
    defaultRetryPolicy,
    leaseMs = 30_000,
    batchSize = 10,
    log = () => {},
    announce = () => {},
    announceFailure = () => {},
  } = options;
  const effects = createEffectRepository(db);

  /** What the case is told: an event (`service.done`, `service.failed`), or that it waits in an incident. */
  type Outcome = { send: CaseEvent } | { incident: { reason: string; error: string } };

  /** Records the outcome; false when the case had moved on and the effect was only marked finished. */
  async function report(effect: EffectRecord, outcome: Outcome, mark: (trx: Db) => Promise<EffectMark>): Promise<boolean> {
    const within = async (trx: Db) => {
      const { marked, superseded } = await mark(trx);
      if (!marked) throw new EffectFenced(effect.id);
      // the case left this step and came back: the answer belongs to the earlier visit
      if (superseded) throw new EventNotAccepted(effect.caseId, `effect ${effect.id} answers an earlier visit of ${effect.nodeId}`);
    };
    try {
      if ('incident' in outcome) {
        const { id: effectId, nodeId, service, attempts } = effect;
        await engine.raiseIncident(effect.tenantId, effect.caseId, { effectId, nodeId, service, attempts, ...outcome.incident }, { within });
      } else {
        await engine.send(effect.tenantId, effect.caseId, outcome.send, 'system', { within });
      }
      return true;
    } catch (e) {
      if (!isNotAccepted(e)) throw e;
      // the case moved on (cancelled, or the step was left): the effect is finished anyway
      await mark(db);
      return false;
    }
  }

  /** `effect.failed` for an attempt that failed: what the watchers of the case are told. */
  const failure = (
    effect: EffectRecord,
    policy: RetryPolicy,
    error: string,
    waitingFor: string | null,
    then: Pick<EffectFailedMessage, 'next' | 'retryAt' | 'gaveUp'>,
  ): EffectFailedMessage => ({
    caseId: effect.caseId,
    effectId: effect.id,
    nodeId: effect.nodeId,
    service: effect.service,
    attempt: effect.attempts - effect.policyAttemptsBase,
    maxAttempts: policy.maximumAttempts ?? 0,
    error: error.slice(0, 2000),
    waitingFor,
    ...then,
  });

  async function run(effect: ClaimedEffect): Promise<void> {
    const handler = effect.service ? services.get(effect.service) : undefined;
    let result: unknown;
    try {
      if (!handler) throw new PermanentServiceError(`No service named "${effect.service}" is registered`);
      // the case as this process last wrote it (at or past the transition that queued the effect), else as stored
      const record =
        engine.recentCase(effect.tenantId, effect.caseId, effect.caseVersion) ?? (await createCaseRepository(db).get(effect.tenantId, effect.caseId));
      const invoice = record?.invoiceId ? effect.invoice : null;
      result = await handler({
        tenantId: effect.tenantId,
        caseId: effect.caseId,
        nodeId: effect.nodeId,
        params: effect.params,
        invoice,
        invoiceId: record?.invoiceId ?? null,
        vars: record?.snapshot.context.vars ?? {},
        idempotencyKey: effect.id,
        db,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown })?.code;
      const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...defaultRetryPolicy, ...effect.retryPolicy };
      // a service that knows what it waits for says so (an open breaker also says until when)
      const { waitingFor: said, retryAt } = error as { waitingFor?: unknown; retryAt?: unknown };
      const waitingFor = typeof said === 'string' ? said : null;
      const decision = nextRetry(policy, {
        attempt: effect.attempts - effect.policyAttemptsBase,
        firstAttemptAt: Date.parse(effect.policyStartedAt),
        now: Date.now(),
        errorCode: typeof code === 'string' ? code : error instanceof Error ? error.name : undefined,
        nonRetryable: isNonRetryable(error),
        jitter: Math.random(),
      });
      if (decision.retry) {
        const delay = Math.max(decision.delayMs, typeof retryAt === 'number' ? retryAt - Date.now() : 0);
        log('effect failed, will retry', {
          effectId: effect.id,
          tenantId: effect.tenantId,
          caseId: effect.caseId,
          attempt: effect.attempts,
          delay,
          error: message,
        });
        const dueAt = await effects.retryLater(effect, message, delay, waitingFor);
        announce({ effects: 0, timerDueAt: [], effectDueAt: [Date.now() + delay] });
        if (dueAt) announceFailure(effect.tenantId, failure(effect, policy, message, waitingFor, { next: 'retry', retryAt: dueAt, gaveUp: null }));
        return;
      }
      log('effect failed for good', {
        effectId: effect.id,
        tenantId: effect.tenantId,
        caseId: effect.caseId,
        attempts: effect.attempts,
        reason: decision.reason,
        error: message,
      });
      const fail = (trx: Db) => createEffectRepository(trx).mark(effect, { status: 'failed', error: message });
      // no error edge to take: the case waits at this step until someone retries the call
      const outcome: Outcome =
        effect.onFailure === 'incident'
          ? { incident: { reason: decision.reason, error: message } }
          : { send: { type: 'service.failed', nodeId: effect.nodeId, effectId: effect.id, error: message } };
      if (await report(effect, outcome, fail)) {
        const next = effect.onFailure === 'incident' ? 'incident' : 'error-edge';
        announceFailure(effect.tenantId, failure(effect, policy, message, waitingFor, { next, retryAt: null, gaveUp: decision.reason }));
      }
      return;
    }
    // The service answered: a failure to record that (fenced, a database error) is not a service
    // failure. The effect stays running; when its lease runs out it is run again, same key.
    await report(effect, { send: { type: 'service.done', nodeId: effect.nodeId, effectId: effect.id, result } }, (trx) =>
      createEffectRepository(trx).mark(effect, { status: 'done', result }),
    );
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
