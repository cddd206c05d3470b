import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEffectWorker } from '../src/effects/effectWorker.js';
import { builtInServices } from '../src/services/index.js';
import { createEffectRepository } from '../src/store/effectRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice } from './support/flows.js';
import { eventually, httpClient } from './support/http.js';

/** start → call (service) → done; a failed call goes to a person who may send it round again. */
const retryLoop: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'retry-loop',
  name: 'Retry loop',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'call', kind: 'service', config: { service: 'slow', resultVar: 'call' } },
    { id: 'fix', kind: 'humanTask', config: { title: 'Call failed', queue: 'ap-review', outcomes: [{ id: 'retry', label: 'Try again' }] } },
    { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: 'done', sourcePort: 'done' },
    { id: 'e3', source: 'call', target: 'fix', sourcePort: 'error' },
    { id: 'e4', source: 'fix', target: 'call', sourcePort: 'retry' },
  ],
};

describe.each(testDatabaseKinds())('an answer for an earlier visit of a step is not taken, on %s', (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', retryLoop);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it('a late answer to the first call, arriving after the step was entered again, is dropped', async () => {
    const caseId = (await admin('POST', '/api/v1/invoices?definition=retry-loop', plainInvoice('LOOP-1'))).body.case.id;
    const effects = createEffectRepository(server.db);
    // the demo cases' calls are not part of this story (no worker runs here)
    await server.db('effects').whereNot({ case_id: caseId }).andWhere({ status: 'pending' }).update({ status: 'cancelled' });
    // the first call is taken by a worker that then goes quiet ...
    const [first] = await effects.claim(10, 60_000);
    expect(first.caseId).toBe(caseId);
    // ... meanwhile the case gives up on it and a person sends it round again
    await server.engine.send('demo', caseId, { type: 'service.failed', nodeId: 'call', effectId: first.id, error: 'timed out' }, 'system');
    const task = await eventually(async () => (await admin('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 5_000, 'the fix task');
    expect((await admin('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'retry' })).status).toBe(200);
    // now both calls answer; the first one first
    await server
      .db('effects')
      .where({ id: first.id })
      .update({ locked_until: server.db.raw("now() - interval '1 second'") });
    const worker = createEffectWorker({
      db: server.db,
      engine: server.engine,
      services: builtInServices({
        slow: async ({ idempotencyKey }) => {
          if (idempotencyKey !== first.id) await new Promise((r) => setTimeout(r, 300));
          return { answeredBy: idempotencyKey };
        },
      }),
    });
    await worker.tick();
    const c = (await admin('GET', `/api/v1/cases/${caseId}`)).body;
    expect(c.status).toBe('resolved');
    const second = c.effects.find((e: { id: string }) => e.id !== first.id);
    expect(c.context.vars.call).toEqual({ answeredBy: second.id });
    expect(c.effects.map((e: { status: string }) => e.status)).toEqual(['done', 'done']);
    const history = (await admin('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string; payload: { effectId?: string } }[];
    expect(history.filter((e) => e.type === 'service.done').map((e) => e.payload.effectId)).toEqual([second.id]);
  });
});
