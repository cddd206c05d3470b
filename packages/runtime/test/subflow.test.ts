import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubflowService } from '../src/integration/subflows.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice } from './support/flows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

/** The shared chain a parent calls: one review task, accepted or rejected. */
const chain: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'review-chain',
  name: 'Review chain',
  nodes: [
    { id: 'start', kind: 'start' },
    {
      id: 'check',
      kind: 'humanTask',
      config: {
        title: 'Chain check',
        queue: 'ap-review',
        outcomes: [
          { id: 'accept', label: 'Accept' },
          { id: 'reject', label: 'Reject' },
        ],
      },
    },
    { id: 'ok', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'no', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', target: 'ok', sourcePort: 'accept' },
    { id: 'e3', source: 'check', target: 'no', sourcePort: 'reject' },
  ],
};

/** start → call the chain → resolved, or rejected when the chain rejected. */
const parent = (key: string, flow: string): WorkflowDefinition => ({
  schemaVersion: 1,
  key,
  name: key,
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'chain', kind: 'subFlow', config: { flow } },
    { id: 'paid', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'stopped', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'chain' },
    { id: 'e2', source: 'chain', target: 'paid', sourcePort: 'done' },
    { id: 'e3', source: 'chain', target: 'stopped', sourcePort: 'rejected' },
  ],
});

describe.each(testDatabaseKinds())('sub-flow step (call activity), on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;
  let chainId: string;

  async function publish(definition: WorkflowDefinition) {
    const created = await admin('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    return created.body.id as string;
  }

  /** Opens a parent case and waits for the child case the step opened, with its open task. */
  async function openWithChild(flow: string, number: string) {
    const posted = await admin('POST', `/api/v1/invoices?definition=${flow}`, plainInvoice(number));
    expect(posted.status).toBe(201);
    const parentId = posted.body.case.id as string;
    const child = await eventually(async () => {
      const p = (await admin('GET', `/api/v1/cases/${parentId}`)).body;
      const childId = p.context?.vars?.chain?.caseId;
      return childId && (await admin('GET', `/api/v1/cases/${childId}`)).body;
    });
    return { parentId, child };
  }

  const closed = (caseId: string) =>
    eventually(async () => {
      const c = (await admin('GET', `/api/v1/cases/${caseId}`)).body;
      return c.status !== 'open' && c;
    });

  beforeAll(async () => {
    server = await startTestServer({ database });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    chainId = await publish(chain);
    await publish(parent('calls-chain', 'review-chain'));
    await publish(parent('calls-nothing', 'no-such-flow'));
  });
  afterAll(() => server?.stop());

  it('opens the chain as a child case with its own history, and goes on along done when the child resolves', async () => {
    const { parentId, child } = await openWithChild('calls-chain', 'SUB-1');
    expect(child).toMatchObject({ definitionId: chainId, status: 'open', invoiceId: expect.any(String) });
    expect((await admin('GET', `/api/v1/cases/${parentId}`)).body).toMatchObject({ status: 'open', activeNodes: ['chain'], invoiceId: child.invoiceId });
    const task = child.tasks.find((t: { status: string }) => t.status === 'open');
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: {} })).status).toBe(200);

    const done = await closed(parentId);
    expect(done).toMatchObject({ status: 'resolved', outcome: 'resolved' });
    expect(done.context.vars.chain).toMatchObject({ caseId: child.id, status: 'resolved', outcome: 'resolved' });
    const parentHistory = ((await admin('GET', `/api/v1/cases/${parentId}/events`)).body as { type: string }[]).map((e) => e.type);
    expect(parentHistory).toEqual(['case.started', 'service.done', 'message.received']);
    const childHistory = ((await admin('GET', `/api/v1/cases/${child.id}/events`)).body as { type: string }[]).map((e) => e.type);
    expect(childHistory).toEqual(['case.started', 'task.completed']);
  });

  it('goes on along rejected when the child case ends rejected', async () => {
    const { parentId, child } = await openWithChild('calls-chain', 'SUB-2');
    const task = child.tasks.find((t: { status: string }) => t.status === 'open');
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reject', data: {} })).status).toBe(200);
    expect(await closed(parentId)).toMatchObject({ status: 'rejected', outcome: 'rejected', context: { vars: { chain: { outcome: 'rejected' } } } });
  });

  it('opens one child per step visit, however often the call is retried', async () => {
    const posted = await admin('POST', '/api/v1/invoices?definition=calls-chain', plainInvoice('SUB-3'));
    const parentId = posted.body.case.id as string;
    const effect = await eventually(async () => (await admin('GET', `/api/v1/cases/${parentId}`)).body.effects?.[0]);
    const call = createSubflowService({ engine: server.engine });
    const args = {
      db: server.db,
      tenantId: 'demo',
      caseId: parentId,
      nodeId: 'chain',
      params: { flow: 'review-chain' },
      invoice: plainInvoice('SUB-3') as never,
      vars: {},
      idempotencyKey: effect.id,
    };
    const first = (await call(args)) as { caseId: string };
    const again = (await call(args)) as { caseId: string };
    expect(again.caseId).toBe(first.caseId);
    const children = ((await admin('GET', `/api/v1/cases?definitionId=${chainId}&limit=200`)).body as { invoiceId: string }[]).filter(
      (c) => c.invoiceId === posted.body.invoice.id,
    );
    expect(children).toHaveLength(1);
  });

  it('cancelling a parent cancels its running child, with the reason', async () => {
    const { parentId, child } = await openWithChild('calls-chain', 'SUB-5');
    expect((await admin('POST', `/api/v1/cases/${parentId}/events`, { type: 'case.cancel', reason: 'supplier withdrew the invoice' })).status).toBe(202);
    const cancelled = await closed(child.id);
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    const task = child.tasks.find((t: { status: string }) => t.status === 'open');
    expect((await admin('GET', `/api/v1/tasks?caseId=${child.id}&status=cancelled`)).body.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const last = ((await admin('GET', `/api/v1/cases/${child.id}/events`)).body as { type: string; actor: string; payload: { reason: string } }[]).at(-1)!;
    expect(last).toMatchObject({
      type: 'case.cancel',
      actor: 'system',
      payload: { reason: `Its parent case ${parentId} was cancelled while it waited at "chain"` },
    });
  });

  it('migrating a parent follows its running child to the same step, and is blocked with the reason when the step changes', async () => {
    const v1 = parent('calls-chain-m', 'review-chain');
    const parentDef = await publish(v1);
    const { parentId, child } = await openWithChild('calls-chain-m', 'SUB-6');
    // v2: the sub-flow step unchanged, an end step relabelled; v3: the step calls another flow
    const v2 = { ...v1, nodes: v1.nodes.map((n) => (n.id === 'paid' ? { ...n, label: 'Paid in full' } : n)) };
    const v3 = { ...v1, nodes: v1.nodes.map((n) => (n.id === 'chain' ? { ...n, config: { flow: 'calls-nothing' } } : n)) };
    for (const next of [v2, v3]) {
      expect((await admin('PUT', `/api/v1/definitions/${parentDef}/draft`, next)).status).toBe(200);
      expect((await admin('POST', `/api/v1/definitions/${parentDef}/publish`)).status).toBe(201);
    }
    const refused = await admin('POST', `/api/v1/definitions/${parentDef}/migrations/dry-run`, { fromVersion: 1, toVersion: 3, caseIds: [parentId] });
    expect(refused.body.cases[0]).toMatchObject({ canMove: false, blocks: [{ code: 'subflow.child-running', nodeId: 'chain' }] });

    const plan = await admin('POST', `/api/v1/definitions/${parentDef}/migrations`, { fromVersion: 1, toVersion: 2, caseIds: [parentId] });
    expect(plan.body.cases[0]).toMatchObject({ caseId: parentId, status: 'pending' });
    const applied = await admin('POST', `/api/v1/definitions/${parentDef}/migrations/${plan.body.id}/apply`);
    expect(applied.body.cases[0]).toMatchObject({ status: 'migrated' });
    // the child, still on its own flow, answers the moved parent, which goes on in v2
    const task = child.tasks.find((t: { status: string }) => t.status === 'open');
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: {} })).status).toBe(200);
    expect(await closed(parentId)).toMatchObject({
      status: 'resolved',
      definitionVersion: 2,
      context: { vars: { chain: { caseId: child.id, outcome: 'resolved' } } },
    });
  });

  it('a flow that is not published puts the parent in an incident at the step, naming the flow', async () => {
    const posted = await admin('POST', '/api/v1/invoices?definition=calls-nothing', plainInvoice('SUB-4'));
    const parentId = posted.body.case.id as string;
    const incident = await eventually(async () =>
      ((await admin('GET', '/api/v1/incidents')).body as { caseId: string; error: string }[]).find((i) => i.caseId === parentId),
    );
    expect(incident.error).toBe('Sub-flow "no-such-flow" has no published version in this tenant');
  });
});
