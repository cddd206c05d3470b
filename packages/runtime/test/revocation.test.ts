import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceOf } from './support/approvalFlow.js';
import { eventually, httpClient } from './support/http.js';

type Client = ReturnType<typeof httpClient>;

/** A connected Socket.IO client that records the case changes it receives and how it ended. */
async function connect(url: string, token: string) {
  const socket: Socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  const received: string[] = [];
  const ended: string[] = [];
  socket.on('case.changed', (m: { caseId: string }) => received.push(m.caseId));
  socket.on('disconnect', (reason) => ended.push(reason));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, received, ended };
}

/** The error a new connection with `token` is refused with (fails when it connects). */
function refusedConnection(url: string, token: string): Promise<string> {
  const socket: Socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise<string>((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the connection was accepted'));
    });
    socket.once('connect_error', (e) => resolve(e.message));
  });
}

/** Posts an invoice (which opens a case) and waits until `control` has seen its change. */
async function changeSeenBy(submitter: Client, control: { received: string[] }, number: string): Promise<string> {
  const posted = await submitter('POST', '/api/v1/invoices', invoiceOf(number, 100));
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  const caseId: string = posted.body.case.id;
  await eventually(async () => control.received.includes(caseId), 10_000, `the control socket to see case ${caseId}`);
  return caseId;
}

describe.each(testDatabaseKinds())('revoking a key or disabling a user drops their live sockets, on %s', (database) => {
  let server: TestServer;
  let admin: Client;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
    adminToken = await server.login('admin@demo.exflow');
    admin = httpClient(server.url, adminToken);
  });
  afterAll(() => server?.stop());

  it("a revoked API key's socket is disconnected and gets no more messages", async () => {
    const minted = await admin('POST', '/api/v1/api-keys', { name: 'streaming robot', role: 'integration' });
    expect(minted.status).toBe(201);
    const keyed = await connect(server.url, minted.body.key);
    const control = await connect(server.url, adminToken);
    try {
      const first = await changeSeenBy(admin, control, 'REVOKE-1');
      await eventually(async () => keyed.received.includes(first), 10_000, "the key's socket to stream");

      expect((await admin('DELETE', `/api/v1/api-keys/${minted.body.id}`)).status).toBe(204);
      await eventually(async () => keyed.ended.length > 0, 10_000, "the key's socket to be dropped");
      expect(keyed.ended).toEqual(['io server disconnect']);
      const second = await changeSeenBy(admin, control, 'REVOKE-2');
      expect(keyed.received).not.toContain(second);
      expect(await refusedConnection(server.url, minted.body.key)).toMatch(/revoked/);
    } finally {
      keyed.socket.disconnect();
      control.socket.disconnect();
    }
  });

  it("a disabled user's socket is disconnected; their token, sign-in and new sockets are refused until enabled", async () => {
    const token = await server.login('analyst2@demo.exflow');
    const user = await connect(server.url, token);
    const control = await connect(server.url, adminToken);
    try {
      const first = await changeSeenBy(admin, control, 'DISABLE-1');
      await eventually(async () => user.received.includes(first), 10_000, "the user's socket to stream");

      const disabled = await admin('PUT', '/api/v1/team/u-analyst2/disabled', { disabled: true });
      expect([disabled.status, disabled.body]).toEqual([200, { id: 'u-analyst2', disabled: true }]);
      await eventually(async () => user.ended.length > 0, 10_000, "the user's socket to be dropped");
      expect(user.ended).toEqual(['io server disconnect']);
      const second = await changeSeenBy(admin, control, 'DISABLE-2');
      expect(user.received).not.toContain(second);
      expect(await refusedConnection(server.url, token)).toMatch(/disabled/);
      expect((await httpClient(server.url, token)('GET', '/api/v1/auth/me')).status).toBe(401);
      await expect(server.login('analyst2@demo.exflow')).rejects.toThrow(/401.*disabled/);
      const trail = ((await admin('GET', '/api/v1/audit')).body as { action: string; entityId: string }[]).filter((r) => r.entityId === 'u-analyst2');
      expect(trail.map((r) => r.action)).toContain('user.disabled');

      expect((await admin('PUT', '/api/v1/team/u-analyst2/disabled', { disabled: false })).status).toBe(200);
      expect((await httpClient(server.url, token)('GET', '/api/v1/auth/me')).status).toBe(200);
    } finally {
      user.socket.disconnect();
      control.socket.disconnect();
    }
  });

  it('refuses disabling oneself or an unknown user, and a body without the flag', async () => {
    expect(await admin('PUT', '/api/v1/team/u-admin/disabled', { disabled: true })).toMatchObject({ status: 422, body: { code: 'disable-self' } });
    expect((await admin('PUT', '/api/v1/team/u-nobody/disabled', { disabled: true })).status).toBe(404);
    expect((await admin('PUT', '/api/v1/team/u-analyst/disabled', {})).status).toBe(422);
    expect((await httpClient(server.url, await server.login('analyst@demo.exflow'))('GET', '/api/v1/auth/me')).status).toBe(200);
  });
});

// Several runtime processes on one PostgreSQL: revoking through one drops the sockets held by another.
describe.runIf(process.env.DATABASE_URL)('revocation across runtime processes on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer({ database: 'postgres', workers: false });
    b = await startTestServer({ database: 'postgres', schema: a.schema, seedDemo: false, workers: false });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a key revoked and a user disabled through process A lose their sockets on process B', async () => {
    const adminA = httpClient(a.url, await a.login('admin@demo.exflow'));
    const minted = await adminA('POST', '/api/v1/api-keys', { name: 'robot on B', role: 'integration' });
    const keyed = await connect(b.url, minted.body.key);
    const user = await connect(b.url, await b.login('analyst2@demo.exflow'));
    try {
      expect((await adminA('DELETE', `/api/v1/api-keys/${minted.body.id}`)).status).toBe(204);
      await eventually(async () => keyed.ended.length > 0, 10_000, "B to drop the key's socket");
      expect(keyed.ended).toEqual(['io server disconnect']);
      expect((await adminA('PUT', '/api/v1/team/u-analyst2/disabled', { disabled: true })).status).toBe(200);
      await eventually(async () => user.ended.length > 0, 10_000, "B to drop the user's socket");
      expect(user.ended).toEqual(['io server disconnect']);
    } finally {
      keyed.socket.disconnect();
      user.socket.disconnect();
    }
  });

  // B remembers a principal between requests (auth/principalCache.ts); a revocation anywhere must still reach it
  it('a user disabled and a key revoked through A, or by SQL, are refused by B, which had them cached', async () => {
    const adminA = httpClient(a.url, await a.login('admin@demo.exflow'));
    const me = (token: string) => httpClient(b.url, token)('GET', '/api/v1/auth/me');
    const minted = await adminA('POST', '/api/v1/api-keys', { name: 'cached on B', role: 'integration' });
    const analyst = await b.login('analyst@demo.exflow');
    const approver = await b.login('approver@demo.exflow');
    for (const token of [minted.body.key, analyst, approver]) {
      expect((await me(token)).status).toBe(200);
      expect((await me(token)).status).toBe(200); // now from B's memory
    }
    expect((await adminA('DELETE', `/api/v1/api-keys/${minted.body.id}`)).status).toBe(204);
    await eventually(async () => (await me(minted.body.key)).status === 401, 10_000, 'B to refuse the revoked key');
    expect((await adminA('PUT', '/api/v1/team/u-analyst/disabled', { disabled: true })).status).toBe(200);
    await eventually(async () => (await me(analyst)).status === 401, 10_000, 'B to refuse the disabled user');
    // past the API: an operator disabling the account in the database
    await a.db('users').where({ tenant_id: 'demo', id: 'u-approver' }).update({ disabled_at: a.db.fn.now() });
    await eventually(async () => (await me(approver)).status === 401, 10_000, 'B to refuse the user disabled by SQL');
    await a.db('users').where({ tenant_id: 'demo' }).whereIn('id', ['u-analyst', 'u-approver']).update({ disabled_at: null });
    expect((await me(analyst)).status).toBe(200);
  });
});
