import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { httpClient } from './support/http.js';
import { quiescent, tableCounts } from './support/tableCounts.js';

describe.each(testDatabaseKinds())('bad input is refused with problem+json and changes nothing, on %s', (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let before: Record<string, number>;

  beforeAll(async () => {
    server = await startTestServer({ database, bodyLimit: '64kb' });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    // let the demo cases reach their first wait, so nothing moves under the counts
    await quiescent(server.db);
    before = await tableCounts(server.db);
  });

  afterAll(async () => {
    expect(await tableCounts(server.db)).toEqual(before);
    await server?.stop();
  });

  const expectProblem = (r: { status: number; headers: Headers; body: any }, status: number, text: RegExp) => {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status, title: expect.any(String), type: `/api/v1/problems/${r.body.code}` });
    expect(`${r.body.detail} ${JSON.stringify(r.body.errors ?? [])}`).toMatch(text);
  };

  it('malformed JSON is a 400', async () => {
    expectProblem(await owner('POST', '/api/v1/invoices', '{"invoiceNumber": "X",'), 400, /not valid JSON/);
  });

  it('wrong types are a 422 naming the field', async () => {
    const invoice = { ...invoiceWithChairPrice('BAD-1', '120.00'), grossTotal: 'lots', lines: 'none' };
    const r = await owner('POST', '/api/v1/invoices', invoice);
    expectProblem(r, 422, /\/grossTotal/);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/grossTotal', '/lines']));
  });

  it('a missing required field is named', async () => {
    const { supplier: _s, ...invoice } = invoiceWithChairPrice('BAD-2', '120.00');
    expectProblem(await owner('POST', '/api/v1/invoices', invoice), 422, /\/supplier is required/);
  });

  it('an unknown definition is a 404, and an unknown flow key on intake a 422', async () => {
    expectProblem(await owner('GET', '/api/v1/definitions/no-such-id'), 404, /No definition with id "no-such-id"/);
    expectProblem(await owner('POST', '/api/v1/definitions/no-such-id/publish'), 404, /no-such-id/);
    expectProblem(
      await owner('POST', '/api/v1/invoices?definition=nope', invoiceWithChairPrice('BAD-3', '120.00')),
      422,
      /No published definition with key "nope"/,
    );
  });

  it('publishing an invalid draft is a 422 listing each problem with its node, and publishes nothing', async () => {
    const flow = priceVarianceFlow('bad-publish');
    flow.edges = flow.edges.filter((e) => e.id !== 'e-review');
    flow.nodes = flow.nodes.map((n) =>
      n.id === 'withinTolerance' ? { ...n, config: { branches: [{ id: 'yes', label: 'ok', condition: 'match.withinTolerance =' }] } } : n,
    );
    const created = await owner('POST', '/api/v1/definitions', flow);
    expect(created.status).toBe(201);
    const r = await owner('POST', `/api/v1/definitions/${created.body.id}/publish`);
    expectProblem(r, 422, /problem/);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'decision.noDefault', nodeId: 'withinTolerance' }),
        expect.objectContaining({ code: 'feel.syntax', nodeId: 'withinTolerance' }),
      ]),
    );
    expect((await owner('GET', `/api/v1/definitions/${created.body.id}/versions`)).body).toEqual([]);
    expect((await owner('DELETE', `/api/v1/definitions/${created.body.id}`)).status).toBe(204);
  });

  it('a definition that is not schema-valid is not stored', async () => {
    const r = await owner('POST', '/api/v1/definitions', { schemaVersion: 1, key: 'Bad Key!', name: '', nodes: 'x', edges: [] });
    expectProblem(r, 422, /\/key/);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/key', '/name', '/nodes']));
  });

  it('an oversized body is a 413', async () => {
    const invoice = invoiceWithChairPrice('BAD-4', '120.00');
    const huge = { ...invoice, lines: Array.from({ length: 2000 }, (_, i) => ({ ...invoice.lines[0], lineId: String(i), description: 'x'.repeat(50) })) };
    expectProblem(await owner('POST', '/api/v1/invoices', huge), 413, /limit is 65536 bytes/);
  });

  it('an event the case does not accept is a 409 and the case stays as it was', async () => {
    const cases = await owner('GET', '/api/v1/cases?status=resolved&limit=1');
    const closed = cases.body[0];
    expectProblem(await owner('POST', `/api/v1/cases/${closed.id}/events`, { type: 'case.comment', text: 'late' }), 409, /resolved/);
    expectProblem(await owner('POST', `/api/v1/cases/${closed.id}/events`, { type: 'service.done', result: {} }), 422, /\/type must be one of/);
    expect((await owner('GET', `/api/v1/cases/${closed.id}`)).body.version).toBe(closed.version);
  });

  it('no token is a 401, the wrong role a 403, an unknown route a 404', async () => {
    expectProblem(await httpClient(server.url)('GET', '/api/v1/cases'), 401, /Authorization: Bearer/);
    expectProblem(await httpClient(server.url, 'garbage')('GET', '/api/v1/cases'), 401, /not valid/);
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    expectProblem(await analyst('POST', '/api/v1/definitions', priceVarianceFlow('by-analyst')), 403, /process_owner/);
    expectProblem(await owner('GET', '/api/v1/nothing-here'), 404, /no GET \/api\/v1\/nothing-here/i);
  });
});
