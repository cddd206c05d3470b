import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestServer } from './testServer.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** The designer as `npx -y pnpm@10.34.8 --filter @exflow/designer build` leaves it (the test script builds it first). */
export const DESIGNER_DIST = fileURLToPath(new URL('../../../designer/dist/', import.meta.url));
/** Screenshots for people to look at; gitignored. */
export const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

/** Debian's Chromium, headless, with nothing phoning home (the designer's tests launch it the same way). Never downloads a browser. */
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

/**
 * Signs in through the login screen as a person would (every demo user's password is `demo`),
 * and waits until the screen is gone; where the user lands is the caller's to wait for.
 */
export async function signIn(page: Page, server: Pick<TestServer, 'url'>, email: string): Promise<void> {
  await page.goto(server.url);
  await page.fill('input[type=email]', email);
  await page.fill('input[type=password]', 'demo');
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=login-submit]', { state: 'detached' });
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
