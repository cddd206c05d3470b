import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { createEffectWorker } from '../src/effects/effectWorker.js';
import { builtInServices } from '../src/services/index.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, serviceFlow } from './support/flows.js';
import { eventually, httpClient } from './support/http.js';

describe.each(testDatabaseKinds())('a service that answered is never reported as failed, on %s', (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  let failuresLeft = 0;
  let calls = 0;
  const flaky = async () => {
    calls++;
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('temporarily down');
    }
    return { ok: true };
  };

  beforeAll(async () => {
    // no workers: the test runs its own, with an engine whose first service.done report fails
    server = await startTestServer({ database, seedDemo: true, workers: false, services: { flaky } });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', serviceFlow('report-flow', 'flaky', { errorEdge: true }));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it('a failure to record service.done on the last attempt does not send service.failed', async () => {
    const posted = await admin('POST', '/api/v1/invoices?definition=report-flow', plainInvoice('REP-1'));
    const caseId = posted.body.case.id as string;
    failuresLeft = 4; // the fifth (last) attempt answers
    let reportFailures = 1;
    const engine: Engine = {
      ...server.engine,
      async send(tenantId, id, event, actor, options) {
        if (id === caseId && event.type === 'service.done' && reportFailures > 0) {
          reportFailures--;
          throw new Error('Connection terminated unexpectedly'); // a database blip while recording the answer
        }
        return server.engine.send(tenantId, id, event, actor, options);
      },
    };
    const worker = createEffectWorker({
      db: server.db,
      engine,
      services: builtInServices({ flaky }),
      defaultRetryPolicy: { initialInterval: 'PT0.001S' },
      leaseMs: 300,
      batchSize: 100,
    });
    const c = await eventually(
      async () => {
        await worker.tick();
        const found = (await admin('GET', `/api/v1/cases/${caseId}`)).body;
        return found.status !== 'open' && found;
      },
      15_000,
      'the case to close',
    );
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(c).toMatchObject({ status: 'resolved', activeNodes: ['done'] });
    expect(c.effects).toEqual([expect.objectContaining({ status: 'done' })]);
    const history = (await admin('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string }[];
    expect(history.map((e) => e.type)).not.toContain('service.failed');
  });
});
