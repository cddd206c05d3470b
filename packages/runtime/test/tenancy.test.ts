import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantScope } from '../src/store/tenantScope.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { readTemplate, invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { eventually, httpClient } from './support/http.js';

describe.each(testDatabaseKinds())('tenants cannot reach each other, on %s', (database) => {
  let server: TestServer;
  let northInAcme: ReturnType<typeof httpClient>;
  let globex: ReturnType<typeof httpClient>;
  let globexToken: string;
  let acmeCase: string;
  let acmeTask: string;
  let acmeInvoice: string;

  beforeAll(async () => {
    server = await startTestServer({ database });
    const northToken = await server.login('platform@northledger.example');
    // the MSP's platform admin sets up its client Acme by acting in it
    northInAcme = httpClient(server.url, northToken);
    const inAcme = (method: string, path: string, body?: unknown) => northInAcme(method, path, body, { 'X-Exflow-Tenant': 'acme' });
    const created = await inAcme('POST', '/api/v1/definitions', priceVarianceFlow('acme-pv'));
    expect(created.status).toBe(201);
    expect((await inAcme('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const reference = readTemplate<{ purchaseOrders: unknown[]; goodsReceipts: unknown[] }>('ap-exceptions/reference-data.json');
    expect((await inAcme('POST', '/api/v1/reference/purchase-orders', reference.purchaseOrders)).status).toBe(200);
    expect((await inAcme('POST', '/api/v1/reference/goods-receipts', reference.goodsReceipts)).status).toBe(200);
    const acmeAnalyst = httpClient(server.url, await server.login('analyst@acme.example'));
    const posted = await acmeAnalyst('POST', '/api/v1/invoices', invoiceWithChairPrice('ACME-1', '130.00'));
    expect(posted.status).toBe(201);
    acmeCase = posted.body.case.id;
    acmeInvoice = posted.body.invoice.id;
    acmeTask = await eventually(async () => (await acmeAnalyst('GET', `/api/v1/tasks?caseId=${acmeCase}`)).body[0]?.id, 10_000, 'the Acme task');
    globexToken = await server.login('analyst@globex.example');
    globex = httpClient(server.url, globexToken);
  });
  afterAll(() => server?.stop());

  it("refuses reading, listing, searching and completing another tenant's work over REST", async () => {
    expect((await globex('GET', `/api/v1/cases/${acmeCase}`)).status).toBe(404);
    expect((await globex('GET', `/api/v1/cases/${acmeCase}/events`)).status).toBe(404);
    expect((await globex('GET', `/api/v1/invoices/${acmeInvoice}`)).status).toBe(404);
    expect((await globex('GET', '/api/v1/cases')).body).toEqual([]);
    expect((await globex('GET', `/api/v1/cases?invoiceId=${acmeInvoice}`)).body).toEqual([]);
    expect((await globex('GET', `/api/v1/tasks?caseId=${acmeCase}`)).body).toEqual([]);
    expect((await globex('GET', '/api/v1/tasks?queue=procurement')).body).toEqual([]);
    expect((await globex('GET', `/api/v1/tasks/${acmeTask}`)).status).toBe(404);
    expect((await globex('POST', `/api/v1/tasks/${acmeTask}/claim`)).status).toBe(404);
    expect((await globex('POST', `/api/v1/tasks/${acmeTask}/complete`, { outcome: 'accept', data: { reason: 'not mine' } })).status).toBe(404);
    expect((await globex('POST', `/api/v1/cases/${acmeCase}/events`, { type: 'case.cancel', reason: 'sabotage' })).status).toBe(404);
    const still = await northInAcme('GET', `/api/v1/cases/${acmeCase}`, undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(still.body).toMatchObject({ status: 'open', activeNodes: ['procurementReview'] });
  });

  it("refuses acting in a tenant that is not your MSP's client", async () => {
    const viaHeader = await globex('GET', `/api/v1/cases/${acmeCase}`, undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(viaHeader.status).toBe(403);
    const south = httpClient(server.url, await server.login('platform@southbooks.example'));
    const other = await south('GET', '/api/v1/cases', undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(other.status).toBe(403);
    expect(other.body.detail).toMatch(/not a client of "msp-south"/);
  });

  it("refuses another tenant's case room over Socket.IO, and sends it none of its changes", async () => {
    const socket = io(server.url, { path: '/socket.io', auth: { token: globexToken }, transports: ['websocket'] });
    const seen: unknown[] = [];
    socket.onAny((_name, payload) => seen.push(payload));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await socket.emitWithAck('join', { room: `case:${acmeCase}` })).toEqual({ ok: false, error: `no case ${acmeCase}` });
      expect(await socket.emitWithAck('join', { room: 'queue:procurement' })).toMatchObject({ ok: true });
      await northInAcme('POST', `/api/v1/cases/${acmeCase}/events`, { type: 'case.comment', text: 'for Acme eyes only' }, { 'X-Exflow-Tenant': 'acme' });
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([]);
    } finally {
      socket.disconnect();
    }
  });

  it("lists an MSP's client tenants to its platform admin, and no one else's", async () => {
    const clients = await northInAcme('GET', '/api/v1/clients');
    expect(clients.status).toBe(200);
    expect(clients.body.tenant).toEqual({ id: 'msp-north', name: 'NorthLedger Services' });
    expect(clients.body.clients).toContainEqual({ id: 'acme', name: 'Acme Manufacturing' });
    const south = httpClient(server.url, await server.login('platform@southbooks.example'));
    expect((await south('GET', '/api/v1/clients')).body.clients.map((c: { id: string }) => c.id)).toEqual(['globex']);
    expect((await globex('GET', '/api/v1/clients')).status).toBe(403);
  });

  it("gives an MSP each client's insight figures as read within that client (under row-level security on PostgreSQL)", async () => {
    const clients = await northInAcme('GET', '/api/v1/insights/clients');
    expect(clients.status, JSON.stringify(clients.body)).toBe(200);
    const acmeRows = clients.body.rows.filter((r: { tenantId: string }) => r.tenantId === 'acme');
    const inAcme = await northInAcme('GET', '/api/v1/insights/summary', undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(inAcme.status).toBe(200);
    expect(acmeRows.map(({ tenantId: _t, tenantName: _n, ...row }: Record<string, unknown>) => row)).toEqual(inAcme.body.rows);
    // Acme's one invoice counts: the figures are not those of a scope that sees no rows
    expect(acmeRows.find((r: { metric: string }) => r.metric === 'exceptionRate')).toMatchObject({ tenantName: 'Acme Manufacturing', denominator: 1 });
  });

  it("a platform admin's socket acts in its client with auth.tenant, and gets that client's changes", async () => {
    const northToken = await server.login('platform@northledger.example');
    const connect = (auth: Record<string, string>) => {
      const socket = io(server.url, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
      return new Promise<typeof socket>((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', (e) => {
          socket.disconnect();
          reject(e);
        });
      });
    };
    await expect(connect({ token: globexToken, tenant: 'acme' })).rejects.toThrow(/Only a platform admin/);
    const south = await server.login('platform@southbooks.example');
    await expect(connect({ token: south, tenant: 'acme' })).rejects.toThrow(/not a client of "msp-south"/);
    const socket = await connect({ token: northToken, tenant: 'acme' });
    try {
      expect(await socket.emitWithAck('join', { room: `case:${acmeCase}` })).toEqual({ ok: true, room: `case:${acmeCase}` });
      const changed = new Promise((resolve) => socket.once('case.changed', resolve));
      await northInAcme(
        'POST',
        `/api/v1/cases/${acmeCase}/events`,
        { type: 'case.comment', text: 'seen by the MSP acting in Acme' },
        { 'X-Exflow-Tenant': 'acme' },
      );
      expect(await changed).toMatchObject({ caseId: acmeCase });
    } finally {
      socket.disconnect();
    }
  });

  it.runIf(database === 'postgres')("reads go through row-level security: the router's tenant scope sees one tenant even with no filter", async () => {
    expect((await httpClient(server.url)('GET', '/health')).body.rowLevelSecurityOnReads).toBe(true);
    const unfiltered = (tenant: string) =>
      withTenantScope(server.db, tenant, async (scoped) => ({
        cases: (await scoped('cases').select('tenant_id')).map((r: { tenant_id: string }) => r.tenant_id),
        invoices: (await scoped('invoices').select('tenant_id')).map((r: { tenant_id: string }) => r.tenant_id),
        tasks: (await scoped('tasks').select('tenant_id')).map((r: { tenant_id: string }) => r.tenant_id),
        audit: (await scoped('audit').select('tenant_id')).map((r: { tenant_id: string }) => r.tenant_id),
      }));
    const globexView = await unfiltered('globex');
    expect(globexView).toEqual({ cases: [], invoices: [], tasks: [], audit: [] });
    const acmeView = await unfiltered('acme');
    expect(new Set([...acmeView.cases, ...acmeView.invoices, ...acmeView.tasks, ...acmeView.audit])).toEqual(new Set(['acme']));
    expect(acmeView.cases).toHaveLength(1);
    // and the scope is read-only: a handler that forgot itself could not write either
    await expect(withTenantScope(server.db, 'acme', (scoped) => scoped('cases').update({ status: 'cancelled' }))).rejects.toThrow(/read-only/);
  });

  it.runIf(database === 'postgres')('row-level security hides other tenants from the application role even without the filter', async () => {
    const visible = (tenant: string | null) =>
      server.db.transaction(async (trx) => {
        if (tenant)
          await trx.raw(`SELECT set_config('exflow.tenant_id', ?, true), set_config('exflow.tenant_proof', exflow_scope_proof(?), true)`, [tenant, tenant]);
        await trx.raw('SET LOCAL ROLE exflow_app');
        const cases = await trx.raw('SELECT tenant_id, count(*)::int AS n FROM cases GROUP BY tenant_id ORDER BY tenant_id');
        const tasks = await trx.raw('SELECT DISTINCT tenant_id FROM tasks');
        return { cases: cases.rows, taskTenants: tasks.rows.map((r: { tenant_id: string }) => r.tenant_id) };
      });
    expect((await visible('globex')).cases).toEqual([]);
    expect((await visible(null)).cases).toEqual([]);
    const acme = await visible('acme');
    expect(acme.cases).toEqual([{ tenant_id: 'acme', n: 1 }]);
    expect(acme.taskTenants).toEqual(['acme']);
    // and it cannot write into another tenant either
    await expect(
      server.db.transaction(async (trx) => {
        await trx.raw(`SELECT set_config('exflow.tenant_id', 'globex', true), set_config('exflow.tenant_proof', exflow_scope_proof('globex'), true)`);
        await trx.raw('SET LOCAL ROLE exflow_app');
        await trx.raw(`UPDATE cases SET status = 'cancelled' WHERE id = ?`, [acmeCase]).then((r) => {
          if (r.rowCount === 0) throw new Error('no row visible to update');
        });
      }),
    ).rejects.toThrow(/no row visible/);
    await expect(
      server.db.transaction(async (trx) => {
        await trx.raw(`SELECT set_config('exflow.tenant_id', 'globex', true), set_config('exflow.tenant_proof', exflow_scope_proof('globex'), true)`);
        await trx.raw('SET LOCAL ROLE exflow_app');
        await trx.raw(`INSERT INTO suppliers (tenant_id, id, name) VALUES ('acme', 'planted', 'Planted Ltd')`);
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it.runIf(database === 'postgres')('code running in a tenant scope cannot move it to another tenant, nor read signing keys or other tenants', async () => {
    const casesIn = (scoped: typeof server.db) =>
      scoped('cases')
        .select('tenant_id')
        .then((rows) => rows.map((r: { tenant_id: string }) => r.tenant_id));
    // globex's code setting the tenant the way the scope used to be set: no tenant's rows at all
    const moved = await withTenantScope(server.db, 'globex', async (scoped) => {
      await scoped.raw(`SELECT set_config('exflow.tenant_id', 'acme', true)`);
      const afterSetConfig = await casesIn(scoped);
      await scoped.raw(`SET LOCAL exflow.tenant_id = 'acme'`);
      const afterSet = await casesIn(scoped);
      // nor with the proof it was given for its own tenant
      const proof = (await scoped.raw(`SELECT current_setting('exflow.tenant_proof', true) AS p`)).rows[0].p ?? '';
      await scoped.raw(`SELECT set_config('exflow.tenant_id', 'acme', true), set_config('exflow.tenant_proof', ?, true)`, [proof]);
      const withOwnProof = await casesIn(scoped);
      return { afterSetConfig, afterSet, withOwnProof };
    });
    expect(moved).toEqual({ afterSetConfig: [], afterSet: [], withOwnProof: [] });
    expect(new Set(await withTenantScope(server.db, 'acme', casesIn))).toEqual(new Set(['acme']));
    // the proof cannot be made, nor its secret or the signing keys read, by the application role
    const refused = (sql: string) => expect(withTenantScope(server.db, 'acme', (scoped) => scoped.raw(sql))).rejects.toThrow(/permission denied/);
    await refused(`SELECT exflow_scope_proof('globex')`);
    await refused(`SELECT * FROM exflow_scope_secret`);
    await refused(`SELECT private_jwk FROM signing_keys`);
    await refused(`SELECT id FROM signing_keys`);
    // tenants: its own row and its MSP's (Acme is a client of North Ledger), no one else's
    const tenants = await withTenantScope(server.db, 'acme', (scoped) => scoped('tenants').pluck('id'));
    const acme = await server.db('tenants').where({ id: 'acme' }).first('parent_id');
    expect(new Set(tenants)).toEqual(new Set(['acme', acme.parent_id].filter(Boolean)));
    const msp = await withTenantScope(server.db, acme.parent_id, (scoped) => scoped('tenants').pluck('id'));
    expect(msp).toContain('acme');
    expect(msp).not.toContain('globex');
    // and the reads that need tenants still work under the scope
    expect((await httpClient(server.url, globexToken)('GET', '/api/v1/branding')).status).toBe(200);
  });
});

describe.runIf(process.env.DATABASE_URL)('cross-tenant reads on a small pool (PostgreSQL, row-level security)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'postgres', databasePoolMax: 2 });
  });
  afterAll(() => server?.stop());

  it('answers more MSP client summaries at once than the pool has connections', async () => {
    // each request reads its clients one scope after another, never holding one connection while it
    // waits for a second: with the caller's scope held around them, two requests took both
    // connections and waited for a third until knex gave up
    const north = httpClient(server.url, await server.login('platform@northledger.example'));
    const answers = await Promise.all(Array.from({ length: 4 }, () => north('GET', '/api/v1/insights/clients')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0].body.rows.some((r: { tenantId: string }) => r.tenantId === 'acme')).toBe(true);
  });
});
