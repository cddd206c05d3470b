import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localService } from '../src/services/registry.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { plainInvoice, serviceFlow } from './support/flows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

/** Idle polls this far apart never happen during a test. */
const NO_POLL_MS = 600_000;

describe.each(testDatabaseKinds())('checks whose inputs are in the database run in the transition, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let brittleCalls = 0;

  beforeAll(async () => {
    server = await startTestServer({
      database,
      pollMs: NO_POLL_MS,
      services: {
        // local, but its first call fails after a failed statement (which aborts a PostgreSQL transaction)
        brittle: localService(async ({ db }) => {
          if (brittleCalls++ === 0) await db.raw('SELECT * FROM no_such_table');
          return { ok: true };
        }),
      },
    });
    owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    for (const definition of [priceVarianceFlow('local-match'), serviceFlow('brittle-flow', 'brittle')]) {
      const created = await owner('POST', '/api/v1/definitions', definition);
      expect(created.status).toBe(201);
      expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    }
  });
  afterAll(() => server?.stop());

  it('the 3-way match runs inside the intake transaction: the answer already shows the review task, the effect is done once, the event is recorded', async () => {
    const posted = await owner('POST', '/api/v1/invoices?definition=local-match', invoiceWithChairPrice('LOCAL-1', '262.50'));
    expect(posted.status).toBe(201);
    expect(posted.body.case.activeNodes).toEqual(['procurementReview']);
    const caseId = posted.body.case.id;
    const events = (await owner('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string; payload: { result?: { withinTolerance?: boolean } } }[];
    expect(events.map((e) => e.type)).toEqual(['case.started', 'service.done']);
    expect(events[1]!.payload.result?.withinTolerance).toBe(false);
    const effects = await server.db('effects').where({ tenant_id: 'demo', case_id: caseId });
    expect(effects.map((e) => [e.service, e.status, e.attempts])).toEqual([['threeWayMatch', 'done', 1]]);
    const audit = await server.db('audit').where({ tenant_id: 'demo', case_id: caseId }).orderBy('seq');
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.started', 'service.done']));
  });

  it('a local check that fails leaves its effect to the worker (woken at once), and the intake still commits', async () => {
    const posted = await owner('POST', '/api/v1/invoices?definition=brittle-flow', plainInvoice('LOCAL-2'));
    expect(posted.status).toBe(201);
    expect(posted.body.case.activeNodes).toEqual(['call']);
    const caseId = posted.body.case.id;
    await eventually(async () => (await owner('GET', `/api/v1/cases/${caseId}`)).body.status === 'resolved', 15_000, 'the worker to run the check');
    const effects = await server.db('effects').where({ tenant_id: 'demo', case_id: caseId });
    expect(effects.map((e) => [e.status, e.attempts])).toEqual([['done', 1]]);
    expect(brittleCalls).toBe(2);
  });
});
