import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AFRelationship, PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';
import { quiescent, tableCounts } from './support/tableCounts.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../shared/test/fixtures/intake/${name}`, import.meta.url)), 'utf8');

/** A one-page PDF, with the given files attached as PDF/A-3 associated files (what Factur-X does). */
async function pdfWith(files: { name: string; xml: string }[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Invoice (human-readable copy)', { x: 50, y: 700 });
  for (const f of files) {
    await doc.attach(new TextEncoder().encode(f.xml), f.name, {
      mimeType: 'text/xml',
      description: 'Factur-X invoice',
      afRelationship: AFRelationship.Alternative,
    });
  }
  return doc.save();
}

/** An RFC 5322 mail with the PDF attached (base64), as a mail client sends it. */
const mailWith = (pdf: Uint8Array, filename: string, subject: string) =>
  [
    'From: Mueller Trading <billing@mueller.example>',
    'To: invoices@buyer.example',
    `Subject: ${subject}`,
    'Date: Fri, 01 Mar 2024 12:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please find our invoice attached.',
    '--b1',
    `Content-Type: application/pdf; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(pdf).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--b1--',
    '',
  ].join('\r\n');

async function send(url: string, token: string, path: string, body: string) {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, contentType: response.headers.get('content-type') };
}

describe.each(testDatabaseKinds())('e-mail intake of PDF/A-3 (Factur-X / ZUGFeRD) invoices, evidence in the invoice transaction, on %s', (database) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ database, pollMs: 20 });
    token = await server.login('admin@demo.exflow');
  });
  afterAll(() => server?.stop());

  it('reads the CII a PDF/A-3 embeds as factur-x.xml, with exact totals, and keeps the PDF and the mail on its case', async () => {
    const pdf = await pdfWith([{ name: 'factur-x.xml', xml: fixture('cii-invoice.xml') }]);
    const r = await send(server.url, token, '/api/v1/invoices/email?definition=missing-po', mailWith(pdf, 'EXF-0001.pdf', 'Factur-X EXF-0001'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [attachment] = r.body.attachments;
    expect(attachment).toMatchObject({ filename: 'EXF-0001.pdf', outcome: 'received', syntax: 'cii', embedded: 'factur-x.xml' });
    const owner = httpClient(server.url, token);
    const stored = (await owner('GET', `/api/v1/invoices/${attachment.invoice.id}`)).body;
    expect(stored.channel).toBe('email');
    expect(stored.body).toMatchObject({ invoiceNumber: 'EXF-0001', netTotal: '160.00', taxTotal: '30.40', grossTotal: '190.40', payableAmount: '190.40' });
    const files = (await owner('GET', `/api/v1/cases/${attachment.case.id}/attachments`)).body;
    expect(files.map((f: { filename: string; contentType: string }) => [f.filename, f.contentType]).sort()).toEqual([
      ['EXF-0001.pdf', 'application/pdf'],
      ['Factur-X EXF-0001.eml', 'message/rfc822'],
    ]);
    expect(attachment.evidence.attachmentIds).toHaveLength(2);
  });

  it('refuses a mail whose only PDF embeds no invoice XML with 422 saying so, storing nothing', async () => {
    await quiescent(server.db);
    const before = await tableCounts(server.db);
    const plain = await pdfWith([{ name: 'notes.txt.xml.bak', xml: 'not an invoice' }]);
    const r = await send(server.url, token, '/api/v1/invoices/email', mailWith(plain, 'scan.pdf', 'Scanned invoice'));
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe('no-invoice-in-email');
    expect(r.body.errors).toEqual([
      expect.objectContaining({ path: 'attachment[1] scan.pdf', code: 'email.evidence', message: expect.stringContaining('no invoice XML') }),
    ]);
    expect(r.body.detail).toContain('PDF carries no machine-readable invoice');
    expect(await tableCounts(server.db)).toEqual(before);
  });

  it('stores neither invoice nor case when its evidence cannot be stored (one transaction)', async () => {
    // attachment bytes go to a folder that cannot be created: a file stands where it should be
    const dir = mkdtempSync(join(tmpdir(), 'exflow-evidence-'));
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file, not a folder');
    const broken = await startTestServer({ database, pollMs: 20, attachmentsDir: blocked });
    try {
      const admin = await broken.login('admin@demo.exflow');
      await quiescent(broken.db);
      const before = await tableCounts(broken.db);
      const r = await send(broken.url, admin, '/api/v1/invoices/email?definition=missing-po', fixture('invoice-mail.eml'));
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(500);
      expect(await tableCounts(broken.db)).toEqual(before);
      const [{ n }] = await broken.db('attachments').count({ n: '*' });
      expect(Number(n)).toBe(0);
    } finally {
      await broken.stop();
    }
  });
});
