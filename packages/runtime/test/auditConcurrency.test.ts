import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditCheckpointer, verifyAuditTrail } from '../src/auth/auditCheckpoints.js';
import { createAuditRepository } from '../src/store/auditRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';

describe.each(testDatabaseKinds())('the audit chain under concurrent writers, on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, workers: false, seedDemo: false });
    await server.db('tenants').insert({ id: 'audit-race', name: 'Audit race' }).onConflict('id').ignore();
  });
  afterAll(() => server?.stop());

  it('rows written at once to one chain verify intact: seq order is link order', async () => {
    const audit = createAuditRepository(server.db);
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          audit.record('audit-race', { caseId: 'case-1', actor: 'u', action: 'test.write', entity: 'test', entityId: `${round}.${i}` }),
        ),
      );
    }
    const verified = await audit.verify('audit-race');
    expect(verified.rows).toBe(200);
    expect(verified.breaks).toEqual([]);
  });

  it('writers on many chains of one tenant, verified and checkpointed while they write, never show a false break', async () => {
    const audit = createAuditRepository(server.db);
    const checkpointer = createAuditCheckpointer(server.db, server.issuer);
    const seen: unknown[] = [];
    let writing = true;
    const watcher = (async () => {
      while (writing) {
        await checkpointer.tick();
        const v = await verifyAuditTrail(server.db, server.issuer, 'audit-race');
        if (!v.intact) seen.push({ breaks: v.breaks, findings: v.findings });
      }
    })();
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          audit.record('audit-race', {
            caseId: i % 4 === 0 ? null : `chain-${i % 10}`,
            actor: 'u',
            action: 'test.write',
            entity: 'test',
            entityId: `many.${round}.${i}`,
          }),
        ),
      );
    }
    writing = false;
    await watcher;
    expect(seen).toEqual([]);
    const final = await verifyAuditTrail(server.db, server.issuer, 'audit-race');
    expect(final).toMatchObject({ intact: true, rows: 400, breaks: [], findings: [] });
  });

  // one connection on PGlite: nothing there runs side by side
  it.skipIf(database === 'pglite')('a transaction appending to one shard does not hold up a case in another shard until it commits', async () => {
    const audit = createAuditRepository(server.db);
    const shardOf = async (chain: string) => Number((await server.db.raw(`SELECT (hashtext(?) & 2147483647) % 32 AS s`, [chain])).rows[0].s);
    const held = 'held-case';
    let other = 'other-0';
    for (let i = 1; (await shardOf(other)) === (await shardOf(held)); i++) other = `other-${i}`;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const holding = new Promise<void>((resolve) => (appended = resolve));
    const open = server.db.transaction(async (trx) => {
      await createAuditRepository(trx).record('audit-race', { caseId: held, actor: 'u', action: 'test.write', entity: 'test', entityId: 'held' });
      appended();
      await released; // the shard's head row stays locked until this commits
    });
    await holding;
    try {
      // with one head row per tenant (migration 008) this waited for the open transaction
      await server.db.transaction(async (trx) => {
        await trx.raw(`SET LOCAL lock_timeout = '5s'`);
        await createAuditRepository(trx).record('audit-race', { caseId: other, actor: 'u', action: 'test.write', entity: 'test', entityId: 'other' });
      });
    } finally {
      release();
      await open;
    }
    const verified = await audit.verify('audit-race');
    expect(verified.breaks).toEqual([]);
    expect(verified.findings).toEqual([]);
  });
});
