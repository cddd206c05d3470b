import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { httpClient } from './support/http.js';

const run = promisify(execFile);
const packages = fileURLToPath(new URL('../../', import.meta.url));
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

// What `pnpm start` and the Docker image run: shared and runtime compiled by tsc to dist/, started
// with plain node (Node 20 cannot load a .ts file, so any TypeScript left on the path fails it).
describe('the built runtime (node dist/main.js)', () => {
  let child: ChildRuntime | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'exflow-built-'));

  beforeAll(async () => {
    for (const pkg of ['shared', 'runtime']) await run(process.execPath, [tsc, '-p', join(packages, pkg, 'tsconfig.build.json')]);
    // PGlite on purpose: the README's first command runs it, and it needs no server
    child = await startChildRuntime({ DATABASE_URL: '', EXFLOW_DATA_DIR: dataDir, EXFLOW_SEED_DEMO: 'true' }, { built: true });
  });
  afterAll(async () => {
    if (child) await stopGently(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on PGlite with the demo data: migrations ran and the template packs resolved from dist/', async () => {
    const call = httpClient(child!.url);
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok', database: 'pglite' });
    const login = await call('POST', '/api/v1/auth/login', { email: 'owner@demo.exflow', password: 'demo' });
    expect(login.status).toBe(200);
    const definitions = await httpClient(child!.url, login.body.token)('GET', '/api/v1/definitions');
    expect(definitions.status).toBe(200);
    expect(definitions.body.length).toBeGreaterThan(0);
  });
});
