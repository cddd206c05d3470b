import { randomUUID } from 'node:crypto';
import { createAiModelRepository } from '../store/aiModelRepository.js';
import type { Db } from '../store/db.js';
import { checkFeatureDrift } from './featureDriftCheck.js';
import { trainTenant } from './training.js';

export interface RetrainingOptions {
  db: Db;
  /** How often each tenant's models are retrained, ms. */
  everyMs: number;
  /** How long a claimed job is this process's; past it (the process died) another takes it over. */
  leaseMs: number;
  /** Model rows kept per tenant and kind. */
  keep?: number;
  log?: (message: string, context: Record<string, unknown>) => void;
}

/**
 * The durable retraining job (docs/ai.md, "Retraining"): one `ai_training_jobs` row per
 * tenant, due at `next_run_at`. A tick gives new tenants their row (first due one cadence
 * later), claims one due job with a lease, checks the feature drift of the invoices since the
 * current model, trains, and schedules the next run. The schedule
 * lives in the database, so it survives restarts; a process that dies mid-training leaves a
 * lease that runs out, and any process re-claims the job.
 */
export function createRetrainingWorker({ db, everyMs, leaseMs, keep, log = () => {} }: RetrainingOptions) {
  const repo = createAiModelRepository(db);
  const owner = randomUUID();
  return {
    async tick(): Promise<number> {
      await repo.ensureJobs(everyMs);
      const job = await repo.claimJob(owner, leaseMs);
      if (!job) return 0;
      try {
        // first the invoices since the current model against what it learned from, then the new model
        const drift = await checkFeatureDrift(db, job.tenantId);
        if (drift.alert) log('ai feature drift', { tenantId: job.tenantId, alertId: drift.alert.id, features: drift.alert.features.map((f) => f.feature) });
        const result = await trainTenant(db, job.tenantId, { keep });
        await repo.finishJob(job.tenantId, owner, everyMs, null);
        log('ai models retrained', { tenantId: job.tenantId, recommender: result.recommender?.version ?? null, anomaly: result.anomaly?.version ?? null });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        // a failed run is retried sooner than the cadence, but not at once
        await repo.finishJob(job.tenantId, owner, Math.min(everyMs, 5 * 60_000), error);
        log('ai retraining failed', { tenantId: job.tenantId, error });
      }
      return 1;
    },
  };
}
