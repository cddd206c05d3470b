import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fourNodeFlow, priceVariance } from '../fixtures.js';
import { createFakeApi } from './fakeApi.js';
import { hasChromium, launchBrowser, serveDist } from './harness.js';

describe.skipIf(!hasChromium)('flow list in Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveDist>>;
  let page: Page;
  const api = createFakeApi([priceVariance()]);
  const rows = () => page.locator('[data-testid=flow-table] tbody tr[data-flow-key]');

  beforeAll(async () => {
    server = await serveDist();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await api.install(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks to sign in, prefilled with the demo owner', async () => {
    await page.goto(`${server.url}/`);
    expect(await page.locator('input[type=email]').inputValue()).toBe('owner@demo.exflow');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=flow-table]');
    expect(await rows().count()).toBe(1);
  });

  it('refuses an invalid definition pasted into Import, lists its problems and saves nothing', async () => {
    const broken = fourNodeFlow();
    broken.edges = broken.edges.filter((e) => e.sourcePort !== 'default');
    broken.nodes.push({ id: 'orphan', kind: 'timer', config: { duration: 'soon' } });
    await page.click('[data-testid=import-open]');
    await page.locator('[data-testid=import-text]').fill(JSON.stringify(broken));
    await page.click('[data-testid=import-submit]');
    const problems = page.locator('[data-testid=import-problems]');
    await problems.waitFor();
    const text = await problems.textContent();
    expect(text).toContain('Not imported');
    expect(text).toContain('otherwise');
    expect(text).toContain('/config/duration must match pattern');
    expect(api.store.size).toBe(1);

    await page.locator('[data-testid=import-text]').fill('{ "schemaVersion": 1, ');
    await page.click('[data-testid=import-submit]');
    await expect.poll(() => problems.textContent()).toContain('Not JSON');
    expect(api.store.size).toBe(1);
  });

  it('imports a valid definition and opens it', async () => {
    await page.locator('[data-testid=import-text]').fill(JSON.stringify(fourNodeFlow()));
    await page.click('[data-testid=import-submit]');
    await page.waitForSelector('.react-flow__node[data-id="big"]');
    expect(api.store.size).toBe(2);
    await page.click('.topbar__back');
    await page.waitForSelector('[data-testid=flow-table]');
    expect(await rows().count()).toBe(2);
  });

  it('duplicates, exports and deletes a draft', async () => {
    await rows().filter({ hasText: 'Four steps' }).getByRole('button', { name: 'Duplicate' }).click();
    await expect.poll(() => rows().count()).toBe(3);
    expect(await rows().filter({ hasText: 'four-copy' }).count()).toBe(1);

    const download = page.waitForEvent('download');
    await rows().filter({ hasText: 'four-copy' }).getByRole('button', { name: 'Export' }).click();
    expect((await download).suggestedFilename()).toBe('four-copy.workflow.json');

    const copy = rows().filter({ hasText: 'four-copy' });
    await copy.getByRole('button', { name: 'Delete' }).click();
    await copy.getByRole('button', { name: 'Really delete?' }).click();
    await expect.poll(() => rows().count()).toBe(2);
  });
});
