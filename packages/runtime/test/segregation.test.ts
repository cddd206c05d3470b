import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceOf, openApproval as openApprovalOf, signInAndPublish, type ApprovalPeople, type Client } from './support/approvalFlow.js';
import { eventually } from './support/http.js';

describe.each(testDatabaseKinds())('segregation of duties in the engine, on %s', (database) => {
  let server: TestServer;
  let as: ApprovalPeople;
  const openApproval = (submitter: Client, number: string, gross: number) => openApprovalOf(as, submitter, number, gross);

  const refusals = async (taskId: string) =>
    ((await as.auditor('GET', '/api/v1/audit')).body as { action: string; entityId: string; data: { code: string } }[])
      .filter((r) => r.action === 'sod.refused' && r.entityId === taskId)
      .map((r) => r.data.code);

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    as = await signInAndPublish(server);
  });
  afterAll(() => server?.stop());

  it('refuses self-approval: who submitted the invoice cannot complete its approval', async () => {
    const { taskId } = await openApproval(as.analyst, 'SOD-1', 1_000);
    const r = await as.analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'sod.self-approval', detail: expect.stringContaining('submitted this invoice') });
    expect(await refusals(taskId)).toEqual(['sod.self-approval']);
    expect((await as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
  });

  it('refuses the approval to whoever last corrected the invoice, and records the correction', async () => {
    const { invoiceId, taskId } = await openApproval(as.owner, 'SOD-EDIT', 2_000);
    const corrected = await as.approver('PUT', `/api/v1/invoices/${invoiceId}`, { ...invoiceOf('SOD-EDIT', 2_000), poNumber: 'PO-1001' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.body.poNumber).toBe('PO-1001');
    const refused = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([refused.status, refused.body.code]).toEqual([403, 'sod.self-approval']);
    expect(refused.body.detail).toContain('last edited');
    const trail = ((await as.auditor('GET', '/api/v1/audit')).body as { action: string; entityId: string; data: { changed: string[] } }[]).filter(
      (r) => r.action === 'invoice.corrected' && r.entityId === invoiceId,
    );
    expect(trail.map((r) => r.data.changed)).toEqual([['poNumber']]);
    expect((await as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
    expect((await as.approver('PUT', `/api/v1/invoices/${invoiceId}`, { invoiceNumber: 'x' })).status).toBe(422);
  });

  it("refuses an approval above the approver's limit, and lets a higher limit approve", async () => {
    const { caseId, taskId } = await openApproval(as.owner, 'SOD-2', 8_000);
    const r = await as.analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'sod.over-limit', detail: expect.stringContaining('above your limit of 5000') });
    expect(await refusals(taskId)).toEqual(['sod.over-limit']);
    // rejecting is not approving: no limit applies
    expect((await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
    expect((await as.admin('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('resolved');
  });

  it('needs two different approvers above the four-eyes threshold; the same person twice is refused', async () => {
    const { caseId, taskId } = await openApproval(as.owner, 'SOD-3', 12_000);
    const first = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      awaitingSecondApproval: true,
      task: { status: 'open', assignee: null, approvals: [expect.objectContaining({ by: 'u-approver' })] },
    });
    const again = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('sod.four-eyes');
    expect(await refusals(taskId)).toEqual(['sod.four-eyes']);
    expect((await as.admin('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
    const second = await as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect(second.status).toBe(200);
    expect(second.body.case.status).toBe('resolved');
    const history = (await as.admin('GET', `/api/v1/cases/${caseId}/events`)).body;
    expect(history.at(-1).payload.approvedBy.map((a: { by: string }) => a.by)).toEqual(['u-approver', 'u-approver2']);
  });

  it('a correction after the first of two approvals withdraws it: four-eyes starts again', async () => {
    const posted = await as.owner('POST', '/api/v1/invoices?definition=invoice-approval', invoiceOf('SOD-EDIT-2', 12_000));
    const taskId = (await eventually(async () => (await as.admin('GET', `/api/v1/tasks?caseId=${posted.body.case.id}`)).body[0], 5_000, 'the task')).id;
    expect((await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(202);
    expect(
      (await as.admin('PUT', `/api/v1/invoices/${posted.body.invoice.id}`, { ...invoiceOf('SOD-EDIT-2', 12_000), businessUnit: 'Plant Cologne' })).status,
    ).toBe(200);
    expect((await as.admin('GET', `/api/v1/tasks/${taskId}`)).body.approvals).toEqual([]);
    // the same approver again is a first approval now, not the second
    const again = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([again.status, again.body.awaitingSecondApproval]).toEqual([202, true]);
    expect((await as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
  });

  it('refuses delegation to oneself, to an auditor, in a loop, or to someone who is away; each recorded', async () => {
    const period = (days: number) => ({
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + days * 86_400_000).toISOString(),
    });
    const self = await as.approver('POST', '/api/v1/delegations', { toUserId: 'u-approver', ...period(3) });
    expect([self.status, self.body.code]).toEqual([422, 'delegation.self']);
    const auditor = await as.approver('POST', '/api/v1/delegations', { toUserId: 'u-auditor', ...period(3) });
    expect([auditor.status, auditor.body.code]).toEqual([422, 'delegation.conflict']);
    const ok = await as.admin('POST', '/api/v1/delegations', { toUserId: 'u-analyst', ...period(3) });
    expect(ok.status).toBe(201);
    const loop = await as.analyst('POST', '/api/v1/delegations', { toUserId: 'u-admin', ...period(1) });
    expect([loop.status, loop.body.code]).toEqual([422, 'delegation.loop']);
    const chain = await as.approver2('POST', '/api/v1/delegations', { toUserId: 'u-admin', ...period(1) });
    expect([chain.status, chain.body.code]).toEqual([422, 'delegation.chain']);
    const refused = ((await as.auditor('GET', '/api/v1/audit')).body as { action: string; data: { code: string } }[])
      .filter((r) => r.action === 'delegation.refused')
      .map((r) => r.data.code);
    expect(refused).toEqual(['delegation.self', 'delegation.conflict', 'delegation.loop', 'delegation.chain']);

    // the delegate now approves with the delegator's limit, but still not their own submission
    const { taskId } = await openApproval(as.owner, 'SOD-4', 8_000);
    expect((await as.analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
    const own = await openApproval(as.analyst, 'SOD-5', 1_000);
    expect((await as.analyst('POST', `/api/v1/tasks/${own.taskId}/complete`, { outcome: 'approve' })).body.code).toBe('sod.self-approval');
    // acting for the admin, the analyst may not approve what the admin submitted either
    const theirs = await openApproval(as.admin, 'SOD-6', 1_000);
    expect((await as.analyst('POST', `/api/v1/tasks/${theirs.taskId}/complete`, { outcome: 'approve' })).body.code).toBe('sod.self-approval');
    expect((await as.admin('DELETE', `/api/v1/delegations/${ok.body.id}`)).status).toBe(204);
    const after = await openApproval(as.owner, 'SOD-7', 8_000);
    expect((await as.analyst('POST', `/api/v1/tasks/${after.taskId}/complete`, { outcome: 'approve' })).body.code).toBe('sod.over-limit');
  });
});
