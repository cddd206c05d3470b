import type { WorkflowDefinition } from '@exflow/shared';

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
