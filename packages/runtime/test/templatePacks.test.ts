import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from '../src/testing/testServer.js';
import { createTenant, readPackManifest, readSampleInvoice, routeOf, runStep, settled } from './support/packRunner.js';

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
      const posted = await clients.integration!('POST', `/api/v1/invoices?definition=${sample.flow}`, readSampleInvoice(pack, file), { 'Idempotency-Key': `${pack}:${file}` });
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
});
