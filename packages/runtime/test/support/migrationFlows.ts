import type { FlowNode, WorkflowDefinition } from '@exflow/shared';

const humanTask = (id: string, config: Record<string, unknown>): FlowNode => ({
  id,
  kind: 'humanTask',
  config: { title: id, outcomes: [{ id: 'done', label: 'Done' }], candidateRoles: ['analyst'], ...config },
});
const approval: FlowNode = {
  id: 'approve',
  kind: 'humanTask',
  config: {
    title: 'Approve',
    queue: 'approvals',
    candidateRoles: ['approver'],
    outcomes: [
      { id: 'approve', label: 'Approve' },
      { id: 'reject', label: 'Reject' },
    ],
    approval: {},
  },
};
const ends: FlowNode[] = [
  { id: 'paid', kind: 'end', config: { outcome: 'resolved' } },
  { id: 'refused', kind: 'end', config: { outcome: 'rejected' } },
];

/** v1: big invoices to `review` (ap-review, 8 h), small ones to `hold`. */
export const migratingV1: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'migrating',
  name: 'Migrating',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'gate', kind: 'decision', config: { branches: [{ id: 'big', label: 'big', condition: 'invoice.grossTotal > 1000' }] } },
    humanTask('review', { queue: 'ap-review', dueIn: 'PT8H' }),
    humanTask('hold', { queue: 'ap-hold' }),
    approval,
    ...ends,
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'gate' },
    { id: 'e2', source: 'gate', target: 'review', sourcePort: 'big' },
    { id: 'e3', source: 'gate', target: 'hold', sourcePort: 'default' },
    { id: 'e4', source: 'review', target: 'approve', sourcePort: 'done' },
    { id: 'e5', source: 'hold', target: 'approve', sourcePort: 'done' },
    { id: 'e6', source: 'approve', target: 'paid', sourcePort: 'approve' },
    { id: 'e7', source: 'approve', target: 'refused', sourcePort: 'reject' },
  ],
};

/** v2: `review` renamed and moved to `check` (ap-senior, 2 days, escalating past its SLA); `hold` removed. */
export const migratingV2: WorkflowDefinition = {
  ...migratingV1,
  nodes: [
    { id: 'start', kind: 'start' },
    humanTask('check', { queue: 'ap-senior', dueIn: 'P2D' }),
    humanTask('escalate', { queue: 'leads' }),
    approval,
    ...ends,
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e4', source: 'check', target: 'approve', sourcePort: 'done' },
    { id: 'e8', source: 'check', target: 'escalate', sourcePort: 'timeout' },
    { id: 'e9', source: 'escalate', target: 'approve', sourcePort: 'done' },
    { id: 'e6', source: 'approve', target: 'paid', sourcePort: 'approve' },
    { id: 'e7', source: 'approve', target: 'refused', sourcePort: 'reject' },
  ],
};
