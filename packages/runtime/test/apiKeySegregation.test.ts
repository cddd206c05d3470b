import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { approvalFlow, invoiceOf } from './support/approvalFlow.js';
import { eventually, httpClient } from './support/http.js';

type Client = ReturnType<typeof httpClient>;

/**
 * An API key is not a person of its own: it counts as the admin who minted it, and it never
 * completes an approval step (docs/security.md, Segregation of duties).
 */
describe.each(testDatabaseKinds())('API keys and segregation of duties, on %s', (database) => {
  let server: TestServer;
  const as: Record<string, Client> = {};
  const keys: Client[] = [];

  async function openApproval(submitter: Client, number: string, gross: number) {
    const posted = await submitter('POST', '/api/v1/invoices?definition=invoice-approval', invoiceOf(number, gross));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const caseId: string = posted.body.case.id;
    const task = await eventually(async () => (await as.admin('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 5_000, 'the approval task');
    return { caseId, taskId: task.id as string };
  }

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    for (const [name, email] of Object.entries({ admin: 'admin@demo.exflow', owner: 'owner@demo.exflow', approver: 'approver@demo.exflow' })) {
      as[name] = httpClient(server.url, await server.login(email));
    }
    const created = await as.owner('POST', '/api/v1/definitions', approvalFlow);
    expect((await as.owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    // two analyst keys of the same admin: analysts may intake and work tasks, up to 5,000
    for (const name of ['robot one', 'robot two']) {
      const minted = await as.admin('POST', '/api/v1/api-keys', { name, role: 'analyst' });
      expect(minted.status).toBe(201);
      keys.push(httpClient(server.url, minted.body.key));
    }
  });
  afterAll(() => server?.stop());

  it("an invoice submitted through an admin's key cannot be approved by that admin", async () => {
    const { caseId, taskId } = await openApproval(keys[0]!, 'KEY-SOD-1', 1_000);
    const r = await as.admin('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([r.status, r.body.code]).toEqual([403, 'sod.self-approval']);
    expect(r.body.detail).toContain('u-admin submitted this invoice');
    expect((await as.admin('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
    expect((await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
  });

  it('an admin cannot approve their own invoice through a key they minted', async () => {
    const { caseId, taskId } = await openApproval(as.admin, 'KEY-SOD-2', 1_000);
    const r = await keys[0]!('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([r.status, r.body.code]).toEqual([403, 'sod.self-approval']);
    expect((await as.admin('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
  });

  it('two keys of one admin never satisfy four-eyes, nor does the admin and their key', async () => {
    const policies = (await as.admin('GET', '/api/v1/policies')).body.own;
    expect((await as.admin('PUT', '/api/v1/policies', { policies: { ...policies, fourEyesThreshold: 500 } })).status).toBe(200);
    try {
      const { caseId, taskId } = await openApproval(as.owner, 'KEY-SOD-3', 2_000);
      for (const key of keys) {
        const r = await key('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
        expect([r.status, r.body.code]).toEqual([403, 'sod.api-key']);
      }
      expect((await as.admin('GET', `/api/v1/tasks/${taskId}`)).body.approvals).toEqual([]);
      expect((await as.admin('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(202);
      const second = await keys[1]!('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
      expect(second.status).toBe(403);
      expect((await as.admin('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
      const done = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
      expect([done.status, done.body.case?.status]).toEqual([200, 'resolved']);
    } finally {
      await as.admin('PUT', '/api/v1/policies', { policies });
    }
  });
});
