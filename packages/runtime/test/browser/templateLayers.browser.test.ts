import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser } from '../support/browser.js';
import { httpClient } from '../support/http.js';

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

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const north = httpClient(server.url, await server.login('platform@northledger.example'));
    const acme = httpClient(server.url, await server.login('admin@acme.example'));
    expect((await north('POST', '/api/v1/template-packs', { name: 'north-ap', flows: [flow('msp-ap')] })).status).toBe(201);
    expect((await north('POST', '/api/v1/template-packs/north-ap/versions/1/publish', {})).status).toBe(200);
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
    await page.goto(server.url);
    await page.fill('input[type=email]', 'admin@acme.example');
    await page.fill('input[type=password]', 'demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=nav-flows]');
    await page.click('[data-testid=nav-flows]');
    await page.click('[data-testid=layer-north-review]');
    const diff = await page.waitForSelector('[data-testid=layer-diff-north-review] tbody tr');
    expect((await diff.textContent())?.replace(/\s+/g, ' ')).toBe('review/config/queuemsp-apacme-ap');
    expect(await page.textContent('[data-testid=layer-diff-north-review] p')).toContain('Stands on north-ap v1 of msp-north');
    await page.screenshot({ path: join(ARTIFACTS, 'template-layer-diff.png') });
  });
});
