import { randomUUID } from 'node:crypto';
import type { MigrationView, TemplateFanOut, TemplateFanOutFlow } from '@exflow/shared';
import type { Db } from '../store/db.js';
import { createMigrationRepository } from '../store/migrationRepository.js';
import { createTemplateFanOutRepository, type FanOutClaim } from '../store/templateFanOutRepository.js';
import { createTemplateRepository } from '../store/templateRepository.js';
import { createCaseMigrations, type MigrationAnnouncer } from '../versions/caseMigrations.js';
import { fanOutFlow } from './templateLayers.js';

export interface TemplateFanOutOptions {
  db: Db;
  /** How long a claimed client is this process's; past it (the process died) another takes it over. */
  leaseMs: number;
  /** Attempts before a client's row is given up as failed. */
  maxAttempts?: number;
  /** Where moved cases are announced (realtime's publisher). */
  announcer?: MigrationAnnouncer;
  log?: (message: string, context: Record<string, unknown>) => void;
}

/** Stores a fan-out of a pack version to these clients, for the workers to take; answers it as it stands (every client pending). */
export function queueFanOut(db: Db, mspId: string, fanOut: { pack: string; version: number; clients: string[]; actor: string }): Promise<TemplateFanOut> {
  return db.transaction(async (trx) => {
    const repo = createTemplateFanOutRepository(trx);
    return (await repo.get(mspId, await repo.create(mspId, fanOut)))!;
  });
}

/** The lease was taken over by another process: this one stops and leaves the row to it. */
class LeaseLost extends Error {}

type FlowMigration = NonNullable<TemplateFanOutFlow['migration']>;

/** What a set of stored migrations predicted and did, for the report. */
function migrationReport(views: MigrationView[]): FlowMigration {
  const cases = views.flatMap((m) => m.cases.map((c) => ({ ...c, fromVersion: m.fromVersion })));
  const count = (status: string) => cases.filter((c) => c.status === status).length;
  const blocked = cases.filter((c) => c.batch === 0).length;
  return {
    migrations: views.map((m) => ({ id: m.id, fromVersion: m.fromVersion })),
    total: cases.length,
    movable: cases.length - blocked,
    blocked,
    moved: count('migrated'),
    skipped: count('skipped'),
    notMoved: cases
      .filter((c) => c.status === 'blocked' || c.status === 'skipped')
      .map((c) => ({ caseId: c.caseId, fromVersion: c.fromVersion, status: c.status as 'blocked' | 'skipped', reason: c.reason ?? '' })),
  };
}

/**
 * The durable fan-out of a pack version (docs/templates.md, "MSP template inheritance"): a
 * tick claims one client's row with a lease and, flow by flow, publishes the client's
 * effective flow and moves its running cases to it through the running-case migration (dry
 * run stored as a plan, applied batch by batch). Each step is recorded on the row in the
 * transaction that does it, so a process that dies mid-way leaves a lease that runs out, and
 * whichever process claims the row next carries on from the last committed step.
 */
export function createTemplateFanOutWorker({ db, leaseMs, maxAttempts = 5, announcer, log = () => {} }: TemplateFanOutOptions) {
  const repo = createTemplateFanOutRepository(db);
  const owner = randomUUID();

  async function save(exec: Db, claim: FanOutClaim, report: TemplateFanOutFlow[]) {
    if (!(await createTemplateFanOutRepository(exec).saveReport(claim, owner, report))) throw new LeaseLost();
  }

  /** Moves the client's running cases of every earlier version to `flow.version`; one migration per version they run on. */
  async function migrate(claim: FanOutClaim, definitionId: string, flow: TemplateFanOutFlow, report: TemplateFanOutFlow[]) {
    const toVersion = flow.version!;
    const migrations = createCaseMigrations(db, announcer);
    const done = flow.migration?.migrations ?? [];
    // migrations an earlier attempt planned: apply what is still pending (applying twice does nothing)
    const views: MigrationView[] = [];
    for (const m of done) views.push(await migrations.applyAll(claim.clientId, definitionId, m.id, claim.actor));
    const versions = await createMigrationRepository(db).versionsWithRunningCases(claim.clientId, definitionId, toVersion);
    for (const fromVersion of versions.filter((v) => !done.some((m) => m.fromVersion === v))) {
      // the plan and its record on the row commit together: a take-over applies this plan, never makes a second one
      const planned = await db.transaction(async (trx) => {
        const created = await createCaseMigrations(trx).create(claim.clientId, definitionId, { fromVersion, toVersion }, claim.actor);
        flow.migration = migrationReport([...views, created]);
        await save(trx, claim, report);
        return created;
      });
      views.push(await migrations.applyAll(claim.clientId, definitionId, planned.id, claim.actor));
    }
    flow.migration = migrationReport(views);
    await save(db, claim, report);
  }

  async function fanOutClient(claim: FanOutClaim) {
    const pack = await createTemplateRepository(db).pack(claim.mspId, claim.pack, claim.version);
    if (!pack) throw new Error(`pack ${claim.mspId}/${claim.pack}@${claim.version} is gone`);
    const report = [...claim.report];
    for (const base of pack.flows) {
      let flow = report.find((f) => f.key === base.key);
      if (!flow) {
        const target = {
          clientId: claim.clientId,
          mspId: claim.mspId,
          pack: pack.name,
          version: pack.version,
          base,
          points: pack.extensionPoints[base.key] ?? [],
          actor: claim.actor,
        };
        flow = await fanOutFlow(db, target, (trx, done) => save(trx, claim, [...report, done]));
        report.push(flow);
      }
      if (flow.status !== 'upgraded') continue;
      const layer = await createTemplateRepository(db).layer(claim.clientId, base.key);
      if (layer) await migrate(claim, layer.definitionId, flow, report);
    }
  }

  return {
    /** Works one client of a fan-out; 1 when there was one, 0 when none is waiting. */
    async tick(): Promise<number> {
      const claim = await repo.claim(owner, leaseMs);
      if (!claim) return 0;
      try {
        await fanOutClient(claim);
        await repo.finish(claim, owner, 'done', null);
        log('template fan-out: client done', { fanoutId: claim.fanoutId, clientId: claim.clientId });
      } catch (e) {
        if (e instanceof LeaseLost) return 1;
        const error = e instanceof Error ? e.message : String(e);
        await repo.finish(claim, owner, claim.attempts >= maxAttempts ? 'failed' : 'pending', error);
        log('template fan-out: client failed', { fanoutId: claim.fanoutId, clientId: claim.clientId, attempts: claim.attempts, error });
      }
      return 1;
    },
  };
}
