import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';
import { quiescent, tableCounts } from './support/tableCounts.js';

/** `{"a":{"a":...}}` nested `levels` deep, as JSON text (a JSON.stringify of it overflows the stack). */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** One HTTP/1.1 request written byte for byte, for what fetch refuses to send (a NUL in a header). */
function rawRequest(url: string, head: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${head}\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket
      .setEncoding('latin1')
      .on('data', (chunk: string) => (text += chunk))
      .on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

describe.each(testDatabaseKinds())('hostile input is refused at the edge with a 422 naming the field, and changes nothing, on %s', (database) => {
  let server: TestServer;
  let analyst: ReturnType<typeof httpClient>;
  let owner: ReturnType<typeof httpClient>;
  let admin: ReturnType<typeof httpClient>;
  let analystToken: string;
  let before: Record<string, number>;

  beforeAll(async () => {
    server = await startTestServer({ database });
    analystToken = await server.login('analyst@demo.exflow');
    analyst = httpClient(server.url, analystToken);
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    await quiescent(server.db);
    before = await tableCounts(server.db);
  });

  afterAll(async () => {
    expect(await tableCounts(server.db)).toEqual(before);
    await server?.stop();
  });

  const expect422 = (r: { status: number; headers: Headers; body: any }, code: string, path: string) => {
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 422, code, errors: [expect.objectContaining({ path })] });
  };

  const openTask = async (title: RegExp) => {
    const tasks = (await analyst('GET', '/api/v1/tasks')).body as Array<{ id: string; title: string; outcomes: Array<{ id: string }> }>;
    const task = tasks.find((t) => title.test(t.title));
    if (!task) throw new Error(`no open task ${title}`);
    return task;
  };

  it('JSON nested deeper than 64 levels (task data 10,000 deep) is a 422 naming where the depth is exceeded', async () => {
    const task = await openTask(/Tax discrepancy/);
    const body = `{"outcome":"${task.outcomes[0]!.id}","data":{"reason":"nested on purpose","deep":${nested(10_000)}}}`;
    const r = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, body);
    // the container at level 65: the body is level 1, data 2, deep 3, then 62 more "a"
    expect422(r, 'json-too-deep', `/data/deep${'/a'.repeat(62)}`);
    expect(r.body.detail).toMatch(/64 levels/);
    // 64 levels are still fine for the check (the form then decides)
    const ok = await analyst('POST', '/api/v1/definitions/validate', `{"x":${nested(63)}}`);
    expect(ok.status).not.toBe(500);
    expect(ok.body.code).not.toBe('json-too-deep');
    expect((await analyst('GET', `/api/v1/tasks/${task.id}`)).body.status).toBe('open');
  });

  it('a NUL character in any JSON string or key is a 422 naming the field', async () => {
    const caseId = ((await analyst('GET', '/api/v1/cases?limit=1')).body as Array<{ id: string }>)[0]!.id;
    expect422(await analyst('POST', `/api/v1/cases/${caseId}/comments`, { text: 'before\u0000after' }), 'nul-character', '/text');
    expect422(await owner('POST', '/api/v1/reference/suppliers', [{ id: 'NUL-1', name: 'Evil\u0000 GmbH' }]), 'nul-character', '/0/name');
    expect422(await owner('POST', '/api/v1/reference/suppliers', [{ id: 'NUL\u0000', name: 'Evil GmbH' }]), 'nul-character', '/0/id');
    const task = await openTask(/Tax discrepancy/);
    expect422(
      await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: task.outcomes[0]!.id, data: { reason: 'a key with NUL', ['k\u0000']: 1 } }),
      'nul-character',
      '/data/k\\u0000',
    );
  });

  it('a NUL character in a query or path parameter is a 422 naming it', async () => {
    expect422(await analyst('GET', '/api/v1/tasks?queue=proc%00urement'), 'nul-character', 'queue');
    expect422(await analyst('GET', '/api/v1/cases?status=open&supplier=%00'), 'nul-character', 'supplier');
    expect422(await analyst('GET', '/api/v1/cases/abc%00def'), 'nul-character', 'id');
    expect422(await analyst('GET', '/api/v1/invoices/x%00'), 'nul-character', 'id');
  });

  // Node's HTTP parser answers 400 to a NUL in any header before Express runs; the router checks
  // Idempotency-Key and X-Exflow-Tenant again in case a proxy or parser setting lets one through.
  it('a NUL character in a header that reaches the database is refused before it gets there', async () => {
    for (const header of ['X-Exflow-Tenant: acme\u0000', 'Idempotency-Key: key\u0000']) {
      const r = await rawRequest(server.url, `GET /api/v1/cases HTTP/1.1\r\nAuthorization: Bearer ${analystToken}\r\n${header}`);
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
    }
  });

  it('a NUL character in a CSV or UBL upload is a 422 naming its line', async () => {
    const csv = await fetch(`${server.url}/api/v1/reference/suppliers/csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'text/csv' },
      body: 'id,name\nNUL-CSV,Evil\u0000 GmbH\n',
    });
    expect422({ status: csv.status, headers: csv.headers, body: await csv.json() }, 'nul-character', 'body line 2');
    const xml = `<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">\n<ID>NUL\u0000</ID></Invoice>`;
    const ubl = await fetch(`${server.url}/api/v1/invoices/ubl`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'application/xml' },
      body: xml,
    });
    expect422({ status: ubl.status, headers: ubl.headers, body: await ubl.json() }, 'nul-character', 'body line 3');
  });

  it('a lone UTF-16 surrogate in a JSON string is a 422 (PostgreSQL refuses it in JSONB)', async () => {
    const task = await openTask(/Tax discrepancy/);
    const r = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, `{"outcome":"${task.outcomes[0]!.id}","data":{"reason":"half \\ud800 a character"}}`);
    expect422(r, 'invalid-unicode', '/data/reason');
  });

  it('a path or query parameter longer than the OpenAPI document allows is a 422 naming it', async () => {
    expect422(await analyst('GET', `/api/v1/tasks?queue=${'q'.repeat(501)}`), 'invalid-parameter', 'queue');
    expect422(await analyst('GET', `/api/v1/cases/${'c'.repeat(201)}`), 'invalid-parameter', 'id');
    expect((await analyst('GET', `/api/v1/tasks?queue=${'q'.repeat(500)}`)).status).toBe(200);
  });

  it('a number JSON cannot represent (1e309 parses as Infinity) is a 422, not stored as null', async () => {
    const before = (await admin('GET', '/api/v1/policies')).body;
    const r = await admin('PUT', '/api/v1/policies', '{"policies":{"fourEyesThreshold":1e309}}');
    expect422(r, 'non-finite-number', '/policies/fourEyesThreshold');
    expect422(await admin('PUT', '/api/v1/policies', '{"policies":{"priceTolerancePct":-1e400}}'), 'non-finite-number', '/policies/priceTolerancePct');
    expect((await admin('GET', '/api/v1/policies')).body).toEqual(before);
  });
});

describe('every API response is rate limited per address, as the OpenAPI document says', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('carries RateLimit headers, and past EXFLOW_RATE_LIMIT_API answers 429 with Retry-After', async () => {
    server = await startTestServer({ seedDemo: false, workers: false, rateLimits: { auth: 100, intake: 100, api: 3 } });
    const call = httpClient(server.url);
    const first = await call('GET', '/api/v1/cases');
    expect(first.status).toBe(401);
    expect(first.headers.get('ratelimit')).toMatch(/r=2/);
    expect(first.headers.get('ratelimit-policy')).toMatch(/q=3/);
    await call('GET', '/api/v1/openapi.json');
    await call('GET', '/api/v1/nothing-here');
    const refused = await call('GET', '/api/v1/cases');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate-limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
