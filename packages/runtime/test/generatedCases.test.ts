import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../bench/support/generateCases.js';
import { BENCH_TENANT, invoiceFor, login, post, setUpBenchTenant } from '../bench/support/benchTenant.js';
import { createAuditRepository } from '../src/store/auditRepository.js';
import { createInsightRollup } from '../src/store/insightRollup.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';

/** Every key path of a JSON value (`a.b[].c`), arrays merged, so two rows' shapes compare as sets. */
function paths(value: unknown, prefix = '$', into = new Set<string>()): Set<string> {
  into.add(prefix);
  if (Array.isArray(value)) for (const v of value) paths(v, `${prefix}[]`, into);
  else if (value && typeof value === 'object' && !(value instanceof Date))
    for (const [k, v] of Object.entries(value)) if (v !== null) paths(v, `${prefix}.${k}`, into);
  return into;
}

/** The shape of rows: the columns that are set, and the key paths of each JSON column. */
function shape(rows: Record<string, unknown>[]): string[] {
  const out = new Set<string>();
  for (const row of rows)
    for (const [column, v] of Object.entries(row)) {
      if (v === null || v === undefined) continue;
      if (typeof v === 'object' && !(v instanceof Date)) for (const p of paths(v)) out.add(`${column}${p.slice(1)}`);
      else out.add(column);
    }
  return [...out].sort();
}

describe.each(testDatabaseKinds())('generated cases have the shape of engine-made ones, on %s', (database) => {
  let server: TestServer;
  let definitionId: string;
  const engineCases: Record<'resolved' | 'touchless' | 'approval', string> = { resolved: '', touchless: '', approval: '' };
  const generated = { cases: 20, openCases: 4, dueTimers: 1 };

  beforeAll(async () => {
    server = await startTestServer({ database, services: { erpPost: async ({ idempotencyKey }) => ({ posted: true, reference: idempotencyKey }) } });
    definitionId = (await setUpBenchTenant(server)).id;
    const [erp, analyst, approver] = await Promise.all(['erp', 'analyst', 'approver'].map((who) => login(server, `${who}@bench.test`)));
    const asAnalyst = httpClient(server.url, analyst);
    const openTask = (caseId: string, nodeId: string) =>
      eventually(
        async () =>
          (await asAnalyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body.find(
            (t: { nodeId: string; status: string }) => t.nodeId === nodeId && t.status === 'open',
          ),
        20_000,
        `${nodeId} of ${caseId}`,
      );
    const statusOf = (caseId: string, status: string) =>
      eventually(async () => (await asAnalyst('GET', `/api/v1/cases/${caseId}`)).body.status === status, 20_000, `${caseId} ${status}`);
    engineCases.touchless = (await post(server, erp, '/invoices?definition=bench-cases', invoiceFor(1, '120.00'))).case.id;
    for (const fate of ['resolved', 'approval'] as const) {
      const caseId = (await post(server, erp, '/invoices?definition=bench-cases', invoiceFor(2))).case.id as string;
      engineCases[fate] = caseId;
      const review = await openTask(caseId, 'review');
      await post(server, analyst, `/tasks/${review.id}/claim`, {});
      await post(server, analyst, `/tasks/${review.id}/complete`, { outcome: 'accept' });
      const approval = await openTask(caseId, 'approval');
      if (fate === 'approval') continue;
      await post(server, approver, `/tasks/${approval.id}/claim`, {});
      await post(server, approver, `/tasks/${approval.id}/complete`, { outcome: 'approve' });
      await statusOf(caseId, 'resolved');
    }
    await statusOf(engineCases.touchless, 'resolved');
    await generateCases(server.db, { tenantId: BENCH_TENANT, definitionId, definitionVersion: 1, days: 20, chunk: 7, ...generated });
    // written in SQL, not by the engine: the insights rollup is made again, as after any hand edit
    await createInsightRollup(server.db).rebuild(BENCH_TENANT);
  });
  afterAll(() => server?.stop());

  /** The generated case ids of one fate, told apart by their rows as the engine's would be. */
  async function generatedOfFate(fate: keyof typeof engineCases): Promise<string[]> {
    const rows = await server
      .db('cases as c')
      .where('c.tenant_id', BENCH_TENANT)
      .whereNotIn('c.id', Object.values(engineCases))
      .select('c.id', 'c.status', 'c.active_nodes', 'c.version');
    return rows
      .filter((r) =>
        fate === 'touchless' ? r.status === 'resolved' && r.version === 3 : fate === 'resolved' ? r.version === 5 : r.active_nodes[0] === 'approval',
      )
      .map((r) => r.id);
  }

  const TABLES: [table: string, key: string, caseColumn: string][] = [
    ['cases', 'status', 'id'],
    ['case_events', 'type', 'case_id'],
    ['effects', 'service', 'case_id'],
    ['tasks', 'node_id', 'case_id'],
    ['audit', 'action', 'case_id'],
    ['timers', 'node_id', 'case_id'],
  ];

  it('writes every table with the columns and JSON shapes the engine writes, per kind of row', async () => {
    for (const fate of ['resolved', 'touchless', 'approval'] as const) {
      const ours = await generatedOfFate(fate);
      expect(ours.length, fate).toBeGreaterThan(0);
      for (const [table, key, caseColumn] of TABLES) {
        const rowsOf = async (ids: string[]) => {
          const rows: Record<string, unknown>[] = await server.db(table).where('tenant_id', BENCH_TENANT).whereIn(caseColumn, ids);
          const byKey = new Map<string, Record<string, unknown>[]>();
          for (const r of rows) byKey.set(String(r[key]), [...(byKey.get(String(r[key])) ?? []), r]);
          return Object.fromEntries([...byKey].sort().map(([k, rs]) => [k, shape(rs)]));
        };
        expect([fate, table, await rowsOf(ours.slice(0, 3))]).toEqual([fate, table, await rowsOf([engineCases[fate]])]);
      }
      const invoicesOf = async (ids: string[]) =>
        shape(await server.db('invoices as i').join('cases as c', 'c.invoice_id', 'i.id').whereIn('c.id', ids).select('i.*'));
      // the engine's invoice carries the idempotency columns only when the caller sent a key; a generated one never does
      expect([fate, await invoicesOf(ours.slice(0, 3))]).toEqual([fate, await invoicesOf([engineCases[fate]])]);
    }
  });

  it('keeps the audit chain whole, every event anchored', async () => {
    const verification = await createAuditRepository(server.db).verify(BENCH_TENANT);
    expect(verification.breaks).toEqual([]);
    expect(verification.findings).toEqual([]);
    // 3 engine-made cases + 20 generated: a chain each
    expect(verification.chains).toBeGreaterThanOrEqual(23);
  });

  it('is read by the insights API as the cases it stands for', async () => {
    const owner = httpClient(server.url, await login(server, 'owner@bench.test'));
    const counts = await server
      .db('cases')
      .where('tenant_id', BENCH_TENANT)
      .select(server.db.raw(`count(*) FILTER (WHERE version = 3 AND status = 'resolved')::int AS touchless`), server.db.raw(`count(*)::int AS cases`));
    const summary = await owner('GET', `/api/v1/insights/summary?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    const row = (metric: string) => summary.body.rows.find((r: { metric: string }) => r.metric === metric);
    const { cases, touchless } = counts[0];
    expect(cases).toBe(23);
    expect(row('exceptionRate')).toMatchObject({ numerator: cases - touchless, denominator: cases });
    expect(row('touchlessRate')).toMatchObject({ numerator: touchless, denominator: cases });
    // open approval tasks: the engine's one and the generated cases waiting in approval (the odd ones of the first four)
    expect(row('approvalAging')).toMatchObject({ value: 1 + generated.openCases / 2 });
    expect(row('timeToResolve').count).toBe(cases - touchless - 1 - generated.openCases);
  });
});
