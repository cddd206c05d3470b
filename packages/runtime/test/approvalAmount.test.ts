import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from '../src/testing/testServer.js';
import { approvalFlow, invoiceOf } from './support/approvalFlow.js';
import { eventually, httpClient } from './support/http.js';

type Client = ReturnType<typeof httpClient>;

/** The approval flow, its amount taken from a FEEL expression that gives no number. */
const unknownAmountFlow = {
  ...approvalFlow,
  key: 'approval-unknown-amount',
  name: 'Approval of an amount not computed',
  nodes: approvalFlow.nodes.map((n) => (n.id === 'approve' ? { ...n, config: { ...n.config, approval: { approveOutcomes: ['approve'], amount: 'vars.notComputed.total' } } } : n)),
};

describe.each(testDatabaseKinds())('an approval amount that is not a number, on %s', (database) => {
  let server: TestServer;
  const as: Record<string, Client> = {};

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    for (const [name, email] of Object.entries({ owner: 'owner@demo.exflow', analyst: 'analyst@demo.exflow', approver2: 'approver2@demo.exflow' })) {
      as[name] = httpClient(server.url, await server.login(email));
    }
    const created = await as.owner('POST', '/api/v1/definitions', unknownAmountFlow);
    expect((await as.owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it('is not taken as 0: approving it is refused, so no limit or four-eyes is skipped', async () => {
    const posted = await as.owner('POST', '/api/v1/invoices?definition=approval-unknown-amount', invoiceOf('SOD-NAN', 40_000));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id;
    const task = await eventually(async () => (await as.owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 5_000, 'the approval task');
    // the analyst may approve up to 5,000; four-eyes applies above 10,000
    const r = await as.analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'approve' });
    expect([r.status, r.body.code]).toEqual([403, 'sod.amount-unknown']);
    expect((await as.owner('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
    // rejecting is not approving
    expect((await as.approver2('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reject' })).status).toBe(200);
  });
});
