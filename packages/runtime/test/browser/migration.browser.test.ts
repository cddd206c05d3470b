import type { Invoice } from '@exflow/shared';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT } from '../../src/demo/seed.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { invoiceOf } from '../support/approvalFlow.js';
import { seriousFindings } from '../support/axe.js';
import { ARTIFACTS, DESIGNER_DIST, hasChromium, launchBrowser, signIn } from '../support/browser.js';
import { httpClient } from '../support/http.js';
import { migratingV1, migratingV2 } from '../support/migrationFlows.js';

describe.skipIf(!hasChromium)('running-case migration dialog in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let definitionId: string;
  const caseIds: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(DESIGNER_DIST, 'index.html'))) {
      throw new Error(`No designer build in ${DESIGNER_DIST}: run "npx -y pnpm@10.34.8 --filter @exflow/designer build" first (the test script does)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ designerDist: DESIGNER_DIST });
    const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    definitionId = (await owner('POST', '/api/v1/definitions', migratingV1)).body.id;
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, migratingV2)).status).toBe(200);
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    // three cases at `review`, one at `hold` (a step v2 removed)
    for (const [i, gross] of [2000, 2500, 3000, 500].entries()) {
      const invoice = invoiceOf(`MIG-UI-${i}`, gross) as unknown as Invoice;
      caseIds.push((await server.engine.startCase(DEMO_TENANT, { definitionId, version: 1, invoiceId: null, invoice }, 'u-owner')).caseId);
    }
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

  it('maps the renamed step, dry-runs every case (step, queue, SLA before → after, the blocked one with its reason), applies and rolls back a batch', async () => {
    await page.goto(`${server.url}/#/flows/${definitionId}`);
    await page.click('[data-testid=tab-versions]');
    await page.click('[data-testid=migrate-cases]');
    await page.waitForSelector('[data-testid=migration-mapping]');
    expect(await page.locator('[data-testid=map-review]').inputValue()).toBe('');
    expect(await page.locator('[data-testid=map-approve]').inputValue()).toBe('approve');
    await page.selectOption('[data-testid=map-review]', 'check');
    await page.click('[data-testid=migration-dry-run]');
    await page.waitForSelector('[data-testid=migration-cases] tbody tr');
    expect(await page.locator('#migration-cases').textContent()).toBe('Dry run: 3 of 4 cases can move, 1 blocked');
    const rows = await page.locator('[data-testid=migration-cases] tbody tr').allTextContents();
    expect(rows.filter((r) => r.includes('review → check') && r.includes('ap-review → ap-senior'))).toHaveLength(3);
    expect(rows.filter((r) => r.includes('cannot move') && r.includes('“hold”'))).toHaveLength(1);
    expect(await seriousFindings(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'migration-dry-run.png') });

    await page.click('[data-testid=migration-plan]');
    await page.click('text=Apply batch 1');
    await page.waitForSelector('text=Roll back batch 1');
    expect(await page.locator('[data-testid=migration-batch-list]').textContent()).toContain('3 migrated');
    const moved = await server.db('cases').where({ tenant_id: DEMO_TENANT }).whereIn('id', caseIds).orderBy('id').pluck('definition_version');
    expect(moved.sort()).toEqual([1, 2, 2, 2]);
    await page.click('text=Roll back batch 1');
    await page.waitForSelector('text=3 rolled back');
    expect(await seriousFindings(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'migration-rolled-back.png') });
    expect(await server.db('cases').where({ tenant_id: DEMO_TENANT }).whereIn('id', caseIds).pluck('definition_version')).toEqual([1, 1, 1, 1]);
  });
});
