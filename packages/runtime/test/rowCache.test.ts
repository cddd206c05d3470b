import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tenantPolicies } from '../src/auth/tenancy.js';
import { createDelegationRepository } from '../src/store/delegationRepository.js';
import { createReferenceRepository } from '../src/store/referenceRepository.js';
import { createRoutingRepository } from '../src/store/routingRepository.js';
import type { Db } from '../src/store/db.js';
import { createTenantRepository } from '../src/store/tenantRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

/** The statements `work` sends to `db`. */
async function statements(db: Db, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const count = (q: { sql: string }) => seen.push(q.sql);
  db.on('query', count);
  try {
    await work();
  } finally {
    db.off('query', count);
  }
  return seen;
}

const tolerance = async (db: Db) => (await tenantPolicies(db, 'demo')).priceTolerancePct;

describe.each(testDatabaseKinds())('tenants and delegations remembered between requests, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('reads a tenant once, and a change is seen at once, also one made in a transaction still open', async () => {
    server = await startTestServer({ database });
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const own = (await admin('GET', '/api/v1/policies')).body.own;
    await tolerance(server.db);
    expect(await statements(server.db, () => tolerance(server.db))).toEqual([]);

    expect((await admin('PUT', '/api/v1/policies', { policies: { ...own, priceTolerancePct: 7 } })).status).toBe(200);
    expect(await tolerance(server.db)).toBe(7);
    expect((await admin('GET', '/api/v1/policies')).body.effective.priceTolerancePct).toBe(7);

    // a change whose transaction is open: others read what is committed, and nobody remembers it past the commit
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const writing = server.db.transaction(async (trx) => {
      await createTenantRepository(trx).setPolicies('demo', { ...own, priceTolerancePct: 9 });
      written();
      await held;
    });
    await wrote;
    if (database === 'postgres') expect(await tolerance(server.db)).toBe(7); // PGlite's one connection waits for the transaction
    release();
    await writing;
    expect(await tolerance(server.db)).toBe(9);
    await tolerance(server.db);
    expect(await statements(server.db, () => tolerance(server.db))).toEqual([]);
  });

  it('gives a delegate the delegated roles from the moment the delegation is made, and not after its revocation', async () => {
    const approver = httpClient(server.url, await server.login('approver@demo.exflow'));
    const delegations = createDelegationRepository(server.db);
    const now = () => new Date().toISOString();
    expect(await delegations.activeTo('demo', 'u-analyst', now())).toEqual([]);
    expect(await statements(server.db, () => delegations.activeTo('demo', 'u-analyst', now()))).toEqual([]);
    const made = await approver('POST', '/api/v1/delegations', {
      toUserId: 'u-analyst',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(made.status).toBe(201);
    expect((await delegations.activeTo('demo', 'u-analyst', now())).map((d) => d.fromUser)).toEqual(['u-approver']);
    expect(await statements(server.db, () => delegations.activeTo('demo', 'u-analyst', now()))).toEqual([]);
    expect((await approver('DELETE', `/api/v1/delegations/${made.body.id}`)).status).toBeLessThan(300);
    expect(await delegations.activeTo('demo', 'u-analyst', now())).toEqual([]);
  });
});

describe.runIf(process.env.DATABASE_URL)('row changes reach the other runtime processes through LISTEN/NOTIFY', { timeout: TEST_TIMEOUT_MS }, () => {
  let a: TestServer;
  let b: TestServer;
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('forgets a tenant changed by another process or by plain SQL, also after its LISTEN connection was killed', async () => {
    a = await startTestServer({ database: 'postgres' });
    b = await startTestServer({ database: 'postgres', schema: a.schema, seedDemo: false });
    const admin = httpClient(a.url, await a.login('admin@demo.exflow'));
    const { own, effective } = (await admin('GET', '/api/v1/policies')).body;
    const seen = async (value: unknown) =>
      eventually(
        async () => {
          await tolerance(b.db);
          return (await tolerance(b.db)) === value && (await statements(b.db, () => tolerance(b.db))).length === 0;
        },
        PATIENCE_MS,
        `process b to read tolerance ${String(value)} and remember it`,
      );
    await seen(effective.priceTolerancePct);

    expect((await admin('PUT', '/api/v1/policies', { policies: { ...own, priceTolerancePct: 4 } })).status).toBe(200);
    await seen(4);
    await a.db.raw(`UPDATE tenants SET policies = jsonb_set(policies, '{priceTolerancePct}', '5') WHERE id = 'demo'`);
    await seen(5);

    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    try {
      await sql.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`exflow-rows:${a.schema}`]);
      // while b listens again it reads the database: a change made meanwhile is seen all the same
      await a.db.raw(`UPDATE tenants SET policies = jsonb_set(policies, '{priceTolerancePct}', '6') WHERE id = 'demo'`);
      await seen(6);
      await eventually(
        async () =>
          (await sql.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`exflow-rows:${a.schema}`])).rows[0].n === 2,
        PATIENCE_MS,
        'both processes to listen again',
      );
      await a.db.raw(`UPDATE tenants SET policies = jsonb_set(policies, '{priceTolerancePct}', '8') WHERE id = 'demo'`);
      await seen(8);

      // tax rates and routing tables are remembered and forgotten the same way
      const rates = createReferenceRepository(b.db);
      const germanRate = async () => (await rates.taxRates('DE')).map((r) => Number(r.rate)).sort((x, y) => y - x)[0];
      const before = await germanRate();
      expect(await statements(b.db, () => rates.taxRates('DE'))).toEqual([]);
      await a.db.raw(`UPDATE tax_rates SET rate = rate + 1 WHERE country = 'DE'`);
      await eventually(async () => (await germanRate()) === before! + 1, PATIENCE_MS, 'process b to read the changed tax rate');
      const routing = createRoutingRepository(b.db);
      expect((await routing.get('demo')).rules.length).not.toBe(1); // the demo seed's table
      expect(await statements(b.db, () => routing.get('demo'))).toEqual([]);
      await createRoutingRepository(a.db).put('demo', { rules: [{ kinds: ['price-variance'], flow: 'some-flow' }] }, 'test');
      await eventually(async () => (await routing.get('demo')).rules.length === 1, PATIENCE_MS, 'process b to read the new routing table');
    } finally {
      await sql.end();
    }
  });
});
