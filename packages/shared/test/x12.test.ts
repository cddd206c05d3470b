import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseX12Invoice, type IntakeResult, type Invoice } from '../src/index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');
const invoiceEdi = fixture('x12-810-invoice.edi');

function expectInvoice(result: IntakeResult): Invoice {
  if (!result.ok) throw new Error(`expected an invoice, got ${JSON.stringify(result.problems, null, 2)}`);
  return result.invoice;
}
function expectProblems(result: IntakeResult) {
  if (result.ok) throw new Error('expected the interchange to be refused');
  return result.problems;
}
/** Re-counts SE01 after a test edits the segments, so only the edit under test is wrong. */
function recount(edi: string): string {
  const segments = edi.split('~');
  const st = segments.findIndex((s) => s.trim().startsWith('ST*'));
  const se = segments.findIndex((s) => s.trim().startsWith('SE*'));
  segments[se] = segments[se]!.replace(/SE\*\d+/, `SE*${se - st + 1}`);
  return segments.join('~');
}

describe('parseX12Invoice (ANSI X12 810, 004010)', () => {
  it('maps BIG, N1 loops, IT1 lines, TDS, TXI and SAC, with exact totals', () => {
    const result = parseX12Invoice(invoiceEdi);
    const invoice = expectInvoice(result);
    expect(result.ok && result.warnings).toEqual([]);
    expect(invoice).toEqual({
      documentType: 'invoice',
      typeCode: '380',
      invoiceNumber: 'EXF-0001',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      supplier: { id: 'SUP-42', name: 'Mueller Trading', taxId: 'DE123456789', country: 'DE' },
      buyer: { name: 'Exflow Buyer B.V.', country: 'NL' },
      poNumber: 'PO-4711',
      netTotal: '160.00',
      taxTotal: '30.40',
      grossTotal: '190.40',
      payableAmount: '190.40',
      lineNetTotal: '150',
      chargeTotal: '10',
      allowanceCharges: [{ kind: 'charge', amount: '10.00', reasonCode: 'D240', reason: 'Freight' }],
      lines: [
        {
          lineId: '1',
          description: 'Widget 12-pack',
          quantity: '24',
          unitCode: 'EA',
          unitPrice: '5',
          netAmount: '120',
          taxRate: '19',
          taxAmount: '22.80',
          poLineRef: '10',
        },
        {
          lineId: '2',
          description: 'Installation',
          quantity: '2',
          unitCode: 'HR',
          unitPrice: '15.00',
          netAmount: '30',
          taxRate: '19',
          taxAmount: '5.70',
          poLineRef: '20',
        },
      ],
    });
  });

  it('reads a credit memo (BIG07 CR) with the invoice it credits, on one line without line breaks', () => {
    const invoice = expectInvoice(parseX12Invoice(fixture('x12-810-creditmemo.edi')));
    expect(invoice).toMatchObject({
      documentType: 'creditNote',
      typeCode: '381',
      invoiceNumber: 'EXF-CN-0001',
      precedingInvoiceNumber: 'EXF-0001',
      grossTotal: '35.70',
      taxTotal: '5.70',
      netTotal: '30.00',
    });
  });

  it('reads the separators from ISA, whatever they are', () => {
    const swapped = invoiceEdi.replace(/\*/g, '|').replace(/~/g, '\u001c').replace('|>\u001c', '|^\u001c');
    const invoice = expectInvoice(parseX12Invoice(swapped));
    expect(invoice.grossTotal).toBe('190.40');
    expect(invoice.lines).toHaveLength(2);
  });

  it('refuses segments that do not use the separators ISA declares, naming the segment', () => {
    const wrong = invoiceEdi.replace('BIG*20240301*EXF-0001**PO-4711', 'BIG|20240301|EXF-0001||PO-4711');
    const problems = expectProblems(parseX12Invoice(wrong));
    expect(problems[0]).toMatchObject({ code: 'x12.syntax', path: 'segment 4' });
    expect(problems[0]?.message).toMatch(/no valid segment ID. Elements must be separated by "\*"/);
    const shortIsa = invoiceEdi.replace('EXFSUPPLIER    ', 'EXFSUPPLIER');
    expect(expectProblems(parseX12Invoice(shortIsa))[0]).toMatchObject({ code: 'x12.syntax', path: 'ISA' });
    expect(expectProblems(parseX12Invoice("UNA:+.? 'UNB+UNOC:3'"))[0]?.message).toMatch(/starts with the ISA header/);
  });

  it('names a missing invoice number as BIG02', () => {
    const problems = expectProblems(parseX12Invoice(invoiceEdi.replace('BIG*20240301*EXF-0001*', 'BIG*20240301**')));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'x12.missing', path: 'BIG02', message: 'BIG02 (invoice number) is missing: every invoice has a number.' }),
    ]);
  });

  it('names bad line values, a bad implied-decimal total and a bad date', () => {
    const edited = invoiceEdi.replace('IT1*2*2*HR*15.00', 'IT1*2*2*HR*15,00').replace('TDS*19040', 'TDS*190.40').replace('BIG*20240301', 'BIG*20240230');
    const problems = expectProblems(parseX12Invoice(edited));
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['x12.invalid', 'BIG01'],
      ['x12.invalid', 'IT1[2]/IT104'],
      ['x12.invalid', 'TDS01'],
    ]);
  });

  it('refuses a truncated or altered envelope: SE01, CTT01, control numbers, a second ST, not an 810', () => {
    expect(expectProblems(parseX12Invoice(invoiceEdi.replace('SE*20*0001', 'SE*19*0001')))[0]).toMatchObject({ code: 'x12.invalid', path: 'SE01' });
    expect(expectProblems(parseX12Invoice(recount(invoiceEdi.replace('CTT*2', 'CTT*3'))))[0]).toMatchObject({ path: 'CTT01' });
    expect(expectProblems(parseX12Invoice(invoiceEdi.replace('IEA*1*000000905', 'IEA*1*000000999')))[0]).toMatchObject({ path: 'IEA02' });
    expect(expectProblems(parseX12Invoice(invoiceEdi.replace('ST*810*0001', 'ST*850*0001').replace('GS*IN', 'GS*PO'))).map((p) => p.path)).toEqual([
      'GS01',
      'ST01',
    ]);
    const twice = invoiceEdi.replace('CTT*2~', 'CTT*2~\nST*810*0003~');
    expect(expectProblems(parseX12Invoice(twice))[0]).toMatchObject({ path: 'ST', message: expect.stringMatching(/occurs 2 times/) });
    expect(expectProblems(parseX12Invoice(invoiceEdi.replace(/N1\*SE[^~]*~/, '')))).toEqual([expect.objectContaining({ code: 'x12.invalid', path: 'SE01' })]);
    expect(expectProblems(parseX12Invoice(recount(invoiceEdi.replace(/N1\*SE[^~]*~/, '')))).map((p) => p.path)).toEqual(['N1*SE/N102']);
  });

  it('refuses oversized input without reading it, and warns when CUR is absent', () => {
    expect(expectProblems(parseX12Invoice(invoiceEdi, { maxBytes: 100 }))[0]?.code).toBe('x12.tooLarge');
    const result = parseX12Invoice(recount(invoiceEdi.replace('CUR*SE*EUR~\n', '')));
    expect(expectInvoice(result).currency).toBe('USD');
    expect(result.ok && result.warnings[0]).toMatch(/CUR is missing/);
  });
});
