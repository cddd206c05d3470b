import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { httpClient } from '../support/http.js';

const FIXTURE = new URL('../../../shared/test/fixtures/bpmn/invoice.v2.bpmn', import.meta.url);

// docs/definitions.md, "BPMN 2.0 interchange": Import BPMN in the flow list, Export BPMN on a version.
describe.skipIf(!hasChromium)('BPMN import and export in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let owner: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("imports Camunda's invoice example from the flow list and exports a published version as BPMN", async () => {
    await signIn(page, server, 'owner@demo.exflow');
    await page.waitForSelector('[data-testid=import-bpmn]');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid=import-bpmn]');
    await (await chooser).setFiles(FIXTURE.pathname);
    const notice = await page.waitForSelector('[data-testid=import-bpmn-notice]');
    expect(await notice.textContent()).toContain('Imported "Invoice Receipt" as a draft (key invoice)');
    expect(await notice.textContent()).toContain('"Assign Approver Group" (assignApprover): placeholder');
    expect(await notice.textContent()).toContain('"no" (invoiceNotApproved): rewritten');
    await page.waitForSelector('.flow-list td:has-text("Invoice Receipt")');
    await page.screenshot({ path: join(ARTIFACTS, 'bpmn-import.png') });

    const id = ((await owner('GET', '/api/v1/definitions')).body as { id: string; key: string }[]).find((d) => d.key === 'invoice')!.id;
    expect((await owner('POST', `/api/v1/definitions/${id}/publish`)).status).toBe(201);
    await page.reload();
    await page.click('tr:has-text("Invoice Receipt") button[title="Show versions"]');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export-bpmn-1]');
    const file = await download;
    expect(file.suggestedFilename()).toBe('invoice.v1.bpmn');
    const xml = readFileSync((await file.path())!, 'utf8');
    expect(xml).toContain('<bpmn:userTask id="approveInvoice" name="Approve Invoice"');
    expect(xml).toContain('<bpmndi:BPMNShape id="approveInvoice_di" bpmnElement="approveInvoice">');
  });
});
