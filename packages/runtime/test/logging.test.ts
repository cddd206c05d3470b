import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog, redact } from '../src/logging.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { eventually, httpClient } from './support/http.js';

/** A pino destination keeping the lines it is given. */
function lines() {
  const written: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) written.push(JSON.parse(line));
      done();
    },
  });
  return { written, stream };
}

describe('logs never carry credentials', () => {
  it('masks secrets by key name and by shape', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1LWFuYWx5c3QifQ.c2lnbmF0dXJl';
    const key = `exf_${'a1'.repeat(9)}_${'x'.repeat(43)}`;
    const out = JSON.stringify(
      redact({
        headers: { authorization: `Bearer ${jwt}`, 'x-api-key': key },
        body: { email: 'a@b.c', password: 'hunter2' },
        error: `request with Bearer ${jwt} failed; key ${key} refused; token=${jwt}`,
        nested: [{ refreshToken: 'abc' }],
      }),
    );
    expect(out).not.toContain(jwt);
    expect(out).not.toContain(key);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('"abc"');
    expect(out).toContain('a@b.c');
  });

  it('writes one pino JSON line per event, credentials masked, errors at level error', async () => {
    const { written, stream } = lines();
    const log = createLog(stream);
    log('effect failed, will retry', { effectId: 'e-1', error: 'ERP said: Bearer abc.def-ghi' });
    log('work listener ready', { inMs: 5 });
    await eventually(async () => written.length === 2, 2_000, 'two lines');
    expect(written[0]).toMatchObject({ level: 'error', message: 'effect failed, will retry', effectId: 'e-1', error: 'ERP said: Bearer [redacted]' });
    expect(written[1]).toMatchObject({ level: 'info', message: 'work listener ready', inMs: 5 });
    expect(Date.parse(String(written[0].time))).not.toBeNaN();
  });
});

describe.each(testDatabaseKinds())('structured request logs, on %s', (database) => {
  let server: TestServer;
  const written: Record<string, unknown>[] = [];
  beforeAll(async () => {
    server = await startTestServer({ database, log: (message, context) => written.push({ message, ...context }) });
  });
  afterAll(() => server?.stop());

  it('honours or issues X-Request-Id and writes an access line with tenant and case, without the query or personal data', async () => {
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const posted = await analyst('POST', '/api/v1/invoices', invoiceWithChairPrice('LOG-1', '140.00'));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const caseId = posted.body.case.id as string;
    const read = await analyst('GET', `/api/v1/cases/${caseId}?supplier=Nordic%20Office`, undefined, { 'X-Request-Id': 'req-4711.a' });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-request-id')).toBe('req-4711.a');
    const line = await eventually(async () => written.find((l) => l.message === 'http request' && l.requestId === 'req-4711.a'), 5_000, 'access line');
    expect(line).toMatchObject({ method: 'GET', route: '/api/v1/cases/:id', status: 200, tenantId: 'demo', caseId });
    expect(typeof line.durationMs).toBe('number');
    expect(JSON.stringify(line)).not.toContain('Nordic');

    // a header that is not a plain token is replaced by a fresh id
    const bad = await analyst('GET', '/api/v1/inbox/summary', undefined, { 'X-Request-Id': 'x'.repeat(200) });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const issued = await analyst('GET', '/api/v1/inbox/summary');
    expect(issued.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(issued.headers.get('x-request-id')).not.toBe(bad.headers.get('x-request-id'));
    // signing in writes the route and status, never the e-mail address it was given
    await server.login('owner@demo.exflow');
    const signIn = await eventually(async () => written.find((l) => l.route === '/api/v1/auth/login'), 5_000, 'sign-in line');
    expect(signIn.status).toBe(200);
    expect(JSON.stringify(written)).not.toContain('@demo.exflow');
  });
});
