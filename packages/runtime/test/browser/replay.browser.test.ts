import type { WorkflowDefinition } from '@exflow/shared';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { invoiceOf } from '../support/approvalFlow.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { eventually, httpClient, PATIENCE_MS } from '../support/http.js';

/** start → approval (SLA `dueIn`) → paid. */
const sla = (dueIn: string): WorkflowDefinition => ({
  schemaVersion: 1,
  key: 'replay-sla',
  name: 'Replay SLA',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'approval', kind: 'humanTask', label: 'Approval', config: { title: 'Approve', queue: 'approvals', dueIn, outcomes: [{ id: 'ok', label: 'OK' }] } },
    { id: 'paid', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approval' },
    { id: 'e2', source: 'approval', sourcePort: 'ok', target: 'paid' },
  ],
});

// docs/definitions.md, "What-if replay": times compared, counts and times on the canvas.
describe.skipIf(!hasChromium)('what-if replay with times in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let definitionId: string;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    definitionId = (await owner('POST', '/api/v1/definitions', sla('PT8H'))).body.id;
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    // three closed cases, each answered in well under 8 hours (and well over a millisecond)
    for (let i = 0; i < 3; i++) {
      const caseId = (await owner('POST', '/api/v1/invoices?definition=replay-sla', invoiceOf(`RPL-UI-${i}`, 900))).body.case.id;
      const task = await eventually(async () => (await owner('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], PATIENCE_MS, 'the task');
      expect((await owner('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'ok' })).status).toBe(200);
    }
    // the draft: an SLA of one millisecond, so under it every approval would have been late
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, sla('PT0.001S'))).status).toBe(200);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'owner@demo.exflow');
    await page.waitForSelector('[data-testid=flow-table]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows late tasks and paths with their median time, and puts the draft’s counts and times on the canvas', async () => {
    await page.goto(`${server.url}/#/flows/${definitionId}`);
    await page.click('[data-testid=tab-replay]');
    await page.click('[data-testid=replay-panel] button:has-text("Replay")');
    const summary = await page.waitForSelector('[data-testid=replay-summary]');
    expect((await summary.textContent())?.replace(/\s+/g, ' ')).toContain('Late tasks: 0 published, 3 draft.');
    const paths = await page.locator('[data-testid=replay-paths] tbody tr').allTextContents();
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/^start → Approval → paid3, \d+ s3, \d+ s$/);
    expect(await seriousFindings(page)).toEqual([]);

    await page.click('[data-testid=replay-on-canvas]');
    await page.waitForSelector('[data-testid=heatmap-banner]');
    expect(await page.textContent('[data-testid=heatmap-banner]')).toContain('the draft, replayed');
    const heat = await page.locator('[data-testid=heat]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(heat.find((l) => l?.includes('% late'))).toMatch(/^3 cases, median \S+ \S+, 100 % late; 0 open now$/);
    await page.screenshot({ path: join(ARTIFACTS, 'replay-times.png') });
  });
});
