import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, serviceFlow } from './support/flows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

/** Idle polls this far apart never happen during a test: only a wake-up can move the work. */
const NO_POLL_MS = 600_000;
const WAKE_PATIENCE_MS = 15_000;
const echo = { echo: async () => ({ ok: true }) };

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
