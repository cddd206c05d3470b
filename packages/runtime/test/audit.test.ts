import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';
import { quiescent } from './support/tableCounts.js';

describe.each(testDatabaseKinds())('tamper-evident audit trail, on %s', (database) => {
  let server: TestServer;
  let auditor: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database });
    auditor = httpClient(server.url, await server.login('auditor@demo.exflow'));
    await eventually(
      async () => (await auditor('GET', '/api/v1/cases?status=open')).body.every((c: { activeNodes: string[] }) => c.activeNodes[0] !== 'match'),
      10_000,
      'demo cases to settle',
    );
    // the demo samples of every pack run their checks after start: wait until none is left
    await quiescent(server.db);
  });
  afterAll(() => server?.stop());

  it('chains every row and verifies intact', async () => {
    const verify = await auditor('GET', '/api/v1/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.intact).toBe(true);
    expect(verify.body.rows).toBeGreaterThan(3);
    const rows = (await auditor('GET', '/api/v1/audit')).body as { chain: string; prevHash: string | null; hash: string; caseId: string }[];
    const firstOfChain = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      if (!firstOfChain.has(row.chain)) {
        firstOfChain.set(row.chain, row);
        expect(row.prevHash).toBeNull();
      }
    }
    // within a chain, each row points at the one before it
    const byChain = new Map<string, typeof rows>();
    for (const row of rows) byChain.set(row.chain, [...(byChain.get(row.chain) ?? []), row]);
    for (const chain of byChain.values()) chain.slice(1).forEach((row, i) => expect(row.prevHash).toBe(chain[i].hash));
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await expect(server.db.raw(`UPDATE audit SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(server.db.raw(`DELETE FROM audit`)).rejects.toThrow(/append-only/);
    await expect(server.db.raw(`TRUNCATE audit`)).rejects.toThrow(/append-only/);
  });

  it('exports a date range as CSV and JSON', async () => {
    const all = (await auditor('GET', '/api/v1/audit')).body as { createdAt: string }[];
    const csv = await auditor('GET', `/api/v1/audit?format=csv&from=${encodeURIComponent(all[0].createdAt)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('seq,createdAt,actor,action,entity,entityId,caseId,data,chain,prevHash,hash');
    expect(lines).toHaveLength(all.length + 1);
    const none = await auditor('GET', '/api/v1/audit?to=2000-01-01');
    expect(none.body).toEqual([]);
    expect((await auditor('GET', '/api/v1/audit?from=yesterday')).status).toBe(400);
  });

  it('names the row someone changed directly in the database', async () => {
    const rows = (await auditor('GET', '/api/v1/audit')).body as { id: string; seq: number; action: string }[];
    const victim = rows[Math.floor(rows.length / 2)];
    await server.db.raw('ALTER TABLE audit DISABLE TRIGGER audit_append_only');
    try {
      await server.db.raw(`UPDATE audit SET actor = 'mallory' WHERE id = ?`, [victim.id]);
    } finally {
      await server.db.raw('ALTER TABLE audit ENABLE TRIGGER audit_append_only');
    }
    const verify = (await auditor('GET', '/api/v1/audit/verify')).body;
    expect(verify.intact).toBe(false);
    expect(verify.breaks).toEqual([expect.objectContaining({ id: victim.id, seq: victim.seq, problem: 'hash' })]);
  });

  it('is read by auditors and admins only', async () => {
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    expect((await analyst('GET', '/api/v1/audit/verify')).status).toBe(403);
  });
});
