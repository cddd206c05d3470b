import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, selectStep, signIn } from '../support/browser.js';
import { eventually, httpClient } from '../support/http.js';

const template = (): WorkflowDefinition =>
  JSON.parse(readFileSync(new URL('../../../../templates/ap-exceptions/price-variance.workflow.json', import.meta.url), 'utf8'));

// issue 15: the simulator runs the real checks, runs are saved as test cases, decision tables are a grid with DMN.
describe.skipIf(!hasChromium)('simulator, test cases and the decision table grid in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof httpClient>;
  let flowId: string;
  let tableFlowId: string;
  const draft = async (id: string) => (await api('GET', `/api/v1/definitions/${id}`)).body.draft as WorkflowDefinition;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST, workers: false });
    const token = await server.login('owner@demo.exflow');
    api = httpClient(server.url, token);
    const { testCases: _saved, ...flow } = template();
    const created = await api('POST', '/api/v1/definitions', { ...flow, key: 'pv-simulated', name: 'Price variance (simulated)' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flowId = created.body.id;
    const table = await api('POST', '/api/v1/definitions', {
      schemaVersion: 1,
      key: 'routing-table',
      name: 'Routing table',
      nodes: [
        { id: 'start', kind: 'start', position: { x: 0, y: 0 } },
        {
          id: 'route',
          kind: 'decisionTable',
          label: 'Route by amount',
          position: { x: 240, y: 0 },
          config: {
            hitPolicy: 'FIRST',
            inputs: [{ label: 'Amount', expression: 'invoice.grossTotal' }],
            outputs: [{ name: 'queue' }],
            rules: [{ when: ['-'], then: ['"ap-review"'] }],
          },
        },
        { id: 'end', kind: 'end', position: { x: 480, y: 0 }, config: { outcome: 'resolved' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'route', sourcePort: 'out' },
        { id: 'e2', source: 'route', target: 'end', sourcePort: 'out' },
      ],
    });
    expect(table.status, JSON.stringify(table.body)).toBe(201);
    tableFlowId = table.body.id;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, server, 'owner@demo.exflow');
    await page.waitForSelector('[data-testid=flow-table]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a process owner saves a test case for each branch of price-variance, from real 3-way match results, and sees them pass', async () => {
    await page.goto(`${server.url}/#/flows/${flowId}`);
    await page.waitForSelector('.react-flow__node');
    await page.click('[data-testid=tab-simulate]');
    const status = page.locator('[data-testid=sim-status]');
    const run = async (sample: string, name: string, answer?: (pending: (node: string) => ReturnType<Page['locator']>) => Promise<void>) => {
      await page.selectOption('[data-testid=sample-invoice]', sample);
      await page.click('[data-testid=sim-start]');
      await answer?.((node) => page.locator(`[data-testid=pending-${node}].pending--task`));
      await expect.poll(() => status.textContent()).toMatch(/^Case ended/);
      await page.fill('[data-testid=test-case-name]', name);
      await page.click('[data-testid=test-case-save]');
      await page.click('[data-testid=sim-stop]');
    };
    await run('small-po', 'Small PO matches: approved automatically');
    await run('large-po', 'Large PO 7.7 % over: procurement accepts', async (task) => {
      // the real 3-way match ran on the sample reference data: 7,000 invoiced against 6,500 on the PO
      await expect.poll(() => page.locator('[data-testid=sim-context]').textContent()).toContain('"maxPriceVariancePct": 7.6923');
      expect(await page.locator('[data-testid=sim-timeline]').textContent()).toContain('Check ran on the reference data');
      await page.screenshot({ path: join(ARTIFACTS, 'simulator-real-check.png') });
      await task('procurementReview').locator('[data-outcome=accept]').click();
    });
    await run('large-po', 'Large PO 7.7 % over: procurement rejects', (task) => task('procurementReview').locator('[data-outcome=reject]').click());
    await run('large-po', 'Large PO over, past SLA: the controller rejects', async (task) => {
      await page.locator('[data-testid=pending-procurementReview].pending--timer button').click();
      await task('controllerEscalation').locator('[data-outcome=reject]').click();
    });
    await page.click('[data-testid=test-cases-run]');
    await expect.poll(() => page.locator('[data-testid=test-cases-summary]').textContent()).toBe('4 of 4 passed');
    expect(await page.locator('[data-testid=test-cases] li[data-status=pass]').count()).toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-test-cases.png') });
    expect(await seriousFindings(page)).toEqual([]);

    // saved with the draft: the runtime validated them (definition schema) and they hold the real match
    const saved = await eventually(
      async () => {
        const d = await draft(flowId);
        return d.testCases?.length === 4 && d;
      },
      8000,
      'the draft with four test cases',
    );
    expect(
      saved.testCases!.map((t) => [
        t.expect.route.at(-1),
        t.expect.outcome,
        t.steps?.map((s) => ('timeout' in s ? `timeout ${s.timeout}` : `${s.complete}:${s.outcome}`)),
      ]),
    ).toEqual([
      ['autoApproved', 'resolved', undefined],
      ['accepted', 'resolved', ['procurementReview:accept']],
      ['rejected', 'rejected', ['procurementReview:reject']],
      ['rejected', 'rejected', ['timeout procurementReview', 'controllerEscalation:reject']],
    ]);
    expect(saved.testCases![0].reference?.purchaseOrders?.map((p) => p.poNumber)).toEqual(['PO-45001234', 'PO-45001299']);
  });

  it('a saved test case fails with a path diff when the flow changes under it', async () => {
    // tighten nothing in the UI: change the tolerance through the API as another editor would, then reload
    const d = await draft(flowId);
    const match = d.nodes.find((n) => n.id === 'match')!;
    (match.config as { params: Record<string, number> }).params.priceTolerancePct = 10;
    expect((await api('PUT', `/api/v1/definitions/${flowId}/draft`, d)).status).toBeLessThan(300);
    await page.reload();
    await page.waitForSelector('.react-flow__node');
    await page.click('[data-testid=tab-simulate]');
    await page.click('[data-testid=test-cases-run]');
    await expect.poll(() => page.locator('[data-testid=test-cases-summary]').textContent()).toBe('1 of 4 passed');
    const failed = page.locator('[data-testid=test-cases] li[data-status=fail]').first();
    expect(await failed.locator('[data-testid=route-diff] tr.is-different').first().textContent()).toContain('Approved automatically');
    await failed.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-test-case-failing.png') });
    expect(await seriousFindings(page)).toEqual([]);
  });

  it("the template's own test cases pass in the designer, and one runs in the simulator with the pack's invoice and reference data", async () => {
    const created = await api('POST', '/api/v1/definitions', { ...template(), key: 'pv-template', name: 'Price variance (template)' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${server.url}/#/flows/${created.body.id}`);
    await page.waitForSelector('.react-flow__node');
    await page.click('[data-testid=tab-simulate]');
    await page.click('[data-testid=test-cases-run]');
    await expect.poll(() => page.locator('[data-testid=test-cases-summary]').textContent()).toBe('4 of 4 passed');
    await page.click('[data-testid=test-case-simulate-over-accepted]');
    await expect.poll(() => page.locator('[data-testid=sim-status]').textContent()).toBe('At Procurement review · waiting');
    expect(await page.locator('[data-testid=sim-context]').textContent()).toContain('"maxPriceVariancePct": 5');
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-template-case.png') });
    // back at the start, the editor holds the test case's reference data for the next run
    await page.click('[data-testid=sim-stop]');
    expect(await page.locator('[data-testid=reference-editor] summary').textContent()).toContain('1 purchase order, 2 goods receipts');
    expect(await page.locator('[data-testid=reference-json]').inputValue()).toContain('PO-1001');
  });

  it('edits a decision table as a grid, exports it as DMN, imports one; axe finds nothing serious with the grid open', async () => {
    await page.goto(`${server.url}/#/flows/${tableFlowId}`);
    await page.waitForSelector('.react-flow__node[data-id="route"]');
    await selectStep(page, 'route');
    await page.click('[data-testid=tab-inspect]');
    const grid = page.locator('[data-testid=decision-grid]');
    await grid.waitFor();
    await page.click('[data-testid=dt-add-rule]');
    const first = page.getByLabel('Rule 1, Amount');
    await first.fill('> 5000 <');
    await expect.poll(() => grid.locator('.dt-cell.is-invalid').count()).toBe(1);
    await first.fill('> 5000');
    await page.getByLabel('Rule 1, queue').fill('"controller"');
    await page.getByLabel('Rule 2, Amount').fill('-');
    await page.getByLabel('Rule 2, queue').fill('"ap-review"');
    // the keyboard moves rows: Alt+↓ on the first rule's cell makes it the second
    await page.getByLabel('Rule 1, Amount').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.getByLabel('Rule 2, Amount').inputValue()).toBe('> 5000');
    await page.click('[aria-label="Move rule 2 up"]');
    await page.selectOption('[data-testid=dt-hit-policy]', 'UNIQUE');
    await page.click('[data-testid=dt-add-rule]');
    await expect.poll(() => grid.locator('tbody tr').count()).toBe(3);
    await page.click('[aria-label="Remove rule 3"]');
    await expect.poll(() => grid.locator('tbody tr').count()).toBe(2);
    await expect.poll(() => grid.locator('.dt-cell.is-invalid').count()).toBe(0);
    const saved = await eventually(
      async () => {
        const config = (await draft(tableFlowId)).nodes[1].config as { hitPolicy: string; rules: unknown[] };
        return config.hitPolicy === 'UNIQUE' && config.rules.length === 2 && config;
      },
      8000,
      'the edited table saved',
    );
    expect(saved.rules).toEqual([
      { when: ['> 5000'], then: ['"controller"'] },
      { when: ['-'], then: ['"ap-review"'] },
    ]);
    expect(await seriousFindings(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'decision-table-grid.png') });

    const download = page.waitForEvent('download');
    await page.click('[data-testid=dt-export]');
    const file = await download;
    expect(file.suggestedFilename()).toBe('route.dmn');
    const xml = readFileSync((await file.path())!, 'utf8');
    expect(xml).toContain('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"');
    expect(xml).toContain('<decision id="route" name="Route by amount">');
    expect(xml).toContain('<decisionTable id="route_table" hitPolicy="UNIQUE">');
    expect(xml).toContain('<inputExpression id="route_inputExpression_1"><text>invoice.grossTotal</text></inputExpression>');
    expect(xml).toContain('<inputEntry id="route_rule_1_in_1"><text>&gt; 5000</text></inputEntry>');
    expect(xml).toContain('<outputEntry id="route_rule_2_out_1"><text>&quot;ap-review&quot;</text></outputEntry>');

    const edited = xml.replace('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"').replace('&gt; 5000', '&gt;= 10000');
    await page.setInputFiles('[data-testid=dt-import-file]', { name: 'route.dmn', mimeType: 'application/xml', buffer: Buffer.from(edited) });
    await expect.poll(() => page.getByLabel('Rule 1, Amount').inputValue()).toBe('>= 10000');
    expect(await page.locator('[data-testid=dt-hit-policy]').inputValue()).toBe('FIRST');
    await page.setInputFiles('[data-testid=dt-import-file]', {
      name: 'bad.dmn',
      mimeType: 'application/xml',
      buffer: Buffer.from(edited.replace('hitPolicy="FIRST"', 'hitPolicy="PRIORITY"')),
    });
    await expect.poll(() => page.locator('[data-testid=decision-grid] [role=alert]').textContent()).toContain('Hit policy PRIORITY is not supported');
  });
});
