import type { WorkflowDefinition } from '@exflow/shared';
import { expect } from 'vitest';
import { eventually, httpClient } from './http.js';
import type { TestServer } from './testServer.js';

export type Client = ReturnType<typeof httpClient>;

/** start → an approval task (segregation of duties applies) → approved / rejected. */
export const approvalFlow: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'invoice-approval',
  name: 'Invoice approval',
  nodes: [
    { id: 'start', kind: 'start' },
    {
      id: 'approve',
      kind: 'humanTask',
      config: {
        title: 'Approve invoice',
        queue: 'approvals',
        candidateRoles: ['approver', 'analyst', 'tenant_admin'],
        outcomes: [
          { id: 'approve', label: 'Approve' },
          { id: 'reject', label: 'Reject' },
        ],
        approval: { approveOutcomes: ['approve'] },
      },
    },
    { id: 'approved', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'rejected', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', target: 'approved', sourcePort: 'approve' },
    { id: 'e3', source: 'approve', target: 'rejected', sourcePort: 'reject' },
  ],
};

/** An invoice for `gross` (the demo tenant: analysts approve up to 5,000, approvers up to 50,000, four-eyes above 10,000). */
export function invoiceOf(number: string, gross: number) {
  const net = (gross / 1.25).toFixed(2);
  return {
    invoiceNumber: number,
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplier: { name: 'Approval Test Supplier' },
    businessUnit: 'Operations',
    netTotal: net,
    taxTotal: (gross - Number(net)).toFixed(2),
    grossTotal: gross.toFixed(2),
    lines: [{ description: 'Consulting', quantity: '1', unitPrice: net, netAmount: net }],
  };
}

/** The demo tenant's people the approval tests act as. */
const PEOPLE = {
  admin: 'admin@demo.exflow',
  owner: 'owner@demo.exflow',
  analyst: 'analyst@demo.exflow',
  approver: 'approver@demo.exflow',
  approver2: 'approver2@demo.exflow',
  auditor: 'auditor@demo.exflow',
};
export type ApprovalPeople = Record<keyof typeof PEOPLE, Client>;

/** Signs in each of the demo tenant's people, and publishes `flows` (the approval flow unless told) as the process owner. */
export async function signInAndPublish(server: TestServer, flows: WorkflowDefinition[] = [approvalFlow]): Promise<ApprovalPeople> {
  const as = {} as ApprovalPeople;
  for (const [name, email] of Object.entries(PEOPLE)) as[name as keyof ApprovalPeople] = httpClient(server.url, await server.login(email));
  for (const flow of flows) {
    const created = await as.owner('POST', '/api/v1/definitions', flow);
    expect((await as.owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }
  return as;
}

/** `submitter` posts an invoice for `gross` through the approval flow; waits for its approval task (as the admin sees it). */
export async function openApproval(as: ApprovalPeople, submitter: Client, number: string, gross: number) {
  const posted = await submitter('POST', '/api/v1/invoices?definition=invoice-approval', invoiceOf(number, gross));
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  const caseId = posted.body.case.id as string;
  const task = await eventually(async () => (await as.admin('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 5_000, 'the approval task');
  return { caseId, invoiceId: posted.body.invoice.id as string, taskId: task.id as string };
}
