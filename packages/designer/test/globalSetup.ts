import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds `dist/` for the browser tests when the sources are newer than the last build, so a
 * unit-test-only run pays nothing and browser tests never run against a stale bundle.
 */
export default async function setup(): Promise<void> {
  if (process.env.EXFLOW_SKIP_DESIGNER_BUILD) return;
  const index = join(root, 'dist/index.html');
  const sources = Math.max(
    newest(join(root, 'src')),
    newest(join(root, 'build')),
    statSync(join(root, 'index.html')).mtimeMs,
    statSync(join(root, 'vite.config.ts')).mtimeMs,
    newest(join(root, '../shared/src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would bundle React's development build
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, mode: 'production', logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
  } finally {
    process.env.NODE_ENV = previous;
  }
}
