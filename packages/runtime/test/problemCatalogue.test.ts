import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProblemCatalogue } from '../src/api/problemDocs.js';
import { problemCatalogue } from '../src/errors.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the problem catalogue', () => {
  it('is rendered into docs/api.md (run `pnpm --filter @exflow/runtime problems:docs` when this fails)', () => {
    const page = readFileSync(join(root, 'docs/api.md'), 'utf8');
    expect(page).toBe(withProblemCatalogue(page));
    for (const code of Object.keys(problemCatalogue)) expect(page).toContain(`<a id="problem-${code}"></a>\`${code}\``);
  });

  it('says how to fix every code, with a status that matches its kind', () => {
    for (const [code, entry] of Object.entries(problemCatalogue)) {
      expect(entry.fix.length, code).toBeGreaterThan(20);
      expect(entry.status >= 400 && entry.status <= 599, code).toBe(true);
    }
  });

  it('has an entry for every problem code written as a literal in the runtime source', () => {
    // the typecheck already refuses an unknown code at a throw site; this also catches a code spelled only in a string
    const used = new Set<string>();
    for (const file of sources(join(root, 'packages/runtime/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:unprocessable|conflict|problem|new ProblemError|sendProblem\(res,)\(?\s*'([a-z0-9.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/code: '((?:sod|delegation)\.[a-z-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((code) => !(code in problemCatalogue))).toEqual([]);
  });
});

describe('problem type URLs are dereferenceable', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seedDemo: false, workers: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a problem answer points at GET /api/v1/problems/{code}, which answers with its catalogue entry', async () => {
    const http = httpClient(server.url);
    const refused = await http('GET', '/api/v1/no/such/route');
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: 'no-such-route', type: '/api/v1/problems/no-such-route' });
    const entry = await http('GET', refused.body.type);
    expect(entry.status).toBe(200);
    expect(entry.body).toEqual({ code: 'no-such-route', ...problemCatalogue['no-such-route'] });
    const all = await http('GET', '/api/v1/problems');
    expect(all.body.map((e: { code: string }) => e.code).sort()).toEqual(Object.keys(problemCatalogue).sort());
    const unknown = await http('GET', '/api/v1/problems/no-such-code');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not-found');
  });
});
