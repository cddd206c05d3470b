import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceVariance } from '../fixtures.js';
import { ARTIFACTS, DIST, hasChromium, launchBrowser, selectStep, signInPage } from './harness.js';

interface TestServer {
  url: string;
  login(email: string): Promise<string>;
  stop(): Promise<void>;
}

const serverModule = new URL('../../../runtime/test/support/testServer.ts', import.meta.url);
const hasRuntime = existsSync(fileURLToPath(serverModule));

/** The price-variance template plus a routing table nobody reaches yet: one problem to show. */
function flowWithTable(): WorkflowDefinition {
  const flow = priceVariance();
  flow.key = 'german-flow';
  flow.nodes.push({
    id: 'route',
    kind: 'decisionTable',
    label: 'Route',
    position: { x: 589, y: 420 },
    config: {
      hitPolicy: 'FIRST',
      inputs: [{ label: 'Invoice total', expression: 'invoice.grossTotal' }],
      outputs: [{ name: 'queue' }],
      rules: [
        { when: ['> 10000'], then: ['"controller"'] },
        { when: ['-'], then: ['"ap-review"'] },
      ],
    },
  });
  return flow;
}

describe.skipIf(!hasChromium || !hasRuntime)('the designer in German, served by the runtime', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  // textContent: some headings are upper-cased by CSS only
  const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { startTestServer } = (await import(/* @vite-ignore */ serverModule.href)) as {
      startTestServer(options?: { designerDist?: string; workers?: boolean }): Promise<TestServer>;
    };
    server = await startTestServer({ designerDist: DIST, workers: false });
    const token = await server.login('owner@demo.exflow');
    const response = await fetch(`${server.url}/api/v1/definitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(flowWithTable()),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.addInitScript(() => localStorage.setItem('exflow.language', 'de'));
    await signInPage(page, token);
    await page.goto(`${server.url}/#/flows/${id}`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__node[data-id="route"]', { timeout: 60_000 }).catch(async (e: Error) => {
      console.error('page body:', (await page.locator('body').innerText()).slice(0, 500));
      throw e;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the step cards in German, none of their texts wider than the card', async () => {
    const route = '.react-flow__node[data-id="route"]';
    await expect.poll(() => text(`${route} .step__kind`)).toBe('Entscheidungstabelle');
    expect(await text(`${route} .step__summary`)).toBe('FIRST · 2 Regeln');
    expect(await text('.react-flow__node[data-id="procurementReview"] .step__summary')).toMatch(/^Warteschlange /);
    expect(await text('.react-flow__node[data-id="autoApproved"] .step__summary')).toBe('gelöst');
    expect(await text('.react-flow__node[data-id="match"] .step__ports li:first-child span')).toBe('erledigt');
    expect(await page.locator('.react-flow__controls-zoomin').getAttribute('aria-label')).toBe('Vergrößern');
    await page.screenshot({ path: `${ARTIFACTS}german-canvas.png` });
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('.react-flow__node')].flatMap((step) => {
        const card = step.getBoundingClientRect();
        return (
          [...step.querySelectorAll('.step__kind, .step__title, .step__summary, .step__ports span')]
            // a long name is cut with an ellipsis inside the card (its title attribute has it whole); it must never spill out
            .filter((el) => el.getBoundingClientRect().right > card.right + 1)
            .map((el) => `${step.getAttribute('data-id')}: ${el.textContent}`)
        );
      }),
    );
    expect(overflowing).toEqual([]);
  });

  it('lists the problem in German on the pill and in the problems panel', async () => {
    expect(await text('[data-testid=problem-pill]')).toBe('1 Problem');
    await page.click('[data-testid=tab-problems]');
    expect(await text('[data-testid=tab-problems]')).toMatch(/^Probleme/);
    expect(await text('[data-testid=problems-panel] .problem__message')).toBe('„Route“ hat keine Verbindung für „dann“; verbinden Sie sie');
  });

  it('shows the simulator in German', async () => {
    await page.click('[data-testid=tab-simulate]');
    const simulator = await text('[data-testid=simulator]');
    expect(simulator).not.toContain('Expected');
    expect(simulator).toContain('Beispielrechnung');
    expect(simulator).toContain('Testfälle');
    expect(await text('[data-testid=sim-start]')).toBe('▶ Simulation starten');
    // counted with the singular where there is one (the sample has one tax rate)
    expect(await text('[data-testid=reference-editor] summary')).toBe(
      'Referenzdaten der Prüfungen (2 Lieferanten, 2 Bestellungen, 2 Wareneingänge, 1 Steuersatz)',
    );
  });

  it('shows the decision table grid and the inspector fields in German', async () => {
    await selectStep(page, 'route');
    await page.click('[data-testid=tab-inspect]');
    const grid = page.locator('[data-testid=decision-grid]');
    await expect.poll(() => grid.getAttribute('aria-label')).toBe('Entscheidungstabelle');
    const shown = await grid.innerText();
    expect(shown).toContain('Trefferrichtlinie');
    expect(shown).toContain('FIRST: die erste zutreffende Regel, von oben nach unten');
    expect(await text('[data-testid=dt-add-rule]')).toBe('+ Regel');
    await page.locator('[data-testid=decision-grid] [aria-label="Regel 1, Invoice total"]').fill('> 10000 and');
    await expect.poll(() => text('.dt-cell__error')).toMatch(/^FEEL-Syntaxfehler an Position \d+ in „> 10000 and“$/);
    // a DMN file the import refuses: why, in German
    const priority = `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="d"><decisionTable hitPolicy="PRIORITY">
      <input><inputExpression><text>invoice.grossTotal</text></inputExpression></input><output name="queue"/></decisionTable></decision></definitions>`;
    await page.setInputFiles('[data-testid=dt-import-file]', { name: 'route.dmn', mimeType: 'application/xml', buffer: Buffer.from(priority) });
    await expect
      .poll(() => text('[data-testid=decision-grid] ~ .inspector__problems, .inspector__problems[role=alert]'))
      .toBe('Nicht importiert: Die Trefferrichtlinie PRIORITY wird nicht unterstützt; verwenden Sie UNIQUE, FIRST, COLLECT');

    await selectStep(page, 'procurementReview');
    await expect.poll(() => page.locator('[data-testid=inspector]').innerText()).toContain('Fällig in');
  });

  it('shows the keyboard shortcuts in German', async () => {
    await page.click('button[aria-label="Tastenkürzel"]');
    const dialog = page.getByRole('dialog', { name: 'Tastenkürzel' });
    await expect.poll(() => dialog.count()).toBe(1);
    const shown = (await dialog.textContent()) ?? '';
    expect(shown).toContain('Strg+Z');
    expect(shown).toContain('Rückgängig');
    expect(shown).toContain('Doppelklick');
  });
});
