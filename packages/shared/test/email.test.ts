import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInvoiceEmail, type EmailIntakeResult, type InvoiceEmail } from '../src/index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');

function expectEmail(result: EmailIntakeResult): InvoiceEmail {
  if (!result.ok) throw new Error(`expected an e-mail, got ${JSON.stringify(result.problems)}`);
  return result.email;
}

describe('readInvoiceEmail', () => {
  it('reads each UBL and CII attachment as an invoice, keeps the PDF as evidence and ignores the rest', async () => {
    const email = expectEmail(await readInvoiceEmail(fixture('invoice-mail.eml')));
    expect(email).toMatchObject({
      subject: 'Invoice EXF-0001 and credit note EXF-CN-0001',
      from: 'billing@mueller.example',
      messageId: '<exf-0001@mueller.example>',
    });
    expect(email.attachments.map((a) => [a.index, a.filename, a.kind, a.syntax])).toEqual([
      [1, 'EXF-0001.xml', 'invoice', 'ubl'],
      [2, 'EXF-CN-0001.xml', 'invoice', 'cii'],
      [3, 'EXF-0001.pdf', 'evidence', undefined],
      [4, 'terms.txt', 'ignored', undefined],
    ]);
    const [ubl, cii, pdf, txt] = email.attachments;
    expect(ubl?.result).toMatchObject({ ok: true, invoice: { invoiceNumber: 'EXF-0001', grossTotal: '190.40', taxTotal: '30.40' } });
    expect(cii?.result).toMatchObject({ ok: true, invoice: { invoiceNumber: 'EXF-CN-0001', documentType: 'creditNote', grossTotal: '35.70' } });
    expect(pdf?.reason).toMatch(/PDF without machine-readable invoice data/);
    expect(new TextDecoder().decode(pdf?.content.subarray(0, 5))).toBe('%PDF-');
    expect(txt?.reason).toMatch(/text\/plain attachment is not an invoice format/);
  });

  it('gives each refused XML attachment its own problems, naming the element', async () => {
    const email = expectEmail(await readInvoiceEmail(fixture('refused-mail.eml')));
    expect(email.attachments[0]?.result).toMatchObject({
      ok: false,
      problems: [{ code: 'cii.missing', path: 'rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID' }],
    });
  });

  it('without a PDF reader, recognises a Factur-X PDF and keeps it as evidence; with one, reads its embedded CII', async () => {
    const pdf = '%PDF-1.7\n<</Type/Filespec/F(factur-x.xml)/EF<</F 5 0 R>>>>\n%%EOF';
    const eml = [
      'From: a@b.example',
      'Subject: x',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="inv.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      btoa(pdf),
      '--b--',
      '',
    ].join('\r\n');
    const email = expectEmail(await readInvoiceEmail(eml));
    expect(email.attachments[0]).toMatchObject({
      kind: 'evidence',
      reason: expect.stringMatching(/embedded factur-x.xml \(Factur-X \/ ZUGFeRD\), kept as evidence/),
    });
    const cii = new TextEncoder().encode(fixture('cii-invoice.xml'));
    const read = expectEmail(await readInvoiceEmail(eml, { readPdf: async () => [{ filename: 'factur-x.xml', content: cii }] }));
    expect(read.attachments[0]).toMatchObject({
      kind: 'invoice',
      syntax: 'cii',
      embedded: 'factur-x.xml',
      result: { ok: true, invoice: { grossTotal: '190.40' } },
    });
    const none = expectEmail(await readInvoiceEmail(eml, { readPdf: async () => [] }));
    expect(none.attachments[0]).toMatchObject({ kind: 'evidence', reason: expect.stringMatching(/carries no machine-readable invoice: it embeds no files/) });
    const broken = expectEmail(await readInvoiceEmail(eml, { readPdf: () => Promise.reject(new Error('Invalid PDF structure')) }));
    expect(broken.attachments[0]?.reason).toMatch(/could not be read \(Invalid PDF structure\)/);
  });

  it('refuses an oversized, an empty and a non-mail body; hostile XML inside is refused per attachment', async () => {
    expect(await readInvoiceEmail(fixture('invoice-mail.eml'), { maxBytes: 1000 })).toMatchObject({ ok: false, problems: [{ code: 'email.tooLarge' }] });
    expect(await readInvoiceEmail('')).toMatchObject({ ok: false, problems: [{ code: 'email.malformed' }] });
    expect(await readInvoiceEmail('just some text without headers')).toMatchObject({ ok: false });
    const laughs = fixture('billion-laughs.xml');
    const eml = [
      'From: a@b.example',
      'Subject: x',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: application/xml',
      'Content-Disposition: attachment; filename="lol.xml"',
      '',
      laughs,
      '--b--',
      '',
    ].join('\r\n');
    const email = expectEmail(await readInvoiceEmail(eml));
    expect(email.attachments[0]?.result).toMatchObject({ ok: false, problems: [{ code: 'xml.doctype' }] });
  });
});
