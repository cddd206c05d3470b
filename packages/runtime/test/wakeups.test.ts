import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowDefinition } from '@exflow/shared';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, serviceFlow } from './support/flows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

/** Idle polls this far apart never happen during a test: only a wake-up can move the work. */
const NO_POLL_MS = 600_000;
const WAKE_PATIENCE_MS = 15_000;
const echo = { echo: async () => ({ ok: true }) };

/** start → wait for "goods.received" correlated by PO number → end. */
const goodsFlow = (key: string): WorkflowDefinition => ({
  schemaVersion: 1,
  key,
  name: key,
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'goods', kind: 'waitForMessage', config: { message: 'goods.received', correlationKey: 'invoice.poNumber', timeout: 'P1D', resultVar: 'receipt' } },
    { id: 'received', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'late', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'goods' },
    { id: 'e2', source: 'goods', target: 'received', sourcePort: 'out' },
    { id: 'e3', source: 'goods', target: 'late', sourcePort: 'timeout' },
  ],
});

/** A webhook receiver that answers 503 to the first delivery and 200 after, and lists the event types it took. */
async function flakyReceiver() {
  const taken: string[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (calls++ === 0) return void res.writeHead(503).end();
      taken.push(JSON.parse(body).type);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    taken,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function publish(client: ReturnType<typeof httpClient>, definition: object) {
  const created = await client('POST', '/api/v1/definitions', definition);
  expect(created.status).toBe(201);
  expect((await client('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
}

const closes = (client: ReturnType<typeof httpClient>, caseId: string) =>
  eventually(
    async () => (await client('GET', `/api/v1/cases/${caseId}`)).body.status === 'resolved',
    WAKE_PATIENCE_MS,
    `case ${caseId} to close without an idle poll`,
  );

describe.each(testDatabaseKinds())('committed work wakes the workers, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('runs an outbox effect and fires a short timer at once, with idle polls ten minutes apart', async () => {
    server = await startTestServer({ database, pollMs: NO_POLL_MS, services: echo });
    const owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    await publish(owner, serviceFlow('wake-flow', 'echo', { wait: 'PT0.3S' }));
    const posted = await owner('POST', '/api/v1/invoices?definition=wake-flow', plainInvoice('WAKE-1'));
    expect(posted.status).toBe(201);
    await closes(owner, posted.body.case.id);
  });
});

describe.each(testDatabaseKinds())('webhook, message and retry workers are woken too, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof flakyReceiver>> | undefined;
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('delivers a webhook and retries it after a 503, runs a service again after a failure, delivers a buffered message, all without idle polls', async () => {
    let failures = 0;
    const flaky = {
      // fails once per case, then answers: the retry runs when its backoff ends, not at an idle poll
      flaky: async ({ caseId }: { caseId: string }) => {
        if (failures++ === 0) throw new Error(`not yet for ${caseId}`);
        return { ok: true };
      },
    };
    receiver = await flakyReceiver();
    server = await startTestServer({ database, pollMs: NO_POLL_MS, services: flaky, baseBackoffMs: 300, egressAllow: ['127.0.0.1'] });
    const owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    const erp = httpClient(server.url, await server.login('erp@demo.exflow'));
    const sub = await owner('POST', '/api/v1/webhook-subscriptions', { url: receiver.url, eventTypes: ['case.opened'] });
    expect(sub.status).toBe(201);

    await publish(owner, serviceFlow('wake-retry', 'flaky'));
    const retried = await owner('POST', '/api/v1/invoices?definition=wake-retry', plainInvoice('WAKE-R1'));
    expect(retried.status).toBe(201);
    await closes(owner, retried.body.case.id);
    expect(failures).toBe(2);
    // the case's case.opened webhook: first answered 503, then delivered by the retry
    await eventually(
      async () => receiver!.taken.includes('com.exflow.case.opened'),
      WAKE_PATIENCE_MS,
      'the webhook to be delivered on its retry without an idle poll',
    );
    const [delivery] = (await owner('GET', `/api/v1/webhook-subscriptions/${sub.body.id}/deliveries`)).body;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });

    // a message that came before the case waited: the case claims it in its transition, the woken message worker delivers it
    await publish(owner, goodsFlow('wake-goods'));
    const early = await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-WAKE', payload: { lines: 1 }, id: 'wake-m1' });
    expect(early.status).toBe(202);
    expect(early.body.status).toBe('buffered');
    const waiting = await owner('POST', '/api/v1/invoices?definition=wake-goods', { ...plainInvoice('WAKE-M1'), poNumber: 'PO-WAKE' });
    expect(waiting.status).toBe(201);
    await closes(owner, waiting.body.case.id);
  });
});

describe.runIf(process.env.DATABASE_URL)('wake-ups across processes through LISTEN/NOTIFY', { timeout: TEST_TIMEOUT_MS }, () => {
  let api: TestServer;
  let worker: TestServer;
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
  });

  it('a process without workers wakes the workers of another, also after their LISTEN connection was killed', async () => {
    api = await startTestServer({ database: 'postgres', pollMs: NO_POLL_MS, workers: false });
    worker = await startTestServer({ database: 'postgres', schema: api.schema, seedDemo: false, pollMs: NO_POLL_MS, services: echo });
    const owner = httpClient(api.url, await api.login('admin@demo.exflow'));
    await publish(owner, serviceFlow('wake-far', 'echo'));
    const first = await owner('POST', '/api/v1/invoices?definition=wake-far', plainInvoice('FAR-1'));
    await closes(owner, first.body.case.id);

    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const name = `exflow-wakeups:${api.schema}`;
      const listeners = async () =>
        (await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name])).rows.map((r) => r.pid as number);
      const before = await listeners();
      expect(before.length).toBe(2); // one per process
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
      await eventually(
        async () => {
          const now = await listeners();
          return now.length === 2 && now.every((pid) => !before.includes(pid));
        },
        WAKE_PATIENCE_MS,
        'both processes to listen again',
      );
    } finally {
      await admin.end();
    }
    const second = await owner('POST', '/api/v1/invoices?definition=wake-far', plainInvoice('FAR-2'));
    await closes(owner, second.body.case.id);
  });
});
