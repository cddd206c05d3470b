import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFlow } from '../fixtures.js';
import { ARTIFACTS, centre, DIST, hasChromium, launchBrowser, mouseDrag, signInPage } from './harness.js';

interface TestServer {
  url: string;
  login(email: string): Promise<string>;
  stop(): Promise<void>;
}

// The designer as the runtime serves it, against the real API (imported by path at run time,
// as in e2e/publish.e2e.test.ts: the designer does not depend on the runtime package).
const serverModule = new URL('../../../runtime/test/support/testServer.ts', import.meta.url);
const hasRuntime = existsSync(fileURLToPath(serverModule));

const node = (id: string) => `.react-flow__node[data-id="${id}"]`;
const sourceHandle = (id: string, port: string) => `${node(id)} .react-flow__handle.source[data-handleid="${port}"]`;
const targetHandle = (id: string) => `${node(id)} .react-flow__handle.target`;

describe.skipIf(!hasChromium || !hasRuntime)('designer canvas in Chromium, served by the runtime', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let token: string;
  let definitionId: string;
  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  };
  /** The draft as the runtime stored it, once it passes `check` (the designer saves as you go). */
  const lastSaved = async (check: (d: WorkflowDefinition) => boolean): Promise<WorkflowDefinition> => {
    let draft: WorkflowDefinition | undefined;
    await expect
      .poll(
        async () => {
          draft = (await rest<{ draft: WorkflowDefinition }>('GET', `/definitions/${definitionId}`)).draft;
          return check(draft);
        },
        { timeout: 8000 },
      )
      .toBe(true);
    return draft!;
  };
  const pill = () => page.locator('[data-testid=problem-pill]');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { startTestServer } = (await import(/* @vite-ignore */ serverModule.href)) as {
      startTestServer(options?: { designerDist?: string; workers?: boolean }): Promise<TestServer>;
    };
    server = await startTestServer({ designerDist: DIST, workers: false });
    token = await server.login('owner@demo.exflow');
    definitionId = (await rest<{ id: string }>('POST', '/definitions', emptyFlow())).id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signInPage(page, token);
    await page.goto(`${server.url}/#/flows/${definitionId}`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__pane');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('builds a four-step flow from an empty canvas by dragging from the palette and connecting handles', async () => {
    await expect(pill().textContent()).resolves.toBe('1 problem');
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const drop = async (kind: string, x: number, y: number) => {
      await mouseDrag(page, await centre(page, `.palette [data-kind="${kind}"]`), { x: pane.x + x, y: pane.y + y });
    };
    await drop('start', 150, 300);
    await drop('decision', 420, 300);
    await drop('end', 690, 180);
    await drop('end', 690, 430);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);

    await mouseDrag(page, await centre(page, sourceHandle('start', 'out')), await centre(page, targetHandle('decision')));
    await mouseDrag(page, await centre(page, sourceHandle('decision', 'b1')), await centre(page, targetHandle('end')));
    await mouseDrag(page, await centre(page, sourceHandle('decision', 'default')), await centre(page, targetHandle('end_2')));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);
    await expect.poll(() => pill().textContent()).toBe('No problems');

    const saved = await lastSaved((d) => d.edges.length === 3);
    expect(saved.nodes.map((n) => n.kind)).toEqual(['start', 'decision', 'end', 'end']);
    expect(saved.edges.map((e) => `${e.source}:${e.sourcePort}->${e.target}`)).toEqual(['start:out->decision', 'decision:b1->end', 'decision:default->end_2']);
  });

  it('enforces the port rules while dragging: one edge per output port', async () => {
    await mouseDrag(page, await centre(page, sourceHandle('decision', 'b1')), await centre(page, targetHandle('end_2')));
    await page.waitForTimeout(200);
    expect(await page.locator('.react-flow__edge').count()).toBe(3);
  });

  it('configures the decision with a FEEL condition; the error shows live and clears', async () => {
    await page.click(`${node('decision')} .step__title`);
    await page.click('[data-testid=tab-inspect]');
    const condition = page.locator('[data-testid=inspector] .feel__input').first();
    await condition.fill('invoice.grossTotal >');
    await expect.poll(() => page.locator('.feel__status--error').count()).toBe(1);
    await expect.poll(() => pill().textContent()).toBe('1 problem');
    expect(await page.locator(`${node('decision')} .step__badge`).textContent()).toBe('1');

    await page.click('[data-testid=problem-pill]');
    await page.click('[data-testid=problems-panel] .problem');
    await expect.poll(() => page.locator(`${node('decision')}.selected`).count()).toBe(1);

    await page.click('[data-testid=tab-inspect]');
    await page.locator('[data-testid=inspector] .feel__input').first().fill('invoice.grossTotal > 10000');
    await expect.poll(() => pill().textContent()).toBe('No problems');
    expect(await page.locator(`${node('decision')} .step__badge`).count()).toBe(0);
    expect(await page.locator('.feel__status--ok').count()).toBe(1);
    const saved = await lastSaved((d) => (d.nodes[1].config as any).branches[0].condition === 'invoice.grossTotal > 10000');
    expect((saved.nodes[1].config as any).branches).toEqual([{ id: 'b1', label: 'yes', condition: 'invoice.grossTotal > 10000' }]);
  });

  it('names the ends in the inspector and marks a removed connection as a problem until undone', async () => {
    for (const [id, label, outcome] of [
      ['end', 'Needs review', 'rejected'],
      ['end_2', 'Approved', 'resolved'],
    ] as const) {
      await page.click(`${node(id)} .step__title`);
      await page.locator('[data-testid=node-label]').fill(label);
      await page.locator('[data-testid=inspector] select').first().selectOption(outcome);
    }
    await expect.poll(() => page.locator(`${node('end')} .step__title`).textContent()).toBe('Needs review');

    const otherwise = (await lastSaved(() => true)).edges.find((e) => e.sourcePort === 'default')!;
    await page.click(`.edge-label[data-edge-id="${otherwise.id}"]`);
    await expect.poll(() => page.locator('[data-testid=inspector]').getAttribute('data-edge-id')).toBe(otherwise.id);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await expect.poll(() => pill().textContent()).toBe('1 problem');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);
    await expect.poll(() => pill().textContent()).toBe('No problems');
  });

  it('undoes and redoes a move made with the mouse', async () => {
    await page.keyboard.press('Shift+Digit1');
    await page.waitForTimeout(400);
    const yOf = (d: WorkflowDefinition) => d.nodes.find((n) => n.id === 'end_2')!.position!.y;
    const savedBefore = yOf(await lastSaved(() => true));
    const before = (await page.locator(node('end_2')).boundingBox())!;
    await mouseDrag(page, await centre(page, `${node('end_2')} .step__title`), { x: before.x + before.width / 2 - 40, y: before.y - 60 });
    const moved = (await page.locator(node('end_2')).boundingBox())!;
    expect(Math.round(before.y - moved.y)).toBeGreaterThan(50);
    const savedMoved = yOf(await lastSaved((d) => yOf(d) < savedBefore - 20));
    await page.click('[data-testid=undo]');
    await expect.poll(async () => Math.round((await page.locator(node('end_2')).boundingBox())!.y)).toBe(Math.round(before.y));
    await lastSaved((d) => yOf(d) === savedBefore);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => Math.round((await page.locator(node('end_2')).boundingBox())!.y)).toBe(Math.round(moved.y));
    await lastSaved((d) => yOf(d) === savedMoved);
  });

  it('simulates a sample invoice down both branches', async () => {
    await page.click('[data-testid=tab-simulate]');
    await page.locator('[data-testid=sample-invoice]').selectOption('large-po');
    await page.click('[data-testid=sim-start]');
    await expect.poll(() => page.locator('[data-testid=sim-status]').textContent()).toBe('Case ended: rejected');
    expect(await page.locator(`${node('end')} .step.sim-active`).count()).toBe(1);
    expect(await page.locator('.flow-edge.sim-taken').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}canvas-simulated.png` });

    await page.click('[data-testid=sim-stop]');
    await page.locator('[data-testid=sample-invoice]').selectOption('small-po');
    await page.click('[data-testid=step-mode]');
    await page.click('[data-testid=sim-start]');
    await expect.poll(() => page.locator('[data-testid=sim-status]').textContent()).toContain('Invoice received');
    await page.click('[data-testid=sim-step]');
    await expect.poll(() => page.locator(`${node('decision')} .step.sim-active`).count()).toBe(1);
    await page.click('[data-testid=sim-run]');
    await expect.poll(() => page.locator('[data-testid=sim-status]').textContent()).toBe('Case ended: resolved');
    expect(await page.locator(`${node('end_2')} .step.sim-active`).count()).toBe(1);
    await page.click('[data-testid=sim-stop]');
    await page.click('[data-testid=step-mode]');
  });

  it('copies two steps and pastes them with fresh ids', async () => {
    await page.click(`${node('end')} .step__title`);
    await page.click(`${node('end_2')} .step__title`, { modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    expect(await page.locator(node('end_3')).count()).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
  });

  it('lays the flow out with ELK and leaves a screenshot of the canvas', async () => {
    await page.click('[data-testid=auto-layout]');
    await page.waitForTimeout(800);
    const start = (await page.locator(node('start')).boundingBox())!;
    const decision = (await page.locator(node('decision')).boundingBox())!;
    expect(decision.x).toBeGreaterThan(start.x + start.width);
    await page.click(`${node('decision')} .step__title`);
    await page.click('[data-testid=tab-inspect]');
    await page.screenshot({ path: `${ARTIFACTS}canvas.png` });
  });

  it('publishes the flow it built, and the REST API returns that version', async () => {
    const draft = await lastSaved(() => true);
    await page.click('[data-testid=publish]');
    await expect.poll(() => page.locator('[data-testid=publish-state]').textContent(), { timeout: 10_000 }).toBe('Published v1 · up to date');
    const v1 = await rest<{ version: number; definition: WorkflowDefinition; compiled: { machine: { initial: string } } }>(
      'GET',
      `/definitions/${definitionId}/versions/1`,
    );
    expect(v1.version).toBe(1);
    expect(v1.definition.nodes.map((n) => [n.id, n.kind])).toEqual(draft.nodes.map((n) => [n.id, n.kind]));
    expect(v1.definition.edges.map((e) => `${e.source}:${e.sourcePort}->${e.target}`)).toEqual([
      'start:out->decision',
      'decision:b1->end',
      'decision:default->end_2',
    ]);
    expect((v1.definition.nodes.find((n) => n.id === 'decision')!.config as { branches: { condition: string }[] }).branches[0].condition).toBe(
      'invoice.grossTotal > 10000',
    );
    expect(v1.compiled.machine.initial).toBe('start');
  });
});
