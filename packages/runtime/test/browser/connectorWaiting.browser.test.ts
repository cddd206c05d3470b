import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpConnector } from '../../src/integration/connectors/erp/erpConnector.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { createFakeErp } from '../support/fakeErp.js';
import { plainInvoice } from '../support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from '../support/http.js';

describe.skipIf(!hasChromium)('a case waiting for the ERP, on the case page', { timeout: TEST_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  const erp = createFakeErp({ token: 'browser-erp-token' });

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({
      designerDist: DESIGNER_DIST,
      egressAllow: ['127.0.0.1'],
      connectors: [{ ...erpConnector, breaker: { failures: 3, halfOpenAfterMs: 1_000 } }],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await erp.down();
  });

  it('says "Waiting for ERP" with the next retry, and clears when the ERP is back', async () => {
    const erpUrl = await erp.up();
    erp.addPurchaseOrder({
      poNumber: 'PO-8001',
      supplierId: 'SUP-1',
      currency: 'EUR',
      lines: [{ lineId: '1', description: 'Chairs', quantity: '1', unitPrice: '100.00' }],
    });
    await erp.down();
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    expect((await admin('PUT', '/api/v1/credentials/erp', { type: 'bearer', token: 'browser-erp-token' })).status).toBe(201);
    expect((await admin('PUT', '/api/v1/connectors/erp', { config: { baseUrl: erpUrl }, credential: 'erp' })).status).toBe(200);
    const flow = {
      schemaVersion: 1,
      key: 'erp-wait',
      name: 'Fetch the PO from the ERP',
      nodes: [
        { id: 'start', kind: 'start' },
        {
          id: 'po',
          kind: 'connector',
          label: 'Fetch PO',
          config: {
            service: 'connector',
            params: { connector: 'erp', operation: 'fetchPurchaseOrder', input: { poNumber: 'invoice.poNumber' } },
            resultVar: 'po',
            retry: { initialInterval: 'PT1S', backoffCoefficient: 1, maximumInterval: 'PT1S', deadline: 'PT10M' },
          },
        },
        { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'po' },
        { id: 'e2', source: 'po', target: 'done', sourcePort: 'done' },
      ],
    };
    const created = await admin('POST', '/api/v1/definitions', flow);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const posted = await admin('POST', '/api/v1/invoices?definition=erp-wait', { ...plainInvoice('WAIT-1'), poNumber: 'PO-8001' });
    const caseId = posted.body.case.id as string;
    await eventually(
      async () => (await admin('GET', `/api/v1/cases/${caseId}`)).body.effects.some((e: { waitingFor: string | null }) => e.waitingFor === 'ERP'),
      PATIENCE_MS,
      'the case to wait for the ERP',
    );

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('[data-testid=inbox]');
    await page.goto(`${server.url}/#/cases/${caseId}`);
    const banner = page.locator('[data-testid=case-waiting]');
    // a retry in flight when the page loads shows no banner (the effect is not pending then) and a
    // failed retry writes no case event to refresh the page by: opened again, as a person would
    await eventually(
      async () => {
        await page.goto(`${server.url}/#/cases/${caseId}`);
        await page.reload();
        await page.waitForSelector('[data-testid=effects]');
        return (await banner.count()) > 0;
      },
      PATIENCE_MS,
      'the waiting banner on the case page',
    );
    expect(await banner.textContent()).toMatch(/Waiting for ERP at Fetch PO: the call failed \(ERP (unreachable|unavailable)[^)]*\); next retry /);
    expect(await page.locator('[data-testid=effects] .effect-chip').first().textContent()).toBe('waiting for ERP');
    await page.screenshot({ path: join(ARTIFACTS, 'case-waiting-for-erp.png'), fullPage: false });

    await erp.up();
    await eventually(async () => (await admin('GET', `/api/v1/cases/${caseId}`)).body.status === 'resolved', PATIENCE_MS, 'the case to resume');
    await page.reload();
    await page.waitForSelector('[data-testid=effects]');
    expect(await page.locator('[data-testid=case-waiting]').count()).toBe(0);
  });
});
