import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, DIST, hasChromium, launchBrowser, selectStep } from '../browser/harness.js';

interface TestServer {
  url: string;
  login(email: string): Promise<string>;
  stop(): Promise<void>;
}

// imported by path at run time: the designer does not depend on the runtime package, and its
// type check must not follow into runtime sources
const serverModule = new URL('../../../runtime/test/support/testServer.ts', import.meta.url);
const hasRuntime = existsSync(fileURLToPath(serverModule));

describe.skipIf(!hasRuntime || !hasChromium)('designer against the real runtime', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  let definitionId: string;
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const node = (id: string) => `.react-flow__node[data-id="${id}"]`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { startTestServer } = (await import(/* @vite-ignore */ serverModule.href)) as {
      startTestServer(options?: { designerDist?: string }): Promise<TestServer>;
    };
    server = await startTestServer({ designerDist: DIST });
    token = await server.login('owner@demo.exflow');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in as the demo process owner and lists the seeded flows', async () => {
    await page.goto(`${server.url}/`);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=flow-table]');
    expect(await page.locator('[data-testid=flow-table] tbody tr').count()).toBeGreaterThan(0);
  });

  it('creates a flow from the template, edits it, publishes it, and the API returns that version', async () => {
    await page.click('[data-testid=new-flow]');
    await page.locator('[data-testid=new-flow-name]').fill('E2E price variance');
    await page.locator('.modal select').selectOption('price-variance');
    await page.click('[data-testid=new-flow-create]');
    await page.waitForSelector(node('procurementReview'));
    definitionId = decodeURIComponent(/#\/flows\/([^/]+)/.exec(page.url())![1]);

    await selectStep(page, 'procurementReview');
    // the SLA is picked in hours or days (the widget writes the ISO 8601 duration)
    await page.locator('[data-testid=inspector] input[id$="dueIn"]').fill('48');
    expect(await page.locator('[data-testid=inspector] [data-testid=duration-unit]').inputValue()).toBe('hours');
    await expect.poll(() => page.locator('[data-testid=save-state]').textContent(), { timeout: 10_000 }).toBe('All changes saved');

    await page.click('[data-testid=publish]');
    await expect.poll(() => page.locator('[data-testid=publish-state]').textContent(), { timeout: 10_000 }).toBe('Published v1 · up to date');

    const versions = await api<{ version: number; publishedBy: string }[]>(`/definitions/${definitionId}/versions`);
    expect(versions.map((v) => v.version)).toEqual([1]);
    const v1 = await api<{ version: number; definition: WorkflowDefinition; compiled: { machine: unknown } }>(`/definitions/${definitionId}/versions/1`);
    expect(v1.definition.key).toBe('e2e-price-variance');
    expect(v1.definition.nodes.find((n) => n.id === 'procurementReview')!.config!.dueIn).toBe('PT48H');
    expect(v1.compiled.machine).toBeTruthy();
  });

  it('refuses to publish while the draft has problems, and lists them', async () => {
    const edge = page.locator('.edge-label', { hasText: 'outside tolerance' });
    await edge.click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-testid=problem-pill]').textContent()).toBe('1 problem');
    await page.click('[data-testid=publish]');
    await expect.poll(() => page.locator('[data-testid=problems-panel] .banner--error').count()).toBe(1);
    expect(await page.locator('[data-testid=problems-panel] .problem').first().textContent()).toContain('otherwise');
    expect((await api<unknown[]>(`/definitions/${definitionId}/versions`)).length).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid=problem-pill]').textContent()).toBe('No problems');
  });

  it('shows what changed between v1 and the draft on the canvas, then publishes v2', async () => {
    await page.click('[data-testid=tab-inspect]');
    await selectStep(page, 'controllerEscalation');
    // a queue the tenant has no task in yet is typed once, from the picker's "New queue…"
    await page.locator('[data-testid=inspector] [data-testid=queue-picker]').selectOption({ label: 'New queue…' });
    await page.locator('[data-testid=inspector] input[id$="queue"]').fill('cfo-office');
    await expect.poll(() => page.locator('[data-testid=publish-state]').textContent()).toBe('Draft · changes since v1');

    await page.click('[data-testid=tab-versions]');
    await page.click('[data-testid=version-list] button:has-text("Diff with draft")');
    await page.waitForSelector('[data-testid=compare-banner]');
    expect(await page.locator('[data-testid=compare-banner]').textContent()).toContain('1 changed');
    expect(await page.locator(`${node('controllerEscalation')} .step.diff-changed`).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}versions-diff.png` });
    await page.click('[data-testid=compare-banner] button');

    await expect.poll(() => page.locator('[data-testid=save-state]').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    await page.click('[data-testid=publish]');
    await expect.poll(() => page.locator('[data-testid=publish-state]').textContent(), { timeout: 10_000 }).toBe('Published v2 · up to date');
    const v2 = await api<{ definition: WorkflowDefinition }>(`/definitions/${definitionId}/versions/2`);
    expect(v2.definition.nodes.find((n) => n.id === 'controllerEscalation')!.config!.queue).toBe('cfo-office');
    const v1 = await api<{ definition: WorkflowDefinition }>(`/definitions/${definitionId}/versions/1`);
    expect(v1.definition.nodes.find((n) => n.id === 'controllerEscalation')!.config!.queue).toBe('controller');
  });
});
