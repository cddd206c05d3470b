import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { invoiceWithChairPrice } from '../support/fixtures.js';
import { eventually, httpClient } from '../support/http.js';

// Intl writes a (narrow) no-break space before "€" in German; compare on plain spaces
const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

async function openInbox(page: Page, server: TestServer, email: string) {
  page.on('pageerror', (e) => console.error(`page error (${email}):`, e.message));
  await signIn(page, server, email);
  await page.waitForSelector('[data-testid=inbox]');
}

// Issue 15: the UI in English and German, amounts in the user's locale and the invoice's currency.
describe.skipIf(!hasChromium)('the web app in German, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let taskId: string;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const intake = httpClient(server.url, await server.login('erp@demo.exflow'));
    // 10 chairs at 150.00 + 5 desks at 300.00 = 3,000.00 net, 3,750.00 gross
    expect((await intake('POST', '/api/v1/invoices?definition=price-variance', invoiceWithChairPrice('NOS-2026-0777', '150.00'))).status).toBe(201);
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const task = await eventually(
      async () =>
        (await analyst('GET', '/api/v1/inbox?view=unclaimed&queue=procurement')).body.items.find(
          (t: { invoiceNumber: string }) => t.invoiceNumber === 'NOS-2026-0777',
        ),
      10_000,
      'the task of NOS-2026-0777',
    );
    taskId = task.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an English browser switches to German: inbox and task page in German, the amount written 3.750,00 €, the choice remembered', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' })).newPage();
    await openInbox(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('.ws-side-title:has-text("Queues")');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    await page.selectOption('[data-testid=language-switch]', 'de');
    await page.waitForSelector('.ws-side-title:has-text("Warteschlangen")');
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await page.waitForSelector('[data-testid=view-mine]:has-text("Meine Aufgaben")');
    await page.waitForSelector('[data-testid=inbox-table] th:has-text("Risikobetrag")');
    const row = page.locator(`[data-testid=inbox-table] tr[data-task-id="${taskId}"]`);
    await row.waitFor();
    expect(plain(await row.locator('td.num').nth(1).locator('div').first().textContent())).toBe('3.750,00 €');
    await page.screenshot({ path: join(ARTIFACTS, 'i18n-inbox-de.png'), fullPage: true });

    await row.locator('a:has-text("Öffnen")').click();
    await page.waitForSelector('[data-testid=task-page]');
    await page.waitForSelector('h2:has-text("Entscheidung")');
    await page.waitForSelector('h2:has-text("Rechnung NOS-2026-0777")');
    expect(plain(await page.textContent('[data-testid=invoice-gross]'))).toBe('3.750,00 €');
    await page.waitForSelector('dd:has-text("20.11.2026")');
    await page.screenshot({ path: join(ARTIFACTS, 'i18n-task-de.png'), fullPage: true });

    // remembered: a reload stays German
    await page.reload();
    await page.waitForSelector('h2:has-text("Entscheidung")');
  });

  it('a German browser starts in German, and a form refusal is in plain German words', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'de-DE' })).newPage();
    await openInbox(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('.ws-side-title:has-text("Warteschlangen")');
    await page.goto(`${server.url}/#/tasks/${taskId}`);
    await page.click('[data-testid=task-claim]');
    await page.waitForSelector('[data-testid=decision] button[data-outcome=reject]:not([disabled])');
    await page.click('[data-testid=decision] button[data-outcome=reject]');
    await page.waitForSelector('[data-testid=decision-error]:has-text("rot markierten Felder")');
    // the field's title comes from the flow ("Reason"); the sentence around it is German, not ajv's
    await page.waitForSelector('[data-testid=decision] :text("Reason ist erforderlich")');
    expect(await page.locator('[data-testid=decision] :text("must have required property")').count()).toBe(0);
  });
});
