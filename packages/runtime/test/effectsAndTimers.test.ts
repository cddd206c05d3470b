import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEffectWorker } from '../src/effects/effectWorker.js';
import { createTimerWorker } from '../src/effects/timerWorker.js';
import { builtInServices } from '../src/services/index.js';
import { PermanentServiceError } from '../src/services/registry.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { createTestClock } from './support/clock.js';
import { invoiceCases } from './support/cases.js';
import { plainInvoice, serviceFlow, slaFlow } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

describe.each(testDatabaseKinds())('effects, retries and durable timers, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  const failuresLeft = new Map<string, number>();
  const calls = new Map<string, number>();
  // timers fall due on this clock: a test advances it past a due time instead of waiting
  const clock = createTestClock();

  async function publish(definition: object) {
    const created = await owner('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }

  const { open } = invoiceCases(() => owner);

  const caseAt = (caseId: string, nodeId: string) =>
    eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.activeNodes.join() === nodeId && c;
      },
      PATIENCE_MS,
      `case ${caseId} at ${nodeId}`,
    );

  /** Runs the timer worker once, on the test's clock: how many due timers it claimed (and fired). */
  const fireDueTimers = () => createTimerWorker({ db: server.db, engine: server.engine, now: clock.now }).tick();

  const closed = (caseId: string) =>
    eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.status !== 'open' && c;
      },
      PATIENCE_MS,
      `case ${caseId} to close`,
    );

  beforeAll(async () => {
    server = await startTestServer({
      database,
      seedDemo: true,
      now: clock.now,
      services: {
        // fails as often as the test set for the invoice number, then answers
        flaky: async ({ invoice, idempotencyKey }) => {
          const key = invoice!.invoiceNumber;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          const left = failuresLeft.get(key) ?? 0;
          if (left > 0) {
            failuresLeft.set(key, left - 1);
            throw new Error(`temporarily down (${left} more)`);
          }
          return { ok: true, key: idempotencyKey };
        },
        refusing: async () => {
          throw new PermanentServiceError('supplier portal says: no such supplier');
        },
      },
    });
    owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    const fiveAttempts = { maximumAttempts: 5, initialInterval: 'PT0.02S' };
    await publish(serviceFlow('flaky-flow', 'flaky', { errorEdge: true, retry: fiveAttempts }));
    await publish(serviceFlow('flaky-nowhere', 'flaky', { retry: fiveAttempts }));
    await publish(serviceFlow('refusing-flow', 'refusing', { errorEdge: true }));
    await publish(serviceFlow('waiting-flow', 'flaky', { wait: 'PT1H' }));
    await publish(slaFlow('sla-flow', 'PT2H'));
    await publish(slaFlow('sla-long', 'PT1H'));
  });
  afterAll(() => server?.stop());

  it('retries a failing service with backoff and goes on when it answers', async () => {
    failuresLeft.set('R-1', 2);
    const caseId = await open('flaky-nowhere', 'R-1');
    const c = await closed(caseId);
    expect(c.status).toBe('resolved');
    expect(calls.get('R-1')).toBe(3);
    expect(c.effects).toHaveLength(1);
    expect(c.effects[0]).toMatchObject({ status: 'done', attempts: 3, lastError: 'temporarily down (1 more)' });
    expect(c.context.vars.call).toEqual({ ok: true, key: c.effects[0].id });
  });

  it('after the last attempt sends service.failed, which takes the error edge', async () => {
    failuresLeft.set('R-2', 99);
    const caseId = await open('flaky-flow', 'R-2');
    const c = await closed(caseId);
    expect(c).toMatchObject({ status: 'rejected', activeNodes: ['broken'] });
    expect(c.effects[0]).toMatchObject({ status: 'failed', attempts: 5 });
    expect(calls.get('R-2')).toBe(5);
    const history = (await owner('GET', `/api/v1/cases/${caseId}/events`)).body;
    expect(history.at(-1)).toMatchObject({
      type: 'service.failed',
      actor: 'system',
      payload: { nodeId: 'call', error: expect.stringContaining('temporarily down') },
    });
  });

  it('does not retry a permanent failure', async () => {
    const caseId = await open('refusing-flow', 'R-3');
    const c = await closed(caseId);
    expect(c.status).toBe('rejected');
    expect(c.effects[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: 'supplier portal says: no such supplier' });
  });

  it('a service with no error edge puts the case in an incident at that step when its retries are spent', async () => {
    failuresLeft.set('R-4', 99);
    const caseId = await open('flaky-nowhere', 'R-4');
    expect(await closed(caseId)).toMatchObject({ status: 'incident', outcome: null, activeNodes: ['call'] });
  });

  it('fires a durable wait timer as an event when it falls due, not before', async () => {
    const caseId = await open('waiting-flow', 'T-1');
    const waiting = await caseAt(caseId, 'wait');
    const [timer] = waiting.timers;
    expect(timer).toMatchObject({ nodeId: 'wait', status: 'pending' });
    // due an hour (of the engine's clock) after the service answered
    expect(Date.parse(timer.dueAt) - clock.now()).toBeGreaterThan(59 * 60_000);
    expect(Date.parse(timer.dueAt) - clock.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(await fireDueTimers()).toBe(0);
    expect((await owner('GET', `/api/v1/cases/${caseId}`)).body).toMatchObject({ status: 'open', activeNodes: ['wait'] });

    clock.advance('PT1H');
    const c = await closed(caseId);
    expect(c.status).toBe('resolved');
    expect(c.timers).toEqual([expect.objectContaining({ nodeId: 'wait', status: 'fired' })]);
    const history = (await owner('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string }[];
    expect(history.map((e) => e.type)).toEqual(['case.started', 'service.done', 'timer.fired']);
  });

  it('escalates a task past its SLA: the task is cancelled and a new one opens', async () => {
    const caseId = await open('sla-flow', 'S-1');
    await caseAt(caseId, 'review');
    expect(await fireDueTimers()).toBe(0);
    expect((await owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body.map((t: { nodeId: string }) => t.nodeId)).toEqual(['review']);

    clock.advance('PT2H');
    const escalated = await eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.activeNodes[0] === 'escalate' && c;
      },
      PATIENCE_MS,
      'escalation',
    );
    expect(escalated.tasks).toEqual([expect.objectContaining({ nodeId: 'escalate', queue: 'controller' })]);
    const cancelled = await owner('GET', `/api/v1/tasks?caseId=${caseId}&status=cancelled`);
    expect(cancelled.body.map((t: { nodeId: string }) => t.nodeId)).toEqual(['review']);
  });

  it('completing a task before its SLA cancels the timer', async () => {
    const caseId = await open('sla-long', 'S-2');
    const task = await eventually(async () => (await owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], PATIENCE_MS, 'the task');
    expect(Date.parse(task.dueAt) - clock.now()).toBeGreaterThan(59 * 60_000);
    expect((await owner('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept' })).status).toBe(200);
    const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
    expect(c.status).toBe('resolved');
    expect(c.timers).toEqual([expect.objectContaining({ nodeId: 'review', status: 'cancelled' })]);
  });

  it('cancelling a case closes its open task and stops its timer', async () => {
    const caseId = await open('sla-long', 'S-3');
    await eventually(async () => (await owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], PATIENCE_MS, 'the task');
    const r = await owner('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.cancel', reason: 'duplicate of S-2' });
    expect(r.status).toBe(202);
    const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
    expect(c).toMatchObject({ status: 'cancelled', tasks: [], timers: [expect.objectContaining({ status: 'cancelled' })] });
    expect(c.context.cancellation).toEqual({ reason: 'duplicate of S-2', by: 'u-admin' });
  });
});

describe.each(testDatabaseKinds())('leaving a service step withdraws its call, on %s', (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  let calls = 0;

  beforeAll(async () => {
    // no workers: the call stays queued until the test runs a worker by hand
    server = await startTestServer({ database, seedDemo: true, workers: false, services: { counted: async () => ({ n: ++calls }) } });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', serviceFlow('withdrawn-flow', 'counted', { errorEdge: true }));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it('cancelling the case cancels the queued call, and no worker makes it afterwards', async () => {
    const posted = await admin('POST', '/api/v1/invoices?definition=withdrawn-flow', plainInvoice('W-1'));
    const caseId = posted.body.case.id;
    expect((await admin('GET', `/api/v1/cases/${caseId}`)).body.effects).toEqual([expect.objectContaining({ nodeId: 'call', status: 'pending' })]);
    expect((await admin('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.cancel', reason: 'sent in error' })).status).toBe(202);
    expect((await admin('GET', `/api/v1/cases/${caseId}`)).body.effects).toEqual([expect.objectContaining({ nodeId: 'call', status: 'cancelled' })]);
    const worker = createEffectWorker({ db: server.db, engine: server.engine, services: builtInServices({ counted: async () => ({ n: ++calls }) }) });
    await worker.tick();
    expect(calls).toBe(0);
  });
});
