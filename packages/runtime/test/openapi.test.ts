import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../src/api/routes/index.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

describe('the OpenAPI document matches the routes', () => {
  let server: TestServer;
  let doc: any;

  beforeAll(async () => {
    server = await startTestServer({ seedDemo: false, workers: false });
    doc = (await httpClient(server.url)('GET', '/api/v1/openapi.json')).body;
  });
  afterAll(() => server?.stop());

  it('is OpenAPI 3.1 and documents every route of the table exactly once', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
    const routed = ['GET /health', ...routes.map((r) => `${r.method.toUpperCase()} /api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`)];
    expect(documented.sort()).toEqual(routed.sort());
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId: string }>).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes the response bodies of the main resources with the schemas shared declares', () => {
    const body = (path: string, method: string, status: string) => doc.paths[`/api/v1${path}`][method].responses[status].content?.['application/json']?.schema;
    for (const [path, method, status] of [
      ['/cases', 'get', '200'],
      ['/cases/{id}', 'get', '200'],
      ['/tasks', 'get', '200'],
      ['/tasks/{id}', 'get', '200'],
      ['/inbox', 'get', '200'],
      ['/inbox/summary', 'get', '200'],
      ['/definitions', 'get', '200'],
      ['/definitions/{id}/versions/{version}', 'get', '200'],
      ['/invoices', 'post', '201'],
      ['/incidents', 'get', '200'],
    ]) {
      expect(body(path, method, status), `${method} ${path} ${status}`).toMatchObject({ type: expect.stringMatching(/^(object|array)$/) });
    }
    expect(body('/cases/{id}', 'get', '200').properties.version).toEqual({ type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 });
    // every declared response schema is for a documented status
    for (const route of routes)
      for (const status of Object.keys(route.responseSchemas ?? {})) expect(route.responses, `${route.method} ${route.path}`).toHaveProperty(status);
  });

  it('gives every success response with a body its schema, or for a file its media types', () => {
    const missing = routes.flatMap((r) =>
      Object.keys(r.responses)
        .filter((status) => /^2/.test(status) && status !== '204' && !r.responseSchemas?.[status] && !r.responseFiles?.[status])
        .map((status) => `${r.method.toUpperCase()} ${r.path} ${status}`),
    );
    expect(missing).toEqual([]);
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops as Record<string, { responses: Record<string, { content?: object }> }>))
        for (const [status, response] of Object.entries(op.responses))
          if (/^2/.test(status) && status !== '204') expect(response.content, `${method} ${path} ${status}`).toBeDefined();
  });

  it('every documented operation exists on the server (never a 404 from the router)', async () => {
    const call = httpClient(server.url);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops as object)) {
        const concrete = path.replace(/\{[A-Za-z]+\}/g, 'x');
        const r = await call(method.toUpperCase(), concrete, method === 'get' || method === 'delete' ? undefined : {});
        expect([r.status, r.body?.code], `${method} ${path}`).not.toEqual([404, 'no-such-route']);
        const publicRoute = (ops as Record<string, { security?: unknown[] }>)[method].security?.length === 0;
        if (!publicRoute) expect(r.status, `${method} ${path} without a token`).toBe(401);
      }
    }
  });
});
