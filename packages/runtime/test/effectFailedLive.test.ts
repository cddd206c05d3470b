import { effectFailedMessageSchema, type EffectFailedMessage } from '@exflow/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentServiceError } from '../src/services/registry.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceCases } from './support/cases.js';
import { serviceFlow } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';
import { expectWire } from './support/wire.js';

// Small intervals through the node's retry policy: the same code path as an hour-long outage.
const quick = { initialInterval: 'PT0.05S', backoffCoefficient: 1, maximumInterval: 'PT0.05S' };

/** Opens when a test says so: the first attempt of a call waits for it, so a socket can join the case room first. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe.each(testDatabaseKinds())('a failed attempt of an outbound call reaches the case room live, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  const gates = new Map<string, ReturnType<typeof gate>>();
  const failuresLeft = new Map<string, number>();
  const sockets: Socket[] = [];

  const release = (key: string) => {
    const g = gates.get(key);
    if (g) g.open();
    else gates.set(key, { opened: Promise.resolve(), open: () => {} });
  };
  const waitFirst = async (key: string) => {
    let g = gates.get(key);
    if (!g) gates.set(key, (g = gate()));
    await g.opened;
  };

  async function connect(token: string, tenant?: string) {
    const socket = io(server.url, { path: '/socket.io', auth: tenant ? { token, tenant } : { token }, transports: ['websocket'] });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }
  const join = (socket: Socket, room: string) =>
    new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit('join', { room }, (answer: { ok: boolean; error?: string }) => resolve(answer)));
  const heard = (socket: Socket) => {
    const messages: EffectFailedMessage[] = [];
    socket.on('effect.failed', (m: EffectFailedMessage) => messages.push(m));
    return messages;
  };
  const { open, caseWhen } = invoiceCases(() => owner);

  beforeAll(async () => {
    server = await startTestServer({
      database,
      services: {
        // fails while failuresLeft says so, as the ERP connector does (it names what it waits for)
        flaky: async ({ invoice }) => {
          const key = invoice!.invoiceNumber;
          await waitFirst(key);
          const left = failuresLeft.get(key) ?? 0;
          if (left > 0) {
            failuresLeft.set(key, left - 1);
            throw Object.assign(new Error(`ERP unreachable (${left} more)`), { waitingFor: 'ERP' });
          }
          return { posted: key };
        },
        rejecting: async ({ invoice }) => {
          await waitFirst(invoice!.invoiceNumber);
          throw new PermanentServiceError('ERP refuses the invoice: unknown cost centre', 'invoice-rejected');
        },
      },
    });
    owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    for (const [key, service, options] of [
      ['live-retry', 'flaky', { retry: { ...quick, maximumAttempts: 5 } }],
      ['live-incident', 'flaky', { retry: { ...quick, maximumAttempts: 3 } }],
      ['live-error-edge', 'rejecting', { errorEdge: true, retry: quick }],
    ] as const) {
      const created = await owner('POST', '/api/v1/definitions', serviceFlow(key, service, options));
      expect(created.status).toBe(201);
      expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const g of gates.values()) g.open();
    await server?.stop();
  });

  it('announces each failed attempt with its retry time, only to the case room of its tenant, and nothing once the call succeeds', async () => {
    failuresLeft.set('LIVE-1', 2);
    const caseId = await open('live-retry', 'LIVE-1');
    const watcher = await connect(await server.login('analyst@demo.exflow'));
    const messages = heard(watcher);
    expect(await join(watcher, `case:${caseId}`)).toMatchObject({ ok: true });
    // same tenant, not in the case room
    const bystander = heard(await connect(await server.login('analyst@demo.exflow')));
    // another tenant: its socket may not join the room, and hears nothing
    const otherToken = await server.issuer.sign({ userId: 'probe-other', tenantId: 'other-tenant', email: 'x@other', name: 'x', roles: ['tenant_admin'] });
    const other = await connect(otherToken);
    const otherHeard = heard(other);
    expect(await join(other, `case:${caseId}`)).toMatchObject({ ok: false, error: `no case ${caseId}` });
    const resolved: string[] = [];
    watcher.on('case.changed', (m: { caseId: string; status: string }) => m.caseId === caseId && resolved.push(m.status));

    release('LIVE-1');
    await caseWhen(caseId, (c) => c.status === 'resolved', 'the case to resolve after two failed attempts');
    await eventually(async () => resolved.includes('resolved'), PATIENCE_MS, 'the resolution broadcast');

    for (const m of messages) expectWire(effectFailedMessageSchema, m, 'effect.failed');
    const effectId = (await owner('GET', `/api/v1/cases/${caseId}`)).body.effects[0].id;
    expect(messages.map(({ retryAt, ...rest }) => rest)).toEqual(
      [1, 2].map((attempt) => ({
        caseId,
        effectId,
        nodeId: 'call',
        service: 'flaky',
        attempt,
        maxAttempts: 5,
        error: `ERP unreachable (${3 - attempt} more)`,
        waitingFor: 'ERP',
        next: 'retry',
        gaveUp: null,
      })),
    );
    // the second attempt ran after the first one's retry time, and was put back for later again
    expect(Date.parse(messages[1]!.retryAt!)).toBeGreaterThan(Date.parse(messages[0]!.retryAt!));
    // the case.changed of the resolution came after both, on the same socket
    expect(bystander).toEqual([]);
    expect(otherHeard).toEqual([]);
  });

  it('announces giving up: the last attempt with the incident the case now waits in', async () => {
    failuresLeft.set('LIVE-2', 100);
    const caseId = await open('live-incident', 'LIVE-2');
    const watcher = await connect(await server.login('analyst@demo.exflow'));
    const messages = heard(watcher);
    expect(await join(watcher, `case:${caseId}`)).toMatchObject({ ok: true });
    release('LIVE-2');

    await eventually(async () => messages.length >= 3, PATIENCE_MS, 'three effect.failed messages');
    expect(messages.map((m) => [m.attempt, m.maxAttempts, m.next, m.gaveUp, m.retryAt === null])).toEqual([
      [1, 3, 'retry', null, false],
      [2, 3, 'retry', null, false],
      [3, 3, 'incident', 'attempts', true],
    ]);
    // announced after the incident committed: the case is in it when the message is heard
    expect((await owner('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('incident');
    expect((await owner('GET', `/api/v1/incidents?caseId=${caseId}`)).body).toHaveLength(1);
  });

  it('announces a call refused for good that takes its error edge', async () => {
    const caseId = await open('live-error-edge', 'LIVE-3');
    const watcher = await connect(await server.login('analyst@demo.exflow'));
    const messages = heard(watcher);
    expect(await join(watcher, `case:${caseId}`)).toMatchObject({ ok: true });
    release('LIVE-3');

    await eventually(async () => messages.length >= 1, PATIENCE_MS, 'the effect.failed message');
    expect(messages).toEqual([
      expect.objectContaining({
        attempt: 1,
        next: 'error-edge',
        gaveUp: 'non-retryable',
        retryAt: null,
        waitingFor: null,
        error: 'ERP refuses the invoice: unknown cost centre',
      }),
    ]);
    expect((await owner('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('rejected');
  });
});
