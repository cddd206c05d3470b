import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Debian's Chromium, headless, with nothing phoning home. Never downloads a browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves the built designer (`dist/`) with single-page-app fallback, on a free port. */
export async function serveDist(dir = DIST): Promise<{ url: string; close(): Promise<void> }> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`No build in ${dir}; run "pnpm --filter @exflow/designer build" first`);
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Starts the page signed in (the token only matters to the real API). */
export async function signInPage(page: Page, token = 'test-token'): Promise<void> {
  await page.addInitScript((t) => {
    sessionStorage.setItem('exflow.token', t);
    sessionStorage.setItem(
      'exflow.user',
      JSON.stringify({ id: 'u-owner', email: 'owner@demo.exflow', name: 'Olivia Owner', roles: ['process_owner'], tenantId: 't-demo' }),
    );
  }, token);
}

/** Drags with real mouse events from one point to another, in steps, as a person would. */
export async function mouseDrag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 12): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 6, from.y + 6, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

/** Centre of an element's bounding box. */
export async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Clicks a step on the canvas until the inspector shows it: a flow just opened may still be moving
 * to its laid-out place, and a click there lands on empty canvas.
 */
export async function selectStep(page: Page, id: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    await page.click(`.react-flow__node[data-id="${id}"] .step__title`);
    const shown = page.locator(`[data-testid=inspector][data-node-id="${id}"]`);
    if ((await shown.count()) > 0 || tries >= 20) return;
    await shown.waitFor({ timeout: 1_000 }).catch(() => {});
    if ((await shown.count()) > 0) return;
  }
}
