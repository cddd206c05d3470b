import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { invoiceWithChairPrice } from '../support/fixtures.js';
import { eventually, httpClient } from '../support/http.js';

/**
 * The analyst works a task with the invoice's stored triage findings in view: kind, severity,
 * rule id, figures and value at risk, as GET /invoices/:id returns them.
 */
describe.skipIf(!hasChromium)('triage findings on the task page, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists each finding of the invoice where the analyst decides', async () => {
    const intake = httpClient(server.url, await server.login('erp@demo.exflow'));
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    // chairs 9.2 % over the PO price, and line 1 states an allowance of 10.00 its net amount leaves out
    const invoice = invoiceWithChairPrice('NOS-2026-0777', '131.00');
    invoice.lines[0] = { ...invoice.lines[0]!, allowanceCharges: [{ kind: 'allowance', amount: '10.00', reason: 'Volume discount' }] } as never;
    const posted = await intake('POST', '/api/v1/invoices?definition=price-variance', invoice);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const stored = (await analyst('GET', `/api/v1/invoices/${posted.body.invoice.id}`)).body;
    const expected = stored.findings.map((f: { kind: string; ruleId: string }) => [f.kind, f.ruleId]);
    expect(expected).toEqual(expect.arrayContaining([['arithmeticError', 'PEPPOL-EN16931-R120'], expect.arrayContaining(['priceVariance'])]));
    const task = await eventually(
      async () => (await analyst('GET', '/api/v1/inbox?view=unclaimed')).body.items.find((t: { invoiceNumber: string }) => t.invoiceNumber === 'NOS-2026-0777'),
      10_000,
      'the task of NOS-2026-0777',
    );

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('[data-testid=inbox]');
    await page.goto(`${server.url}/#/tasks/${encodeURIComponent(task.id)}`);
    await page.waitForSelector('[data-testid=triage-finding]');

    const panel = page.locator('[data-testid=triage-findings]');
    expect(await panel.getAttribute('data-outcome')).toBe(stored.triageOutcome);
    const rows = page.locator('[data-testid=triage-finding]');
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-kind'), tr.getAttribute('data-rule')]));
    expect(shown).toEqual(expected); // every stored finding, riskiest first, as stored
    const r120 = rows.filter({ has: page.locator('code', { hasText: 'PEPPOL-EN16931-R120' }) });
    await expect.poll(() => r120.count()).toBe(1);
    const text = await r120.innerText();
    expect(text).toContain('warning');
    expect(text).toContain('Arithmetic');
    expect(text).toMatch(/stated\s*1310\.00/);
    expect(text).toMatch(/computed\s*1300/);
    expect(text).toMatch(/€10\.00|EUR\s*10\.00|10\.00\s*€/);
    await page.screenshot({ path: join(ARTIFACTS, 'task-triage-findings.png'), fullPage: true });
  });
});
