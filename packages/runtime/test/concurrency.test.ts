import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { openDatabase } from '../src/store/db.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';

describe.each(testDatabaseKinds())('concurrent events on one case, on %s', (database) => {
  let server: TestServer;
  let analyst: ReturnType<typeof httpClient>;
  let caseId: string;

  beforeAll(async () => {
    server = await startTestServer({ database });
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    caseId = await eventually(
      async () => {
        const open = await analyst('GET', '/api/v1/cases?status=open');
        return open.body.find((c: { activeNodes: string[] }) => c.activeNodes.includes('procurementReview'))?.id;
      },
      10_000,
      'an open demo case waiting for review',
    );
  });
  afterAll(() => server?.stop());

  it('50 concurrent events over HTTP: each accepted one is in the history once, versions contiguous', async () => {
    const start = (await analyst('GET', `/api/v1/cases/${caseId}`)).body.version;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => analyst('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.comment', text: `note ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const versions = answers.map((a) => a.body.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));

    const history = (await analyst('GET', `/api/v1/cases/${caseId}/events`)).body as { seq: number; type: string; payload: { text?: string } }[];
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    const notes = history.filter((e) => e.type === 'case.comment').map((e) => e.payload.text);
    expect(new Set(notes).size).toBe(50);
    expect(notes).toHaveLength(50);
    expect((await analyst('GET', `/api/v1/cases/${caseId}`)).body.context.comments).toBe(50);
  });

  it('two engines with their own connections (as two processes) never lose an update', async () => {
    // A second engine on the same database: only the version check stands between the two.
    const other = database === 'postgres' ? openDatabase({ databaseUrl: process.env.DATABASE_URL, schema: server.schema }) : undefined;
    const engines = other ? [server.engine, createEngine({ db: other })] : [server.engine, server.engine];
    try {
      const tenant = 'demo';
      const before = (await analyst('GET', `/api/v1/cases/${caseId}`)).body.version;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => engines[i % 2].send(tenant, caseId, { type: 'case.comment', text: `engine ${i % 2} #${i}` }, 'u-analyst')),
      );
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
      const history = (await analyst('GET', `/api/v1/cases/${caseId}/events?after=${before}`)).body as { seq: number }[];
      expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
    } finally {
      await other?.destroy();
    }
  });
});
