import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';
import { quiescent, tableCounts } from './support/tableCounts.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../shared/test/fixtures/intake/${name}`, import.meta.url)), 'utf8');

/** A raw (non-JSON) request over real HTTP. */
async function send(url: string, token: string, path: string, body: string, contentType: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
    body,
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

describe.each(testDatabaseKinds())('invoice exchange formats (CII, X12 810, EDIFACT INVOIC, e-mail) on %s', (database) => {
  let server: TestServer;
  let token: string;
  let owner: ReturnType<typeof httpClient>;
  const post = (path: string, body: string, contentType: string, headers: Record<string, string> = {}) =>
    send(server.url, token, path, body, contentType, headers);

  /** Posts a refused document and shows that not one row changed anywhere. */
  async function expectRefusedUnchanged(path: string, body: string, contentType: string, status = 422) {
    await quiescent(server.db);
    const before = await tableCounts(server.db);
    const r = await post(path, body, contentType);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(await tableCounts(server.db)).toEqual(before);
    return r.body;
  }

  beforeAll(async () => {
    server = await startTestServer({ database, pollMs: 20 });
    token = await server.login('admin@demo.exflow');
    owner = httpClient(server.url, token);
  });
  afterAll(() => server?.stop());

  describe('UN/CEFACT CII', () => {
    it('stores an invoice and a credit note with exactly the document totals, on channel cii', async () => {
      const invoice = await post('/api/v1/invoices/cii?definition=missing-po', fixture('cii-invoice.xml'), 'application/xml');
      expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
      expect(invoice.body).toMatchObject({ invoice: { invoiceNumber: 'EXF-0001', channel: 'cii' }, warnings: [] });
      expect(invoice.body.case).not.toBeNull();
      const stored = await owner('GET', `/api/v1/invoices/${invoice.body.invoice.id}`);
      expect(stored.body).toMatchObject({
        channel: 'cii',
        body: {
          netTotal: '160.00',
          taxTotal: '30.40',
          grossTotal: '190.40',
          payableAmount: '190.40',
          poNumber: 'PO-4711',
          supplier: { bankAccount: 'DE89370400440532013000' },
        },
      });
      expect(stored.body.body.lines).toHaveLength(2);

      const credit = await post('/api/v1/invoices/cii', fixture('cii-creditnote.xml'), 'text/xml');
      expect(credit.status, JSON.stringify(credit.body)).toBe(201);
      const storedCredit = await owner('GET', `/api/v1/invoices/${credit.body.invoice.id}`);
      expect(storedCredit.body.body).toMatchObject({
        documentType: 'creditNote',
        typeCode: '381',
        grossTotal: '35.70',
        taxTotal: '5.70',
        precedingInvoiceNumber: 'EXF-0001',
      });
    });

    it('refuses XXE, billion laughs and a missing element with 422 naming it, storing nothing', async () => {
      const xxe = await expectRefusedUnchanged('/api/v1/invoices/cii', fixture('cii-xxe.xml'), 'application/xml');
      expect(xxe).toMatchObject({ code: 'invalid-cii', errors: [expect.objectContaining({ code: 'xml.doctype', path: '(document)' })] });
      await expectRefusedUnchanged('/api/v1/invoices/cii', fixture('billion-laughs.xml'), 'application/xml');
      const missing = await expectRefusedUnchanged(
        '/api/v1/invoices/cii',
        fixture('cii-invoice.xml').replace('<ram:ID>EXF-0001</ram:ID>', ''),
        'application/xml',
      );
      expect(missing.errors).toEqual([expect.objectContaining({ code: 'cii.missing', path: 'rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID' })]);
      expect(missing.detail).toMatch(/ram:ID is missing/);
    });

    it('the UBL route points a CII document to /invoices/cii, and the CII route a UBL one back', async () => {
      const atUbl = await expectRefusedUnchanged('/api/v1/invoices/ubl', fixture('cii-invoice.xml'), 'application/xml');
      expect(atUbl).toMatchObject({ code: 'cii-sent-to-ubl' });
      expect(atUbl.detail).toContain('POST /api/v1/invoices/cii');
      const atCii = await expectRefusedUnchanged('/api/v1/invoices/cii', fixture('invoice-custom-prefixes.xml'), 'application/xml');
      expect(atCii.errors[0]).toMatchObject({ code: 'cii.notInvoice' });
    });

    it('honours Idempotency-Key, refuses a wrong content type (415) and a body over 5 MB (413)', async () => {
      const xml = fixture('cii-creditnote.xml').replace('EXF-CN-0001', 'EXF-CN-IDEM');
      const first = await post('/api/v1/invoices/cii', xml, 'application/xml', { 'Idempotency-Key': 'cii-1' });
      expect(first.status).toBe(201);
      const again = await post('/api/v1/invoices/cii', xml, 'application/xml', { 'Idempotency-Key': 'cii-1' });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.invoice.id).toBe(first.body.invoice.id);
      const other = await post('/api/v1/invoices/cii', fixture('cii-invoice.xml'), 'application/xml', { 'Idempotency-Key': 'cii-1' });
      expect([other.status, other.body.code]).toEqual([422, 'idempotency-key-reused']);
      await expectRefusedUnchanged('/api/v1/invoices/cii', fixture('cii-invoice.xml'), 'text/plain', 415);
      await expectRefusedUnchanged('/api/v1/invoices/cii', `<a>${'x'.repeat(5 * 1024 * 1024 + 1)}</a>`, 'application/xml', 413);
    });
  });

  describe('ANSI X12 810', () => {
    it('stores an invoice with exactly the TDS total and TXI tax, and a credit memo, on channel x12', async () => {
      const r = await post('/api/v1/invoices/x12?definition=missing-po', fixture('x12-810-invoice.edi'), 'application/edi-x12');
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ invoice: { invoiceNumber: 'EXF-0001', channel: 'x12' }, warnings: [] });
      const stored = await owner('GET', `/api/v1/invoices/${r.body.invoice.id}`);
      expect(stored.body).toMatchObject({
        channel: 'x12',
        body: { grossTotal: '190.40', taxTotal: '30.40', netTotal: '160.00', currency: 'EUR', poNumber: 'PO-4711' },
      });
      const credit = await post('/api/v1/invoices/x12', fixture('x12-810-creditmemo.edi'), 'text/plain');
      expect(credit.status, JSON.stringify(credit.body)).toBe(201);
      expect((await owner('GET', `/api/v1/invoices/${credit.body.invoice.id}`)).body.body).toMatchObject({ documentType: 'creditNote', grossTotal: '35.70' });
    });

    it('refuses a missing BIG02, wrong separators and a wrong content type, storing nothing', async () => {
      const missing = await expectRefusedUnchanged(
        '/api/v1/invoices/x12',
        fixture('x12-810-invoice.edi').replace('BIG*20240301*EXF-0001*', 'BIG*20240301**'),
        'text/plain',
      );
      expect(missing).toMatchObject({ code: 'invalid-x12', errors: [expect.objectContaining({ path: 'BIG02', code: 'x12.missing' })] });
      expect(missing.detail).toContain('BIG02 (invoice number) is missing');
      const separators = await expectRefusedUnchanged('/api/v1/invoices/x12', fixture('x12-810-invoice.edi').replace('CUR*SE*EUR', 'CUR|SE|EUR'), 'text/plain');
      expect(separators.errors[0]).toMatchObject({ code: 'x12.syntax', path: 'segment 5' });
      await expectRefusedUnchanged('/api/v1/invoices/x12', fixture('x12-810-invoice.edi'), 'application/xml', 415);
    });

    it('honours Idempotency-Key', async () => {
      const edi = fixture('x12-810-creditmemo.edi').replace('EXF-CN-0001', 'EXF-CN-X12');
      const first = await post('/api/v1/invoices/x12', edi, 'text/plain', { 'Idempotency-Key': 'x12-1' });
      const again = await post('/api/v1/invoices/x12', edi, 'text/plain', { 'Idempotency-Key': 'x12-1' });
      expect([first.status, again.status, again.body.invoice.id]).toEqual([201, 200, first.body.invoice.id]);
    });
  });

  describe('UN/EDIFACT INVOIC D96A', () => {
    it('stores an invoice and a credit note with exactly the MOA totals, on channel edifact', async () => {
      const r = await post('/api/v1/invoices/edifact?definition=missing-po', fixture('edifact-invoic.edi'), 'application/edifact');
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ invoice: { invoiceNumber: 'EXF-0001', channel: 'edifact' }, warnings: [] });
      const stored = await owner('GET', `/api/v1/invoices/${r.body.invoice.id}`);
      expect(stored.body).toMatchObject({
        channel: 'edifact',
        body: { lineNetTotal: '150.00', netTotal: '160.00', taxTotal: '30.40', grossTotal: '190.40', supplier: { name: 'Müller + Söhne GmbH' } },
      });
      const credit = await post('/api/v1/invoices/edifact', fixture('edifact-invoic-creditnote.edi'), 'application/edifact');
      expect(credit.status, JSON.stringify(credit.body)).toBe(201);
      expect((await owner('GET', `/api/v1/invoices/${credit.body.invoice.id}`)).body.body).toMatchObject({
        documentType: 'creditNote',
        grossTotal: '35.70',
        taxTotal: '5.70',
      });
    });

    it('refuses a missing total, a broken envelope and a wrong content type, storing nothing', async () => {
      const missing = await expectRefusedUnchanged(
        '/api/v1/invoices/edifact',
        fixture('edifact-invoic.edi').replace('MOA+79:150.00', 'MOA+79'),
        'application/edifact',
      );
      expect(missing).toMatchObject({ code: 'invalid-edifact', errors: [expect.objectContaining({ path: 'MOA+79', code: 'edifact.missing' })] });
      const envelope = await expectRefusedUnchanged(
        '/api/v1/invoices/edifact',
        fixture('edifact-invoic.edi').replace('UNZ+1+EXF905', 'UNZ+1+OTHER'),
        'application/edifact',
      );
      expect(envelope.errors[0]).toMatchObject({ path: 'UNZ02' });
      await expectRefusedUnchanged('/api/v1/invoices/edifact', fixture('edifact-invoic.edi'), 'text/csv', 415);
    });

    it('honours Idempotency-Key', async () => {
      const edi = fixture('edifact-invoic-creditnote.edi').replace('EXF-CN-0001', 'EXF-CN-EDI');
      const first = await post('/api/v1/invoices/edifact', edi, 'application/edifact', { 'Idempotency-Key': 'edifact-1' });
      const again = await post('/api/v1/invoices/edifact', edi, 'application/edifact', { 'Idempotency-Key': 'edifact-1' });
      expect([first.status, again.status, again.body.invoice.id]).toEqual([201, 200, first.body.invoice.id]);
    });
  });

  describe('e-mail', () => {
    const attachmentRows = async () => Number((await server.db('attachments').count({ n: '*' }))[0]!.n);

    it('receives each XML attachment as its own invoice (channel email) and keeps the mail and PDF on each case', async () => {
      const r = await post('/api/v1/invoices/email?definition=missing-po', fixture('invoice-mail.eml'), 'message/rfc822');
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.message).toMatchObject({ subject: 'Invoice EXF-0001 and credit note EXF-CN-0001', from: 'billing@mueller.example' });
      expect(r.body.attachments.map((a: any) => [a.filename, a.outcome, a.syntax])).toEqual([
        ['EXF-0001.xml', 'received', 'ubl'],
        ['EXF-CN-0001.xml', 'received', 'cii'],
        ['EXF-0001.pdf', 'evidence', undefined],
        ['terms.txt', 'ignored', undefined],
      ]);
      expect(r.body.attachments[2].reason).toMatch(/PDF carries no machine-readable invoice: it embeds no files/);
      const [ubl, cii] = r.body.attachments;
      const storedUbl = await owner('GET', `/api/v1/invoices/${ubl.invoice.id}`);
      expect(storedUbl.body).toMatchObject({
        channel: 'email',
        body: { invoiceNumber: 'EXF-0001', netTotal: '160.00', taxTotal: '30.40', grossTotal: '190.40' },
      });
      expect((await owner('GET', `/api/v1/invoices/${cii.invoice.id}`)).body).toMatchObject({
        channel: 'email',
        body: { documentType: 'creditNote', grossTotal: '35.70' },
      });
      for (const received of [ubl, cii]) {
        expect(received.evidence.attachmentIds).toHaveLength(2);
        const files = await owner('GET', `/api/v1/cases/${received.case.id}/attachments`);
        expect(files.body.map((f: any) => f.contentType).sort()).toEqual(['application/pdf', 'message/rfc822']);
      }
    });

    it('replays every invoice of the mail with the same Idempotency-Key, storing nothing twice', async () => {
      const eml = fixture('invoice-mail.eml');
      const first = await post('/api/v1/invoices/email', eml, 'message/rfc822', { 'Idempotency-Key': 'mail-1' });
      expect(first.status).toBe(201);
      await quiescent(server.db);
      const [before, files] = [await tableCounts(server.db), await attachmentRows()];
      const again = await post('/api/v1/invoices/email', eml, 'message/rfc822', { 'Idempotency-Key': 'mail-1' });
      expect(again.status).toBe(200);
      expect(again.body.attachments.slice(0, 2).map((a: any) => [a.outcome, a.invoice.id])).toEqual(
        first.body.attachments.slice(0, 2).map((a: any) => ['replayed', a.invoice.id]),
      );
      expect([await tableCounts(server.db), await attachmentRows()]).toEqual([before, files]);
    });

    it('refuses a mail with no readable invoice, listing each attachment, and stores nothing (not even evidence)', async () => {
      const files = await attachmentRows();
      const refused = await expectRefusedUnchanged('/api/v1/invoices/email', fixture('refused-mail.eml'), 'message/rfc822');
      expect(refused.code).toBe('no-invoice-in-email');
      expect(refused.errors).toEqual([
        expect.objectContaining({ code: 'cii.missing', path: 'attachment[1] credit.xml: rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID' }),
        expect.objectContaining({ code: 'email.evidence', path: 'attachment[2] scan.pdf' }),
      ]);
      expect(await attachmentRows()).toBe(files);
      expect((await expectRefusedUnchanged('/api/v1/invoices/email', 'not a mail at all', 'message/rfc822')).code).toBe('invalid-email');
      await expectRefusedUnchanged('/api/v1/invoices/email', fixture('invoice-mail.eml'), 'text/plain', 415);
    });
  });
});
