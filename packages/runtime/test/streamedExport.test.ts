import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocelFailed, xesFailed } from '../src/api/routes/insightsExportRoutes.js';
import { EXPORT_STATUS_TRAILER, streamExport } from '../src/api/streamedExport.js';
import { problemMiddleware } from '../src/api/problem.js';
import { requestLogging } from '../src/logging.js';

/** What a client receives: status, headers, the whole body, the trailers, and whether the connection was cut. */
function get(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; trailers: NodeJS.Dict<string>; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      let aborted = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, body, trailers: res.trailers, aborted: aborted || !res.complete }));
    })
      .on('error', reject)
      .end();
  });
}

// docs/insights.md, "Process-mining export": an export that fails after its first byte ends
// with a marker in the file's own syntax and the trailer Exflow-Export-Status: error, instead of
// a connection cut that a client may not notice.
describe('streamed exports', () => {
  const logged: { message: string; context: Record<string, unknown> }[] = [];
  const log = (message: string, context: Record<string, unknown>) => void logged.push({ message, context });
  let base: string;
  let close: () => void;

  async function* chunks(failAfter: number | null, first = '{"id":1}') {
    if (failAfter === 0) throw new Error('the query for the cases failed');
    yield first;
    for (let i = 2; i <= 3; i++) {
      if (failAfter !== null && i > failAfter) throw new Error('connection to the database lost while reading page 2');
      yield `,{"id":${i}}`;
    }
  }

  beforeAll(async () => {
    const app = express();
    app.use(requestLogging(() => {}));
    app.get('/ocel/:fail', async (req, res) => {
      const fail = req.params.fail === 'never' ? null : Number(req.params.fail);
      res.attachment('exflow-ocel.json').type('application/json');
      await streamExport(res, log, { head: '{"objects":[', body: chunks(fail), tail: ']}\n', failed: ocelFailed });
    });
    app.get('/xes', async (_req, res) => {
      res.type('application/xml');
      await streamExport(res, log, { head: '<?xml version="1.0"?><log>', body: chunks(1, '<trace/>'), tail: '</log>\n', failed: xesFailed });
    });
    app.use(problemMiddleware(log));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((listening) => server.once('listening', listening));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close?.());

  it('a whole file ends with its tail and the trailer complete', async () => {
    const answer = await get(`${base}/ocel/never`);
    expect(answer.status).toBe(200);
    expect(answer.headers.trailer).toBe(EXPORT_STATUS_TRAILER);
    expect(JSON.parse(answer.body)).toEqual({ objects: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    expect(answer.trailers[EXPORT_STATUS_TRAILER.toLowerCase()]).toBe('complete');
    expect(answer.aborted).toBe(false);
  });

  it('a failure after the first byte ends the JSON with a marker naming the request, the trailer error, and a clean end', async () => {
    const answer = await get(`${base}/ocel/2`);
    expect(answer.status).toBe(200); // sent before the failure: it cannot change any more
    expect(answer.aborted).toBe(false);
    expect(answer.trailers[EXPORT_STATUS_TRAILER.toLowerCase()]).toBe('error');
    expect(() => JSON.parse(answer.body)).toThrow();
    const [kept, marker] = answer.body.split('\n');
    expect(kept).toBe('{"objects":[{"id":1},{"id":2}');
    const requestId = answer.headers['x-request-id'] as string;
    expect(JSON.parse(marker)).toEqual({
      'exflow-export-error': {
        status: 'incomplete',
        detail: `The export failed part-way and this file is cut short: export again (the error is logged under request id ${requestId})`,
      },
    });
    expect(logged.at(-1)!.message).toMatch(/^export failed after its first byte/);
    expect(String(logged.at(-1)!.context.error)).toContain('connection to the database lost');
  });

  it('an XES file cut short ends with a comment and no closing </log>, so it is not well-formed XML', async () => {
    const answer = await get(`${base}/xes`);
    expect(answer.trailers[EXPORT_STATUS_TRAILER.toLowerCase()]).toBe('error');
    expect(answer.body).toMatch(/^<\?xml version="1.0"\?><log><trace\/>\n<!-- exflow-export-error: The export failed part-way .* -->\n$/);
    expect(XMLValidator.validate(answer.body)).not.toBe(true);
  });

  it('a failure before the first byte is still an HTTP error with problem+json', async () => {
    const answer = await get(`${base}/ocel/0`);
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body).code).toBe('internal');
  });
});
