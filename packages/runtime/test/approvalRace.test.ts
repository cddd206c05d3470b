import { taskAwaitingSecondApprovalSchema } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceOf, openApproval, signInAndPublish, type ApprovalPeople } from './support/approvalFlow.js';
import { eventually } from './support/http.js';
import { expectWire } from './support/wire.js';

/**
 * Holds the task's row (PostgreSQL: `FOR UPDATE`; PGlite: its only connection) while `first`
 * and then `second` start and queue behind it, then lets them go in that order. Ordered by
 * conditions (a backend waiting on the holder, a pending pool acquire), never by a clock.
 */
async function queuedBehindTask<A, B>(server: TestServer, taskId: string, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holder!: number;
  const locked = new Promise<void>((resolve, reject) => {
    server.db
      .transaction(async (trx) => {
        if (server.database === 'postgres') {
          await trx('tasks').where({ id: taskId }).forUpdate().first('id');
          holder = (await trx.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        }
        resolve();
        await released;
      })
      .catch(reject);
  });
  await locked;
  const waiting = server.database === 'postgres' ? lockWaiters(server.db, () => holder) : poolWaiters(server.db);
  const a = first();
  await eventually(async () => ((await waiting()) >= 1 ? true : undefined), 10_000, 'the first request to queue behind the task');
  const b = second();
  await eventually(async () => ((await waiting()) >= 2 ? true : undefined), 10_000, 'the second request to queue behind it');
  release();
  return Promise.all([a, b]);
}

/**
 * PGlite (one connection, one statement at a time): holds the connection, starts `first`, lets
 * `steps` of its statements through one by one, then starts `second` and lets both go. Each
 * step is a condition (a pending acquire), never a clock.
 */
async function steppedOnOneConnection<A, B>(db: Db, steps: number, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const pending = poolWaiters(db);
  const hold = async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await new Promise<void>((resolve, reject) => {
      db.transaction(async () => {
        resolve();
        await released;
      }).catch(reject);
    });
    return release;
  };
  let release = await hold();
  let settled = false;
  const a = first().finally(() => (settled = true));
  for (let step = 0; step <= steps && !settled; step++) {
    await eventually(async () => (settled || (await pending()) >= 1 ? true : undefined), 10_000, `statement ${step} of the first request`);
    if (step === steps) break;
    const next = hold(); // queued behind the statement let through now
    release();
    release = await next;
  }
  const b = second();
  await eventually(async () => ((await pending()) >= (settled ? 1 : 2) ? true : undefined), 10_000, 'the second request to queue');
  release();
  return Promise.all([a, b]);
}

/** PostgreSQL: how many backends wait (directly or in line) on the holder's row lock. */
function lockWaiters(db: Db, holder: () => number) {
  return async () => {
    const rows = (
      await db.raw(`SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)
    ).rows as { pid: number; blockers: number[] }[];
    const line = new Set([holder()]);
    for (let grew = true; grew;) {
      grew = false;
      for (const r of rows)
        if (!line.has(r.pid) && r.blockers.some((b) => line.has(b))) {
          line.add(r.pid);
          grew = true;
        }
    }
    return line.size - 1;
  };
}

/** PGlite (one connection): how many queries wait for it. */
function poolWaiters(db: Db) {
  const pool = (db.client as { pool: { numPendingAcquires(): number } }).pool;
  return async () => pool.numPendingAcquires();
}

/**
 * Four-eyes decided on locked rows: a correction of the invoice (which withdraws the first
 * approval) and a second approval, queued in that order behind the task's row. The completion
 * must decide on the approvals as the correction left them (none): the second approver's
 * approval is a first approval again (202) and the case waits. Before the decision moved into
 * the transition's transaction, the completion decided on the approvals it had read before the
 * correction committed and resolved the case on the withdrawn one.
 */
describe.each(testDatabaseKinds())('a second approval racing a correction, on %s', (database) => {
  let server: TestServer;
  let as: ApprovalPeople;

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    as = await signInAndPublish(server);
  });
  afterAll(() => server?.stop());

  /** Opens a case above the four-eyes threshold with its first approval given. */
  async function firstApproved(number: string) {
    const { caseId, invoiceId, taskId } = await openApproval(as, as.owner, number, 12_000);
    const first = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(first.status).toBe(202);
    expectWire(taskAwaitingSecondApprovalSchema, first.body, 'POST /tasks/:id/complete (202)');
    const correct = () => as.admin('PUT', `/api/v1/invoices/${invoiceId}`, { ...invoiceOf(number, 12_000), businessUnit: 'Plant Cologne' });
    const approve = () => as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    return { invoiceId, caseId, taskId, correct, approve };
  }

  /** Whichever committed first, the case resolved only on approvals no correction withdrew. */
  async function expectConsistent(c: { invoiceId: string; caseId: string; taskId: string }, second: { status: number }) {
    const trail = (await as.auditor('GET', '/api/v1/audit')).body as { action: string; entityId: string; data: { approvalsWithdrawnOnTasks?: string[] } }[];
    const withdrawn = trail.find((r) => r.action === 'invoice.corrected' && r.entityId === c.invoiceId)?.data.approvalsWithdrawnOnTasks;
    const task = (await as.admin('GET', `/api/v1/tasks/${c.taskId}`)).body;
    const kase = (await as.admin('GET', `/api/v1/cases/${c.caseId}`)).body;
    const approvals = task.approvals.map((a: { by: string }) => a.by);
    if (withdrawn?.includes(c.taskId)) {
      // the correction came first: the second approval counted as a first one, the case waits
      expect([second.status, task.status, kase.status, approvals]).toEqual([202, 'open', 'open', ['u-approver2']]);
    } else {
      // the completion came first: resolved on two approvals; the correction found the task closed
      expect([second.status, task.status, kase.status, withdrawn]).toEqual([200, 'completed', 'resolved', []]);
    }
    return withdrawn?.includes(c.taskId) ? 'correction first' : 'completion first';
  }

  it('never resolves a case on an approval the correction withdrew', async () => {
    if (database === 'postgres') {
      // the correction waits first for the task's row, the completion behind it
      const c = await firstApproved('RACE-PG');
      const [correction, second] = await queuedBehindTask(server, c.taskId, c.correct, c.approve);
      expect(correction.status).toBe(200);
      expect(await expectConsistent(c, second)).toBe('correction first');
      // four-eyes starts again: the first approver may now give the second approval
      const done = await as.approver('POST', `/api/v1/tasks/${c.taskId}/complete`, { outcome: 'approve' });
      expect([done.status, done.body.case.status]).toEqual([200, 'resolved']);
      return;
    }
    // PGlite: the correction lands after 0, 1, 2 … statements of the completion
    const orders: string[] = [];
    for (let steps = 0; steps < 10; steps++) {
      const c = await firstApproved(`RACE-${steps}`);
      const [second, correction] = await steppedOnOneConnection(server.db, steps, c.approve, c.correct);
      expect(correction.status).toBe(200);
      orders.push(await expectConsistent(c, second));
    }
    expect(new Set(orders).size).toBe(2); // both orders were tried
  });
});
