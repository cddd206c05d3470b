import type { RetryPolicy, WorkflowDefinition } from '@exflow/shared';

/** start → service → end, with an optional error edge and a timer in between. */
export function serviceFlow(
  key: string,
  service: string,
  options: { errorEdge?: boolean; wait?: string; params?: Record<string, unknown>; retry?: RetryPolicy } = {},
): WorkflowDefinition {
  const nodes: WorkflowDefinition['nodes'] = [
    { id: 'start', kind: 'start' },
    { id: 'call', kind: 'service', config: { service, params: options.params ?? {}, resultVar: 'call', ...(options.retry ? { retry: options.retry } : {}) } },
    { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
  ];
  const edges: WorkflowDefinition['edges'] = [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: options.wait ? 'wait' : 'done', sourcePort: 'done' },
  ];
  if (options.wait) {
    nodes.push({ id: 'wait', kind: 'timer', config: { duration: options.wait } });
    edges.push({ id: 'e3', source: 'wait', target: 'done' });
  }
  if (options.errorEdge) {
    nodes.push({ id: 'broken', kind: 'end', config: { outcome: 'rejected' } });
    edges.push({ id: 'e4', source: 'call', target: 'broken', sourcePort: 'error' });
  }
  return { schemaVersion: 1, key, name: key, nodes, edges };
}

/**
 * start → review task with an SLA; timeout escalates to a second task. The tasks accept rather
 * than approve: they are no approvals, and an unmarked approve outcome is refused at publishing.
 */
export function slaFlow(key: string, dueIn: string): WorkflowDefinition {
  const task = (title: string, queue: string, extra: Record<string, unknown> = {}) => ({
    title,
    queue,
    outcomes: [
      { id: 'accept', label: 'Accept' },
      { id: 'reject', label: 'Reject' },
    ],
    ...extra,
  });
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'review', kind: 'humanTask', config: task('Review', 'ap-review', { dueIn }) },
      { id: 'escalate', kind: 'humanTask', config: task('Escalation', 'controller') },
      { id: 'ok', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'no', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'review' },
      { id: 'e2', source: 'review', target: 'ok', sourcePort: 'accept' },
      { id: 'e3', source: 'review', target: 'no', sourcePort: 'reject' },
      { id: 'e4', source: 'review', target: 'escalate', sourcePort: 'timeout' },
      { id: 'e5', source: 'escalate', target: 'ok', sourcePort: 'accept' },
      { id: 'e6', source: 'escalate', target: 'no', sourcePort: 'reject' },
    ],
  };
}

/** A minimal valid canonical invoice. */
export function plainInvoice(number: string) {
  return {
    invoiceNumber: number,
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplier: { name: 'Test Supplier' },
    netTotal: '100.00',
    taxTotal: '20.00',
    grossTotal: '120.00',
    lines: [{ description: 'Service', quantity: '1', unitPrice: '100.00', netAmount: '100.00' }],
  };
}

/** start → a webhook to the ERP at `receiver` (an effect with an idempotency key) → a review task in `queue` → resolved. */
export function erpReviewFlow(receiver: string, { key, name, queue }: { key: string; name: string; queue: string }): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key,
    name,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'notifyErp', kind: 'webhook', config: { service: 'webhook', params: { url: `${receiver}/erp` } } },
      { id: 'review', kind: 'humanTask', config: { title: 'Review', queue, candidateRoles: ['tenant_admin'], outcomes: [{ id: 'ok', label: 'OK' }] } },
      { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'notifyErp' },
      { id: 'e2', source: 'notifyErp', target: 'review', sourcePort: 'done' },
      { id: 'e3', source: 'review', target: 'done', sourcePort: 'ok' },
    ],
  };
}
