import { readFileSync } from 'node:fs';
import { bpmnImportResponseSchema } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';
import { expectWire } from './support/wire.js';

/** Camunda's public invoice example (Apache 2.0; see the NOTICE beside it). */
const invoiceBpmn = readFileSync(new URL('../../shared/test/fixtures/bpmn/invoice.v2.bpmn', import.meta.url), 'utf8');
const xml = { 'content-type': 'application/xml' };

describe.each(testDatabaseKinds())('BPMN 2.0 import and export over HTTP, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;
  const archived: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      database,
      seedDemo: true,
      // the example's service task names its Java class; a deployment registers a service under that name
      services: { ArchiveInvoiceService: async (call) => (archived.push(call.caseId), { archived: true }) },
    });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
  });
  afterAll(() => server?.stop());

  const completeOpenTask = async (caseId: string, nodeId: string, data: Record<string, unknown>) => {
    const task = await eventually(
      async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseId}&status=open`)).body.find((t: { nodeId: string }) => t.nodeId === nodeId),
      undefined,
      `the open task ${nodeId}`,
    );
    const done = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'done', data });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return done.body;
  };

  it("imports Camunda's invoice example, lists what it could not carry over, publishes it and runs cases to both ends", async () => {
    const imported = await owner('POST', '/api/v1/definitions/import/bpmn?key=camunda-invoice', invoiceBpmn, xml);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expectWire(bpmnImportResponseSchema, imported.body, 'POST /definitions/import/bpmn');
    const { definition, unsupported, problems } = imported.body;
    expect(definition.draft.nodes).toHaveLength(10);
    expect(unsupported).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'assignApprover', type: 'bpmn:BusinessRuleTask', handling: 'placeholder' }),
        expect.objectContaining({ id: 'reviewInvoice', type: 'bpmn:CallActivity', handling: 'placeholder' }),
        expect.objectContaining({ id: 'invoiceNotApproved', handling: 'rewritten' }),
      ]),
    );
    expect(problems).toEqual([]);
    const published = await owner('POST', `/api/v1/definitions/${definition.id}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    // approved: approve → prepare the bank transfer → archive (service) → "Invoice processed"
    const approvedCase = await owner('POST', '/api/v1/invoices?definition=camunda-invoice', invoiceWithChairPrice('BPMN-1', '125.00'), {
      'Idempotency-Key': `bpmn-1-${database}`,
    });
    expect(approvedCase.status, JSON.stringify(approvedCase.body)).toBe(201);
    const one: string = approvedCase.body.case.id;
    await completeOpenTask(one, 'approveInvoice', { approved: true });
    await completeOpenTask(one, 'prepareBankTransfer', {});
    const processed = await eventually(async () => {
      const c = await analyst('GET', `/api/v1/cases/${one}`);
      return c.body.status === 'resolved' && c.body;
    });
    expect(processed.activeNodes).toEqual(['invoiceProcessed']);
    expect(archived).toContain(one);

    // not approved, not clarified: approve → review (the call activity's placeholder) → "Invoice not processed"
    const rejectedCase = await owner('POST', '/api/v1/invoices?definition=camunda-invoice', invoiceWithChairPrice('BPMN-2', '125.00'), {
      'Idempotency-Key': `bpmn-2-${database}`,
    });
    const two: string = rejectedCase.body.case.id;
    await completeOpenTask(two, 'approveInvoice', { approved: false });
    const reviewed = await completeOpenTask(two, 'reviewInvoice', { clarified: false });
    expect(reviewed.case.status).toBe('resolved');
    expect((await analyst('GET', `/api/v1/cases/${two}`)).body.activeNodes).toEqual(['invoiceNotProcessed']);
  });

  it('exports a published version with DI and imports it back as the same graph', async () => {
    const list = (await owner('GET', '/api/v1/definitions')).body as { id: string; key: string }[];
    const id = list.find((d) => d.key === 'camunda-invoice')!.id;
    const version = (await owner('GET', `/api/v1/definitions/${id}/versions/1`)).body;
    const exported = await owner('GET', `/api/v1/definitions/${id}/versions/1/bpmn`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/xml');
    expect(exported.body).toContain('<bpmndi:BPMNShape id="approveInvoice_di" bpmnElement="approveInvoice">');
    const again = await owner('POST', '/api/v1/definitions/import/bpmn?key=camunda-invoice-again', exported.body, xml);
    expect(again.status).toBe(201);
    expect(again.body.unsupported).toEqual([]);
    expect({ ...again.body.definition.draft, key: 'camunda-invoice' }).toEqual(version.definition);
    expect((await owner('GET', `/api/v1/definitions/${id}/versions/9/bpmn`)).status).toBe(404);
  });

  it('refuses malformed XML naming the element, a taken key, and XML of another kind; nothing is created', async () => {
    const before = (await owner('GET', '/api/v1/definitions')).body.length;
    const broken = await owner('POST', '/api/v1/definitions/import/bpmn?key=broken', invoiceBpmn.replace('</userTask>', ''), xml);
    expect([broken.status, broken.body.code]).toEqual([422, 'invalid-bpmn']);
    expect(broken.headers.get('content-type')).toContain('application/problem+json');
    expect(broken.body.errors[0].path).toMatch(/^<\/?[A-Za-z]/);
    expect(broken.body.errors[0].message).toMatch(/line \d+, column \d+/);
    const notBpmn = await owner(
      'POST',
      '/api/v1/definitions/import/bpmn?key=other',
      '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
      xml,
    );
    expect([notBpmn.status, notBpmn.body.code]).toEqual([422, 'invalid-bpmn']);
    const badKey = await owner('POST', '/api/v1/definitions/import/bpmn?key=Not_A_Key', invoiceBpmn, xml);
    expect([badKey.status, badKey.body.errors?.[0]?.path]).toEqual([422, 'key']);
    const taken = await owner('POST', '/api/v1/definitions/import/bpmn?key=camunda-invoice', invoiceBpmn, xml);
    expect([taken.status, taken.body.code]).toEqual([409, 'definition-key-taken']);
    expect((await owner('POST', '/api/v1/definitions/import/bpmn', invoiceBpmn, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await analyst('POST', '/api/v1/definitions/import/bpmn?key=by-analyst', invoiceBpmn, xml)).status).toBe(403);
    expect((await owner('GET', '/api/v1/definitions')).body.length).toBe(before + 0);
  });
});
