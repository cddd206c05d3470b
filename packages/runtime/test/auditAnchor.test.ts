import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { auditHeadDigest, createAuditRepository } from '../src/store/auditRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

/** Runs SQL the way someone past the triggers would: a superuser with triggers off for the session. */
async function pastTheTriggers(db: Db, work: (trx: Db) => Promise<unknown>): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    await work(trx);
  });
}

interface Row {
  seq: number;
  id: string;
  chain: string;
  caseId: string | null;
}

// Each test tampers with a fresh demo tenant (no workers: nothing writes meanwhile).
describe.each(testDatabaseKinds())('audit anchoring: deletions and case events, on %s', (database) => {
  let server: TestServer;
  let auditor: ReturnType<typeof httpClient>;
  const verify = async () => (await auditor('GET', '/api/v1/audit/verify')).body;
  const rows = async () => (await auditor('GET', '/api/v1/audit')).body as Row[];

  beforeEach(async () => {
    server = await startTestServer({ database, workers: false });
    auditor = httpClient(server.url, await server.login('auditor@demo.exflow'));
  });
  afterEach(() => server?.stop());

  it('verifies the untouched trail intact, with the head and every case event anchored', async () => {
    const result = await verify();
    expect(result).toMatchObject({ intact: true, breaks: [], findings: [] });
    expect(result.rows).toBeGreaterThan(3);
    // the head is sharded (migration 014): its shards' rows add up to the trail
    const heads = await server.db('audit_heads').where({ tenant_id: 'demo' }).select('shard', 'rows');
    expect(heads.length).toBeGreaterThan(1);
    expect(heads.reduce((n, h) => n + Number(h.rows), 0)).toBe(result.rows);
    const [{ n }] = await server.db('case_events').where({ tenant_id: 'demo' }).count({ n: '*' });
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('finds the newest rows of the tenant deleted past the trigger (truncated tail)', async () => {
    const all = await rows();
    const doomed = all.slice(-2).map((r) => r.id);
    await pastTheTriggers(server.db, (trx) => trx('audit').where({ tenant_id: 'demo' }).whereIn('id', doomed).delete());
    const result = await verify();
    expect(result.intact).toBe(false);
    expect(result.findings).toContainEqual({ problem: 'truncated', expected: all.length, found: all.length - 2 });
  });

  it("finds the newest rows of one case's chain deleted, and a whole case's chain deleted", async () => {
    // open cases (the demo's checks run inline, so some samples are already closed)
    const cases = await server.db('cases').where({ tenant_id: 'demo', status: 'open' }).orderBy('id').limit(3).pluck('id');
    for (const id of cases) for (const text of ['one', 'two']) await server.engine.send('demo', id, { type: 'case.comment', text }, null);
    const all = await rows();
    const byCase = new Map<string, Row[]>();
    for (const r of all) if (r.caseId) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
    const [first, second] = [...byCase.values()].filter((chain) => chain.length >= 2);
    // the newest two rows of one case, and the whole chain of another; each then followed in its
    // shard by a later row (rows deleted at the tail of a shard are a truncation, found above)
    const doomed = [...first.slice(-2), ...second].map((r) => r.id);
    const shards = (await server.db('audit').where({ tenant_id: 'demo' }).whereIn('id', doomed).distinct('shard').pluck('shard')).map(Number);
    const audit = createAuditRepository(server.db);
    for (let i = 0, left = new Set(shards); left.size > 0; i++) {
      const caseId = `later-${i}`;
      const lands = Number((await server.db.raw(`SELECT (hashtext(?) & 2147483647) % 32 AS s`, [caseId])).rows[0].s);
      if (!left.delete(lands)) continue;
      await audit.record('demo', { caseId, actor: null, action: 'test.write', entity: 'test', entityId: caseId });
    }
    expect(doomed.length).toBeGreaterThanOrEqual(3);
    await pastTheTriggers(server.db, (trx) => trx('audit').where({ tenant_id: 'demo' }).whereIn('id', doomed).delete());
    const result = await verify();
    expect(result.intact).toBe(false);
    const missing = result.findings.filter((f: { problem: string }) => f.problem === 'missing');
    const gone = missing.reduce((n: number, f: { from: number; to: number }) => n + f.to - f.from + 1, 0);
    expect(gone).toBe(doomed.length);
    // the deleted chain's case events no longer have their audit rows
    expect(result.findings).toContainEqual(expect.objectContaining({ problem: 'event-unanchored', caseId: second[0].caseId }));
  });

  it('finds the head rolled back together with the tail, against the latest signed checkpoint', async () => {
    const before = await verify(); // intact: signs a checkpoint of the head
    expect(before.intact).toBe(true);
    const checkpoint = await server.db('audit_checkpoints').where({ tenant_id: 'demo' }).orderBy('rows', 'desc').first();
    expect(Number(checkpoint.rows)).toBe(before.rows);
    expect(checkpoint.signature.split('.')).toHaveLength(3);
    // the largest shard's newest three rows deleted, and its head moved back to match
    const { shard, rows: shardRows } = await server.db('audit_heads').where({ tenant_id: 'demo' }).orderBy('rows', 'desc').first();
    const keep = Number(shardRows) - 3;
    const older = await server.db('audit').where({ tenant_id: 'demo', shard, tenant_seq: keep }).first('head_hash');
    await pastTheTriggers(server.db, async (trx) => {
      await trx('audit').where({ tenant_id: 'demo', shard }).andWhere('tenant_seq', '>', keep).delete();
      await trx('audit_heads').where({ tenant_id: 'demo', shard }).update({ rows: keep, hash: older.head_hash });
    });
    const result = await verify();
    expect(result.intact).toBe(false);
    expect(result.breaks).toEqual([]);
    expect(result.findings).toContainEqual(expect.objectContaining({ problem: 'rolled-back', expected: before.rows, found: before.rows - 3 }));
    // (the deleted rows' case events are left without their audit rows too)
    expect(result.findings.filter((f: { problem: string }) => f.problem !== 'event-unanchored')).toHaveLength(1);
    // and a checkpoint rewritten to the rolled-back head without the key does not pass either
    const rolledBack = (await server.db('audit_heads').where({ tenant_id: 'demo' }).where('rows', '>', 0).orderBy('shard').select('shard', 'rows', 'hash')).map(
      (h) => ({ shard: Number(h.shard), rows: Number(h.rows), hash: h.hash }),
    );
    await pastTheTriggers(server.db, (trx) =>
      trx('audit_checkpoints')
        .where({ tenant_id: 'demo' })
        .update({ rows: before.rows - 3, hash: auditHeadDigest(rolledBack), shards: JSON.stringify(rolledBack) }),
    );
    const forged = (await verify()).findings.filter((f: { problem: string }) => f.problem !== 'event-unanchored');
    expect(forged).toEqual([expect.objectContaining({ problem: 'checkpoint-signature', rows: before.rows - 3 })]);
  });

  it('finds one shard rolled back behind a checkpoint even when the other shards grew past its count', async () => {
    const before = await verify(); // signs a checkpoint
    expect(before.intact).toBe(true);
    const { shard, rows: shardRows } = await server.db('audit_heads').where({ tenant_id: 'demo' }).orderBy('rows', 'desc').first();
    const keep = Number(shardRows) - 2;
    const older = await server.db('audit').where({ tenant_id: 'demo', shard, tenant_seq: keep }).first('head_hash');
    await pastTheTriggers(server.db, async (trx) => {
      await trx('audit').where({ tenant_id: 'demo', shard }).andWhere('tenant_seq', '>', keep).delete();
      await trx('audit_heads').where({ tenant_id: 'demo', shard }).update({ rows: keep, hash: older.head_hash });
    });
    // new rows in other shards: the tenant's total passes the checkpoint's count again
    const audit = createAuditRepository(server.db);
    for (let i = 0, written = 0; written < 3; i++) {
      const caseId = `elsewhere-${i}`;
      const [{ lands }] = (await server.db.raw(`SELECT (hashtext(?) & 2147483647) % 32 AS lands`, [caseId])).rows;
      if (Number(lands) === Number(shard)) continue;
      await audit.record('demo', { caseId, actor: null, action: 'test.write', entity: 'test', entityId: caseId });
      written++;
    }
    const result = await verify();
    expect(result.rows).toBeGreaterThan(before.rows);
    expect(result.findings).toContainEqual(expect.objectContaining({ problem: 'rolled-back', expected: before.rows }));
  });

  it('refuses UPDATE, DELETE and TRUNCATE on case events', async () => {
    await expect(server.db.raw(`UPDATE case_events SET payload = '{}'`)).rejects.toThrow(/append-only/);
    await expect(server.db.raw(`DELETE FROM case_events`)).rejects.toThrow(/append-only/);
    await expect(server.db.raw(`TRUNCATE case_events CASCADE`)).rejects.toThrow(/append-only/);
  });

  it('finds a case event changed, deleted or added past the trigger', async () => {
    const events = await server.db('case_events').where({ tenant_id: 'demo' }).orderBy(['case_id', 'seq']).select('case_id', 'seq', 'type', 'payload');
    const [changed, deleted] = [events[0], events.find((e) => e.case_id !== events[0].case_id)!];
    await pastTheTriggers(server.db, async (trx) => {
      await trx('case_events')
        .where({ tenant_id: 'demo', case_id: changed.case_id, seq: changed.seq })
        .update({ payload: JSON.stringify({ ...changed.payload, varianceNote: 'within tolerance' }) });
      await trx('case_events').where({ tenant_id: 'demo', case_id: deleted.case_id, seq: deleted.seq }).delete();
      await trx('case_events').insert({
        tenant_id: 'demo',
        case_id: deleted.case_id,
        seq: 999,
        type: 'task.completed',
        payload: JSON.stringify({ outcome: 'approve' }),
      });
    });
    const result = await verify();
    expect(result.intact).toBe(false);
    expect(result.breaks).toEqual([]);
    expect(result.findings).toEqual(
      [
        { problem: 'event-changed', caseId: changed.case_id, seq: changed.seq },
        { problem: 'event-missing', caseId: deleted.case_id, seq: deleted.seq },
        { problem: 'event-unanchored', caseId: deleted.case_id, seq: 999 },
      ].sort((a, b) => (a.caseId === b.caseId ? a.seq - b.seq : a.caseId < b.caseId ? -1 : 1)),
    );
  });
});
