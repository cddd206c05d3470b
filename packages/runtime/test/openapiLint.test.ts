import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../src/api/openapi.js';
import { routes } from '../src/api/routes/index.js';
import { TEST_TIMEOUT_MS } from './support/http.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface Finding {
  code: string;
  message: string;
  path: string[];
  severity: number;
  source: string;
}

/**
 * The OWASP API ruleset (and spectral's own OpenAPI rules) over the document the runtime
 * serves, with the repository's .spectral.yaml: a new error fails this test. Offline: the
 * rulesets come from node_modules.
 */
describe('the OpenAPI document passes spectral with the OWASP API ruleset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exflow-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'has no errors',
    async () => {
      const file = join(dir, 'openapi.json');
      const doc = buildOpenApi(routes, '0.1.0');
      writeFileSync(file, JSON.stringify(doc, null, 2));
      // a canary: the same document with one unbounded string, which the OWASP rules must catch
      const canary = join(dir, 'canary.json');
      const broken = structuredClone(doc) as { components: { schemas: { Problem: { properties: { title: Record<string, unknown> } } } } };
      broken.components.schemas.Problem.properties.title = { type: 'string' };
      writeFileSync(canary, JSON.stringify(broken, null, 2));
      const spectral = join(root, 'node_modules', '.bin', 'spectral');
      // exit code 1 when a finding reaches --fail-severity; the findings are on stdout either way
      const { stdout } = await run(
        spectral,
        ['lint', file, canary, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json', '--fail-severity', 'error', '--quiet'],
        { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      ).catch((e: { stdout?: string; stderr?: string; code?: number }) => {
        if (!e.stdout) throw new Error(`spectral did not run (exit ${e.code}): ${e.stderr}`);
        return { stdout: e.stdout };
      });
      const findings = JSON.parse(stdout) as Finding[];
      const errorsIn = (source: string) =>
        findings.filter((f) => f.severity === 0 && f.source === source).map((f) => `${f.code} at ${f.path.join('.')}: ${f.message}`);
      expect(errorsIn(file)).toEqual([]);
      expect(errorsIn(canary)).toEqual([expect.stringContaining('owasp:api4:2023-string-limit at components.schemas.Problem.properties.title')]);
    },
    TEST_TIMEOUT_MS,
  ); // spectral takes seconds idle, much longer on a loaded machine: the run's end is the condition
});
