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
  it('Insights and the admin area in German, and a save the server refuses is refused in German words naming the field', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error (admin):', e.message));
    await page.goto(server.url);
    await page.fill('input[type=email]', 'admin@demo.exflow');
    await page.fill('input[type=password]', 'demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=flow-table]');

    await page.goto(`${server.url}/#/insights`);
    await page.waitForSelector('[data-testid=insights] h1:has-text("Auswertungen")');
    await page.waitForSelector('[data-testid=chart-approvalAging] [data-bar]');
    await page.waitForFunction(() => ![...document.querySelectorAll('.ins-tile__value')].some((t) => t.textContent === '…'));
    expect(await page.textContent('[data-testid=tile-approvalAging] .ins-tile__title')).toBe('Alter offener Freigaben');
    // the task of NOS-2026-0777 waits: "1 offen", its age bucket in German words
    expect(await page.textContent('[data-testid=tile-approvalAging] .ins-tile__value')).toMatch(/^\d+ offen/);
    expect(await page.locator('[data-testid=chart-approvalAging] [data-bar]').first().getAttribute('aria-label')).toMatch(/ · 0–2 T \d+$/);
    expect(await page.locator('[data-testid=chart-approvalAging] [data-bar]').first().getAttribute('aria-description')).toMatch(
      /^Alter offener Freigaben, .*Fälle anzeigen$/,
    );
    expect(plain(await page.textContent('[data-testid=tile-exceptionRate] .ins-tile__value'))).toMatch(/^\d+(,\d)? %$/);
    expect(await page.locator('[data-testid=ins-quick-range] option:checked').textContent()).toBe('Letzte 30 Tage');
    expect(await page.textContent('#ins-export-title')).toBe('Export für Process Mining');
    await page.screenshot({ path: join(ARTIFACTS, 'i18n-insights-de.png'), fullPage: true });
    // a period that ends before it starts is refused on the page, in German
    await page.fill('[data-testid=ins-from]', '2026-11-30');
    await page.fill('[data-testid=ins-to]', '2026-11-01');
    expect(await page.textContent('[data-testid=ins-period-problem]')).toBe('Der letzte Tag liegt vor dem ersten');

    await page.goto(`${server.url}/#/admin`);
    await page.waitForSelector('[data-testid=admin] h1:has-text("Verwaltung")');
    await page.waitForSelector('#admin-branding-title:has-text("Markenauftritt")');
    await page.waitForSelector('#admin-api-keys-title:has-text("API-Schlüssel")');
    await page.waitForSelector('[data-testid=policies-form] label:has-text("Preistoleranz (%)")');
    await page.waitForSelector('[data-testid=policies-form] button[type=submit]:has-text("Richtlinien speichern")');
    await page.waitForSelector('[data-testid=template-packs] button:has-text("Installier")');
    await page.screenshot({ path: join(ARTIFACTS, 'i18n-admin-de.png'), fullPage: true });
    await context.close();

    // a platform admin edits the brand; the server refuses a product name of 61 characters (the limit is 60)
    const msp = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'de-DE' })).newPage();
    msp.on('pageerror', (e) => console.error('page error (platform admin):', e.message));
    await msp.goto(server.url);
    await msp.fill('input[type=email]', 'platform@northledger.example');
    await msp.fill('input[type=password]', 'demo');
    await msp.click('[data-testid=login-submit]');
    await msp.waitForSelector('[data-testid=nav-admin]');
    await msp.click('[data-testid=nav-admin]');
    const name = msp.locator('[data-testid=branding-form] input[name=productName]');
    await name.waitFor();
    const before = await name.inputValue();
    await name.fill('N'.repeat(61));
    await msp.click('[data-testid=branding-save]');
    const refusal = msp.locator('#admin-branding [role=alert]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('Nicht angenommen: Produktname erlaubt höchstens 60 Zeichen');
    const north = httpClient(server.url, await server.login('platform@northledger.example'));
    expect((await north('GET', '/api/v1/branding')).body.productName).toBe(before);
    await msp.screenshot({ path: join(ARTIFACTS, 'i18n-admin-refused-de.png') });
  });
});
