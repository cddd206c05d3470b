import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, DIST, hasChromium, launchBrowser } from '../browser/harness.js';

interface TestServer {
  url: string;
  stop(): Promise<void>;
}

// imported by path at run time, as in publish.e2e.test.ts: the designer does not depend on the runtime
const serverModule = new URL('../../../runtime/test/support/testServer.ts', import.meta.url);
const hasRuntime = existsSync(fileURLToPath(serverModule));

describe.skipIf(!hasRuntime || !hasChromium)('white-label branding of MSPs, in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { startTestServer } = (await import(/* @vite-ignore */ serverModule.href)) as {
      startTestServer(options?: { designerDist?: string; workers?: boolean }): Promise<TestServer>;
    };
    server = await startTestServer({ designerDist: DIST, workers: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Signs in through the login screen in a fresh context and reads the brand the user sees. */
  async function brandSeenBy(email: string, screenshot?: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.locator('input[type=email]').fill(email);
      await page.locator('input[type=password]').fill('demo');
      await page.click('[data-testid=login-submit]');
      await page.waitForSelector('[data-testid=brand]');
      // the brand arrives after sign-in; wait until the title follows it
      await page.waitForFunction(() => document.title !== 'Exflow' || document.querySelector('[data-testid=brand]')?.textContent?.includes('Exflow'));
      await page.waitForTimeout(300);
      if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot) });
      return {
        name: (await page.locator('[data-testid=brand] .brand__name').first().textContent())?.trim(),
        title: await page.title(),
        support:
          (
            await page
              .locator('[data-testid=support-contact]')
              .first()
              .textContent()
              .catch(() => null)
          )?.trim() ?? null,
        primary: await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand-primary').trim()),
        html: await page.content(),
      };
    } finally {
      await context.close();
    }
  }

  it("shows an MSP's brand to its client's users and not to another MSP's", async () => {
    const acme = await brandSeenBy('analyst@acme.example', 'branding-northledger.png');
    expect(acme).toMatchObject({ name: 'NorthLedger Flow', title: 'NorthLedger Flow', primary: '#0b6e4f' });
    expect(acme.support).toContain('help@northledger.example');

    const globex = await brandSeenBy('analyst@globex.example', 'branding-southbooks.png');
    expect(globex).toMatchObject({ name: 'SouthBooks Exceptions', title: 'SouthBooks Exceptions', primary: '#7a1f5c' });
    expect(globex.html).not.toContain('NorthLedger');

    const standalone = await brandSeenBy('analyst@demo.exflow');
    expect(standalone).toMatchObject({ name: 'Exflow', title: 'Exflow' });
    expect(standalone.html).not.toContain('NorthLedger');
    expect(standalone.html).not.toContain('SouthBooks');
  });
});
