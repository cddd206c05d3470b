import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { eventually, httpClient, PATIENCE_MS } from '../support/http.js';

const flow = (queue: string) => ({
  schemaVersion: 1,
  key: 'north-review',
  name: 'NorthLedger review',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'review', kind: 'humanTask', config: { title: 'Review', queue, outcomes: [{ id: 'done', label: 'Done' }] } },
    { id: 'end', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'review' },
    { id: 'e2', source: 'review', sourcePort: 'done', target: 'end' },
  ],
});

// docs/templates.md, "MSP template inheritance": the client sees base vs its overrides in the flow list.
describe.skipIf(!hasChromium)('MSP base vs client override in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let acme: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const north = httpClient(server.url, await server.login('platform@northledger.example'));
    acme = httpClient(server.url, await server.login('admin@acme.example'));
    expect(
      (await north('POST', '/api/v1/template-packs', { name: 'north-ap', flows: [flow('msp-ap')], extensionPoints: { 'north-review': ['e2'] } })).status,
    ).toBe(201);
    const fanOut = await north('POST', '/api/v1/template-packs/north-ap/versions/1/publish', {});
    expect(fanOut.status).toBe(202);
    await eventually(
      async () => (await north('GET', `/api/v1/template-fanouts/${fanOut.body.id}`)).body.status === 'done' || undefined,
      PATIENCE_MS,
      'the fan-out',
    );
    expect((await acme('PUT', '/api/v1/template-layers/north-review/overrides', { nodes: { review: { config: { queue: 'acme-ap' } } } })).status).toBe(200);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the client's overrides against the MSP's base, value by value", async () => {
    await signIn(page, server, 'admin@acme.example');
    await page.waitForSelector('[data-testid=nav-flows]');
    await page.click('[data-testid=nav-flows]');
    await page.click('[data-testid=layer-north-review]');
    const diff = await page.waitForSelector('[data-testid=layer-diff-north-review] tbody tr');
    expect((await diff.textContent())?.replace(/\s+/g, ' ')).toBe('review/config/queuemsp-apacme-ap');
    expect(await page.textContent('[data-testid=layer-diff-north-review] p')).toContain('Stands on north-ap v1 of msp-north');
    await page.screenshot({ path: join(ARTIFACTS, 'template-layer-diff.png') });
  });

  it('a client edits its layer in the designer: settings beside the base, a step added where the base allows, saved as merge patches', async () => {
    await page.click('[data-testid=layer-edit-north-review]');
    await page.waitForSelector('[data-testid=layer-editor-north-review]');
    expect(await page.inputValue('[data-testid=override-review-config-queue]')).toBe('acme-ap');
    await page.fill('[data-testid=override-review-config-queue]', 'acme-senior');
    await page.fill('[data-testid=override-review-label]', 'Acme review');
    // a step the flow cannot run is refused, naming it, and nothing changes
    await page.fill('[data-testid=add-step-id]', 'acmeHold');
    await page.fill('[data-testid=add-step-duration]', 'soon');
    await page.click('[data-testid=add-step]');
    await page.click('[data-testid=save-overrides]');
    const refused = await page.waitForSelector('[data-testid=layer-editor-problems]');
    expect(await refused.textContent()).toContain('acmeHold');
    expect((await acme('GET', '/api/v1/template-layers/north-review')).body.overrides).toEqual({ nodes: { review: { config: { queue: 'acme-ap' } } } });

    await page.click('[data-testid=added-step-acmeHold] button');
    await page.fill('[data-testid=add-step-id]', 'acmeHold');
    await page.fill('[data-testid=add-step-duration]', 'PT2H');
    await page.click('[data-testid=add-step]');
    await page.click('[data-testid=save-overrides]');
    expect(await (await page.waitForSelector('[data-testid=layer-saved]')).textContent()).toContain('version 3');
    // the flow list follows: the new version is the published one
    await page.waitForFunction(() => document.body.textContent?.includes('v3 published'));
    // the layer holds only what differs from the base: not a copy of the flow
    const layer = (await acme('GET', '/api/v1/template-layers/north-review')).body;
    expect(layer.overrides).toEqual({
      nodes: { review: { label: 'Acme review', config: { queue: 'acme-senior' } } },
      insert: [{ edge: 'e2', node: { id: 'acmeHold', kind: 'timer', config: { duration: 'PT2H' } } }],
    });
    expect(layer.effective.edges.map((e: { id: string; source: string; target: string }) => `${e.source}>${e.target}`)).toEqual([
      'start>review',
      'review>acmeHold',
      'acmeHold>end',
    ]);
    // the diff shown beside it follows
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=layer-diff-north-review] tbody tr').length === 3);
    const rows = await page.$$eval('[data-testid=layer-diff-north-review] tbody tr', (trs) => trs.map((tr) => tr.textContent?.replace(/\s+/g, ' ')));
    expect(rows).toEqual(
      expect.arrayContaining(['review/label—Acme review', 'review/config/queuemsp-apacme-senior', expect.stringMatching(/^acmeHold\/insert\/e2—/)]),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'template-layer-editor.png') });
  });
});
