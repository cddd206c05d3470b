import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { approvalFlow, invoiceOf, signInAndPublish, type ApprovalPeople } from './support/approvalFlow.js';
import { eventually } from './support/http.js';

/** The approval flow, its amount taken from a FEEL expression that gives no number. */
const unknownAmountFlow = {
  ...approvalFlow,
  key: 'approval-unknown-amount',
  name: 'Approval of an amount not computed',
  nodes: approvalFlow.nodes.map((n) =>
    n.id === 'approve' ? { ...n, config: { ...n.config, approval: { approveOutcomes: ['approve'], amount: 'vars.notComputed.total' } } } : n,
  ),
};

describe.each(testDatabaseKinds())('the amount an approval is judged by, on %s', (database) => {
  let server: TestServer;
  let as: ApprovalPeople;

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    as = await signInAndPublish(server, [unknownAmountFlow, approvalFlow]);
  });

  async function openApproval(invoice: Record<string, unknown>) {
    const posted = await as.owner('POST', '/api/v1/invoices?definition=invoice-approval', invoice);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const caseId: string = posted.body.case.id;
    const task = await eventually(async () => (await as.owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 5_000, 'the approval task');
    return { caseId, taskId: task.id as string, invoice: posted.body.invoice };
  }

  /** `gross` with every amount negated: a negative invoice (a reversal). */
  const negated = (number: string, gross: number) => {
    const invoice = invoiceOf(number, gross);
    const neg = (v: string) => (-Number(v)).toFixed(2);
    return {
      ...invoice,
      netTotal: neg(invoice.netTotal),
      taxTotal: neg(invoice.taxTotal),
      grossTotal: neg(invoice.grossTotal),
      lines: invoice.lines.map((l) => ({ ...l, unitPrice: neg(l.unitPrice), netAmount: neg(l.netAmount) })),
    };
  };

  it("compares a negative amount by its absolute value: -600,000 is above the analyst's 5,000 and needs four eyes", async () => {
    const { caseId, taskId } = await openApproval(negated('SOD-NEG', 600_000));
    const analyst = await as.analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([analyst.status, analyst.body.code]).toEqual([403, 'sod.over-limit']);
    expect(analyst.body.detail).toContain('-600000 (an exposure of 600000) is above your limit of 5000');
    const approver = await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([approver.status, approver.body.code]).toEqual([403, 'sod.over-limit']);
    // the tenant admin may approve up to 1,000,000, and above 10,000 a second person must too
    const admin = await as.admin('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([admin.status, admin.body.awaitingSecondApproval]).toEqual([202, true]);
    expect((await as.owner('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('open');
  });

  it('identifies a credit note by its type code and holds it to the same limits and four-eyes', async () => {
    const { taskId, invoice } = await openApproval({ ...invoiceOf('SOD-CN', 20_000), typeCode: '381' });
    expect((await as.owner('GET', `/api/v1/invoices/${invoice.id}`)).body.body.documentType).toBe('creditNote');
    const analyst = await as.analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' });
    expect([analyst.status, analyst.body.code]).toEqual([403, 'sod.over-limit']);
    expect(analyst.body.detail).toContain('a credit note of 20000');
    expect((await as.approver('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(202);
    expect((await as.approver2('POST', `/api/v1/tasks/${taskId}/complete`, { outcome: 'approve' })).status).toBe(200);
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
