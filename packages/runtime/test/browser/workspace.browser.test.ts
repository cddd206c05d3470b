import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { invoiceWithChairPrice } from '../support/fixtures.js';
import { eventually, httpClient } from '../support/http.js';

const row = (taskId: string) => `[data-testid=inbox-table] tr[data-task-id="${taskId}"]`;

/** Signs in through the login screen, as a person would; analysts land in the inbox. */
async function openInbox(context: BrowserContext, server: TestServer, email: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error (${email}):`, e.message));
  await signIn(page, server, email);
  await page.waitForSelector('[data-testid=inbox]');
  await page.waitForSelector('[data-testid=live-status]:has-text("Live")');
  return page;
}

describe.skipIf(!hasChromium)('analyst workspace in Chromium, two analysts side by side', () => {
  let server: TestServer;
  let browser: Browser;
  let ari: Page;
  let bea: Page;
  let api: ReturnType<typeof httpClient>;
  let taskId: string;
  let caseId: string;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    api = httpClient(server.url, await server.login('analyst@demo.exflow'));
    // a few more exceptions beside the demo's, so the inbox has something to rank
    // received through the ERP's account: accepting a variance is an approval, which whoever
    // submitted the invoice may not give (the analysts below accept it)
    const intake = httpClient(server.url, await server.login('erp@demo.exflow'));
    const numbers: [string, string][] = [
      ['NOS-2026-0501', '126.00'],
      ['NOS-2026-0502', '150.00'],
      ['NOS-2026-0503', '131.00'],
    ];
    for (const [number, price] of numbers) {
      const posted = await intake('POST', '/api/v1/invoices?definition=price-variance', invoiceWithChairPrice(number, price));
      expect(posted.status).toBe(201);
    }
    const target = await eventually(
      async () => {
        const page = (await api('GET', '/api/v1/inbox?view=unclaimed&queue=procurement')).body;
        return page.items.find((t: { invoiceNumber: string }) => t.invoiceNumber === 'NOS-2026-0502');
      },
      10_000,
      'the task of NOS-2026-0502',
    );
    taskId = target.id;
    caseId = target.caseId;
    browser = await launchBrowser();
    const viewport = { width: 1440, height: 900 };
    ari = await openInbox(await browser.newContext({ viewport }), server, 'analyst@demo.exflow');
    bea = await openInbox(await browser.newContext({ viewport }), server, 'analyst2@demo.exflow');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('ranks the unclaimed tasks and shows their SLA', async () => {
    for (const page of [ari, bea]) await page.waitForSelector(row(taskId));
    await ari.screenshot({ path: join(ARTIFACTS, 'workspace-inbox.png'), fullPage: true });
    const invoices = await ari.locator('[data-testid=inbox-table] .inbox-row__invoice').allTextContents();
    // same SLA and priority: the more at risk, the higher (25 % over, then 9.2 %, then 5 %)
    const rank = (n: string) => invoices.indexOf(n);
    expect(rank('NOS-2026-0502')).toBeGreaterThanOrEqual(0);
    expect(rank('NOS-2026-0502')).toBeLessThan(rank('NOS-2026-0503'));
    expect(rank('NOS-2026-0503')).toBeLessThan(rank('NOS-2026-0501'));
    expect(await ari.locator(`${row(taskId)} [data-sla]`).getAttribute('data-sla')).toBe('ok');
  });

  it("a task one analyst claims leaves the other's unclaimed list within a second", async () => {
    const claimed = ari.waitForResponse((r) => r.url().endsWith(`/tasks/${taskId}/claim`) && r.status() === 200);
    await ari.click(`${row(taskId)} [data-testid=claim]`);
    await claimed;
    const start = Date.now();
    await bea.waitForSelector(row(taskId), { state: 'detached', timeout: 1000 });
    expect(Date.now() - start).toBeLessThan(1000);
    // and it shows as Ari's in Ari's own list
    await ari.click('[data-testid=view-mine]');
    await ari.waitForSelector(`${row(taskId)} >> text=You`);
  });

  it('refuses the form with the missing field named, and changes nothing', async () => {
    await bea.goto(`${server.url}/#/cases/${caseId}`);
    await bea.waitForSelector('[data-testid=case-map] .react-flow__node');
    expect(await bea.locator('[data-testid=case-status]').textContent()).toBe('open');
    // Ari's claim is no case event, but it is in the case's timeline (from the audit trail)
    await bea.waitForSelector('[data-testid=timeline] li[data-audit="task.claimed"]:has-text("Ari Analyst"):has-text("claimed")');

    await ari.click(row(taskId));
    await ari.waitForSelector('[data-testid=task-page] [data-testid=match-table]');
    expect(await ari.locator('[data-testid=match-table] tr[data-line="1"] [data-testid=price-variance]').textContent()).toBe('+25 %');
    expect(await ari.locator('[data-testid=match-table] tr[data-line="1"] .cell-bad').count()).toBeGreaterThan(0);
    expect(await ari.locator('[data-testid=match-table] tr[data-line="2"] .cell-bad').count()).toBe(0);
    await ari.screenshot({ path: join(ARTIFACTS, 'workspace-task.png'), fullPage: true });

    await ari.click('[data-testid=decision] button[data-outcome=accept]');
    await ari.waitForSelector('[data-testid=decision-error]');
    const fieldErrors = await ari.locator('[data-testid=decision] .error-detail').allTextContents();
    expect(fieldErrors.join(' ')).toMatch(/Reason/);
    expect((await api('GET', `/api/v1/tasks/${taskId}`)).body.status).toBe('open');
    await ari.screenshot({ path: join(ARTIFACTS, 'workspace-task-refused.png'), fullPage: true });
  });

  it("a comment mentioning a colleague shows in the other analyst's case view as it is posted", async () => {
    await ari.fill('[data-testid=comments] textarea', '@analyst2 the supplier says express delivery was ordered, can you confirm?');
    await ari.click('[data-testid=comments] button[type=submit]');
    await ari.waitForSelector('[data-testid=comments] .mention:has-text("@analyst2")');
    await bea.waitForSelector('[data-testid=timeline] li:has-text("express delivery was ordered")', { timeout: 5000 });
  });

  it('completes the task with the form; both analysts see the case move on', async () => {
    await ari.fill('[data-testid=decision] textarea, [data-testid=decision] input[type=text]', 'Surcharge agreed with the supplier for express delivery');
    await ari.click('[data-testid=decision] button[data-outcome=accept]');
    await ari.waitForSelector('[data-testid=task-closed]');
    expect(await ari.locator('[data-testid=task-closed]').textContent()).toContain('resolved');

    // Bea's case view was open all along: it moves on by itself
    await bea.waitForSelector('[data-testid=case-status]:has-text("resolved")', { timeout: 5000 });
    await bea.waitForSelector('[data-testid=timeline] li:has-text("Surcharge agreed with the supplier")');
    expect(await bea.locator('.react-flow__node[data-id="accepted"] .step').getAttribute('class')).toContain('sim-active');
    expect(await bea.locator('.react-flow__node[data-id="withinTolerance"] .step').getAttribute('class')).toContain('sim-visited');
    await bea.screenshot({ path: join(ARTIFACTS, 'workspace-case.png'), fullPage: true });

    await ari.goto(`${server.url}/#/inbox`);
    await ari.click('[data-testid=view-mine]');
    await eventually(async () => (await ari.locator(row(taskId)).count()) === 0, 5000, "the task to leave Ari's list");
  });
});
