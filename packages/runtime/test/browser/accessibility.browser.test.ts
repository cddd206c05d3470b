import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, selectStep, signIn } from '../support/browser.js';
import { invoiceWithChairPrice } from '../support/fixtures.js';
import { eventually, httpClient } from '../support/http.js';

/** Presses a key `times` times (a person's keyboard, nothing else). */
async function press(page: Page, key: string, times = 1) {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

/** Tabs forward until the focused element matches `selector`; returns how many Tabs it took. */
async function tabTo(page: Page, selector: string, limit = 60): Promise<number> {
  for (let n = 1; n <= limit; n++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return n;
  }
  throw new Error(`${selector} not reached within ${limit} Tabs (focus on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))})`);
}

// docs/workspace.md, "Accessibility": WCAG 2.2 AA, checked by axe-core on every page, and the
// two actions people reported unreachable done with the keyboard alone.
describe.skipIf(!hasChromium)('accessibility in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let taskId: string;
  let caseId: string;
  let api: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    api = httpClient(server.url, await server.login('admin@demo.exflow'));
    const intake = httpClient(server.url, await server.login('erp@demo.exflow'));
    const posted = await intake('POST', '/api/v1/invoices?definition=price-variance', invoiceWithChairPrice('A11Y-0001', '150.00'));
    expect(posted.status).toBe(201);
    caseId = posted.body.case.id;
    taskId = await eventually(async () => (await api('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0]?.id, 10_000, 'the task');
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    // a listener from the start turns on Playwright's file-chooser interception, which a
    // waitForEvent('filechooser') alone turns on only asynchronously (racing the key press)
    page.on('filechooser', () => {});
    await signIn(page, server, 'admin@demo.exflow');
    await page.waitForSelector('[data-testid=flow-table]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('login: no serious or critical axe findings', async () => {
    const signedOut = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signedOut.goto(server.url);
    await signedOut.waitForSelector('[data-testid=login-submit]');
    await signedOut.screenshot({ path: join(ARTIFACTS, 'a11y-login.png') });
    expect(await seriousFindings(signedOut)).toEqual([]);
  });

  const pages: [string, string, string][] = [
    ['flow list', '#/', '[data-testid=flow-table]'],
    ['designer', '', '.react-flow__node'],
    ['inbox', '#/inbox', '[data-testid=inbox] [data-testid=view-mine]'],
    ['task', '', '[data-testid=task-page] [data-testid=match-table]'],
    ['case', '', '[data-testid=case-map] .react-flow__node'],
    ['incidents', '#/incidents', '[data-testid=incidents-page]'],
    ['notifications', '#/notifications', '[data-testid=notification-preferences]'],
    ['admin', '#/admin', '[data-testid=policies-form] form'],
    ['insights', '#/insights', '[data-testid=insights] [data-testid=chart-approvalAging] [data-bar]'],
  ];
  for (const [name, hash, ready] of pages) {
    it(`${name}: no serious or critical axe findings`, async () => {
      const target =
        name === 'designer'
          ? `#/flows/${await flowId('price-variance')}`
          : name === 'task'
            ? `#/tasks/${taskId}`
            : name === 'case'
              ? `#/cases/${caseId}`
              : hash;
      await page.goto(`${server.url}/${target}`);
      await page.waitForSelector(ready);
      // pages that load their figures after the first paint are checked as a person sees them
      await page.waitForFunction(() => ![...document.querySelectorAll('.ins-tile__value')].some((t) => t.textContent === '…'));
      await page.screenshot({ path: join(ARTIFACTS, `a11y-${name.replace(' ', '-')}.png`) });
      expect(await seriousFindings(page)).toEqual([]);
    });
  }

  it('designer inspector of an approval step: no serious or critical axe findings (its approve outcomes are named inputs)', async () => {
    await page.goto(`${server.url}/#/flows/${await flowId('price-variance')}`);
    await page.waitForSelector('.react-flow__node[data-id="procurementReview"]');
    await selectStep(page, 'procurementReview');
    await page.waitForSelector('#inspector form');
    // the approve outcomes' entries have no visible label of their own: they must carry a name
    expect(await page.locator('#inspector input[id$="approveOutcomes_0"]').getAttribute('aria-label')).toBeTruthy();
    await page.screenshot({ path: join(ARTIFACTS, 'a11y-inspector-approval.png') });
    expect(await seriousFindings(page)).toEqual([]);
  });

  it('keyboard only: attaches a file in the task view', async () => {
    await page.goto(`${server.url}/#/tasks/${taskId}`);
    await page.waitForSelector('[data-testid=task-page] [data-testid=attach-file]');
    const tabs = await tabTo(page, '[data-testid=attach-file]', 80);
    const chooser = page.waitForEvent('filechooser');
    await press(page, 'Enter');
    // the operating system's file dialog is the browser's; the test answers it as a person would
    await (
      await chooser
    ).setFiles({ name: 'delivery-note.txt', mimeType: 'text/plain', buffer: Buffer.from('Delivered 2026-03-02, signed by the warehouse.') });
    await page.waitForSelector('[data-testid=attachments] li:has-text("delivery-note.txt")');
    expect((await api('GET', `/api/v1/cases/${caseId}/attachments`)).body.map((a: { filename: string }) => a.filename)).toContain('delivery-note.txt');
    console.info(`Attach a file: ${tabs} Tabs from the top of the task view`);
  });

  it('keyboard only: publishes a flow from the designer in fewer than 15 Tabs', async () => {
    const id = await flowId('price-variance');
    const before = (await api('GET', `/api/v1/definitions/${id}/versions`)).body.length;
    await page.goto(`${server.url}/#/flows/${id}`);
    await page.waitForSelector('.react-flow__node');
    await page.waitForSelector('[data-testid=save-state]:has-text("Saved")');
    const tabs = await tabTo(page, '[data-testid=publish]');
    expect(tabs).toBeLessThan(15);
    await press(page, 'Enter');
    await eventually(async () => (await api('GET', `/api/v1/definitions/${id}/versions`)).body.length === before + 1, 10_000, 'a new version');
    // nodes and edges take focus with a visible ring of their own
    await tabTo(page, '.react-flow__node', 80);
    await page.waitForFunction(() => getComputedStyle(document.activeElement!.querySelector('.step')!).boxShadow.includes('rgb(36, 86, 214)'));
    await page.screenshot({ path: join(ARTIFACTS, 'a11y-designer-node-focus.png') });
    console.info(`Publish: ${tabs} Tabs from the top of the designer`);
  });

  it('keyboard only: the designer skip links reach the canvas and the inspector; an edge takes focus with a visible ring', async () => {
    await page.goto(`${server.url}/#/flows/${await flowId('price-variance')}`);
    await page.reload(); // focus starts at the top of a fresh page
    await page.waitForSelector('.react-flow__edge');
    expect(await tabTo(page, '[data-testid=skip-canvas]', 1)).toBe(1);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).top)).toBe('8px'); // shown while focused
    await press(page, 'Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('canvas');
    const tabs = await tabTo(page, '.react-flow__edge', 40);
    // the edge's own stroke turns primary and thick, with a halo along its whole length
    await expect
      .poll(() =>
        page.evaluate(() => {
          const edge = document.activeElement!;
          const stroke = getComputedStyle(edge.querySelector('.react-flow__edge-path')!);
          const halo = getComputedStyle(edge.querySelector('.react-flow__edge-interaction')!);
          return { stroke: stroke.stroke, width: parseFloat(stroke.strokeWidth) >= 3, halo: halo.stroke, haloOpacity: halo.strokeOpacity };
        }),
      )
      .toEqual({ stroke: 'rgb(36, 86, 214)', width: true, halo: 'rgba(36, 86, 214, 0.25)', haloOpacity: '1' });
    await page.screenshot({ path: join(ARTIFACTS, 'a11y-designer-edge-focus.png') });
    await page.reload();
    await page.waitForSelector('.react-flow__node');
    expect(await tabTo(page, '[data-testid=skip-inspector]', 2)).toBe(2);
    await press(page, 'Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inspector');
    await press(page, 'Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#inspector') !== null)).toBe(true);
    console.info(`First edge: ${tabs} Tabs after "Skip to canvas"`);
  });

  async function flowId(key: string): Promise<string> {
    return ((await api('GET', '/api/v1/definitions')).body as { id: string; key: string }[]).find((d) => d.key === key)!.id;
  }
});
