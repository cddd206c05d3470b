import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
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
    await signIn(page, server, 'analyst@demo.exflow');
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
    // named by what it shows (WCAG 2.5.3), described in words
    expect(await bar.getAttribute('aria-label')).toMatch(/^procurement \/ Operations · 0-2d \d+$/);
    expect(await bar.getAttribute('aria-description')).toMatch(/^Approval aging, procurement \/ Operations · 0-2d: \d+.*Show the cases$/);
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
    await signIn(designer, server, 'owner@demo.exflow');
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
  it('a lead picks the period and grouping, is told when the days make no period, and downloads the process-mining export and a CSV', async () => {
    const asked: URL[] = [];
    page.on('request', (r) => r.url().includes('/api/v1/insights/summary') && asked.push(new URL(r.url())));
    await page.goto(`${server.url}/#/insights`);
    await page.waitForSelector('[data-testid=insights] [data-testid=ins-quick-range]');
    await page.locator('[data-testid=ins-quick-range]').selectOption('lastMonth');
    await page.locator('[data-testid=ins-group-by]').selectOption('month');
    // the browser's local days, as the page computes them: last month, first to last day
    const today = new Date();
    const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
    const afterLast = new Date(today.getFullYear(), today.getMonth(), 1);
    await expect
      .poll(() =>
        asked.some(
          (u) =>
            u.searchParams.get('from') === first.toISOString() &&
            u.searchParams.get('to') === afterLast.toISOString() &&
            u.searchParams.get('groupBy') === 'month',
        ),
      )
      .toBe(true);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(await page.locator('[data-testid=ins-from]').inputValue()).toBe(`${first.getFullYear()}-${pad(first.getMonth() + 1)}-01`);

    await page.locator('[data-testid=ins-from]').fill('2026-12-20');
    await page.locator('[data-testid=ins-to]').fill('2026-12-10');
    expect(await page.locator('[data-testid=ins-period-problem]').textContent()).toBe('The last day is before the first day');
    expect(await page.locator('[data-testid=export-ocel\\.json]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=ins-quick-range]').inputValue()).toBe('');

    await page.locator('[data-testid=ins-quick-range]').selectOption('7d');
    await page.waitForSelector('[data-testid=ins-period-problem]', { state: 'detached' });
    await page.screenshot({ path: join(ARTIFACTS, 'insights-period-export.png'), fullPage: true });
    const save = async (selector: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
    };
    const ocel = await save('[data-testid=export-ocel\\.json]');
    expect(ocel.name).toBe('exflow-ocel.json');
    const log = JSON.parse(ocel.text) as { objects: { id: string; type: string }[]; events: { type: string; relationships: { objectId: string }[] }[] };
    expect(log.objects).toContainEqual(expect.objectContaining({ id: `case:${caseId}`, type: 'case' }));
    expect(log.events.some((e) => e.type === 'case opened' && e.relationships.some((r) => r.objectId === `case:${caseId}`))).toBe(true);
    const xes = await save('[data-testid=export-xes]');
    expect(xes.name).toBe('exflow.xes');
    expect(xes.text).toContain(`<string key="concept:name" value="${caseId}"/>`);
    expect(xes.text.trimEnd().endsWith('</log>')).toBe(true);
    const csv = await save('[data-testid=chart-approvalAging] button:has-text("CSV")');
    expect(csv.name).toMatch(/^insights-approvalAging-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.text.split('\n')[0]).toContain('bucket');
    expect(csv.text).toContain('procurement');
  });
});
