import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { addUser, createTenant, readPackManifest, readSampleDocument, readSampleInvoice, routeOf, runStep, settled } from './support/packRunner.js';

const PACKS = ['ap-exceptions', 'finance-ops'];

/**
 * Every sample of every template pack, through the real engine over HTTP: installed in a fresh
 * tenant through the API, received, checked against the route and status pack.json expects,
 * then worked to its end by the people (and SLAs) its steps name.
 */
describe.each(testDatabaseKinds())('template packs on %s', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: false, pollMs: 20 });
  });
  afterAll(() => server?.stop());

  describe.each(PACKS)('%s', (pack) => {
    const manifest = readPackManifest(pack);
    const tenantId = `t-${pack}`;
    let clients: Awaited<ReturnType<typeof createTenant>>;

    beforeAll(async () => {
      clients = await createTenant(server, tenantId);
      const installed = await clients.process_owner!('POST', `/api/v1/templates/${pack}/install`, { publish: true, referenceData: true });
      expect(installed.status, JSON.stringify(installed.body)).toBe(200);
      expect(installed.body.installed).toHaveLength(manifest.flows.length);
      expect(installed.body.skipped).toEqual([]);
    });

    it.each(manifest.samples.map((s) => [s.file, s] as const))('%s', async (file, sample) => {
      const posted = await clients.integration!('POST', `/api/v1/invoices?definition=${sample.flow}`, readSampleInvoice(pack, file), {
        'Idempotency-Key': `${pack}:${file}`,
      });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      const caseId: string = posted.body.case.id;
      await settled(clients.tenant_admin!, caseId);
      expect(await routeOf(clients.tenant_admin!, caseId), 'right after intake').toEqual(sample.expect);
      if (!sample.steps) {
        expect(sample.expect.status, 'a sample without steps ends by itself').not.toBe('open');
        return;
      }
      for (const step of sample.steps) await runStep(server, tenantId, clients, caseId, step);
      expect(await routeOf(clients.tenant_admin!, caseId), 'after the steps').toEqual(sample.end);
    });
  });

  // Each flow of each pack is reached from a raw document by routing alone: the UBL or CII
  // route, triage and the pack's routing table, no `?definition=`, in a tenant of its own.
  describe.each(PACKS)('%s: every flow from a raw document, by routing', (pack) => {
    const manifest = readPackManifest(pack);
    let clients: Awaited<ReturnType<typeof createTenant>>;
    let keyOf: Map<string, string>;
    const receive = async (file: string) => {
      const xml = readSampleDocument(pack, file);
      const syntax = xml.includes('CrossIndustryInvoice') ? 'cii' : 'ubl';
      return clients.integration!('POST', `/api/v1/invoices/${syntax}`, xml, { 'content-type': 'application/xml', 'Idempotency-Key': `${pack}:${file}` });
    };

    beforeAll(async () => {
      clients = await createTenant(server, `t-${pack}-routed`);
      const installed = await clients.process_owner!('POST', `/api/v1/templates/${pack}/install`, { publish: true, referenceData: true });
      expect(installed.status, JSON.stringify(installed.body)).toBe(200);
      expect(installed.body.routing).toBe('installed');
      keyOf = new Map((await clients.process_owner!('GET', '/api/v1/definitions')).body.map((d: { id: string; key: string }) => [d.id, d.key]));
    });

    it('has a routed sample for every flow', () => {
      const flowKeys = manifest.flows.map((f) => f.replace('.workflow.json', '')).sort();
      expect([...new Set((manifest.routed ?? []).map((r) => r.flow))].sort()).toEqual(flowKeys);
    });

    it.each((manifest.routed ?? []).map((r) => [r.file, r] as const))('%s', async (file, sample) => {
      if (sample.after) expect((await receive(sample.after)).status).toBe(201);
      const posted = await receive(file);
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      expect(posted.body.triage.outcome).toBe('exception');
      expect(posted.body.triage.route, JSON.stringify(posted.body.triage)).toMatchObject({ flow: sample.flow, by: 'routing' });
      expect(keyOf.get(posted.body.case.definitionId)).toBe(sample.flow);
    });
  });

  // The packs' approving steps carry `approval`, so the tenant's authority matrix and four-eyes
  // hold on them: 60,000 is above an approver's 50,000 and above the 10,000 four-eyes threshold.
  it('approval-sla: 60,000 is refused to an approver (limit 50,000) and needs two people with authority', async () => {
    const tenantId = 't-authority';
    const clients = await createTenant(server, tenantId);
    expect((await clients.process_owner!('POST', '/api/v1/templates/ap-exceptions/install', { publish: true, referenceData: true })).status).toBe(200);
    const controller = await addUser(server, tenantId, 'controller', ['approver', 'tenant_admin']);
    const cfo = await addUser(server, tenantId, 'cfo', ['approver', 'tenant_admin']);
    const invoice = {
      ...readSampleInvoice('ap-exceptions', 'samples/approval-on-time.json'),
      invoiceNumber: 'ACL-2026-LARGE',
      netTotal: '50000.00',
      taxTotal: '10000.00',
      grossTotal: '60000.00',
    };
    const posted = await clients.integration!('POST', '/api/v1/invoices?definition=approval-sla', invoice);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const caseId: string = posted.body.case.id;
    await settled(clients.tenant_admin!, caseId);
    const task = (await clients.tenant_admin!('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0];
    const complete = (who: typeof cfo) =>
      who('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'approve', data: { reason: 'Checked with the requester' } });

    for (const approver of [clients.approver!, clients['approver#2']!]) {
      const refused = await complete(approver);
      expect([refused.status, refused.body.code], JSON.stringify(refused.body)).toEqual([403, 'sod.over-limit']);
      expect(refused.body.detail).toContain('above your limit of 50000');
    }
    expect((await complete(controller)).status).toBe(202);
    const again = await complete(controller);
    expect([again.status, again.body.code]).toEqual([403, 'sod.four-eyes']);
    const done = await complete(cfo);
    expect([done.status, done.body.case?.status]).toEqual([200, 'resolved']);
    expect(await routeOf(clients.tenant_admin!, caseId)).toEqual({ route: ['start', 'approval', 'approved'], status: 'resolved' });
  });
});
