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

describe.skipIf(!hasChromium)('a case whose ERP call fails, on the case page', { timeout: TEST_TIMEOUT_MS }, () => {
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

  it('shows each failed ERP call live (attempt, reason, next retry), clears when the ERP is back, and shows giving up with the incidents link', async () => {
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
    const flow = (key: string, maximumAttempts: number) => ({
      schemaVersion: 1,
      key,
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
            retry: { initialInterval: 'PT1S', backoffCoefficient: 1, maximumInterval: 'PT1S', maximumAttempts },
          },
        },
        { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'po' },
        { id: 'e2', source: 'po', target: 'done', sourcePort: 'done' },
      ],
    });
    for (const definition of [flow('erp-wait', 500), flow('erp-give-up', 2)]) {
      const created = await admin('POST', '/api/v1/definitions', definition);
      expect(created.status).toBe(201);
      expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    }
    const posted = await admin('POST', '/api/v1/invoices?definition=erp-wait', { ...plainInvoice('WAIT-1'), poNumber: 'PO-8001' });
    const caseId = posted.body.case.id as string;

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('[data-testid=inbox]');
    await page.goto(`${server.url}/#/cases/${caseId}`);
    await page.waitForSelector('[data-testid=effects]');
    // from here on the page is never reloaded: what it shows comes over its socket
    let loads = 0;
    page.on('load', () => loads++);
    const banner = page.locator('[data-testid=case-waiting]');
    const attemptShown = async () => {
      if (!(await banner.count())) return 0;
      const m = /attempt (\d+) of 500/.exec((await banner.first().textContent()) ?? '');
      return m ? Number(m[1]) : 0;
    };
    const first = await eventually(async () => (await attemptShown()) || undefined, PATIENCE_MS, 'the failed-call banner');
    expect(await banner.first().textContent()).toMatch(
      /^ERP call failed \(attempt \d+ of 500\): ERP (unreachable|unavailable)[^]*\. Retrying at \d{1,2}:\d\d:\d\d(\s[AP]M)?\. The case waits at Fetch PO and goes on when ERP answers\.$/,
    );
    expect(await page.locator('[data-testid=effects] .effect-chip').first().textContent()).toMatch(/^(waiting for ERP|running)$/);
    // the next failed attempt replaces the banner's attempt and time, without a reload
    await eventually(async () => (await attemptShown()) > first, PATIENCE_MS, 'a later attempt on the banner');
    await page.screenshot({ path: join(ARTIFACTS, 'case-erp-call-failed.png'), fullPage: false });
    expect(loads).toBe(0);

    await erp.up();
    await eventually(async () => (await admin('GET', `/api/v1/cases/${caseId}`)).body.status === 'resolved', PATIENCE_MS, 'the case to resume');
    await eventually(async () => (await banner.count()) === 0, PATIENCE_MS, 'the banner to clear');
    await eventually(
      async () => (await page.locator('[data-testid=case-status]').textContent()) === 'resolved',
      PATIENCE_MS,
      'the page to show the case resolved',
    );
    expect(loads).toBe(0);

    // the second flow gives up after 2 attempts: the case waits in an incident, and the page says so
    await erp.down();
    const spent = (await admin('POST', '/api/v1/invoices?definition=erp-give-up', { ...plainInvoice('WAIT-2'), poNumber: 'PO-8001' })).body.case.id as string;
    await page.goto(`${server.url}/#/cases/${spent}`);
    await page.waitForSelector('[data-testid=effects]');
    const gaveUp = page.locator('[data-testid=case-gave-up]');
    await eventually(async () => (await gaveUp.count()) > 0, PATIENCE_MS, 'the gave-up banner');
    expect(await gaveUp.textContent()).toMatch(
      /^Gave up after 2 attempts calling ERP: ERP (unreachable|unavailable)[^]*\. The case waits in an incident until the call is retried\. Open the incidents$/,
    );
    expect(await gaveUp.locator('a').getAttribute('href')).toBe('#/incidents');
    await eventually(async () => (await page.locator('[data-testid=case-status]').textContent()) === 'incident', PATIENCE_MS, 'the incident status');
    await page.screenshot({ path: join(ARTIFACTS, 'case-erp-gave-up.png'), fullPage: false });
  });
});
