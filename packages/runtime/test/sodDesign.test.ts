import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient, TEST_TIMEOUT_MS } from './support/http.js';

/** start → correct (analyst, approver) → approve (approver): approver both makes and checks. */
function overlapping(key: string): WorkflowDefinition {
  const task = (title: string, outcomes: string[], extra: Record<string, unknown>) => ({
    title,
    queue: 'ap-review',
    outcomes: outcomes.map((id) => ({ id, label: id })),
    ...extra,
  });
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'fix', kind: 'humanTask', label: 'Correct invoice', config: task('Correct', ['correct', 'reject'], { candidateRoles: ['analyst', 'approver'] }) },
      {
        id: 'check',
        kind: 'humanTask',
        label: 'Approve payment',
        config: task('Approve', ['approve', 'reject'], { candidateRoles: ['approver'], approval: { approveOutcomes: ['approve'] } }),
      },
      { id: 'paid', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'no', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'fix' },
      { id: 'e2', source: 'fix', target: 'check', sourcePort: 'correct' },
      { id: 'e3', source: 'fix', target: 'no', sourcePort: 'reject' },
      { id: 'e4', source: 'check', target: 'paid', sourcePort: 'approve' },
      { id: 'e5', source: 'check', target: 'no', sourcePort: 'reject' },
    ],
  };
}

describe.each(testDatabaseKinds())('design-time segregation of duties at publishing, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
  });
  afterAll(() => server?.stop());

  it('refuses a flow where one role makes and checks, naming the path, and publishes nothing', async () => {
    const created = await owner('POST', '/api/v1/definitions', overlapping('sod-overlap'));
    expect(created.status).toBe(201);
    const refused = await owner('POST', `/api/v1/definitions/${created.body.id}/publish`);
    expect([refused.status, refused.body.code]).toEqual([422, 'definition-invalid']);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ code: 'sod.make-and-check', nodeId: 'check', severity: 'error', pathNodeIds: ['fix', 'check'], pathEdgeIds: ['e2'] }),
    ]);
    expect(refused.body.errors[0].message).toContain('"Correct invoice" → "Approve payment"');
    expect((await owner('GET', `/api/v1/definitions/${created.body.id}/versions`)).body).toEqual([]);

    const validated = await owner('POST', '/api/v1/definitions/validate', overlapping('sod-overlap'));
    expect(validated.body).toMatchObject({ ok: false, problems: [{ code: 'sod.make-and-check', pathNodeIds: ['fix', 'check'] }] });
  });

  it('publishes the same flow with the path as a warning when the tenant policy says warn', async () => {
    const own = (await admin('GET', '/api/v1/policies')).body.own;
    expect((await admin('PUT', '/api/v1/policies', { policies: { ...own, sodDesignCheck: 'warn' } })).status).toBe(200);
    try {
      const created = await owner('POST', '/api/v1/definitions', overlapping('sod-overlap-warned'));
      const published = await owner('POST', `/api/v1/definitions/${created.body.id}/publish`);
      expect(published.status).toBe(201);
      expect(published.body.warnings).toEqual([expect.objectContaining({ code: 'sod.make-and-check', severity: 'warning', pathNodeIds: ['fix', 'check'] })]);
    } finally {
      expect((await admin('PUT', '/api/v1/policies', { policies: own })).status).toBe(200);
    }
  });

  it('refuses an unknown sodDesignCheck policy, naming the field', async () => {
    const own = (await admin('GET', '/api/v1/policies')).body.own;
    const r = await admin('PUT', '/api/v1/policies', { policies: { ...own, sodDesignCheck: 'maybe' } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.errors)).toContain('/policies/sodDesignCheck');
  });
});
