import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { httpClient } from '../support/http.js';

// docs/integration.md, "Notifications": each person chooses what they are told, and where.
describe.skipIf(!hasChromium)('notification settings in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let analyst: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('[data-testid=inbox]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an analyst turns mention e-mails off and gives a Teams webhook for assignments; the API has both', async () => {
    await page.click('[data-testid=nav-notifications]');
    await page.waitForSelector('[data-testid=notification-preferences]');
    expect(await page.locator('tr[data-kind=mention] input[name=email-mention]').isChecked()).toBe(true);
    await page.uncheck('tr[data-kind=mention] input[name=email-mention]');
    await page.check('tr[data-kind=taskAssigned] input[name=chat-taskAssigned]');
    // chat on without a webhook is refused in words, before anything is sent
    await page.click('[data-testid=notifications-save]');
    await page.waitForSelector('[data-testid=notifications-message][role=alert]:has-text("webhook URL")');
    expect((await analyst('GET', '/api/v1/me/notification-preferences')).body.email.mention).toBe(true);
    await page.selectOption('select[name=hook-format]', 'teams');
    await page.fill('input[name=hook-url]', 'https://hooks.example.com/workflows/ari');
    await page.click('[data-testid=notifications-save]');
    await page.waitForSelector('[data-testid=notifications-message][role=status]:has-text("saved")');
    const prefs = (await analyst('GET', '/api/v1/me/notification-preferences')).body;
    expect(prefs.email).toMatchObject({ mention: false, taskAssigned: true });
    expect(prefs.chat).toMatchObject({ taskAssigned: true, mention: false });
    expect(prefs.chatWebhook).toEqual({ format: 'teams', host: 'hooks.example.com' });
    await page.waitForSelector('text=Messages go to a Teams webhook at hooks.example.com');
    await page.screenshot({ path: join(ARTIFACTS, 'notifications-settings.png'), fullPage: true });
  });
});
