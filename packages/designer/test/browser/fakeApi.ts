import { compile, validate, type WorkflowDefinition } from '@exflow/shared';
import type { Page, Route } from 'playwright-core';

interface Stored {
  id: string;
  draft: WorkflowDefinition;
  draftUpdatedAt: string;
  versions: { version: number; definition: WorkflowDefinition; compiled: unknown; publishedAt: string; publishedBy: string }[];
}

/**
 * An in-memory stand-in for the runtime's definitions API, answered through `page.route`.
 * Only for canvas tests; the end-to-end test talks to the real runtime.
 */
export function createFakeApi(seed: WorkflowDefinition[] = []) {
  const store = new Map<string, Stored>();
  let n = 0;
  const add = (draft: WorkflowDefinition) => {
    const id = `def-${++n}`;
    store.set(id, { id, draft, draftUpdatedAt: new Date().toISOString(), versions: [] });
    return id;
  };
  seed.forEach(add);
  const view = (s: Stored) => ({
    id: s.id,
    key: s.draft.key,
    name: s.draft.name,
    draft: s.draft,
    draftUpdatedAt: s.draftUpdatedAt,
    latestVersion: s.versions.at(-1)?.version ?? null,
  });
  const problem = (route: Route, status: number, title: string, errors?: unknown[]) =>
    route.fulfill({ status, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title, status, detail: title, errors }) });
  const json = (route: Route, status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const schemaValid = (d: unknown) => validate(d).problems.every((p) => p.code !== 'schema');
  const saves: WorkflowDefinition[] = [];

  async function handle(route: Route) {
    const request = route.request();
    const url = new URL(request.url());
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const method = request.method();
    const body = request.postData() ? JSON.parse(request.postData()!) : undefined;
    if (path === '/auth/login')
      return json(route, 200, {
        token: 'test-token',
        user: { id: 'u-owner', email: body.email, name: 'Olivia Owner', roles: ['process_owner'], tenantId: 't-demo' },
      });
    if (path === '/definitions' && method === 'GET')
      return json(
        route,
        200,
        [...store.values()].map((s) => {
          const { draft: _d, ...rest } = view(s);
          return rest;
        }),
      );
    if (path === '/definitions' && method === 'POST') {
      if (!schemaValid(body)) return problem(route, 422, 'Not a definition', validate(body).problems);
      if ([...store.values()].some((s) => s.draft.key === body.key)) return problem(route, 409, `A definition with key "${body.key}" already exists`);
      return json(route, 201, view(store.get(add(body))!));
    }
    if (path === '/definitions/validate') return json(route, 200, validate(body));
    const m = /^\/definitions\/([^/]+)(\/draft|\/publish|\/versions(?:\/(\d+))?)?$/.exec(path);
    const found = m && store.get(m[1]);
    if (!m || !found) return problem(route, 404, 'Not found');
    const [, , sub, version] = m;
    if (!sub && method === 'GET') return json(route, 200, view(found));
    if (!sub && method === 'DELETE') {
      if (found.versions.length) return problem(route, 409, 'It has published versions');
      store.delete(found.id);
      return route.fulfill({ status: 204 });
    }
    if (sub === '/draft' && method === 'PUT') {
      if (!schemaValid(body)) return problem(route, 422, 'Not a definition');
      found.draft = body;
      found.draftUpdatedAt = new Date().toISOString();
      saves.push(body);
      return json(route, 200, view(found));
    }
    if (sub === '/publish') {
      const result = compile(found.draft);
      if (!result.ok) return problem(route, 422, 'The draft has problems', result.problems);
      const v = {
        version: found.versions.length + 1,
        definition: structuredClone(found.draft),
        compiled: result.flow,
        publishedAt: new Date().toISOString(),
        publishedBy: 'u-owner',
      };
      found.versions.push(v);
      return json(route, 201, { version: v.version, publishedAt: v.publishedAt, publishedBy: v.publishedBy });
    }
    if (sub?.startsWith('/versions') && !version)
      return json(
        route,
        200,
        [...found.versions].reverse().map(({ version: v, publishedAt, publishedBy }) => ({ version: v, publishedAt, publishedBy })),
      );
    const v = found.versions.find((x) => x.version === Number(version));
    return v ? json(route, 200, v) : problem(route, 404, 'No such version');
  }

  return {
    store,
    saves,
    add,
    /** Routes `/api/v1/**` of the page to this fake. */
    install: (page: Page) => page.route('**/api/v1/**', handle),
  };
}
