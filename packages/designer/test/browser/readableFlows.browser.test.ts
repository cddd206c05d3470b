import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowDefinition } from '@exflow/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, centre, DIST, hasChromium, launchBrowser, mouseDrag, signInPage } from './harness.js';

interface TestServer {
  url: string;
  login(email: string): Promise<string>;
  stop(): Promise<void>;
}

const serverModule = new URL('../../../runtime/test/support/testServer.ts', import.meta.url);
const hasRuntime = existsSync(fileURLToPath(serverModule));
const TEMPLATES = fileURLToPath(new URL('../../../../templates/', import.meta.url));

/** Every flow of every template pack, largest first. */
const templates = readdirSync(TEMPLATES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(`${TEMPLATES}${d.name}`)
      .filter((f) => f.endsWith('.workflow.json'))
      .map((f) => JSON.parse(readFileSync(`${TEMPLATES}${d.name}/${f}`, 'utf8')) as WorkflowDefinition),
  )
  .sort((a, b) => b.nodes.length - a.nodes.length || a.key.localeCompare(b.key));

interface CanvasReading {
  zoom: number;
  /** Smallest on-screen font size (px) of step titles and edge labels. */
  smallestText: number;
  labels: { id: string; by: string | null; box: { x: number; y: number; width: number; height: number } }[];
  steps: { id: string; box: { x: number; y: number; width: number; height: number } }[];
  /**
   * Every text on a step card (kind line, title, summary, ports, badges, heat figures): its CSS
   * size, the size it is drawn at now (measured from the card's on-screen scale), and whether
   * it sticks out of its card or its own box.
   */
  cardTexts: { step: string; what: string; text: string; css: number; drawn: number; overflows: boolean }[];
  /** Edge paths whose segments are not all horizontal or vertical. */
  slanted: { id: string; d: string }[];
  edges: number;
}

/** What a person sees on the canvas now: zoom, text size, label and step boxes, and how each edge runs. */
function readCanvas(page: Page): Promise<CanvasReading> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const text = [...document.querySelectorAll('.step__title, .edge-label')].map((el) => parseFloat(getComputedStyle(el).fontSize) * zoom);
    // measured, not assumed: the card's drawn width over its layout width is the scale it is drawn at,
    // and a text's box against its card's is whether it fits, whatever font Chromium picked
    const cardTexts = [...document.querySelectorAll<HTMLElement>('.react-flow__node .step')].flatMap((card) => {
      const scale = card.getBoundingClientRect().width / card.offsetWidth;
      const outer = card.getBoundingClientRect();
      return [card, ...card.querySelectorAll<HTMLElement>('*')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()))
        .map((el) => {
          const style = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          const clipped = style.textOverflow === 'ellipsis' && style.overflow === 'hidden';
          const outside = r.left < outer.left - 0.5 || r.right > outer.right + 0.5 || r.top < outer.top - 0.5 || r.bottom > outer.bottom + 0.5;
          return {
            step: card.getAttribute('data-node-id')!,
            what: el.className || el.tagName.toLowerCase(),
            text: el.textContent!.trim(),
            css: parseFloat(style.fontSize),
            drawn: parseFloat(style.fontSize) * scale,
            overflows: outside || (!clipped && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0),
          };
        });
    });
    const slanted: { id: string; d: string }[] = [];
    const paths = [...document.querySelectorAll('.react-flow__edge')];
    for (const edge of paths) {
      const d = edge.querySelector('.react-flow__edge-path')!.getAttribute('d')!;
      const commands = d.match(/[A-Za-z][^A-Za-z]*/g) ?? [];
      const points = commands.map((c) => c.slice(1).trim().split(/[ ,]+/).map(Number));
      const straight = commands.every((c) => c[0] === 'M' || c[0] === 'L');
      const orthogonal = points.every((p, i) => i === 0 || Math.abs(p[0] - points[i - 1][0]) < 0.5 || Math.abs(p[1] - points[i - 1][1]) < 0.5);
      if (!straight || !orthogonal) slanted.push({ id: edge.getAttribute('data-id')!, d });
    }
    return {
      zoom,
      smallestText: Math.min(...text),
      labels: [...document.querySelectorAll('.edge-label')].map((el) => ({
        id: el.getAttribute('data-edge-id')!,
        by: el.getAttribute('data-routed-by'),
        box: box(el),
      })),
      steps: [...document.querySelectorAll('.react-flow__node')].map((el) => ({ id: el.getAttribute('data-id')!, box: box(el) })),
      cardTexts,
      slanted,
      edges: paths.length,
    };
  });
}

/** The fit's minimum zoom (src/canvas/readableView.ts READABLE_ZOOM): a flow never opens smaller. */
const MIN_ZOOM = 0.85;
/** The smallest text a person should have to read on the canvas, on screen. */
const SMALLEST_PX = 11;

/** Card texts that would be drawn under 11 px at the minimum zoom, or are drawn under it now, or stick out. */
function unreadableCardTexts(reading: CanvasReading): string[] {
  const found: string[] = [];
  for (const t of reading.cardTexts) {
    if (t.css * MIN_ZOOM < SMALLEST_PX) found.push(`${t.step} ${t.what} "${t.text}": ${t.css} px is ${(t.css * MIN_ZOOM).toFixed(1)} px at zoom ${MIN_ZOOM}`);
    if (t.drawn < SMALLEST_PX - 0.01) found.push(`${t.step} ${t.what} "${t.text}": drawn at ${t.drawn.toFixed(1)} px`);
    if (t.overflows) found.push(`${t.step} ${t.what} "${t.text}": overflows its card`);
  }
  return found;
}

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function overlaps(reading: CanvasReading): string[] {
  const found: string[] = [];
  reading.labels.forEach((a, i) =>
    reading.labels.slice(i + 1).forEach((b) => {
      if (intersects(a.box, b.box)) found.push(`label ${a.id} × label ${b.id}`);
    }),
  );
  for (const label of reading.labels) for (const step of reading.steps) if (intersects(label.box, step.box)) found.push(`label ${label.id} × step ${step.id}`);
  return found;
}

// issue 15, "Flows are hard to read": every template opens at a readable zoom, its edges run
// orthogonally on ELK's routes and no outcome label covers another label or a step.
describe.skipIf(!hasChromium || !hasRuntime)('readable flows in Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { startTestServer } = (await import(/* @vite-ignore */ serverModule.href)) as {
      startTestServer(options?: { designerDist?: string; workers?: boolean; seedDemo?: boolean }): Promise<TestServer>;
    };
    server = await startTestServer({ designerDist: DIST, workers: false });
    token = await server.login('owner@demo.exflow');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signInPage(page, token);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(definition: WorkflowDefinition, key = `${definition.key}-readable`): Promise<string> {
    const response = await fetch(`${server.url}/api/v1/definitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...definition, key }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await page.evaluate(() => performance.clearMarks());
    await page.goto(`${server.url}/#/flows/${id}`);
    await page.waitForSelector('.react-flow__node');
    return id;
  }

  /** Waits until ELK has routed the flow and every label sits on an ELK route. */
  async function routed(edgesWithLabels: number) {
    await expect.poll(async () => (await readCanvas(page)).labels.filter((l) => l.by === 'elk').length, { timeout: 15_000 }).toBe(edgesWithLabels);
  }

  for (const template of templates) {
    it(`${template.key} (${template.nodes.length} steps): opens readable, orthogonal, labels apart`, async () => {
      await open(template);
      await expect.poll(() => page.evaluate(() => performance.getEntriesByName('exflow:opened-readable').length), { timeout: 15_000 }).toBe(1);
      const labelled = await page.locator('.edge-label').count();
      expect(labelled).toBeGreaterThan(0);
      await routed(labelled);
      const reading = await readCanvas(page);
      await page.screenshot({ path: `${ARTIFACTS}readable-${template.key}.png` });
      expect(reading.edges).toBe(template.edges.length);
      expect(reading.smallestText).toBeGreaterThanOrEqual(11);
      // kind line, title, summary and ports of every step are on the cards and measured
      expect(new Set(reading.cardTexts.map((t) => t.step)).size).toBe(template.nodes.length);
      expect(reading.cardTexts.some((t) => t.what === 'step__kind')).toBe(true);
      expect(unreadableCardTexts(reading)).toEqual([]);
      expect(reading.slanted).toEqual([]);
      expect(overlaps(reading)).toEqual([]);
    });
  }

  it('a step moved by hand: the canvas routes its 4 outcome edges itself, and their labels stay apart', async () => {
    const quantity = templates.find((t) => t.key === 'quantity-variance')!;
    const outcomes = quantity.edges.filter((e) => e.source === 'procurementReview').map((e) => e.id);
    expect(outcomes).toHaveLength(4);
    await open(quantity, 'moved-readable');
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('exflow:opened-readable').length), { timeout: 15_000 }).toBe(1);
    await routed(await page.locator('.edge-label').count());
    // moved down and to the right, towards the steps it leads to: ELK's routes no longer fit
    // the whole flow in view (the step opens right of the visible canvas at the readable zoom)
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    const title = '.react-flow__node[data-id=procurementReview] .step__title';
    const inView = async () => {
      const [pane, at] = [(await page.locator('.react-flow').boundingBox())!, await centre(page, title)];
      return at.x > pane.x + 20 && at.x < pane.x + pane.width - 200 && at.y > pane.y + 20 && at.y < pane.y + pane.height - 120;
    };
    await expect.poll(inView, { timeout: 15_000 }).toBe(true);
    const from = await centre(page, title);
    await mouseDrag(page, from, { x: from.x + 120, y: from.y + 60 });
    const ours = async () => (await readCanvas(page)).labels.filter((l) => outcomes.includes(l.id));
    await expect.poll(async () => (await ours()).filter((l) => l.by === 'canvas').length, { timeout: 15_000 }).toBe(4);
    await page.screenshot({ path: `${ARTIFACTS}readable-moved-step.png` });
    const labels = await ours();
    const touching = labels.flatMap((a, i) =>
      labels
        .slice(i + 1)
        .filter((b) => intersects(a.box, b.box))
        .map((b) => `${a.id} × ${b.id}`),
    );
    expect(touching).toEqual([]);
  });

  it('auto-layout keeps it readable: orthogonal ELK routes, labels apart, text at least 11 px', async () => {
    const nine = templates.find((t) => t.nodes.length === 9)!;
    const shuffled = { ...nine, nodes: nine.nodes.map((n, i) => ({ ...n, position: { x: (i % 3) * 260, y: Math.floor(i / 3) * 200 } })) };
    await open(shuffled, 'shuffled-readable');
    await page.waitForSelector('[data-testid=save-state]:has-text("Saved")');
    await page.click('[data-testid=auto-layout]');
    const labelled = await page.locator('.edge-label').count();
    await routed(labelled);
    await expect.poll(async () => (await readCanvas(page)).zoom).toBeGreaterThanOrEqual(0.85);
    const reading = await readCanvas(page);
    await page.screenshot({ path: `${ARTIFACTS}readable-auto-layout.png` });
    expect(reading.smallestText).toBeGreaterThanOrEqual(11);
    expect(unreadableCardTexts(reading)).toEqual([]);
    expect(reading.slanted).toEqual([]);
    expect(overlaps(reading)).toEqual([]);
  });
});
