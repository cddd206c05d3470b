import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser } from '../support/browser.js';
import { invoiceWithChairPrice } from '../support/fixtures.js';
import { eventually, httpClient } from '../support/http.js';

describe.skipIf(!hasChromium)('Insights page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let caseId: string;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    expect((await admin('PUT', '/api/v1/team/u-analyst/lead', { lead: true })).status).toBe(200);
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    // an exception waiting for an approver (procurement review: analysts or approvers)
    const posted = await analyst('POST', '/api/v1/invoices?definition=price-variance', invoiceWithChairPrice('INS-UI-1', '150.00'));
    expect(posted.status).toBe(201);
    caseId = posted.body.case.id;
    await eventually(async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body.length > 0, 10_000, 'the review task');
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(server.url);
    await page.fill('input[type=email]', 'analyst@demo.exflow');
    await page.fill('input[type=password]', 'demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=inbox]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a lead opens Insights from the top bar and sees the five metrics', async () => {
    await page.click('[data-testid=nav-insights]');
    await page.waitForSelector('[data-testid=insights]');
    for (const metric of ['exceptionRate', 'timeToResolve', 'approvalAging', 'repeatExceptions', 'touchlessRate']) {
      await page.waitForFunction((id) => !document.querySelector(`[data-testid=tile-${id}] .ins-tile__value`)?.textContent?.includes('…'), metric);
    }
    const titles = await page.locator('.ins-tile__title').allTextContents();
    expect(titles).toEqual(['Exception rate by source', 'Time to resolve', 'Approval aging', 'Repeat exceptions', 'Touchless rate']);
    expect(await page.locator('[data-testid=tile-approvalAging] .ins-tile__value').textContent()).toMatch(/^\d+ open/);
    expect(await page.locator('[data-testid=tile-exceptionRate] .ins-tile__value').textContent()).toMatch(/%$/);
  });

  it('drills from an approval aging bar to the cases behind it, each linking to its case view', async () => {
    const bar = page.locator('[data-testid=chart-approvalAging] [data-bar^="0-2d|procurement / Operations"]');
    await bar.waitFor();
    expect(await bar.getAttribute('aria-label')).toMatch(/^Approval aging, procurement \/ Operations · 0-2d: \d+/);
    await bar.click();
    await page.waitForSelector(`[data-testid=drill] tr[data-case-id="${caseId}"]`);
    await page.screenshot({ path: join(ARTIFACTS, 'insights.png'), fullPage: true });
    expect(await page.locator(`[data-testid=drill] tr[data-case-id="${caseId}"] a`).getAttribute('href')).toBe(`#/cases/${caseId}`);
    await page.click(`[data-testid=drill] tr[data-case-id="${caseId}"] a`);
    await page.waitForSelector('[data-testid=case-page], .case-page, [data-testid=case-timeline]', { timeout: 10_000 }).catch(() => undefined);
    expect(page.url()).toContain(`#/cases/${caseId}`);
  });

  it('the heatmap shows, on the canvas of the published flow, cases per step, open cases now and how often each edge was taken', async () => {
    const token = await server.login('owner@demo.exflow');
    const owner = httpClient(server.url, token);
    const flowId = (await owner('GET', '/api/v1/definitions')).body.find((d: { key: string }) => d.key === 'price-variance').id as string;
    const version = (await owner('GET', `/api/v1/definitions/${flowId}/versions`)).body[0].version as number;
    const designer = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    designer.on('pageerror', (e) => console.error('page error:', e.message));
    await designer.goto(server.url);
    await designer.fill('input[type=email]', 'owner@demo.exflow');
    await designer.fill('input[type=password]', 'demo');
    await designer.click('[data-testid=login-submit]');
    await designer.waitForSelector('[data-testid=login-submit]', { state: 'detached' });
    await designer.goto(`${server.url}/#/flows/${flowId}`);
    await designer.waitForSelector('.react-flow__node');
    await designer.click('[data-testid=heatmap-toggle]');
    await designer.waitForSelector('[data-testid=heatmap-banner]');
    expect(await designer.locator('[data-testid=heatmap-toggle]').getAttribute('aria-pressed')).toBe('true');
    // what the canvas shows is what the API answers, as text on the step
    const figures = (await owner('GET', `/api/v1/insights/flows/${flowId}/versions/${version}/heatmap`)).body;
    const review = figures.nodes.find((n: { nodeId: string }) => n.nodeId === 'procurementReview');
    expect(review.openNow).toBeGreaterThanOrEqual(1);
    const heat = designer.locator('.react-flow__node[data-id="procurementReview"] [data-testid=heat]');
    await heat.waitFor();
    const text = (await heat.textContent()) ?? '';
    expect(text).toContain(`${review.cases} case${review.cases === 1 ? '' : 's'}`);
    expect(text).toContain(`${review.openNow} open now`);
    expect(await heat.getAttribute('aria-label')).toContain(`${review.openNow} open now`);
    const taken = figures.edges.find((e: { count: number }) => e.count > 0);
    expect(taken).toBeDefined();
    expect(await designer.locator(`[data-edge-id="${taken.edgeId}"] [data-testid=edge-heat]`).textContent()).toBe(`×${taken.count}`);
    await designer.screenshot({ path: join(ARTIFACTS, 'heatmap.png') });
    await designer.click('[data-testid=heatmap-banner] button');
    await designer.waitForSelector('[data-testid=heat]', { state: 'detached' });
  });
});
