import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INVOICE_CSV_COLUMNS, templateInstallSchema, templateListSchema } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';
import { expectWire } from './support/wire.js';
import { readPackManifest, readSampleInvoice, settled } from './support/packRunner.js';
import { quiescent, tableCounts } from './support/tableCounts.js';

const ublDir = fileURLToPath(new URL('../../../../shared/data/ubl', import.meta.url));
const ublPresent = existsSync(ublDir);
const ublFiles = ublPresent
  ? readdirSync(ublDir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
  : [];
const hostile = (name: string) => readFileSync(fileURLToPath(new URL(`../../shared/test/fixtures/intake/${name}`, import.meta.url)), 'utf8');

/** A raw (non-JSON) request over real HTTP. */
async function send(url: string, token: string, method: string, path: string, body: string, contentType: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers }, body });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // NDJSON or text: keep it
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

const csvRow = (cells: Partial<Record<(typeof INVOICE_CSV_COLUMNS)[number], string>>) => INVOICE_CSV_COLUMNS.map((c) => cells[c] ?? '').join(',');
const CSV_HEADER = INVOICE_CSV_COLUMNS.join(',');
const csvInvoice = (invoiceNumber: string, extra: Record<string, string> = {}) =>
  csvRow({
    invoiceNumber,
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplierId: 'SUP-002',
    supplierName: 'Rheinland Industriebedarf GmbH',
    poNumber: 'PO-1002',
    netTotal: '740.00',
    taxTotal: '140.60',
    grossTotal: '880.60',
    lineDescription: 'Safety gloves (box of 100)',
    quantity: '40',
    unitPrice: '18.50',
    lineNetAmount: '740.00',
    taxRate: '19',
    taxAmount: '140.60',
    poLineRef: '1',
    ...extra,
  });

describe.each(testDatabaseKinds())('invoice and reference data intake formats on %s', (database) => {
  let server: TestServer;
  let token: string;
  let owner: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database, pollMs: 20 });
    token = await server.login('admin@demo.exflow');
    owner = httpClient(server.url, token);
  });
  afterAll(() => server?.stop());

  describe.runIf(ublPresent)(`UBL over HTTP: every file in ${ublDir}${ublPresent ? '' : ' (folder absent: skipped)'}`, () => {
    it.each(ublFiles)('%s is received on channel ubl', async (file) => {
      const posted = await send(server.url, token, 'POST', '/api/v1/invoices/ubl', readFileSync(`${ublDir}/${file}`, 'utf8'), 'application/xml');
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      expect(posted.body.invoice.channel).toBe('ubl');
      expect(Array.isArray(posted.body.warnings)).toBe(true);
      const stored = await owner('GET', `/api/v1/invoices/${posted.body.invoice.id}`);
      expect(stored.body).toMatchObject({ channel: 'ubl', invoiceNumber: posted.body.invoice.invoiceNumber });
    });
  });

  describe('UBL refusals', () => {
    it('refuses a billion-laughs and an external-entity document with 422, storing nothing', async () => {
      await quiescent(server.db);
      const before = await tableCounts(server.db);
      for (const name of ['billion-laughs.xml', 'xxe-file.xml', 'xxe-parameter-entity.xml']) {
        const r = await send(server.url, token, 'POST', '/api/v1/invoices/ubl', hostile(name), 'application/xml');
        expect(r.status, name).toBe(422);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body).toMatchObject({ code: 'invalid-ubl', errors: [expect.objectContaining({ code: 'xml.doctype', path: '(document)' })] });
      }
      expect(await tableCounts(server.db)).toEqual(before);
    });

    it('refuses a non-UBL document, a wrong content type and a body over 5 MB', async () => {
      const order = await send(server.url, token, 'POST', '/api/v1/invoices/ubl', hostile('order.xml'), 'text/xml');
      expect(order.status).toBe(422);
      expect(order.body.errors[0].code).toBe('ubl.notInvoice');
      expect((await send(server.url, token, 'POST', '/api/v1/invoices/ubl', '<Invoice/>', 'text/plain')).status).toBe(415);
      const huge = `<Invoice>${'x'.repeat(5 * 1024 * 1024 + 1)}</Invoice>`;
      const tooLarge = await send(server.url, token, 'POST', '/api/v1/invoices/ubl', huge, 'application/xml');
      expect(tooLarge.status).toBe(413);
    });

    it('honours Idempotency-Key: the same document replays, another document with the key is 422', async () => {
      const xml = hostile('creditnote-minimal.xml');
      const first = await send(server.url, token, 'POST', '/api/v1/invoices/ubl?definition=missing-po', xml, 'application/xml', { 'Idempotency-Key': 'ubl-1' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const again = await send(server.url, token, 'POST', '/api/v1/invoices/ubl?definition=missing-po', xml, 'application/xml', { 'Idempotency-Key': 'ubl-1' });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.invoice.id).toBe(first.body.invoice.id);
      const other = await send(server.url, token, 'POST', '/api/v1/invoices/ubl', hostile('invoice-custom-prefixes.xml'), 'application/xml', {
        'Idempotency-Key': 'ubl-1',
      });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency-key-reused');
    });
  });

  describe('CSV invoices', () => {
    const file = [CSV_HEADER, csvInvoice('CSV-1'), csvInvoice('CSV-2', { quantity: 'forty' }), csvInvoice('CSV-3')].join('\n');

    it('receives each good invoice on channel csv and names the bad rows', async () => {
      const r = await send(server.url, token, 'POST', '/api/v1/invoices/csv?definition=price-variance', file, 'text/csv', { 'Idempotency-Key': 'csv-batch-1' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ received: 2, replayed: 0, refused: 0, rowErrors: 1 });
      expect(r.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'quantity', code: 'csv.invalid' })]);
      expect(r.body.invoices.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(['CSV-1', 'CSV-3']);
      for (const invoice of r.body.invoices) {
        expect((await owner('GET', `/api/v1/invoices/${invoice.invoiceId}`)).body.channel).toBe('csv');
        const c = await settled(owner, invoice.caseId);
        expect(c).toMatchObject({ status: 'resolved', activeNodes: ['autoApproved'] });
      }
    });

    it('the same file with the same key stores nothing twice; with its row fixed only that invoice is added', async () => {
      const again = await send(server.url, token, 'POST', '/api/v1/invoices/csv?definition=price-variance', file, 'text/csv', {
        'Idempotency-Key': 'csv-batch-1',
      });
      expect(again.body).toMatchObject({ received: 0, replayed: 2, rowErrors: 1 });
      const fixed = [CSV_HEADER, csvInvoice('CSV-1'), csvInvoice('CSV-2'), csvInvoice('CSV-3')].join('\n');
      const third = await send(server.url, token, 'POST', '/api/v1/invoices/csv?definition=price-variance', fixed, 'text/csv', {
        'Idempotency-Key': 'csv-batch-1',
      });
      expect(third.body).toMatchObject({ received: 1, replayed: 2, rowErrors: 0, errors: [] });
    });

    it('streams progress as NDJSON when asked', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => csvInvoice(`CSV-STREAM-${i}`));
      const r = await send(server.url, token, 'POST', '/api/v1/invoices/csv?definition=price-variance', [CSV_HEADER, ...rows].join('\n'), 'text/csv', {
        accept: 'application/x-ndjson',
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const intake = lines.filter((l) => l.type === 'progress' && l.phase === 'intake');
      expect(intake.length).toBeGreaterThan(5);
      expect(intake.at(-1)).toMatchObject({ done: 30, total: 30 });
      expect(lines.at(-1)).toMatchObject({ type: 'result', received: 30, rowErrors: 0 });
    });

    it('a file with nothing readable is 422 and stores nothing; an unknown flow is 422; text/plain is 415', async () => {
      await quiescent(server.db);
      const before = await tableCounts(server.db);
      const r = await send(server.url, token, 'POST', '/api/v1/invoices/csv', 'invoiceNumber,issueDate\nX,2026-01-01', 'text/csv');
      expect(r.status).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('row 1/currency');
      expect((await send(server.url, token, 'POST', '/api/v1/invoices/csv?definition=nope', file, 'text/csv')).status).toBe(422);
      expect((await send(server.url, token, 'POST', '/api/v1/invoices/csv', file, 'text/plain')).status).toBe(415);
      expect(await tableCounts(server.db)).toEqual(before);
    });
  });

  describe('reference data CSV and bank account history', () => {
    it('upserts suppliers, POs and receipts from CSV with per-row errors', async () => {
      const suppliers = 'id,name,country,taxId,bankAccount\nCSV-S1,Csv Supplier GmbH,DE,DE999999999,DE02120300000000202051\nCSV-S2,,DE,,\n';
      const s = await send(server.url, token, 'POST', '/api/v1/reference/suppliers/csv', suppliers, 'text/csv');
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      expect(s.body).toMatchObject({ upserted: 1, errors: [expect.objectContaining({ row: 3, column: 'name', code: 'csv.missing' })] });
      const pos =
        'poNumber,supplierId,currency,kind,lineId,description,quantity,unitPrice\nCSV-PO-1,CSV-S1,EUR,goods,1,Bolts,100,0.25\nCSV-PO-1,CSV-S1,EUR,goods,2,Nuts,100,0.10\n';
      expect((await send(server.url, token, 'POST', '/api/v1/reference/purchase-orders/csv', pos, 'text/csv')).body).toMatchObject({ upserted: 1, errors: [] });
      const receipts = 'id,poNumber,lineId,quantity\nCSV-GR-1,CSV-PO-1,1,100\nCSV-GR-2,CSV-PO-1,9,5\n';
      const g = await send(server.url, token, 'POST', '/api/v1/reference/goods-receipts/csv', receipts, 'text/csv');
      expect(g.body).toMatchObject({ upserted: 1, errors: [expect.objectContaining({ row: 3, column: 'lineId' })] });
      const nothing = await send(server.url, token, 'POST', '/api/v1/reference/goods-receipts/csv', 'id,quantity\n1,2\n', 'text/csv');
      expect(nothing.status).toBe(422);
    });

    it('records a changed bank account, which the supplier check then reports as recent (four-eyes route)', async () => {
      const first = await server.db('supplier_bank_accounts').where({ tenant_id: 'demo', supplier_id: 'CSV-S1' });
      expect(first).toEqual([expect.objectContaining({ account: 'DE02120300000000202051', is_change: false, previous_account: null })]);
      const changed = await owner('POST', '/api/v1/reference/suppliers', [
        { id: 'CSV-S1', name: 'Csv Supplier GmbH', country: 'DE', taxId: 'DE999999999', bankAccount: 'DE89370400440532013000' },
      ]);
      expect(changed.status).toBe(200);
      const same = await owner('POST', '/api/v1/reference/suppliers', [
        { id: 'CSV-S1', name: 'Csv Supplier GmbH', country: 'DE', taxId: 'DE999999999', bankAccount: 'DE89370400440532013000' },
      ]);
      expect(same.status).toBe(200);
      const history = await server.db('supplier_bank_accounts').where({ tenant_id: 'demo', supplier_id: 'CSV-S1' }).orderBy('valid_from');
      expect(history.map((h: any) => [h.account, h.is_change, h.previous_account])).toEqual([
        ['DE02120300000000202051', false, null],
        ['DE89370400440532013000', true, 'DE02120300000000202051'],
      ]);
      const invoice = {
        invoiceNumber: 'CSV-S1-1',
        issueDate: '2025-01-10',
        currency: 'EUR',
        supplier: { id: 'CSV-S1', name: 'Csv Supplier GmbH', bankAccount: 'DE89370400440532013000' },
        netTotal: '25.00',
        taxTotal: '4.75',
        grossTotal: '29.75',
        lines: [{ description: 'Bolts', quantity: '100', unitPrice: '0.25', netAmount: '25.00', taxRate: '19', taxAmount: '4.75' }],
      };
      const posted = await owner('POST', '/api/v1/invoices?definition=bank-account-change', invoice);
      const c = await settled(owner, posted.body.case.id);
      expect(c.activeNodes).toEqual(['verifyChange']);
      expect(c.context.vars.supplier).toMatchObject({
        bankAccountChangedRecently: true,
        previousBankAccount: 'DE02120300000000202051',
        daysSinceBankAccountChange: 0,
      });
    });
  });

  describe('template packs over the API', () => {
    it('lists the packs with their flows, installed in the demo tenant', async () => {
      const r = await owner('GET', '/api/v1/templates');
      expect(r.status).toBe(200);
      expectWire(templateListSchema, r.body, 'GET /templates');
      expect(r.body.map((p: { name: string }) => p.name)).toEqual(['ap-exceptions', 'finance-ops']);
      const ap = r.body[0];
      expect(ap.flows.map((f: { key: string }) => f.key)).toContain('bank-account-change');
      expect(ap.flows.every((f: { installed: boolean }) => f.installed)).toBe(true);
      expect(ap.samples.length).toBeGreaterThan(10);
    });

    it('installs for tenant admins and process owners only; keys the tenant has are skipped', async () => {
      const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
      expect((await analyst('POST', '/api/v1/templates/finance-ops/install', { publish: true, referenceData: false })).status).toBe(403);
      expect((await owner('POST', '/api/v1/templates/no-such-pack/install', { publish: true, referenceData: false })).status).toBe(404);
      expect((await owner('POST', '/api/v1/templates/..%2Fetc/install', { publish: true, referenceData: false })).status).toBe(404);
      expect((await owner('POST', '/api/v1/templates/finance-ops/install', { publish: 'yes' })).status).toBe(422);
      const again = await owner('POST', '/api/v1/templates/finance-ops/install', { publish: true, referenceData: true });
      expectWire(templateInstallSchema, again.body, 'POST /templates/:pack/install');
      expect(again.body).toEqual({
        pack: 'finance-ops',
        installed: [],
        skipped: ['payment-hold', 'reconciliation-break'],
        referenceData: { suppliers: 2, purchaseOrders: 0, goodsReceipts: 0 },
        routing: 'kept', // the demo tenant has a routing table already (ap-exceptions')
      });
    });

    it('the demo tenant got every sample of both packs, each on its flow', async () => {
      const received = await server
        .db('invoices as i')
        .join('cases as c', function () {
          this.on('c.tenant_id', 'i.tenant_id').andOn('c.invoice_id', 'i.id');
        })
        .join('definitions as d', function () {
          this.on('d.tenant_id', 'c.tenant_id').andOn('d.id', 'c.definition_id');
        })
        .where('i.tenant_id', 'demo')
        .select('i.invoice_number', 'd.key');
      for (const pack of ['ap-exceptions', 'finance-ops']) {
        for (const sample of readPackManifest(pack).samples) {
          const number = readSampleInvoice(pack, sample.file).invoiceNumber;
          expect(received, `${pack}/${sample.file}`).toContainEqual({ invoice_number: number, key: sample.flow });
        }
      }
    });
  });
});
