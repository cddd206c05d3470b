import type { WorkflowDefinition } from '@exflow/shared';

type Step = Record<string, unknown>;

/** start → AI suggestion → `step` (a human task) → one end per outcome. */
export function aiFlow(key: string, step: Step & { outcomes: { id: string; label: string }[] }, ai: Step = {}): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'suggest', kind: 'aiSuggestion', config: { defaultThreshold: 0.9, autoResolve: true, ...ai } },
      { id: 'review', kind: 'humanTask', config: { title: 'Review the exception', queue: 'ap-review', candidateRoles: ['analyst', 'approver'], ...step } },
      ...step.outcomes.map((o) => ({ id: `end-${o.id}`, kind: 'end', config: { outcome: o.id === 'reject' ? 'rejected' : 'resolved' } })),
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'suggest' },
      { id: 'e2', source: 'suggest', target: 'review', sourcePort: 'next' },
      ...step.outcomes.map((o) => ({ id: `e-${o.id}`, source: 'review', target: `end-${o.id}`, sourcePort: o.id })),
    ],
  };
}

/** A non-payment decision: accept the variance, ask for a credit note, or reject. */
export const varianceDecision = {
  title: 'Decide on the price variance',
  outcomes: [
    { id: 'acceptVariance', label: 'Accept variance' },
    { id: 'requestCreditNote', label: 'Request credit note' },
    { id: 'reject', label: 'Reject invoice' },
  ],
};

/** An approval (the marker: segregation of duties applies). */
export const approvalStep = {
  title: 'Approve invoice',
  queue: 'approvals',
  outcomes: [
    { id: 'approve', label: 'Approve' },
    { id: 'reject', label: 'Reject' },
  ],
  approval: { approveOutcomes: ['approve'] },
};

/** A payment release: releasing money is an approving outcome, so it carries the marker too. */
export const paymentRelease = {
  title: 'Release payment',
  queue: 'payments',
  outcomes: [
    { id: 'release', label: 'Release payment' },
    { id: 'hold', label: 'Hold payment' },
  ],
  approval: { approveOutcomes: ['release'] },
};

/** An invoice of one supplier (the same bank account every time), issued `day` days into 2026. */
export function supplierInvoice(number: string, gross: number, day: number) {
  const net = (gross / 1.25).toFixed(2);
  const issueDate = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
  return {
    invoiceNumber: number,
    issueDate,
    currency: 'EUR',
    supplier: { name: 'Trained Model Supplier', bankAccount: 'NO9386011117947' },
    netTotal: net,
    taxTotal: (gross - Number(net)).toFixed(2),
    grossTotal: gross.toFixed(2),
    lines: [{ description: 'Office chairs', quantity: '1', unitPrice: net, netAmount: net }],
  };
}

/** The team's rule the model is to learn: a small variance is accepted, a large invoice gets a credit note request. */
export const teamDecision = (gross: number) => (gross < 1500 ? 'acceptVariance' : 'requestCreditNote');
