import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { createCaseFeed } from '@exflow/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

/** A TCP proxy whose network can be cut (every connection dropped, new ones refused) and restored. */
async function startCuttableProxy(targetPort: number) {
  let up = true;
  const open = new Set<TcpSocket>();
  const server: Server = createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    cut() {
      up = false;
      for (const s of open) s.destroy();
    },
    restore() {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Seen {
  version: number;
  type: string;
  source: 'socket' | 'rest';
}

describe.each(testDatabaseKinds())('a client that loses its connection catches up, on %s', (database) => {
  let server: TestServer;
  let token: string;
  let call: ReturnType<typeof httpClient>;
  let caseId: string;

  beforeAll(async () => {
    server = await startTestServer({ database });
    token = await server.login('analyst@demo.exflow');
    call = httpClient(server.url, token);
    const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', priceVarianceFlow('catch-up'));
    await owner('POST', `/api/v1/definitions/${created.body.id}/publish`);
    const posted = await call('POST', '/api/v1/invoices?definition=catch-up', invoiceWithChairPrice('CATCH-1', '126.00'));
    caseId = posted.body.case.id;
    await eventually(
      async () => (await call('GET', `/api/v1/cases/${caseId}`)).body.activeNodes[0] === 'procurementReview',
      PATIENCE_MS,
      'the case to wait for review',
    );
  });
  afterAll(() => server?.stop());

  it(
    'drops the connection while 20 changes happen and ends with every change exactly once',
    async () => {
      const proxy = await startCuttableProxy(server.port);
      const feed = createCaseFeed((s: Seen) => s.version);
      const applied: Seen[] = [];
      const received = { socket: 0, rest: 0 };
      let duplicates = 0;
      let connects = 0;
      const offer = (changes: Seen[]) => {
        const result = feed.accept(changes);
        applied.push(...result.applied);
        duplicates += result.duplicates;
        return result;
      };
      // what the designer does: catch up over REST on every (re)connect and whenever a version is skipped
      let catchingUp: Promise<void> | null = null;
      const catchUp = (): Promise<void> =>
        (catchingUp ??= (async () => {
          try {
            const events = (await call('GET', `/api/v1/cases/${caseId}/events?after=${feed.lastVersion}`)).body as { seq: number; type: string }[];
            received.rest += events.length;
            offer(events.map((e) => ({ version: e.seq, type: e.type, source: 'rest' })));
          } finally {
            catchingUp = null;
          }
        })());

      const socket: Socket = io(proxy.url, {
        path: '/socket.io',
        auth: { token },
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 200,
        randomizationFactor: 0,
      });
      socket.on('connect', () => {
        connects++;
        void catchUp();
      });
      socket.on('case.changed', (m: { caseId: string; version: number; event: { type: string } }) => {
        if (m.caseId !== caseId) return;
        received.socket++;
        if (offer([{ version: m.version, type: m.event.type, source: 'socket' }]).gap) void catchUp();
      });
      const comment = (text: string) => call('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.comment', text });

      try {
        await eventually(async () => feed.lastVersion === 2, PATIENCE_MS, 'the history so far');
        for (let i = 1; i <= 3; i++) expect((await comment(`before ${i}`)).status).toBe(202);
        await eventually(async () => feed.lastVersion === 5, PATIENCE_MS, 'three live changes');
        expect(applied.filter((s) => s.source === 'socket').map((s) => s.version)).toEqual([3, 4, 5]);

        proxy.cut();
        await eventually(async () => !socket.connected, PATIENCE_MS, 'the client to notice the drop');
        for (let i = 1; i <= 20; i++) expect((await comment(`while dropped ${i}`)).status).toBe(202);
        expect(socket.connected).toBe(false);
        expect(feed.lastVersion).toBe(5);

        proxy.restore();
        // changes keep coming while the client reconnects and catches up: they may arrive twice
        for (let i = 1; i <= 5; i++) expect((await comment(`after ${i}`)).status).toBe(202);
        await eventually(async () => socket.connected && feed.lastVersion === 30, PATIENCE_MS, 'the client to catch up to version 30');
        await new Promise((r) => setTimeout(r, 300)); // anything late must not be applied again

        expect(connects).toBe(2);
        expect(applied.map((s) => s.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
        expect(applied.slice(5, 25).every((s) => s.source === 'rest')).toBe(true); // the 20 dropped ones
        expect(applied.filter((s) => s.type === 'case.comment')).toHaveLength(28);
        expect(received.socket + received.rest).toBe(applied.length + duplicates);

        // a stale catch-up (a reconnect racing an earlier one) offers everything again: nothing applies twice
        const all = (await call('GET', `/api/v1/cases/${caseId}/events?after=0`)).body as { seq: number; type: string }[];
        const replay = offer(all.map((e) => ({ version: e.seq, type: e.type, source: 'rest' })));
        expect(replay).toEqual({ applied: [], duplicates: 30, gap: null });
        expect(applied).toHaveLength(30);
      } finally {
        socket.disconnect();
        await proxy.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
