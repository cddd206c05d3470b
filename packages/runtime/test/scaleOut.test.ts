import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

// Two runtime processes on one PostgreSQL: a change committed through one reaches the
// Socket.IO clients of the other through the Postgres adapter.
describe.runIf(process.env.DATABASE_URL)('several runtime processes on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer({ database: 'postgres' });
    b = await startTestServer({ database: 'postgres', schema: a.schema, seedDemo: false });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it(
    'streams a change made through process A to a client of process B, once, with its version',
    async () => {
      const token = await b.login('analyst@demo.exflow');
      const viaA = httpClient(a.url, await a.login('analyst@demo.exflow'));
      const caseId = await eventually(async () => (await viaA('GET', '/api/v1/cases?status=open')).body[0]?.id, PATIENCE_MS, 'an open demo case');
      const socket = io(b.url, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
      const received: { version: number; type: string }[] = [];
      socket.on('case.changed', (m: { caseId: string; version: number; event: { type: string } }) => {
        if (m.caseId === caseId) received.push({ version: m.version, type: m.event.type });
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        expect(await socket.emitWithAck('join', { room: `case:${caseId}` })).toMatchObject({ ok: true });
        const sent = await viaA('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.comment', text: 'written through A' });
        expect(sent.status).toBe(202);
        await eventually(async () => received.length >= 1, PATIENCE_MS, "the change to reach B's client");
        await new Promise((r) => setTimeout(r, 300));
        expect(received).toEqual([{ version: sent.body.version, type: 'case.comment' }]);
      } finally {
        socket.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
