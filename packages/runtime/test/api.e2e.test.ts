import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';
import {
  apiKeyListSchema,
  apiKeyMintedSchema,
  loginResponseSchema,
  userViewSchema,
  auditListSchema,
  auditVerificationSchema,
  brandingSchema,
  csvBatchResultSchema,
  formatIntakeResponseSchema,
  INVOICE_CSV_COLUMNS,
  policiesViewSchema,
  referenceCsvResultSchema,
  referenceUpsertedSchema,
  caseChangedMessageSchema,
  caseDetailSchema,
  caseEventListSchema,
  caseListSchema,
  definitionListSchema,
  definitionViewSchema,
  inboxPageSchema,
  inboxSummarySchema,
  incidentListSchema,
  invoiceIntakeResponseSchema,
  taskChangedMessageSchema,
  taskListSchema,
  taskViewSchema,
  versionListSchema,
  versionRecordSchema,
  validationAnswerSchema,
} from '@exflow/shared';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { expectWire } from './support/wire.js';

interface Message {
  name: string;
  payload: any;
}

function connect(url: string, token: string): Promise<{ socket: Socket; messages: Message[] }> {
  const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
  const messages: Message[] = [];
  socket.onAny((name, payload) => messages.push({ name, payload }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, messages }));
    socket.once('connect_error', reject);
  });
}

describe.each(testDatabaseKinds())('end to end over HTTP and Socket.IO on %s', (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;
  let analystToken: string;
  let definitionId: string;

  beforeAll(async () => {
    server = await startTestServer({ database });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    analystToken = await server.login('analyst@demo.exflow');
    analyst = httpClient(server.url, analystToken);
    const created = await owner('POST', '/api/v1/definitions', priceVarianceFlow('pv-e2e'));
    expect(created.status).toBe(201);
    definitionId = created.body.id;
    const published = await owner('POST', `/api/v1/definitions/${definitionId}/publish`);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(1);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('reads the published version back, immutable and compiled', async () => {
    const version = await owner('GET', `/api/v1/definitions/${definitionId}/versions/1`);
    expect(version.status).toBe(200);
    expect(version.body.definition.key).toBe('pv-e2e');
    expect(version.body.compiled.machine.initial).toBe('start');
    const versions = await owner('GET', `/api/v1/definitions/${definitionId}/versions`);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1]);
    expectWire(versionRecordSchema, version.body, 'GET /definitions/:id/versions/1');
    expectWire(versionListSchema, versions.body, 'GET /definitions/:id/versions');
    expectWire(definitionViewSchema, (await owner('GET', `/api/v1/definitions/${definitionId}`)).body, 'GET /definitions/:id');
    expectWire(definitionListSchema, (await owner('GET', '/api/v1/definitions')).body, 'GET /definitions');
    const checked = await owner('POST', '/api/v1/definitions/validate', { ...priceVarianceFlow('pv-checked'), edges: [] });
    expect(checked.body.ok).toBe(false);
    expectWire(validationAnswerSchema, checked.body, 'POST /definitions/validate');
  });

  it('routes a 5 % price variance to procurement, streams every change, and resolves on approval', async () => {
    const { socket, messages } = await connect(server.url, analystToken);
    try {
      const joined = await socket.emitWithAck('join', { room: 'queue:procurement' });
      expect(joined).toEqual({ ok: true, room: 'queue:procurement' });

      // accepting a variance is an approval: the owner submits, so the analyst may accept
      const posted = await owner('POST', '/api/v1/invoices?definition=pv-e2e', invoiceWithChairPrice('E2E-OVER-1', '126.00'), {
        'Idempotency-Key': 'e2e-over-1',
      });
      expect(posted.status).toBe(201);
      expectWire(invoiceIntakeResponseSchema, posted.body, 'POST /invoices');
      const caseId: string = posted.body.case.id;
      // the 3-way match reads only the database: it ran in the intake's transaction
      expect(posted.body.case.activeNodes).toEqual(['procurementReview']);

      const task = await eventually(
        async () => {
          const tasks = await analyst('GET', `/api/v1/tasks?queue=procurement&caseId=${caseId}`);
          return tasks.body[0];
        },
        10_000,
        'a procurement task',
      );
      expect(task).toMatchObject({ queue: 'procurement', title: 'Review price variance', status: 'open' });
      const reviewCase = await analyst('GET', `/api/v1/cases/${caseId}`);
      expect(reviewCase.body.context.vars.match.maxPriceVariancePct).toBe(5);
      expect(reviewCase.body.context.vars.match.withinTolerance).toBe(false);
      expectWire(caseDetailSchema, reviewCase.body, 'GET /cases/:id');
      expectWire(taskListSchema, (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body, 'GET /tasks');
      expectWire(taskViewSchema, (await analyst('GET', `/api/v1/tasks/${task.id}`)).body, 'GET /tasks/:id');
      expectWire(inboxPageSchema, (await analyst('GET', '/api/v1/inbox?view=unclaimed')).body, 'GET /inbox');
      expectWire(inboxSummarySchema, (await analyst('GET', '/api/v1/inbox/summary')).body, 'GET /inbox/summary');

      const refused = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: {} });
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('/data/reason');

      const done = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: { reason: 'Agreed surcharge for express delivery' } });
      expect(done.status).toBe(200);
      expect(done.body.case.status).toBe('resolved');

      const final = await analyst('GET', `/api/v1/cases/${caseId}`);
      expect(final.body).toMatchObject({ status: 'resolved', outcome: 'resolved', activeNodes: ['accepted'] });
      const history = await analyst('GET', `/api/v1/cases/${caseId}/events`);
      expect(history.body.map((e: { type: string }) => e.type)).toEqual(['case.started', 'service.done', 'task.completed']);
      expect(history.body.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
      expect(history.body[2].actor).toBe('u-analyst');
      expectWire(caseEventListSchema, history.body, 'GET /cases/:id/events');
      expectWire(caseListSchema, (await analyst('GET', '/api/v1/cases')).body, 'GET /cases');
      expectWire(incidentListSchema, (await analyst('GET', '/api/v1/incidents?status=all')).body, 'GET /incidents');

      const caseMessages = await eventually(
        async () => {
          const mine = messages.filter((m) => m.name === 'case.changed' && m.payload.caseId === caseId);
          return mine.length >= 3 && mine;
        },
        5_000,
        'three case.changed messages',
      );
      expect(caseMessages.map((m) => m.payload.version)).toEqual([1, 2, 3]);
      expect(caseMessages.map((m) => m.payload.event.type)).toEqual(['case.started', 'service.done', 'task.completed']);
      expect(caseMessages[2].payload.status).toBe('resolved');
      const taskMessages = messages.filter((m) => m.name === 'task.changed' && m.payload.caseId === caseId);
      expect(taskMessages.map((m) => m.payload.change)).toEqual(['opened', 'completed']);
      for (const m of caseMessages) expectWire(caseChangedMessageSchema, m.payload, 'case.changed');
      for (const m of taskMessages) expectWire(taskChangedMessageSchema, m.payload, 'task.changed');
    } finally {
      socket.disconnect();
    }
  });

  it('resolves an invoice within tolerance with no human task', async () => {
    const posted = await analyst('POST', '/api/v1/invoices?definition=pv-e2e', invoiceWithChairPrice('E2E-OK-1', '121.20'));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id;
    const resolved = await eventually(
      async () => {
        const c = await analyst('GET', `/api/v1/cases/${caseId}`);
        return c.body.status !== 'open' && c.body;
      },
      10_000,
      'the case to close',
    );
    expect(resolved).toMatchObject({ status: 'resolved', activeNodes: ['autoApproved'] });
    const tasks = await analyst('GET', `/api/v1/tasks?caseId=${caseId}&status=completed`);
    const open = await analyst('GET', `/api/v1/tasks?caseId=${caseId}`);
    expect([...tasks.body, ...open.body]).toEqual([]);
  });

  it('answers a repeated Idempotency-Key with the first result and refuses it for another body', async () => {
    const body = invoiceWithChairPrice('E2E-IDEM-1', '120.00');
    const first = await analyst('POST', '/api/v1/invoices?definition=pv-e2e', body, { 'Idempotency-Key': 'idem-1' });
    const again = await analyst('POST', '/api/v1/invoices?definition=pv-e2e', body, { 'Idempotency-Key': 'idem-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const cases = await analyst('GET', `/api/v1/cases?invoiceId=${first.body.invoice.id}`);
    expect(cases.body).toHaveLength(1);
    const other = await analyst('POST', '/api/v1/invoices?definition=pv-e2e', { ...body, invoiceNumber: 'E2E-IDEM-2' }, { 'Idempotency-Key': 'idem-1' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.code).toBe('idempotency-key-reused');
  });

  it('answers the admin, audit, reference and format-specific intake routes as their wire schemas say', async () => {
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const raw = async (path: string, body: string, contentType: string) => {
      const r = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await server.login('admin@demo.exflow')}`, 'content-type': contentType },
        body,
      });
      return { status: r.status, body: (await r.json()) as unknown };
    };
    const signedIn = await httpClient(server.url)('POST', '/api/v1/auth/login', { email: 'admin@demo.exflow', password: 'demo' });
    expectWire(loginResponseSchema, signedIn.body, 'POST /auth/login');
    expectWire(userViewSchema, (await admin('GET', '/api/v1/auth/me')).body, 'GET /auth/me');
    expectWire(auditListSchema, (await admin('GET', '/api/v1/audit')).body, 'GET /audit');
    expectWire(auditVerificationSchema, (await admin('GET', '/api/v1/audit/verify')).body, 'GET /audit/verify');
    const minted = await admin('POST', '/api/v1/api-keys', { name: 'wire check', role: 'integration' });
    expect(minted.status).toBe(201);
    expectWire(apiKeyMintedSchema, minted.body, 'POST /api-keys');
    expectWire(apiKeyListSchema, (await admin('GET', '/api/v1/api-keys')).body, 'GET /api-keys');
    expectWire(brandingSchema, (await admin('GET', '/api/v1/branding')).body, 'GET /branding');
    expectWire(policiesViewSchema, (await admin('GET', '/api/v1/policies')).body, 'GET /policies');
    const supplier = { id: 'WIRE-S1', name: 'Wire Supplier GmbH', country: 'DE' };
    expectWire(referenceUpsertedSchema, (await admin('POST', '/api/v1/reference/suppliers', [supplier])).body, 'POST /reference/suppliers');
    const suppliers = await raw('/api/v1/reference/suppliers/csv', 'id,name,country\nWIRE-S2,Wire Two GmbH,DE\nWIRE-S3,,DE\n', 'text/csv');
    expect(suppliers.status).toBe(200);
    expectWire(referenceCsvResultSchema, suppliers.body, 'POST /reference/suppliers/csv');
    const cii = readFileSync(new URL('../../shared/test/fixtures/intake/cii-invoice.xml', import.meta.url), 'utf8');
    const received = await raw('/api/v1/invoices/cii', cii, 'application/xml');
    expect(received.status).toBe(201);
    expectWire(formatIntakeResponseSchema, received.body, 'POST /invoices/cii');
    const row = (number: string) => {
      const cells: Partial<Record<(typeof INVOICE_CSV_COLUMNS)[number], string>> = {
        invoiceNumber: number,
        issueDate: '2026-11-20',
        currency: 'EUR',
        supplierName: 'Wire Supplier GmbH',
        netTotal: '100.00',
        taxTotal: '25.00',
        grossTotal: '125.00',
        lineDescription: 'Chair',
        quantity: '1',
        unitPrice: '100.00',
        lineNetAmount: '100.00',
      };
      return INVOICE_CSV_COLUMNS.map((c) => cells[c] ?? '').join(',');
    };
    const batch = await raw(
      '/api/v1/invoices/csv',
      [INVOICE_CSV_COLUMNS.join(','), row('WIRE-CSV-1'), row('WIRE-CSV-2').replace('2026-11-20', 'soon')].join('\n'),
      'text/csv',
    );
    expect(batch.status).toBe(200);
    expectWire(csvBatchResultSchema, batch.body, 'POST /invoices/csv');
  });

  it("refuses a socket without a token and a room of another tenant's case", async () => {
    await expect(connect(server.url, 'not-a-token')).rejects.toThrow(/unauthorized/);
    const { socket } = await connect(server.url, analystToken);
    try {
      expect(await socket.emitWithAck('join', { room: 'case:does-not-exist' })).toEqual({ ok: false, error: 'no case does-not-exist' });
    } finally {
      socket.disconnect();
    }
  });
});
