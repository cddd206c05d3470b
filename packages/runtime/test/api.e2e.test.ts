import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';
import {
  apiKeyListSchema,
  templateListSchema,
  templateInstallSchema,
  validationAnswerSchema,
  delegationListSchema,
  delegationViewSchema,
  effectiveRoutingSchema,
  egressAllowEntrySchema,
  egressAllowListSchema,
  loginResponseSchema,
  userViewSchema,
  attachmentListSchema,
  attachmentViewSchema,
  caseAuditListSchema,
  evidenceSchema,
  bulkChangedSchema,
  commentListSchema,
  commentPostedSchema,
  inboxTaskSchema,
  storedInvoiceSchema,
  taskCompletedSchema,
  teamMemberSchema,
  apiKeyMintedSchema,
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

  it('answers the workspace routes (invoice, comments, attachments, team, reassign, bulk, complete) as their wire schemas say', async () => {
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const analyst2 = httpClient(server.url, await server.login('analyst2@demo.exflow'));
    const posted = await owner('POST', '/api/v1/invoices?definition=pv-e2e', invoiceWithChairPrice('E2E-WIRE-1', '126.00'));
    expect(posted.status).toBe(201);
    const { id: caseId } = posted.body.case;
    const invoiceId = posted.body.invoice.id;
    const task = await eventually(async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 10_000, 'the task');

    expectWire(storedInvoiceSchema, (await analyst('GET', `/api/v1/invoices/${invoiceId}`)).body, 'GET /invoices/:id');
    const corrected = await admin('PUT', `/api/v1/invoices/${invoiceId}`, { ...invoiceWithChairPrice('E2E-WIRE-1', '126.00'), businessUnit: 'Operations' });
    expect(corrected.status).toBe(200);
    expectWire(storedInvoiceSchema, corrected.body, 'PUT /invoices/:id');

    const comment = await analyst('POST', `/api/v1/cases/${caseId}/comments`, { text: '@owner the surcharge was agreed', taskId: task.id });
    expect(comment.status).toBe(201);
    expectWire(commentPostedSchema, comment.body, 'POST /cases/:id/comments');
    expectWire(commentListSchema, (await analyst('GET', `/api/v1/cases/${caseId}/comments`)).body, 'GET /cases/:id/comments');
    const mentions = await owner('GET', '/api/v1/inbox/mentions');
    expect(mentions.body.map((c: { id: string }) => c.id)).toContain(comment.body.comment.id);
    expectWire(commentListSchema, mentions.body, 'GET /inbox/mentions');

    const uploaded = await analyst('POST', `/api/v1/cases/${caseId}/attachments?filename=note.txt`, 'Delivery note: 10 chairs', {
      'content-type': 'text/plain',
    });
    expect(uploaded.status).toBe(201);
    expectWire(attachmentViewSchema, uploaded.body, 'POST /cases/:id/attachments');
    expectWire(attachmentListSchema, (await analyst('GET', `/api/v1/cases/${caseId}/attachments`)).body, 'GET /cases/:id/attachments');
    expectWire(caseAuditListSchema, (await analyst('GET', `/api/v1/cases/${caseId}/audit`)).body, 'GET /cases/:id/audit');
    const evidence = (await analyst('GET', `/api/v1/cases/${caseId}/evidence`)).body;
    expect(evidence.purchaseOrder?.lines.length).toBeGreaterThan(0);
    expectWire(evidenceSchema, evidence, 'GET /cases/:id/evidence');

    const lead = await admin('PUT', '/api/v1/team/u-analyst2/lead', { lead: true });
    expect([lead.status, lead.body.lead]).toEqual([200, true]);
    expectWire(teamMemberSchema, lead.body, 'PUT /team/:userId/lead');
    const ranked = await analyst2('POST', '/api/v1/inbox/bulk/priority', { taskIds: [task.id], priority: 2 });
    expect(ranked.body).toEqual({ changed: 1 });
    expectWire(bulkChangedSchema, ranked.body, 'POST /inbox/bulk/priority');
    const given = await analyst2('POST', '/api/v1/inbox/bulk/reassign', { taskIds: [task.id], assignee: 'u-analyst2' });
    expectWire(bulkChangedSchema, given.body, 'POST /inbox/bulk/reassign');
    const back = await analyst2('POST', `/api/v1/tasks/${task.id}/reassign`, { assignee: 'u-analyst', reason: 'yours' });
    expect([back.status, back.body.assignee]).toEqual([200, 'u-analyst']);
    expectWire(inboxTaskSchema, back.body, 'POST /tasks/:id/reassign');

    const done = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: { reason: 'Agreed surcharge' } });
    expect(done.status).toBe(200);
    expectWire(taskCompletedSchema, done.body, 'POST /tasks/:id/complete');
  });

  it('answers the sign-in, delegation, egress and routing routes as their wire schemas say', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'approver2@demo.exflow', password: 'demo' }),
    });
    expect(login.status).toBe(200);
    const signedIn = (await login.json()) as { token: string };
    expectWire(loginResponseSchema, signedIn, 'POST /auth/login');
    const approver2 = httpClient(server.url, signedIn.token);
    expectWire(userViewSchema, (await approver2('GET', '/api/v1/auth/me')).body, 'GET /auth/me');

    // a delegation that starts tomorrow changes nothing today; revoked at once
    const day = 86_400_000;
    const delegated = await approver2('POST', '/api/v1/delegations', {
      toUserId: 'u-approver',
      startsAt: new Date(Date.now() + day).toISOString(),
      endsAt: new Date(Date.now() + 2 * day).toISOString(),
    });
    expect(delegated.status).toBe(201);
    expectWire(delegationViewSchema, delegated.body, 'POST /delegations');
    expectWire(delegationListSchema, (await approver2('GET', '/api/v1/delegations')).body, 'GET /delegations');
    expect((await approver2('DELETE', `/api/v1/delegations/${delegated.body.id}`)).status).toBe(204);

    const platform = httpClient(server.url, await server.login('platform@northledger.example'));
    const added = await platform('POST', '/api/v1/egress-allow', { entry: 'erp.wire.example', note: 'wire check' });
    expect(added.status).toBe(201);
    expectWire(egressAllowEntrySchema, added.body, 'POST /egress-allow (201)');
    const again = await platform('POST', '/api/v1/egress-allow', { entry: 'erp.wire.example' });
    expect(again.status).toBe(200);
    expectWire(egressAllowEntrySchema, again.body, 'POST /egress-allow (200)');
    expectWire(egressAllowListSchema, (await platform('GET', '/api/v1/egress-allow')).body, 'GET /egress-allow');
    expect((await platform('DELETE', `/api/v1/egress-allow/${added.body.id}`)).status).toBe(204);

    const routing = await owner('GET', '/api/v1/routing');
    expectWire(effectiveRoutingSchema, routing.body, 'GET /routing');
    const kept = await owner('PUT', '/api/v1/routing', { rules: [{ kinds: ['missingPo'], flow: 'pv-e2e', description: 'wire check' }] });
    expect([kept.status, kept.body.source]).toEqual([200, 'own']);
    expectWire(effectiveRoutingSchema, kept.body, 'PUT /routing');
  });

  it('answers the template and validation routes as their wire schemas say', async () => {
    const catalogue = await owner('GET', '/api/v1/templates');
    expect(catalogue.body.map((p: { name: string }) => p.name)).toContain('ap-exceptions');
    expectWire(templateListSchema, catalogue.body, 'GET /templates');
    const installed = await owner('POST', '/api/v1/templates/ap-exceptions/install', { publish: false, referenceData: true });
    expect(installed.status).toBe(200);
    expectWire(templateInstallSchema, installed.body, 'POST /templates/:pack/install');
    const checked = await owner('POST', '/api/v1/definitions/validate', { ...priceVarianceFlow('pv-wire'), edges: [] });
    expect(checked.body.ok).toBe(false);
    expectWire(validationAnswerSchema, checked.body, 'POST /definitions/validate');
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
