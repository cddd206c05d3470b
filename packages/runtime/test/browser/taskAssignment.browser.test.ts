import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, selectStep, signIn } from '../support/browser.js';
import { eventually, httpClient } from '../support/http.js';

const template = (): WorkflowDefinition =>
  JSON.parse(readFileSync(new URL('../../../../templates/ap-exceptions/price-variance.workflow.json', import.meta.url), 'utf8'));

interface TaskConfig {
  queue?: string;
  candidateRoles?: string[];
  dueIn?: string;
  dueInBusinessDays?: boolean;
}

// Issue 15: a finance user's words in the inspector: "Due in" as hours or days (business days
// optional), the queue and the candidate roles chosen from the tenant's lists, the append pad named.
describe.skipIf(!hasChromium)("a human task's assignment and SLA in the inspector, in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof httpClient>;
  let flowId: string;
  const review = async () =>
    ((await api('GET', `/api/v1/definitions/${flowId}`)).body.draft as WorkflowDefinition).nodes.find((n) => n.id === 'procurementReview')!
      .config as TaskConfig;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST, workers: false });
    api = httpClient(server.url, await server.login('owner@demo.exflow'));
    const { testCases: _saved, ...flow } = template();
    const created = await api('POST', '/api/v1/definitions', { ...flow, key: 'pv-assignment', name: 'Price variance (assignment)' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flowId = created.body.id;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'owner@demo.exflow');
    await page.waitForSelector('[data-testid=flow-table]');
    await page.goto(`${server.url}/#/flows/${flowId}`);
    await page.waitForSelector('.react-flow__node[data-id="procurementReview"]');
    await selectStep(page, 'procurementReview');
    await page.click('[data-testid=tab-inspect]');
    await page.waitForSelector('[data-testid=inspector][data-node-id=procurementReview]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('"Due in" is 24 hours, and becomes 2 business days with a number, a unit and a tick', async () => {
    const picker = page.locator('[data-testid=inspector] [data-testid=duration-picker]');
    expect(await picker.locator('input[type=number]').inputValue()).toBe('24');
    expect(await picker.locator('[data-testid=duration-unit]').inputValue()).toBe('hours');
    await picker.locator('input[type=number]').fill('2');
    await picker.locator('[data-testid=duration-unit]').selectOption('days');
    await page.getByLabel('Count business days (skip weekends and holidays)').check();
    const saved = await eventually(
      async () => {
        const config = await review();
        return config.dueIn === 'P2D' && config.dueInBusinessDays === true && config;
      },
      15_000,
      'the draft to say P2D in business days',
    );
    expect(saved).toMatchObject({ dueIn: 'P2D', dueInBusinessDays: true });
    // no ISO 8601 to read or type unless asked for ("Other")
    expect(await page.locator('[data-testid=inspector]').textContent()).not.toMatch(/PT\d+H|e\.g\. PT/);
  });

  it("the queue is chosen from the tenant's queues (with their open tasks) and the roles are ticked from the roles that work tasks", async () => {
    const queue = page.locator('[data-testid=inspector] [data-testid=queue-picker]');
    await queue.waitFor();
    const offered = await queue.locator('option').allTextContents();
    // the demo's flows name these; the list says how busy each is
    expect(offered.some((o) => /^controller \(\d+ open tasks?\)$/.test(o))).toBe(true);
    expect(offered.some((o) => /^treasury \(\d+ open tasks?\)$/.test(o))).toBe(true);
    expect(await queue.inputValue()).toBe('procurement');
    await queue.selectOption('treasury');

    const roles = page.locator('[data-testid=inspector] [data-testid=roles-picker]');
    await roles.locator('input[name=process_owner]').waitFor();
    const labels = (await roles.locator('label').allTextContents()).map((l) => l.trim());
    expect(labels.map((l) => l.replace(/ · .*$/, '').trim())).toEqual(['Platform admin', 'Tenant admin', 'Process owner', 'Analyst', 'Approver']);
    expect(labels.find((l) => l.startsWith('Analyst'))).toMatch(/· \d+ (person|people)$/);
    expect(await roles.locator('input[name=analyst]').isChecked()).toBe(true);
    expect(await roles.locator('input[name=approver]').isChecked()).toBe(true);
    await roles.locator('input[name=analyst]').uncheck();
    const saved = await eventually(
      async () => {
        const config = await review();
        return config.queue === 'treasury' && config.candidateRoles?.join() === 'approver' && config;
      },
      15_000,
      'the draft to have the treasury queue and the approver role only',
    );
    expect(saved).toMatchObject({ queue: 'treasury', candidateRoles: ['approver'] });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-assignment.png') });
  });

  it('the append pad names the steps it adds', async () => {
    const open = await api('POST', '/api/v1/definitions', {
      schemaVersion: 1,
      key: 'open-ends',
      name: 'Open ends',
      nodes: [
        { id: 'start', kind: 'start', position: { x: 0, y: 0 } },
        {
          id: 'review',
          kind: 'humanTask',
          position: { x: 260, y: 0 },
          config: { title: 'Review', queue: 'ap-review', outcomes: [{ id: 'done', label: 'Done' }] },
        },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'review', sourcePort: 'out' }],
    });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    await page.goto(`${server.url}/#/flows/${open.body.id}`);
    await page.waitForSelector('.react-flow__node[data-id="review"]');
    await selectStep(page, 'review');
    const pad = page.locator('[data-testid=append-pad]');
    await pad.waitFor();
    const names = (await pad.locator('.append-pad__name').allTextContents()).map((s) => s.trim());
    expect(names).toEqual(['Review / approval', 'Decision', '3-way match', 'Wait', 'End']);
    await page.screenshot({ path: join(ARTIFACTS, 'append-pad-named.png') });
  });
});
