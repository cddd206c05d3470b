import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEdifactInvoice, parseUblInvoice, type IntakeResult, type Invoice } from '../src/index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');
const edi = fixture('edifact-invoic.edi');

function expectInvoice(result: IntakeResult): Invoice {
  if (!result.ok) throw new Error(`expected an invoice, got ${JSON.stringify(result.problems, null, 2)}`);
  return result.invoice;
}
function expectProblems(result: IntakeResult) {
  if (result.ok) throw new Error('expected the interchange to be refused');
  return result.problems;
}
/** Re-counts UNT01 after a test removes or adds segments, so only the edit under test is wrong. */
function recount(text: string): string {
  const segments = text.split(/(?<!\?)'/);
  const unh = segments.findIndex((s) => s.trim().startsWith('UNH+'));
  const unt = segments.findIndex((s) => s.trim().startsWith('UNT+'));
  segments[unt] = segments[unt]!.replace(/UNT\+\d+/, `UNT+${unt - unh + 1}`);
  return segments.join("'");
}

describe('parseEdifactInvoice (UN/EDIFACT INVOIC D96A)', () => {
  it('maps BGM, DTM, RFF, NAD, CUX, ALC, LIN groups and the UNS totals exactly', () => {
    const result = parseEdifactInvoice(edi);
    const invoice = expectInvoice(result);
    expect(result.ok && result.warnings).toEqual([]);
    expect(invoice).toMatchObject({
      documentType: 'invoice',
      typeCode: '380',
      invoiceNumber: 'EXF-0001',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      poNumber: 'PO-4711',
      supplier: { id: 'SUP-42', name: 'Müller + Söhne GmbH', taxId: 'DE123456789', country: 'DE', bankAccount: 'DE89370400440532013000' },
      buyer: { name: 'Exflow Buyer B.V.', country: 'NL' },
      lineNetTotal: '150.00',
      chargeTotal: '10.00',
      netTotal: '160.00',
      taxTotal: '30.40',
      grossTotal: '190.40',
      payableAmount: '190.40',
      taxBreakdown: [{ category: 'S', rate: '19', taxableAmount: '160.00', taxAmount: '30.40' }],
      allowanceCharges: [{ kind: 'charge', amount: '10.00', reasonCode: 'FC', reason: 'Freight' }],
    });
    expect(invoice.lines).toEqual([
      {
        lineId: '1',
        description: "Widget 12-pack (O'Brien edition)",
        quantity: '24',
        unitCode: 'C62',
        unitPrice: '5',
        netAmount: '120.00',
        taxRate: '19',
        taxCategory: 'S',
        poLineRef: '10',
        priceBaseQuantity: '12',
      },
      {
        lineId: '2',
        description: 'Installation',
        quantity: '2',
        unitCode: 'HUR',
        unitPrice: '15.00',
        netAmount: '30.00',
        taxRate: '19',
        taxCategory: 'S',
        poLineRef: '20',
      },
    ]);
    const ubl = expectInvoice(parseUblInvoice(fixture('invoice-custom-prefixes.xml')));
    for (const total of ['netTotal', 'taxTotal', 'grossTotal', 'lineNetTotal', 'payableAmount'] as const) expect(invoice[total]).toBe(ubl[total]);
  });

  it('reads a credit note (BGM 381) without UNA, its tax total from the TAX group', () => {
    const invoice = expectInvoice(parseEdifactInvoice(fixture('edifact-invoic-creditnote.edi')));
    expect(invoice).toMatchObject({
      documentType: 'creditNote',
      typeCode: '381',
      precedingInvoiceNumber: 'EXF-0001',
      taxTotal: '5.70',
      grossTotal: '35.70',
      netTotal: '30.00',
    });
  });

  it('honours the UNA service characters, a decimal comma included', () => {
    const custom = edi
      .replace("UNA:+.? '", 'UNA^*,! #')
      .replace(/\?\+/g, '!*')
      .replace(/\?'/g, "'")
      .replace(/'\n/g, '#\n')
      .replace(/\+/g, '*')
      .replace(/:/g, '^')
      .replace(/(MOA\*\d+\^\d+)\.(\d+)/g, '$1,$2');
    const invoice = expectInvoice(parseEdifactInvoice(custom));
    expect(invoice).toMatchObject({ grossTotal: '190.40', taxTotal: '30.40', supplier: { name: 'Müller * Söhne GmbH' } });
  });

  it('refuses segments that do not use the declared separators, naming the segment', () => {
    const problems = expectProblems(parseEdifactInvoice(edi.replace('BGM+380+EXF-0001+9', 'BGM|380|EXF-0001|9')));
    expect(problems[0]).toMatchObject({ code: 'edifact.syntax', path: 'segment 3' });
    expect(problems[0]?.message).toMatch(/no valid tag/);
    expect(expectProblems(parseEdifactInvoice("UNA:+.?'"))[0]).toMatchObject({ path: 'UNA' });
    expect(expectProblems(parseEdifactInvoice("UNA::.? '"))[0]?.message).toMatch(/must differ/);
    expect(expectProblems(parseEdifactInvoice(edi.replace(/'\n$/, '')))[0]?.message).toMatch(/not ended by the segment terminator/);
  });

  it('names missing required data by segment', () => {
    expect(expectProblems(parseEdifactInvoice(edi.replace('BGM+380+EXF-0001+9', 'BGM+380++9')))).toEqual([
      expect.objectContaining({ code: 'edifact.missing', path: 'BGM02' }),
    ]);
    expect(expectProblems(parseEdifactInvoice(recount(edi.replace("MOA+79:150.00'\n", ''))))).toEqual([
      expect.objectContaining({ code: 'edifact.missing', path: 'MOA+79' }),
    ]);
    expect(expectProblems(parseEdifactInvoice(recount(edi.replace("PRI+AAA:15.00'\n", ''))))).toEqual([expect.objectContaining({ path: 'LIN[2]/PRI+AAA' })]);
    expect(expectProblems(parseEdifactInvoice(edi.replace('MOA+203:30.00', 'MOA+203:30,00')))[0]).toMatchObject({
      code: 'edifact.invalid',
      path: 'LIN[2]/MOA+203',
    });
    expect(expectProblems(parseEdifactInvoice(edi.replace('DTM+137:20240301:102', 'DTM+137:01032024:102')))[0]).toMatchObject({ path: 'DTM+137' });
  });

  it('refuses a broken envelope and other messages', () => {
    expect(expectProblems(parseEdifactInvoice(recount(edi).replace(/UNT\+\d+/, 'UNT+7')))[0]).toMatchObject({ code: 'edifact.invalid', path: 'UNT01' });
    expect(expectProblems(parseEdifactInvoice(edi.replace('UNZ+1+EXF905', 'UNZ+1+OTHER')))[0]).toMatchObject({ path: 'UNZ02' });
    expect(expectProblems(parseEdifactInvoice(edi.replace('INVOIC:D:96A:UN', 'ORDERS:D:96A:UN')))[0]).toMatchObject({
      code: 'edifact.notInvoice',
      path: 'UNH02',
    });
    expect(expectProblems(parseEdifactInvoice(recount(edi.replace('CNT+2:2', 'CNT+2:3'))))[0]).toMatchObject({ path: 'CNT+2' });
    expect(expectProblems(parseEdifactInvoice(edi, { maxBytes: 100 }))[0]?.code).toBe('edifact.tooLarge');
    expect(expectProblems(parseEdifactInvoice(fixture('x12-810-invoice.edi')))[0]).toMatchObject({ code: 'edifact.syntax' });
  });
});
