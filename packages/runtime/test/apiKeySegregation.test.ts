import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { openApproval as openApprovalOf, signInAndPublish, type ApprovalPeople, type Client } from './support/approvalFlow.js';
import { httpClient } from './support/http.js';

/**
 * An API key is not a person of its own: it counts as the admin who minted it, and it never
 * completes an approval step (docs/security.md, Segregation of duties).
 */
describe.each(testDatabaseKinds())('API keys and segregation of duties, on %s', (database) => {
  let server: TestServer;
  let as: ApprovalPeople;
  const keys: Client[] = [];
  const openApproval = (submitter: Client, number: string, gross: number) => openApprovalOf(as, submitter, number, gross);

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    as = await signInAndPublish(server);
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
