import { randomUUID } from 'node:crypto';
import { createAiModelRepository } from '../store/aiModelRepository.js';
import type { Db } from '../store/db.js';
import { trainTenant } from './training.js';

export interface RetrainingOptions {
  db: Db;
  /** How often each tenant's models are retrained, ms. */
  everyMs: number;
  /** How long a claimed job is this process's; past it (the process died) another takes it over. */
  leaseMs: number;
  log?: (message: string, context: Record<string, unknown>) => void;
}

/**
 * The durable retraining job (docs/ai.md, "Retraining"): one `ai_training_jobs` row per
 * tenant, due at `next_run_at`. A tick gives new tenants their row (first due one cadence
 * later), claims one due job with a lease, trains, and schedules the next run. The schedule
 * lives in the database, so it survives restarts; a process that dies mid-training leaves a
 * lease that runs out, and any process re-claims the job.
 */
export function createRetrainingWorker({ db, everyMs, leaseMs, log = () => {} }: RetrainingOptions) {
  const repo = createAiModelRepository(db);
  const owner = randomUUID();
  return {
    async tick(): Promise<number> {
      await repo.ensureJobs(everyMs);
      const job = await repo.claimJob(owner, leaseMs);
      if (!job) return 0;
      try {
        const result = await trainTenant(db, job.tenantId);
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
