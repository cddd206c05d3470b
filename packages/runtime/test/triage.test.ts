import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { createTenantRepository } from '../src/store/tenantRepository.js';
import { createTenant, readSampleInvoice, routeOf, settled } from './support/packRunner.js';

const ublDir = fileURLToPath(new URL('../../../../shared/data/ubl', import.meta.url));
const ublPresent = existsSync(ublDir);
if (!ublPresent) console.warn(`triage.test: ${ublDir} is absent; the public UBL example tests are skipped`);

type Clients = Awaited<ReturnType<typeof createTenant>>;
const sample = (file: string) => readSampleInvoice('ap-exceptions', `samples/${file}`) as Record<string, any>;

/**
 * Triage at intake, driven over HTTP as an integration and a process owner would: every
 * invoice runs the tenant's checks, findings are stored with it, and routing opens one
 * exception case (or none: touchless).
 */
describe.each(testDatabaseKinds())('triage and routing on %s', (database) => {
  let server: TestServer;
  let seq = 0;

  /** A fresh tenant with the ap-exceptions pack (flows, reference data, routing) installed. */
  async function tenantWithPack(): Promise<Clients> {
    const clients = await createTenant(server, `t-triage-${++seq}`);
    const installed = await clients.process_owner!('POST', '/api/v1/templates/ap-exceptions/install', { publish: true, referenceData: true });
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    expect(installed.body.routing).toBe('installed');
    return clients;
  }

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: false, pollMs: 20 });
  });
  afterAll(() => server?.stop());

  it('records a clean invoice as touchless: no case, outcome stored on the invoice', async () => {
    const c = await tenantWithPack();
    const posted = await c.integration!('POST', '/api/v1/invoices', sample('price-within-tolerance.json'), { 'Idempotency-Key': 'clean-1' });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body.case).toBeNull();
    expect(posted.body.triage).toMatchObject({ outcome: 'touchless', findings: [], route: { flow: null, by: 'none' } });
    const stored = await c.analyst!('GET', `/api/v1/invoices/${posted.body.invoice.id}`);
    expect(stored.body).toMatchObject({ triageOutcome: 'touchless', findings: [] });
  });

  it('opens a duplicate case, with the earlier invoice as evidence, for a re-sent invoice and for a near-identical number', async () => {
    const c = await tenantWithPack();
    const invoice = sample('price-within-tolerance.json');
    const first = await c.integration!('POST', '/api/v1/invoices', invoice, { 'Idempotency-Key': 'dup-1' });
    expect(first.body.case).toBeNull();
    // the same invoice again under a new key, even naming the price-variance flow
    const again = await c.integration!('POST', '/api/v1/invoices?definition=price-variance', invoice, { 'Idempotency-Key': 'dup-2' });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.triage.outcome).toBe('exception');
    expect(again.body.triage.route).toMatchObject({ flow: 'duplicate-invoice', by: 'routing', finding: 'duplicateInvoice' });
    expect(again.body.triage.findings[0]).toMatchObject({
      kind: 'duplicateInvoice',
      severity: 'high',
      ruleId: 'EXF-DUP-EXACT',
      figures: { earlierInvoice: { invoiceId: first.body.invoice.id, match: 'exact' } },
    });
    const caseId = again.body.case.id;
    const c1 = await settled(c.tenant_admin!, caseId);
    expect(c1.definitionId).toBe(again.body.case.definitionId);
    expect(c1.context.vars.triage.findings[0].figures.earlierInvoice.invoiceId).toBe(first.body.invoice.id);
    expect(await routeOf(c.tenant_admin!, caseId)).toEqual({ route: ['start', 'dup', 'which', 'rejectedDuplicate'], status: 'rejected' });

    // one character changed: suspected, reviewed as a possible duplicate
    const near = await c.integration!('POST', '/api/v1/invoices', { ...invoice, invoiceNumber: 'NOS-2026-0416' }, { 'Idempotency-Key': 'dup-3' });
    expect(near.body.triage.route).toMatchObject({ flow: 'duplicate-invoice', finding: 'suspectedDuplicate' });
    const evidence = near.body.triage.findings[0].figures.earlierInvoice;
    expect(evidence).toMatchObject({ invoiceNumber: 'NOS-2026-0415', match: 'fuzzy', editDistance: 1 });
    expect([first.body.invoice.id, again.body.invoice.id]).toContain(evidence.invoiceId);
    expect(await routeOf(c.tenant_admin!, (await settled(c.tenant_admin!, near.body.case.id)).id)).toEqual({
      route: ['start', 'dup', 'which', 'review'],
      status: 'open',
    });
  });

  it('stores a BR-CO-16 payable mismatch as an arithmeticError finding, visible on the invoice and on its case', async () => {
    const c = await tenantWithPack();
    const invoice = { ...sample('price-within-tolerance.json'), invoiceNumber: 'NOS-PAY-1', payableAmount: '3400.00' };
    const posted = await c.integration!('POST', '/api/v1/invoices', invoice, { 'Idempotency-Key': 'pay-1' });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const finding = {
      kind: 'arithmeticError',
      ruleId: 'BR-CO-16',
      check: 'taxCheck',
      valueAtRisk: '10.00',
      figures: { stated: '3400', computed: '3390', difference: '10' },
    };
    expect(posted.body.triage.findings).toEqual([expect.objectContaining(finding)]);
    expect(posted.body.triage.route).toMatchObject({ flow: 'tax-discrepancy', finding: 'arithmeticError' });
    const stored = await c.analyst!('GET', `/api/v1/invoices/${posted.body.invoice.id}`);
    expect(stored.body.triageOutcome).toBe('exception');
    expect(stored.body.findings).toEqual([expect.objectContaining(finding)]);
    const opened = await settled(c.tenant_admin!, posted.body.case.id);
    expect(opened.context.vars.triage.kinds).toEqual(['arithmeticError']);
    expect(opened.context.vars.triage.findings[0]).toMatchObject({ ruleId: 'BR-CO-16', valueAtRisk: 10 });
  });

  it("honours the tenant's price tolerance policy in triage and in the flow's match node", async () => {
    const strict = await tenantWithPack();
    const invoice = sample('price-5pct-over.json');
    const flagged = await strict.integration!('POST', '/api/v1/invoices', invoice, { 'Idempotency-Key': 'tol-1' });
    expect(flagged.body.triage.findings.map((f: { kind: string }) => f.kind)).toEqual(['priceVariance']);
    expect(flagged.body.triage.route.flow).toBe('price-variance');

    const lenient = await tenantWithPack();
    const policy = await lenient.tenant_admin!('PUT', '/api/v1/policies', { policies: { priceTolerancePct: 10 } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const clean = await lenient.integration!('POST', '/api/v1/invoices', invoice, { 'Idempotency-Key': 'tol-2' });
    expect(clean.body.triage).toMatchObject({ outcome: 'touchless', findings: [] });
    expect(clean.body.case).toBeNull();
    // the policy also binds the flow's match node (its own 2 % gives way): auto-approved
    const started = await lenient.integration!(
      'POST',
      '/api/v1/invoices?definition=price-variance',
      { ...invoice, invoiceNumber: 'RIB-TOL-2' },
      { 'Idempotency-Key': 'tol-3' },
    );
    await settled(lenient.tenant_admin!, started.body.case.id);
    expect(await routeOf(lenient.tenant_admin!, started.body.case.id)).toEqual({
      route: ['start', 'match', 'withinTolerance', 'autoApproved'],
      status: 'resolved',
    });
    // unless the policy lets flows set it themselves
    await lenient.tenant_admin!('PUT', '/api/v1/policies', { policies: { priceTolerancePct: 10, flowOverridableParams: ['priceTolerancePct'] } });
    const nodeWins = await lenient.integration!(
      'POST',
      '/api/v1/invoices?definition=price-variance',
      { ...invoice, invoiceNumber: 'RIB-TOL-3', issueDate: '2026-01-05' },
      { 'Idempotency-Key': 'tol-4' },
    );
    await settled(lenient.tenant_admin!, nodeWins.body.case.id);
    expect((await routeOf(lenient.tenant_admin!, nodeWins.body.case.id)).route).toContain('procurementReview');
  });

  describe('date-effective VAT rates', () => {
    const nl = (issueDate: string, rate: string, extra: Record<string, unknown> = {}) => ({
      invoiceNumber: `NL-${issueDate}-${rate}`,
      issueDate,
      currency: 'EUR',
      supplier: { name: 'Hollandse Boekhandel BV', country: 'NL' },
      netTotal: '100.00',
      taxTotal: `${rate}.00`,
      grossTotal: `${100 + Number(rate)}.00`,
      lines: [{ description: 'Books', quantity: '1', unitPrice: '100.00', netAmount: '100.00', taxRate: rate, taxAmount: `${rate}.00` }],
      ...extra,
    });
    const rateFindings = (body: any) => body.triage.findings.filter((f: { kind: string }) => f.kind === 'taxRateInvalid');

    it('accepts NL 6 % in 2015 and 9 % from 2019, refuses 6 % in 2019 unless the tax point date is in 2018', async () => {
      const c = await tenantWithPack();
      const post = async (body: unknown) => (await c.integration!('POST', '/api/v1/invoices', body)).body;
      expect(rateFindings(await post(nl('2015-01-09', '6')))).toEqual([]);
      expect(rateFindings(await post(nl('2019-03-01', '9')))).toEqual([]);
      expect(rateFindings(await post(nl('2019-03-01', '6')))).toEqual([
        expect.objectContaining({
          ruleId: 'EXF-TAX-RATE',
          figures: expect.objectContaining({ date: '2019-03-01', validRates: expect.arrayContaining(['9', '21']) }),
        }),
      ]);
      expect(rateFindings(await post({ ...nl('2019-01-03', '6'), taxPointDate: '2018-12-28' }))).toEqual([]);
      // Germany's second half of 2020
      const de = (issueDate: string, rate: string) => ({
        ...nl(issueDate, rate),
        invoiceNumber: `DE-${issueDate}-${rate}`,
        supplier: { name: 'Berliner Papier GmbH', country: 'DE' },
      });
      expect(rateFindings(await post(de('2020-08-01', '16')))).toEqual([]);
      expect(rateFindings(await post(de('2020-08-01', '19')))).toHaveLength(1);
      expect(rateFindings(await post(de('2021-02-01', '16')))).toHaveLength(1);
    });

    it("uses the tenant's own rates for a country when its policy has them", async () => {
      const c = await tenantWithPack();
      expect(rateFindings((await c.integration!('POST', '/api/v1/invoices', nl('2024-01-09', '7'))).body)).toHaveLength(1);
      const set = await c.tenant_admin!('PUT', '/api/v1/policies', { policies: { taxRates: [{ country: 'NL', rate: '7', validFrom: '2024-01-01' }] } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(rateFindings((await c.integration!('POST', '/api/v1/invoices', { ...nl('2024-01-09', '7'), invoiceNumber: 'NL-OWN-7' })).body)).toEqual([]);
    });

    it.skipIf(!ublPresent)('finds no invalid rate in the EN 16931 example 1 (NL, 2015, 6 % and 21 %)', async () => {
      const c = await tenantWithPack();
      const xml = readFileSync(`${ublDir}/en16931-guide-example1.xml`, 'utf8');
      const posted = await c.integration!('POST', '/api/v1/invoices/ubl', xml, { 'content-type': 'application/xml' });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      expect(rateFindings(posted.body)).toEqual([]);
      expect(posted.body.triage.findings.map((f: { kind: string }) => f.kind)).not.toContain('arithmeticError');
      // the same document with its payable amount broken (BR-CO-16): stored as a finding, not only a warning
      const broken = xml.replace(/(<cbc:PayableAmount currencyID="EUR">)250\.33/, '$1260.33').replace(/<cbc:ID>[^<]*<\/cbc:ID>/, '<cbc:ID>EX1-BROKEN</cbc:ID>');
      const again = await c.integration!('POST', '/api/v1/invoices/ubl', broken, { 'content-type': 'application/xml' });
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      const stored = await c.analyst!('GET', `/api/v1/invoices/${again.body.invoice.id}`);
      expect(stored.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'arithmeticError', ruleId: 'BR-CO-16' })]));
    });
  });

  describe('routing table API', () => {
    it('shows the pack routing and refuses an invalid table (FEEL, unknown flow, unknown kind, role), changing nothing', async () => {
      const c = await tenantWithPack();
      const before = await c.analyst!('GET', '/api/v1/routing');
      expect(before.status).toBe(200);
      expect(before.body.rules.find((r: { kinds: string[] }) => r.kinds.includes('duplicateInvoice'))).toMatchObject({
        flow: 'duplicate-invoice',
        preempt: true,
      });
      const badFeel = await c.process_owner!('PUT', '/api/v1/routing', {
        rules: [{ kinds: ['missingPo'], flow: 'missing-po', when: 'finding.valueAtRisk >' }],
      });
      expect(badFeel.status).toBe(422);
      expect(badFeel.body.errors).toEqual([expect.objectContaining({ path: '/rules/0/when' })]);
      const badFlow = await c.process_owner!('PUT', '/api/v1/routing', { rules: [{ kinds: ['missingPo'], flow: 'no-such-flow' }] });
      expect(badFlow.status).toBe(422);
      expect(badFlow.body.errors).toEqual([expect.objectContaining({ path: '/rules/0/flow' })]);
      const badKind = await c.process_owner!('PUT', '/api/v1/routing', { rules: [{ kinds: ['lateDelivery'], flow: 'missing-po' }] });
      expect(badKind.status).toBeGreaterThanOrEqual(400);
      expect(badKind.status).toBeLessThan(500);
      expect(JSON.stringify(badKind.body.errors)).toContain('/rules/0/kinds/0');
      expect((await c.analyst!('PUT', '/api/v1/routing', { rules: [] })).status).toBe(403);
      expect((await c.analyst!('GET', '/api/v1/routing')).body.rules).toEqual(before.body.rules);
    });

    it('routes by a FEEL amount condition: small price variances go elsewhere', async () => {
      const c = await tenantWithPack();
      const table = (await c.analyst!('GET', '/api/v1/routing')).body.rules;
      const rules = [{ kinds: ['priceVariance'], when: 'finding.valueAtRisk < 1000', flow: 'approval-sla' }, ...table];
      const put = await c.process_owner!('PUT', '/api/v1/routing', { rules });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const posted = await c.integration!('POST', '/api/v1/invoices', sample('price-5pct-over.json'));
      expect(posted.body.triage.route).toMatchObject({ flow: 'approval-sla', rule: 0, finding: 'priceVariance' });
    });
  });

  it("routes a client by its MSP's table, and by its own only where the MSP lets clients override routing", async () => {
    const msp = await createTenant(server, 't-route-msp');
    const client = await createTenant(server, 't-route-client');
    const tenants = createTenantRepository(server.db);
    await tenants.upsert({ id: 't-route-msp', name: 'MSP', kind: 'msp', overridable: [] });
    await tenants.upsert({ id: 't-route-client', name: 'Client', kind: 'client', parentId: 't-route-msp' });
    expect((await client.process_owner!('POST', '/api/v1/templates/ap-exceptions/install', { publish: true, referenceData: true })).status).toBe(200);
    const packTable = (await client.analyst!('GET', '/api/v1/routing')).body;
    expect(packTable).toMatchObject({ source: 'own', ownAllowed: true });
    // the MSP sends every price variance of its clients to approval-sla (a flow of the packs, not its own)
    const mspRules = [{ kinds: ['priceVariance'], flow: 'approval-sla', description: 'MSP: price variances to the SLA desk' }];
    const set = await msp.process_owner!('PUT', '/api/v1/routing', { rules: mspRules });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await msp.process_owner!('PUT', '/api/v1/routing', { rules: [{ kinds: ['priceVariance'], flow: 'no-such-flow' }] })).status).toBe(422);

    const inherited = (await client.analyst!('GET', '/api/v1/routing')).body;
    expect(inherited).toMatchObject({ source: 'msp', ownAllowed: false, rules: [expect.objectContaining({ flow: 'approval-sla' })] });
    const viaMsp = await client.integration!('POST', '/api/v1/invoices', sample('price-5pct-over.json'), { 'Idempotency-Key': 'msp-route-1' });
    expect(viaMsp.body.triage.route).toMatchObject({ flow: 'approval-sla', by: 'routing', rule: 0, finding: 'priceVariance' });
    const refused = await client.process_owner!('PUT', '/api/v1/routing', { rules: packTable.rules });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('overridable');
    // another MSP's client, or the MSP itself, is not affected by the refusal: the MSP's row is unchanged
    expect((await msp.analyst!('GET', '/api/v1/routing')).body).toMatchObject({ source: 'own', rules: [expect.objectContaining({ flow: 'approval-sla' })] });

    // the MSP allows its clients their own routing: the client's (pack) table is in force again
    await tenants.upsert({ id: 't-route-msp', name: 'MSP', kind: 'msp', overridable: ['routing'] });
    expect((await client.analyst!('GET', '/api/v1/routing')).body).toMatchObject({ source: 'own', ownAllowed: true });
    const own = await client.integration!(
      'POST',
      '/api/v1/invoices',
      { ...sample('price-5pct-over.json'), invoiceNumber: 'RIB-MSP-2' },
      { 'Idempotency-Key': 'msp-route-2' },
    );
    expect(own.body.triage.route).toMatchObject({ flow: 'price-variance', by: 'routing', finding: 'priceVariance' });
    expect((await client.process_owner!('PUT', '/api/v1/routing', { rules: packTable.rules })).status).toBe(200);
  });

  it('enforces the MSP policy allowedTemplates on listing and install', async () => {
    const c = await createTenant(server, 't-triage-client');
    const tenants = createTenantRepository(server.db);
    await tenants.upsert({ id: 't-triage-msp', name: 'MSP', kind: 'msp', policies: { allowedTemplates: ['finance-ops'] }, overridable: [] });
    await tenants.upsert({ id: 't-triage-client', name: 'Client', kind: 'client', parentId: 't-triage-msp' });
    const listed = await c.process_owner!('GET', '/api/v1/templates');
    expect(listed.body.map((p: { name: string }) => p.name)).toEqual(['finance-ops']);
    const refused = await c.process_owner!('POST', '/api/v1/templates/ap-exceptions/install', { publish: true, referenceData: true });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('allowedTemplates');
    expect((await c.process_owner!('GET', '/api/v1/definitions')).body).toEqual([]);
    expect((await c.process_owner!('POST', '/api/v1/templates/finance-ops/install', { publish: true, referenceData: false })).status).toBe(200);
  });
});
