import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from './support/testServer.js';
import { childRuntimePlace, killHard, signInAsDemoAdmin, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { startIdempotentReceiver } from './support/idempotentReceiver.js';
import { eventually, httpClient, PATIENCE_MS } from './support/http.js';
import { plainInvoice } from './support/flows.js';

const CASES = 16;

function crashFlow(receiver: string): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key: 'crash-flow',
    name: 'Crash flow',
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'notifyErp', kind: 'webhook', config: { service: 'webhook', params: { url: `${receiver}/erp` } } },
      { id: 'cool', kind: 'timer', config: { duration: 'PT1S' } },
      { id: 'notifySupplier', kind: 'webhook', config: { service: 'webhook', params: { url: `${receiver}/supplier` } } },
      { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'notifyErp' },
      { id: 'e2', source: 'notifyErp', target: 'cool', sourcePort: 'done' },
      { id: 'e3', source: 'cool', target: 'notifySupplier' },
      { id: 'e4', source: 'notifySupplier', target: 'done', sourcePort: 'done' },
    ],
  };
}

describe.each(testDatabaseKinds())('a runtime killed with SIGKILL loses nothing, on %s', (database) => {
  const place = childRuntimePlace(database, 'crash');
  const env = place.env;
  let child: ChildRuntime | undefined;

  afterAll(async () => {
    if (child) await stopGently(child);
    await place.remove();
  });

  it(
    'every case finishes after a restart, each outside call acts once, no event is lost',
    async () => {
      const receiver = await startIdempotentReceiver(250);
      try {
        child = await startChildRuntime(env);
        const login = async (url: string) => httpClient(url, await signInAsDemoAdmin(url));
        let api = await login(child.url);
        const created = await api('POST', '/api/v1/definitions', crashFlow(receiver.url));
        expect((await api('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);

        const caseIds: string[] = [];
        for (let i = 0; i < CASES; i++) {
          const r = await api('POST', '/api/v1/invoices?definition=crash-flow', plainInvoice(`CRASH-${i}`), { 'Idempotency-Key': `crash-${i}` });
          expect(r.status).toBe(201);
          caseIds.push(r.body.case.id);
        }
        // kill while ERP calls are in flight and some cases wait on their timer
        await eventually(async () => receiver.deliveries.length >= CASES / 2, PATIENCE_MS, 'calls in flight');
        await killHard(child);
        const deliveredBeforeCrash = receiver.deliveries.length;

        child = await startChildRuntime(env);
        api = await login(child.url);
        await eventually(
          async () => {
            const open = await api('GET', '/api/v1/cases?definitionId=' + created.body.id + '&status=open');
            return open.body.length === 0;
          },
          5 * 60_000,
          'every case to finish',
        );

        for (const caseId of caseIds) {
          const c = (await api('GET', `/api/v1/cases/${caseId}`)).body;
          expect(c.status).toBe('resolved');
          const history = (await api('GET', `/api/v1/cases/${caseId}/events`)).body as { seq: number; type: string }[];
          expect(history.map((e) => e.type)).toEqual(['case.started', 'service.done', 'timer.fired', 'service.done']);
          expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
          expect(c.effects.map((e: { status: string }) => e.status)).toEqual(['done', 'done']);
        }
        // one effect per call in the flow, and the outside world acted once per effect
        const effectIds = new Set<string>();
        for (const caseId of caseIds) for (const e of (await api('GET', `/api/v1/cases/${caseId}`)).body.effects) effectIds.add(e.id);
        expect(effectIds.size).toBe(CASES * 2);
        expect([...receiver.acted.keys()].sort()).toEqual([...effectIds].sort());
        expect([...receiver.acted.values()].every((n) => n === 1)).toBe(true);
        const redelivered = receiver.deliveries.length - receiver.acted.size;
        console.log(
          `crash test (${database}): ${deliveredBeforeCrash} calls before the kill, ${receiver.deliveries.length} deliveries in all, ${redelivered} repeated with the same key and not acted on again`,
        );
      } finally {
        await receiver.close();
      }
      // two child starts and sixteen cases on a loaded machine: a ceiling, not a budget
    },
    12 * 60_000,
  );
});
