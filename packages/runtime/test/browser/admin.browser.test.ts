import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { httpClient } from '../support/http.js';

// docs/workspace.md, "Admin area": an MSP's platform admin runs its brand, its policies and its
// clients from the web app, not only over the API.
describe.skipIf(!hasChromium)('MSP admin area in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let north: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    north = httpClient(server.url, await server.login('platform@northledger.example'));
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a platform admin lands on the flows, with links to Flows, Inbox, Incidents and Admin', async () => {
    await signIn(page, server, 'platform@northledger.example');
    await page.waitForSelector('.flow-list h1:has-text("Flows")');
    expect(await page.locator('[data-testid=inbox]').count()).toBe(0);
    expect(await page.locator('nav[aria-label=Main] a').allTextContents()).toEqual(['Flows', 'Inbox', 'Incidents', 'Insights', 'Admin']);
  });

  it('sets its brand: the colour shows at once and the API has it', async () => {
    await page.click('[data-testid=nav-admin]');
    await page.waitForSelector('[data-testid=branding-form] input[name=productName]');
    await page.fill('[data-testid=branding-form] input[name=primaryColor]', '#8a2be2');
    // the preview follows the form before anything is saved
    expect(await page.locator('[data-testid=brand-preview] strong').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(138, 43, 226)');
    await page.click('[data-testid=branding-save]');
    await page.waitForSelector('#admin-branding [role=status]:has-text("Brand saved")');
    await page.waitForFunction(() => getComputedStyle(document.querySelector('header .brand__name')!).color === 'rgb(138, 43, 226)');
    expect((await north('GET', '/api/v1/branding')).body.primaryColor).toBe('#8a2be2');
  });

  it('edits a policy: saved, and read back over REST', async () => {
    const field = page.locator('[data-testid=policies-form] input[id$=priceTolerancePct]');
    await field.fill('3.5');
    await page.click('[data-testid=policies-form] button[type=submit]');
    await page.waitForSelector('[data-testid=policies-message]:has-text("Policies saved")');
    const policies = (await north('GET', '/api/v1/policies')).body;
    expect(policies.own.priceTolerancePct).toBe(3.5);
    expect(policies.own.fourEyesThreshold).toBe(25_000);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-msp.png'), fullPage: true });
  });

  it('acts in client Acme, installs a pack there, and sees its flows', async () => {
    await page.click('[data-testid=clients] li[data-client=acme] button');
    await page.waitForSelector('[data-testid=acting-banner]:has-text("Acting in Acme Manufacturing — back to NorthLedger Services")');
    await page.waitForSelector('.flow-list h1:has-text("Flows")');
    expect(await page.locator('[data-testid=flow-table] tr[data-flow-key]').count()).toBe(0);
    await page.click('[data-testid=nav-admin]');
    await page.click('[data-testid=template-packs] li[data-pack=ap-exceptions] button');
    await page.waitForSelector('[data-testid=templates-message]:has-text("installed")');
    const inAcme = (await north('GET', '/api/v1/definitions', undefined, { 'X-Exflow-Tenant': 'acme' })).body as { key: string }[];
    expect(inAcme.length).toBeGreaterThan(0);
    expect((await north('GET', '/api/v1/definitions')).body.map((d: { key: string }) => d.key)).not.toEqual(expect.arrayContaining(inAcme.map((d) => d.key)));
    await page.click('[data-testid=nav-flows]');
    await page.waitForSelector('[data-testid=flow-table]');
    const keys = await page.locator('[data-testid=flow-table] tr[data-flow-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-flow-key')));
    expect(keys.sort()).toEqual(inAcme.map((d) => d.key).sort());
    await page.screenshot({ path: join(ARTIFACTS, 'admin-acting-in-acme.png'), fullPage: true });
    // the inbox acts in Acme too (REST and socket)
    await page.click('[data-testid=nav-inbox]');
    await page.waitForSelector('[data-testid=live-status]:has-text("Live")');
    await page.click('[data-testid=acting-back]');
    await page.waitForSelector('.flow-list h1:has-text("Flows")');
    expect(await page.locator('[data-testid=acting-banner]').count()).toBe(0);
  });
});
