import { compile, type CompiledFlow } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../bench/support/generateCases.js';
import { BENCH_TENANT, benchFlow, setUpBenchTenant } from '../bench/support/benchTenant.js';
import { createEngine } from '../src/engine/engine.js';
import { createMachineCache } from '../src/engine/machineCache.js';
import { createRecentCases } from '../src/engine/recentCases.js';
import type { CaseRecord } from '../src/store/caseRepository.js';
import { createLru } from '../src/store/databaseMemory.js';
import type { Db } from '../src/store/db.js';
import { cachedRow, startRowCache } from '../src/store/rowCache.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';

/** What a process remembers between requests stays within its bound however many cases pass through it (issue 13). */
describe('caches stay within their bounds', () => {
  const openCase = (i: number, status: CaseRecord['status'] = 'open'): CaseRecord => ({
    tenantId: 't',
    id: `case-${i}`,
    definitionId: 'd',
    definitionVersion: 1,
    invoiceId: null,
    status,
    outcome: null,
    version: 2,
    snapshot: { value: 'review', context: {}, status: 'active' },
    activeNodes: ['review'],
    openedAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    closedAt: null,
  });

  it('the LRU under the row cache and the definition versions keeps the most recently used entries, no more than its bound', () => {
    const lru = createLru<number>(100);
    for (let i = 0; i < 1_000; i++) {
      lru.set(`k${i}`, i);
      if (i === 50) lru.get('k0'); // used again: it outlives the keys set before it…
      expect(lru.size).toBeLessThanOrEqual(100);
    }
    expect(lru.size).toBe(100);
    expect(lru.get('k899')).toBeUndefined();
    expect(lru.get('k900')).toBe(900);
    expect(lru.get('k0')).toBeUndefined(); // …but not 949 newer ones
  });

  it('the recent-case cache holds at most its bound of open cases and drops a case that closes', () => {
    const recent = createRecentCases(100);
    for (let i = 0; i < 1_000; i++) {
      recent.set(openCase(i));
      expect(recent.size).toBeLessThanOrEqual(100);
    }
    expect(recent.get('t', 'case-899')).toBeUndefined();
    expect(recent.get('t', 'case-999')).toMatchObject({ id: 'case-999' });
    recent.set(openCase(999, 'resolved'));
    expect(recent.get('t', 'case-999')).toBeUndefined();
    expect(recent.size).toBe(99);
  });

  it('the machine cache compiles each version once and keeps at most its bound of machines', async () => {
    const compiled = compile(benchFlow);
    if (!compiled.ok) throw new Error('bench flow does not compile');
    const machines = createMachineCache(5);
    let loads = 0;
    const load = (): CompiledFlow => (loads++, compiled.flow);
    for (let version = 1; version <= 20; version++) {
      await machines.get('t', 'd', version, load);
      await machines.get('t', 'd', version, load); // remembered
      expect(machines.size).toBeLessThanOrEqual(5);
    }
    expect(loads).toBe(20);
    await machines.get('t', 'd', 1, load); // evicted long ago: compiled again
    expect(loads).toBe(21);
  });

  it('the row cache remembers at most maxEntries rows, at its default too', async () => {
    // the row cache is kept per knex instance (its client's config object); no query is made here
    const db = { client: { config: {} } } as unknown as Db;
    {
      const loads = new Map<string, number>();
      const read = (key: string) => cachedRow(db, key, async () => (loads.set(key, (loads.get(key) ?? 0) + 1), key));
      const small = startRowCache(db, { maxEntries: 5 });
      for (let i = 0; i < 20; i++) await read(`row|${i}`);
      for (let i = 0; i < 20; i++) await read(`row|${i}`);
      // the last five of the first pass were still remembered at the start of the second; the rest were read again
      expect([...loads.values()].filter((n) => n === 2)).toHaveLength(20);
      await small.stop();
      loads.clear();
      const byDefault = startRowCache(db);
      for (let i = 0; i < 10_050; i++) await read(`row|${i}`);
      await read('row|10049');
      await read('row|0');
      expect(loads.get('row|10049')).toBe(1);
      expect(loads.get('row|0')).toBe(2);
      await byDefault.stop();
    }
  });
});

describe.each(testDatabaseKinds())('the engine remembers at most its bound of recent cases, on %s', (database) => {
  let server: TestServer;
  const CASES = 60;
  const BOUND = 20;

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: false, workers: false });
    const definitionId = (await setUpBenchTenant(server)).id;
    await generateCases(server.db, { tenantId: BENCH_TENANT, definitionId, definitionVersion: 1, cases: CASES, openCases: CASES, audit: false });
  });
  afterAll(() => server?.stop());

  it('after events on more distinct cases than its bound, only the most recent are remembered', async () => {
    const engine = createEngine({ db: server.db, recentCases: BOUND });
    const ids = (await server.db('cases').where({ tenant_id: BENCH_TENANT, status: 'open' }).orderBy('id').select('id')).map((r) => r.id as string);
    expect(ids).toHaveLength(CASES);
    for (const [i, id] of ids.entries()) await engine.send(BENCH_TENANT, id, { type: 'case.comment', text: `note ${i}` }, 'bench-analyst');
    const remembered = ids.filter((id) => engine.recentCase(BENCH_TENANT, id) !== undefined);
    expect(remembered).toEqual(ids.slice(CASES - BOUND));
  });
});
