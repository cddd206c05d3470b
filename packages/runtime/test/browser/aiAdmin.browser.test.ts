import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { aiFlow, supplierInvoice, teamDecision, varianceDecision } from '../support/aiFlows.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from '../support/http.js';

const FLOW = 'ai-admin';
const DECIDED = 24;

// docs/ai.md, "The admin screen": an admin sees the models per step with their calibration, the
// agreement per exception kind and the open alerts, acknowledges one and retrains from the web app
describe.skipIf(!hasChromium)('the AI section of the admin area, in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;

  const intake = async (number: string, gross: number, day: number) => {
    const posted = await admin('POST', `/api/v1/invoices?definition=${FLOW}`, supplierInvoice(number, gross, day));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    return eventually(
      async () => ((await analyst('GET', `/api/v1/tasks?caseId=${posted.body.case.id}`)).body as { id: string }[])[0],
      undefined,
      `the task of ${number}`,
    );
  };
  const decide = async (taskId: string, outcome: string) => {
    expect((await analyst('POST', `/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${taskId}/complete`, { outcome, data: {} })).status).toBe(200);
  };

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', aiFlow(FLOW, varianceDecision, { autoResolve: false, defaultThreshold: 0.6 }));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    for (let i = 0; i < DECIDED; i++) {
      const gross = i % 2 ? 600 + i * 17 : 2600 + i * 23;
      await decide((await intake(`AD-${i}`, gross, i * 7)).id, teamDecision(gross));
    }
    // one overridden suggestion is a full window below the agreement threshold: a drift alert
    expect((await admin('PUT', '/api/v1/policies', { policies: { aiDriftWindow: 1 } })).status).toBe(200);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'admin@demo.exflow');
    await page.waitForSelector('[data-testid=nav-admin]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('retrains from the button and shows the model per step with its calibration and reliability curve', async () => {
    await page.click('[data-testid=nav-admin]');
    await page.waitForSelector('[data-testid=ai-no-models]');
    await page.click('[data-testid=ai-retrain]');
    // training takes seconds of CPU (in a worker thread) on a loaded machine
    await page.waitForSelector(`[data-testid=ai-message]:has-text("Trained: recommender v1 (${DECIDED} decisions)")`, { timeout: PATIENCE_MS });
    const row = page.locator(`[data-testid=ai-steps] tr[data-step="${FLOW}/review"]`);
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe(String(DECIDED));
    expect(cells[1]).toMatch(/^\d+(\.\d)?%$/); // a share as the browser's locale writes it (en-US)
    expect(cells[4]).toBe('platt');
    const models = (await admin('GET', '/api/v1/ai/models')).body as { kind: string; reliability: { count: number }[] }[];
    const recommender = models.find((m) => m.kind === 'recommender')!;
    expect(await page.locator('[data-testid=ai-reliability] tbody tr').count()).toBe(recommender.reliability.filter((b) => b.count > 0).length);
    expect(await page.locator('[data-testid=ai-reliability-chart] circle').count()).toBe(recommender.reliability.filter((b) => b.count > 0).length);
    expect(await page.locator('[data-testid=ai-anomaly-model]').textContent()).toMatch(/^Anomaly model v1, \d+ invoices scored/);
  });

  it('shows the agreement per kind and the open alert after an override; the admin acknowledges it; no serious axe findings', async () => {
    const task = await intake('AD-NEW', 640, DECIDED * 7 + 3);
    const { suggestion } = (await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body;
    expect(suggestion.outcome).toBe('acceptVariance');
    await decide(task.id, 'reject');
    await page.reload();
    await page.waitForSelector('[data-testid=ai-alerts] li[data-kind=agreement-drift]');
    const agreement = await page.locator('[data-testid=ai-agreement] tbody tr td').allTextContents();
    // suggestions, by the system, by people, agreed, rate
    expect(agreement).toEqual(['1', '0', '1', '0', '0%']);
    expect(await page.locator('[data-testid=ai-alerts] li').textContent()).toContain('People agreed with the AI on 0 % of the last 1');
    await page.locator('#admin-ai').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'ai-admin.png'), fullPage: true });
    expect(await seriousFindings(page)).toEqual([]);
    await page.click('[data-testid=ai-alerts] li button:has-text("Acknowledge")');
    await page.waitForSelector('[data-testid=ai-alerts-empty]');
    await page.waitForSelector('[data-testid=ai-message]:has-text("Alert acknowledged")');
    expect((await admin('GET', '/api/v1/ai/alerts?status=acknowledged')).body).toMatchObject([{ kind: 'agreement-drift', acknowledgedBy: 'u-admin' }]);
  });
});
