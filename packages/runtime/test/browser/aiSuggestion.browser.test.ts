import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { aiFlow, varianceDecision } from '../support/aiFlows.js';
import { invoiceOf } from '../support/approvalFlow.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { fakeSuggestionModel } from '../support/fakeSuggestionModel.js';
import { eventually, httpClient } from '../support/http.js';

describe.skipIf(!hasChromium)('an analyst sees the AI suggestion with its reasons and overrides it, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof httpClient>;
  let taskId: string;
  const model = fakeSuggestionModel();

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST, suggestionProvider: model.provider });
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    api = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', aiFlow('ai-variance', varianceDecision, { autoResolve: false }));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    model.answer('review', {
      outcome: 'acceptVariance',
      probability: 0.93,
      factors: [
        { feature: 'variancePct', text: 'Price 1.8 % above the PO, within what this team usually accepts', weight: 1.6 },
        { feature: 'supplierHistory', text: 'Nordic Office Supplies had 11 similar variances accepted this year', weight: 1.1 },
        { feature: 'amount', text: 'Small amount at risk (36 EUR)', weight: 0.5 },
        { feature: 'channel', text: 'Received by e-invoice', weight: 0.1 },
      ],
    });
    model.anomaly({
      score: 0.78,
      factors: [
        { feature: 'newBankAccount', text: "Bank account GB29NW… is on none of the supplier's 14 earlier invoices", weight: 1.5 },
        { feature: 'weekend', text: "Dated on a weekend (2026-03-07); 0 % of this supplier's invoices are", weight: 0.45 },
      ],
    });
    const intake = httpClient(server.url, await server.login('erp@demo.exflow'));
    const posted = await intake('POST', '/api/v1/invoices?definition=ai-variance', invoiceOf('AI-UI-0001', 2400));
    expect(posted.status).toBe(201);
    taskId = await eventually(async () => (await api('GET', `/api/v1/tasks?caseId=${posted.body.case.id}`)).body[0]?.id, 10_000, 'the task');
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'analyst@demo.exflow');
    await page.waitForSelector('[data-testid=inbox]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the suggestion as the AI’s, its likelihood and top reasons in words, and the invoice anomaly score with its reasons, pre-selected but not decided; no serious axe findings', async () => {
    await page.goto(`${server.url}/#/tasks/${taskId}`);
    const panel = page.locator('[data-testid=ai-suggestion]');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Suggested by AI — you decide');
    expect(await page.locator('[data-testid=ai-suggestion-outcome]').textContent()).toBe('Accept variance');
    expect(await page.locator('[data-testid=ai-suggestion-probability]').textContent()).toBe('(likely, 93 %)');
    expect(await page.locator('[data-testid=ai-suggestion-factors] li').allTextContents()).toEqual([
      'Price 1.8 % above the PO, within what this team usually accepts',
      'Nordic Office Supplies had 11 similar variances accepted this year',
      'Small amount at risk (36 EUR)',
    ]);
    // the anomaly score of the case's invoice, taken with the suggestion, in words with its reasons
    expect(await page.locator('[data-testid=ai-anomaly]').getAttribute('data-flagged')).toBe('true');
    expect(await page.locator('[data-testid=ai-anomaly-score]').textContent()).toBe('unusual, 78 %');
    expect(await page.locator('[data-testid=ai-anomaly-factors] li').allTextContents()).toEqual([
      "Bank account GB29NW… is on none of the supplier's 14 earlier invoices",
      "Dated on a weekend (2026-03-07); 0 % of this supplier's invoices are",
    ]);
    const buttons = page.locator('[data-testid=decision] .decision__outcomes button');
    expect(await buttons.first().textContent()).toBe('Accept suggestion: Accept variance');
    expect(await buttons.first().getAttribute('aria-describedby')).toBe('ai-suggestion-title');
    expect((await api('GET', `/api/v1/tasks/${taskId}`)).body.status).toBe('open');
    await page.screenshot({ path: join(ARTIFACTS, 'ai-suggestion-task.png'), fullPage: true });
    expect(await seriousFindings(page)).toEqual([]);
  });

  it('the analyst chooses another outcome with the keyboard; the override is recorded beside the suggestion', async () => {
    const target = '[data-testid=decision] button[data-outcome=requestCreditNote]';
    await page.locator('[data-testid=decision] button[data-outcome=acceptVariance]').focus();
    let tabs = 0;
    while (!(await page.evaluate((s) => document.activeElement?.matches(s) ?? false, target))) {
      if (++tabs > 5) throw new Error('the other outcomes are not reachable with Tab from the suggested one');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=task-closed]');
    await page.waitForSelector('[data-testid=ai-suggestion-decided]');
    expect(await page.locator('[data-testid=ai-suggestion-decided]').textContent()).toContain('Ari Analyst chose Request credit note instead');
    await page.screenshot({ path: join(ARTIFACTS, 'ai-suggestion-overridden.png'), fullPage: true });

    const recorded = (await api('GET', `/api/v1/tasks/${taskId}/suggestion`)).body.suggestion;
    expect(recorded).toMatchObject({
      outcome: 'acceptVariance',
      mode: 'prefill',
      humanOutcome: 'requestCreditNote',
      humanUser: 'u-analyst',
      agreed: false,
      taskId,
      anomaly: { score: 0.78, flagged: true, threshold: 0.5, modelId: 'fake-anomaly-1' },
    });
    const agreement = (await api('GET', '/api/v1/ai/agreement')).body as { decided: number; agreed: number }[];
    expect(agreement.reduce((n, r) => n + r.decided, 0)).toBe(1);
    expect(agreement.reduce((n, r) => n + r.agreed, 0)).toBe(0);
  });
});
