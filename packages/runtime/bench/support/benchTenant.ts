import { randomBytes } from 'node:crypto';
import type { WorkflowDefinition } from '@exflow/shared';
import { hashPassword } from '../../src/auth/passwords.js';
import type { RunningExflow } from '../../src/main.js';
import { createUserRepository } from '../../src/store/userRepository.js';

/** The tenant of the case benchmarks (bench:cases, bench:insights, the restart bench) and of the generator's shape test. */
export const BENCH_TENANT = 'bench-cases';

const task = (title: string, queue: string, role: string, outcome: string) => ({
  title,
  queue,
  candidateRoles: [role],
  outcomes: [{ id: outcome, label: outcome }],
});

/** The peer's shape: a match against the PO, a variance gateway, two people, a posting call. */
export const benchFlow: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'bench-cases',
  name: 'Bench: invoice to posting',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'match', kind: 'threeWayMatch', config: { service: 'threeWayMatch', params: { priceTolerancePct: 2, quantityTolerancePct: 0 }, resultVar: 'match' } },
    { id: 'variance', kind: 'decision', config: { branches: [{ id: 'ok', label: 'within tolerance', condition: 'match.withinTolerance = true' }] } },
    { id: 'review', kind: 'humanTask', config: task('Review variance', 'bench-review', 'analyst', 'accept') },
    // marked as an approval: design-time SoD (tenant policy default `refuse`) refuses an unmarked approve outcome
    {
      id: 'approval',
      kind: 'humanTask',
      config: { ...task('Approve invoice', 'bench-approval', 'approver', 'approve'), approval: { approveOutcomes: ['approve'] } },
    },
    { id: 'post', kind: 'service', config: { service: 'erpPost', params: {}, resultVar: 'post' } },
    { id: 'end', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'match' },
    { id: 'e2', source: 'match', target: 'variance', sourcePort: 'done' },
    { id: 'e3', source: 'variance', target: 'post', sourcePort: 'ok' },
    { id: 'e4', source: 'variance', target: 'review', sourcePort: 'default' },
    { id: 'e5', source: 'review', target: 'approval', sourcePort: 'accept' },
    { id: 'e6', source: 'approval', target: 'post', sourcePort: 'approve' },
    { id: 'e7', source: 'post', target: 'end', sourcePort: 'done' },
  ],
};

/** The bench flow with an hour's SLA on review: a review past it goes to approval (the restart bench, the timer backlog test). */
export const benchSlaFlow: WorkflowDefinition = {
  ...benchFlow,
  nodes: benchFlow.nodes.map((n) => (n.id === 'review' ? { ...n, config: { ...n.config, dueIn: 'PT1H' } } : n)),
  edges: [...benchFlow.edges, { id: 'e8', source: 'review', target: 'approval', sourcePort: 'timeout' }],
};

/** An invoice against the ap-exceptions PO-1001 with the chair price 5 % over (always reviewed), or at the PO price (touchless). */
export function invoiceFor(n: number, chairPrice = '262.50') {
  const chairs = (Number(chairPrice) * 10).toFixed(2);
  const net = (Number(chairs) + 1500).toFixed(2);
  const tax = (Number(net) * 0.25).toFixed(2);
  return {
    invoiceNumber: `CASE-${randomBytes(5).toString('hex')}-${n}`,
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplier: { id: 'SUP-001', name: 'Nordic Office Supplies AB' },
    poNumber: 'PO-1001',
    netTotal: net,
    taxTotal: tax,
    grossTotal: (Number(net) + Number(tax)).toFixed(2),
    lines: [
      { lineId: '1', description: 'Ergonomic office chair', quantity: '10', unitPrice: chairPrice, netAmount: chairs, poLineRef: '1' },
      { lineId: '2', description: 'Height-adjustable desk', quantity: '5', unitPrice: '300.00', netAmount: '1500.00', poLineRef: '2' },
    ],
  };
}

export async function post(running: { url: string }, token: string, path: string, body: unknown) {
  const response = await fetch(`${running.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export async function login(running: { url: string }, email: string) {
  return (await post(running, '', '/auth/login', { email, password: 'bench' })).token as string;
}

/** The bench tenant, its users (password "bench"), the ap-exceptions reference data and the flow, published. */
export async function setUpBenchTenant(running: Pick<RunningExflow, 'url' | 'db'>, flow: WorkflowDefinition = benchFlow): Promise<{ id: string }> {
  const users = createUserRepository(running.db);
  await users.upsertTenant(BENCH_TENANT, 'Bench cases');
  const passwordHash = await hashPassword('bench');
  for (const [id, roles] of [
    ['owner', ['process_owner']],
    ['erp', ['integration']],
    ['analyst', ['analyst']],
    ['approver', ['approver']],
  ] as const) {
    await users.upsert({ tenantId: BENCH_TENANT, id: `bench-${id}`, email: `${id}@bench.test`, name: `Bench ${id}`, roles: [...roles], passwordHash });
  }
  const owner = await login(running, 'owner@bench.test');
  await post(running, owner, '/templates/ap-exceptions/install', { publish: false, referenceData: true });
  const created = await post(running, owner, '/definitions', flow);
  await post(running, owner, `/definitions/${created.id}/publish`, {});
  return created;
}
