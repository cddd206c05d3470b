import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetryPolicy, WorkflowDefinition } from '@exflow/shared';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { erpConnector } from '../src/integration/connectors/erp/erpConnector.js';
import { prepareSecrets } from '../src/integration/credentials.js';
import { createSecretBox, embeddedSecretKey, secretKeyId } from '../src/integration/secretBox.js';
import { startTestServer, TEST_SECRETS_KEY, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { createFakeErp } from './support/fakeErp.js';
import { invoiceCases } from './support/cases.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

const TOKEN = 'erp-token-0f9d2c1b7a';

/** start → each connector step in turn → done; steps are [id, operation, input expressions]. */
function connectorFlow(
  key: string,
  steps: [string, string, Record<string, string>][],
  retry: RetryPolicy,
  extra: WorkflowDefinition['nodes'] = [],
): WorkflowDefinition {
  const ids = ['start', ...steps.map(([id]) => id), ...extra.map((n) => n.id), 'done'];
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      ...steps.map(([id, operation, input]) => ({
        id,
        kind: 'connector',
        config: { service: 'connector', params: { connector: 'erp', operation, input }, resultVar: id, retry },
      })),
      ...extra,
      { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
    ],
    edges: ids.slice(1).map((target, i) => ({ id: `e${i}`, source: ids[i], target, ...(i > 0 ? { sourcePort: 'done' } : {}) })),
  };
}

const postInput = {
  invoiceNumber: 'invoice.invoiceNumber',
  poNumber: 'invoice.poNumber',
  currency: 'invoice.currency',
  grossTotal: 'invoice.grossTotal',
};

describe('secret box', () => {
  it('seals with AES-256-GCM, names its key, opens with a previous key, and refuses a tampered value', () => {
    const key = Buffer.alloc(32, 1);
    const next = Buffer.alloc(32, 2);
    const box = createSecretBox(key);
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.keyIdOf(sealed)).toBe(secretKeyId(key));
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed); // a fresh IV every time
    expect(createSecretBox(next, [key]).open(sealed)).toBe('whsec_abc');
    expect(() => createSecretBox(next).open(sealed)).toThrow(/not configured/);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(box.keyIdOf('whsec_plain')).toBeUndefined();
  });
});

describe('the embedded database key', () => {
  it('is generated in the PGlite folder once (mode 0600) and read back after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exflow-key-'));
    try {
      const dataDir = join(dir, 'pglite');
      const first = embeddedSecretKey(dataDir);
      expect(first).toMatchObject({ generated: true, file: join(dataDir, 'exflow-secrets.key') });
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      const again = embeddedSecretKey(`${dataDir}/`);
      expect(again.generated).toBe(false);
      expect(again.key.equals(first.key)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(testDatabaseKinds())('connectors and credentials, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  const erp = createFakeErp({ token: TOKEN });
  let erpUrl: string;
  const retry: RetryPolicy = { initialInterval: 'PT0.1S', backoffCoefficient: 2, maximumInterval: 'PT0.4S', deadline: 'PT2M' };

  async function publish(definition: WorkflowDefinition) {
    const created = await admin('POST', '/api/v1/definitions', definition);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }
  const { open } = invoiceCases(() => admin);
  const getCase = async (id: string) => (await admin('GET', `/api/v1/cases/${id}`)).body;

  beforeAll(async () => {
    erpUrl = await erp.up();
    for (const n of [1, 2, 3, 4, 5, 6])
      erp.addPurchaseOrder({
        poNumber: `PO-700${n}`,
        supplierId: 'SUP-9',
        currency: 'EUR',
        lines: [{ lineId: '1', description: 'Service', quantity: '1', unitPrice: '100.00' }],
      });
    server = await startTestServer({
      database,
      egressAllow: ['127.0.0.1'],
      // quick to open and to half-open, so the drill takes seconds
      connectors: [{ ...erpConnector, timeoutMs: 2_000, breaker: { failures: 3, halfOpenAfterMs: 300 }, retry: { attempts: 1, initialDelayMs: 20 } }],
    });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
  });
  afterAll(async () => {
    await server?.stop();
    await erp.down();
  });

  it('stores credentials sealed and never answers their values; webhook secrets are sealed too', async () => {
    const put = await admin('PUT', '/api/v1/credentials/erp-token', { type: 'bearer', token: TOKEN, description: 'ERP API' });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'erp-token', type: 'bearer', description: 'ERP API', lastUsedAt: null });
    expect(JSON.stringify(put.body)).not.toContain(TOKEN);
    expect((await admin('PUT', '/api/v1/credentials/erp-token', { type: 'bearer', token: TOKEN })).status).toBe(200);
    const listed = await admin('GET', '/api/v1/credentials');
    expect(listed.body.map((c: { name: string }) => c.name)).toEqual(['erp-token']);
    expect(JSON.stringify(listed.body)).not.toContain(TOKEN);
    expect((await admin('GET', '/api/v1/credentials/erp-token')).body).not.toHaveProperty('token');

    const badName = await admin('PUT', '/api/v1/credentials/no%20spaces', { type: 'bearer', token: 'x' });
    expect(badName.status).toBe(422);
    expect(badName.body.errors[0].path).toBe('/name');
    const noPassword = await admin('PUT', '/api/v1/credentials/basic1', { type: 'basic', username: 'u' });
    expect(noPassword.status).toBe(422);
    expect(noPassword.body.errors[0].path).toBe('/password');
    const stray = await admin('PUT', '/api/v1/credentials/basic1', { type: 'bearer', token: 't', password: 'p' });
    expect(stray.body.errors[0].path).toBe('/password');
    expect((await admin('GET', '/api/v1/credentials/basic1')).status).toBe(404);
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    expect((await analyst('GET', '/api/v1/credentials')).status).toBe(403);
    // another tenant's admin sees none of them, and cannot reach them by name
    const other = httpClient(server.url, await server.login('platform@northledger.example'));
    expect((await other('GET', '/api/v1/credentials')).body).toEqual([]);
    expect((await other('GET', '/api/v1/credentials/erp-token')).status).toBe(404);
    expect((await other('DELETE', '/api/v1/credentials/erp-token')).status).toBe(404);

    const row = await server.db('credentials').where({ name: 'erp-token' }).first();
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain(TOKEN);
    expect(row.key_id).toBe(secretKeyId(Buffer.from(TEST_SECRETS_KEY, 'base64')));

    const subscribed = await admin('POST', '/api/v1/webhook-subscriptions', { url: 'https://hooks.example.com/x', eventTypes: ['case.closed'] });
    expect(subscribed.status).toBe(201);
    const stored = await server.db('webhook_subscriptions').where({ id: subscribed.body.id }).first();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(subscribed.body.secret.slice('whsec_'.length));
    expect(createSecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64')).open(stored.secret)).toBe(subscribed.body.secret);
    const removed = await admin('DELETE', `/api/v1/webhook-subscriptions/${subscribed.body.id}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await admin('PUT', '/api/v1/credentials/spare', { type: 'basic', username: 'u', password: 'p' })).status).toBe(201);
    expect((await admin('DELETE', '/api/v1/credentials/spare')).status).toBe(204);
    expect((await admin('DELETE', '/api/v1/credentials/spare')).status).toBe(404);
  });

  it('sets up the ERP connector for the tenant, naming a bad setting or credential', async () => {
    const badUrl = await admin('PUT', '/api/v1/connectors/erp', { config: { baseUrl: 'ftp://erp' }, credential: 'erp-token' });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.errors[0].path).toBe('/config/baseUrl');
    const unknown = await admin('PUT', '/api/v1/connectors/erp', { config: { baseUrl: erpUrl }, credential: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('/credential');
    expect((await admin('PUT', '/api/v1/connectors/sap', { config: {} })).status).toBe(404);
    const ok = await admin('PUT', '/api/v1/connectors/erp', { config: { baseUrl: erpUrl }, credential: 'erp-token' });
    expect(ok.status).toBe(200);
    const listed = await admin('GET', '/api/v1/connectors');
    const view = listed.body.find((c: { name: string }) => c.name === 'erp');
    expect(view.operations.map((o: { name: string }) => o.name)).toEqual([
      'fetchPurchaseOrder',
      'fetchSupplier',
      'postInvoice',
      'placePaymentHold',
      'releasePaymentHold',
    ]);
    expect(view.settings).toMatchObject({ credential: 'erp-token', referenceData: 'loaded' });
    expect(view.breaker).toEqual({ state: 'closed', openUntil: null });
  });

  it('drill: while the ERP is down cases wait visibly, and when it is back every case resumes and each post is acted on once', async () => {
    await publish(
      connectorFlow(
        'erp-drill',
        [
          ['po', 'fetchPurchaseOrder', { poNumber: 'invoice.poNumber' }],
          ['post', 'postInvoice', { ...postInput, supplierId: 'po.purchaseOrder.supplierId' }],
        ],
        retry,
      ),
    );
    await erp.down();
    const cases = await Promise.all([1, 2, 3, 4].map((n) => open('erp-drill', `DRILL-${n}`, `PO-700${n}`)));

    // down longer than one retry budget of the connector (its quick retry) and than one breaker cycle
    let sawOpen = false;
    await eventually(
      async () => {
        const breaker = (await admin('GET', '/api/v1/connectors')).body.find((c: { name: string }) => c.name === 'erp').breaker;
        if (breaker.state === 'open') {
          sawOpen = true;
          expect(Date.parse(breaker.openUntil)).toBeGreaterThan(Date.now() - 1000);
        }
        for (const id of cases) {
          const c = await getCase(id);
          expect(c.status).toBe('open');
          const effect = c.effects.find((e: { nodeId: string }) => e.nodeId === 'po');
          if (!(effect.status === 'pending' && effect.waitingFor === 'ERP' && effect.nextRetryAt && effect.attempts >= 3)) return false;
          expect(effect.lastError).toMatch(/ERP (unreachable|unavailable)/);
        }
        return sawOpen;
      },
      PATIENCE_MS,
      'cases waiting for the ERP with a next retry time, and the breaker open',
    );
    expect(erp.counts.requests).toBe(0);

    erp.loseAnswers(2); // the first two posts are acted on but their answers lost: the retry must not post again
    await erp.up();
    for (const id of cases) await eventually(async () => (await getCase(id)).status === 'resolved', PATIENCE_MS, `case ${id} to resume and resolve`);

    expect(erp.invoices.map((i) => i.invoiceNumber).sort()).toEqual(['DRILL-1', 'DRILL-2', 'DRILL-3', 'DRILL-4']);
    expect(erp.counts.replayed).toBeGreaterThanOrEqual(2);
    expect(erp.counts.unauthorized).toBe(0);
    for (const id of cases) {
      const c = await getCase(id);
      expect(c.context.vars.post.documentId).toMatch(/^DOC-/);
      expect(c.context.vars.po.purchaseOrder.supplierId).toBe('SUP-9');
      expect(c.effects.every((e: { waitingFor: unknown; nextRetryAt: unknown }) => e.waitingFor === null && e.nextRetryAt === null)).toBe(true);
    }
    expect((await admin('GET', '/api/v1/credentials/erp-token')).body.lastUsedAt).not.toBeNull();
    // a trial call went through when the breaker half-opened, and closed it
    expect((await admin('GET', '/api/v1/connectors')).body.find((c: { name: string }) => c.name === 'erp').breaker).toEqual({
      state: 'closed',
      openUntil: null,
    });
  });

  it('past its retry budget the case waits in an incident, and a retry continues it once the ERP is back', async () => {
    await publish(connectorFlow('erp-budget', [['post', 'postInvoice', postInput]], { initialInterval: 'PT0.05S', maximumAttempts: 2 }));
    await erp.down();
    const id = await open('erp-budget', 'BUDGET-1', 'PO-7005');
    const incident = await eventually(async () => ((c) => c.status === 'incident' && c)(await getCase(id)), PATIENCE_MS, 'an incident');
    const effect = incident.effects.find((e: { nodeId: string }) => e.nodeId === 'post');
    expect(effect.status).toBe('failed');
    await erp.up();
    expect((await admin('POST', `/api/v1/cases/${id}/effects/${effect.id}/retry`)).status).toBeLessThan(300);
    await eventually(async () => (await getCase(id)).status === 'resolved', PATIENCE_MS, 'the retried case to resolve');
    expect(erp.invoices.filter((i) => i.invoiceNumber === 'BUDGET-1')).toHaveLength(1);
  });

  it('pulls reference data live through the connector when the tenant says so', async () => {
    expect((await admin('PUT', '/api/v1/connectors/erp', { config: { baseUrl: erpUrl }, credential: 'erp-token', referenceData: 'live' })).status).toBe(200);
    erp.addPurchaseOrder(
      { poNumber: 'PO-7100', supplierId: 'SUP-9', currency: 'EUR', lines: [{ lineId: '1', description: 'Service', quantity: '1', unitPrice: '100.00' }] },
      [{ receiptId: 'GR-7100-1', lineId: '1', quantity: '1' }],
    );
    const matchNode = { id: 'match', kind: 'threeWayMatch', config: { service: 'threeWayMatch', resultVar: 'match' } };
    await publish(connectorFlow('erp-live', [['po', 'fetchPurchaseOrder', { poNumber: 'invoice.poNumber' }]], retry, [matchNode]));
    const id = await open('erp-live', 'LIVE-1', 'PO-7100');
    const c = await eventually(async () => ((x) => x.status === 'resolved' && x)(await getCase(id)), PATIENCE_MS, 'the live case to resolve');
    expect(c.context.vars.match).toMatchObject({ poNumber: 'PO-7100', mode: '3-way' });
    expect(c.context.vars.match.lines[0]).toMatchObject({ lineId: '1' });
    expect(await server.db('goods_receipts').where({ id: 'GR-7100-1' }).first()).toBeTruthy();
  });

  it('places and releases a payment hold and reads a supplier, speaking only the documented ERP API', async () => {
    erp.addSupplier({ supplierId: 'SUP-9', name: 'Nine Supplies', country: 'SE' });
    await publish(
      connectorFlow(
        'erp-hold',
        [
          ['supplier', 'fetchSupplier', { supplierId: '"SUP-9"' }],
          ['hold', 'placePaymentHold', { invoiceNumber: 'invoice.invoiceNumber', reason: '"price variance under review"', supplierId: 'supplier.supplierId' }],
          ['release', 'releasePaymentHold', { holdId: 'hold.holdId' }],
        ],
        retry,
      ),
    );
    const id = await open('erp-hold', 'HOLD-1', 'PO-7006');
    const c = await eventually(async () => ((x) => x.status === 'resolved' && x)(await getCase(id)), PATIENCE_MS, 'the hold case to resolve');
    expect(c.context.vars.supplier.name).toBe('Nine Supplies');
    expect(c.context.vars.release).toMatchObject({ holdId: c.context.vars.hold.holdId, status: 'released' });
    expect([...erp.holds.values()].filter((h) => h.invoiceNumber === 'HOLD-1')).toEqual([expect.objectContaining({ status: 'released' })]);

    const documented = parse(readFileSync(new URL('../../../docs/erp-connector.openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, object> };
    const routes = Object.entries(documented.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => new RegExp(`^${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '[^/]+')}$`)),
    );
    expect(erp.requests.length).toBeGreaterThan(10);
    expect(erp.requests.filter((r) => !routes.some((route) => route.test(r)))).toEqual([]);
  });

  it('reseals plain and old-key secrets at start, and PostgreSQL refuses to start without the key when secrets are stored', async () => {
    const [tenantId] = (await server.db('credentials').where({ name: 'erp-token' }).select('tenant_id')).map((r) => r.tenant_id);
    await server
      .db('webhook_subscriptions')
      .insert({ tenant_id: tenantId, id: 'legacy-hook', url: 'https://hooks.example.com/y', event_types: '["case.closed"]', secret: 'whsec_bGVnYWN5' });
    const next = Buffer.alloc(32, 9).toString('base64');
    const config = {
      ...loadConfig({}),
      databaseUrl: server.database === 'postgres' ? 'postgres://unused' : undefined,
      dataDir: '',
      secretsKey: next,
      secretsPreviousKeys: [TEST_SECRETS_KEY],
    };
    const box = await prepareSecrets(config, server.db, () => {});
    const legacy = await server.db('webhook_subscriptions').where({ id: 'legacy-hook' }).first();
    expect(box!.open(legacy.secret)).toBe('whsec_bGVnYWN5');
    const row = await server.db('credentials').where({ name: 'erp-token' }).first();
    expect(row.key_id).toBe(box!.keyId);
    expect(JSON.parse(box!.open(row.sealed))).toEqual({ token: TOKEN });
    // back to the running server's key
    await prepareSecrets({ ...config, secretsKey: TEST_SECRETS_KEY, secretsPreviousKeys: [next] }, server.db, () => {});
    await server.db('webhook_subscriptions').where({ id: 'legacy-hook' }).delete();
    if (database === 'postgres')
      await expect(startTestServer({ database, schema: server.schema, secretsKey: null, seedDemo: false, workers: false })).rejects.toThrow(
        /EXFLOW_SECRETS_KEY is not set/,
      );
  });
});
