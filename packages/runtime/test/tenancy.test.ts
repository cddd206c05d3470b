import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantScope } from '../src/store/tenantScope.js';
import { startTestServer, testDatabaseKinds, type TestServer } from '../src/testing/testServer.js';
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

  it('refuses reading, listing, searching and completing another tenant\'s work over REST', async () => {
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

  it('refuses acting in a tenant that is not your MSP\'s client', async () => {
    const viaHeader = await globex('GET', `/api/v1/cases/${acmeCase}`, undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(viaHeader.status).toBe(403);
    const south = httpClient(server.url, await server.login('platform@southbooks.example'));
    const other = await south('GET', '/api/v1/cases', undefined, { 'X-Exflow-Tenant': 'acme' });
    expect(other.status).toBe(403);
    expect(other.body.detail).toMatch(/not a client of "msp-south"/);
  });

  it('refuses another tenant\'s case room over Socket.IO, and sends it none of its changes', async () => {
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

  it.runIf(database === 'postgres')('reads go through row-level security: the router\'s tenant scope sees one tenant even with no filter', async () => {
    expect((await httpClient(server.url)('GET', '/health')).body.rowLevelSecurityOnReads).toBe(true);
    const unfiltered = (tenant: string) => withTenantScope(server.db, tenant, async (scoped) => ({
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
        await trx.raw('SET LOCAL ROLE exflow_app');
        if (tenant) await trx.raw(`SELECT set_config('exflow.tenant_id', ?, true)`, [tenant]);
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
        await trx.raw('SET LOCAL ROLE exflow_app');
        await trx.raw(`SELECT set_config('exflow.tenant_id', 'globex', true)`);
        await trx.raw(`UPDATE cases SET status = 'cancelled' WHERE id = ?`, [acmeCase]).then((r) => {
          if (r.rowCount === 0) throw new Error('no row visible to update');
        });
      }),
    ).rejects.toThrow(/no row visible/);
    await expect(
      server.db.transaction(async (trx) => {
        await trx.raw('SET LOCAL ROLE exflow_app');
        await trx.raw(`SELECT set_config('exflow.tenant_id', 'globex', true)`);
        await trx.raw(`INSERT INTO suppliers (tenant_id, id, name) VALUES ('acme', 'planted', 'Planted Ltd')`);
      }),
    ).rejects.toThrow(/row-level security/);
  });
});
