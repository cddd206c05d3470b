import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, slaFlow } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

// Issue 15: queues and candidate roles are chosen from lists in the designer, not typed.
describe.each(testDatabaseKinds())('GET /assignment-options, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
  });
  afterAll(() => server?.stop());

  it("lists the queues the tenant's drafts, published versions and tasks name, with open tasks, and the roles that work tasks", async () => {
    const draft = slaFlow('queue-in-draft', 'PT1H');
    draft.nodes.find((n) => n.id === 'review')!.config = { ...draft.nodes.find((n) => n.id === 'review')!.config, queue: 'vendor-master' };
    const published = slaFlow('queue-published', 'PT1H');
    published.nodes.find((n) => n.id === 'review')!.config = { ...published.nodes.find((n) => n.id === 'review')!.config, queue: 'fx-desk' };
    expect((await owner('POST', '/api/v1/definitions', draft)).status).toBe(201);
    const created = await owner('POST', '/api/v1/definitions', published);
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const before = (await owner('GET', '/api/v1/assignment-options')).body;
    const deskBefore = before.queues.find((q: { name: string }) => q.name === 'fx-desk');
    expect(deskBefore).toEqual({ name: 'fx-desk', openTasks: 0 });

    expect((await owner('POST', '/api/v1/invoices?definition=queue-published', plainInvoice('Q-1'))).status).toBe(201);
    const after = await eventually(
      async () => {
        const body = (await owner('GET', '/api/v1/assignment-options')).body;
        return body.queues.find((q: { name: string; openTasks: number }) => q.name === 'fx-desk' && q.openTasks === 1) && body;
      },
      PATIENCE_MS,
      'the fx-desk task to count',
    );
    const names = after.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(['vendor-master', 'fx-desk', 'procurement', 'treasury']));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    const analysts = after.roles.find((r: { role: string }) => r.role === 'analyst');
    expect(analysts.people).toBeGreaterThanOrEqual(2);
    expect(after.roles.map((r: { role: string }) => r.role)).not.toContain('auditor');
  });
});
